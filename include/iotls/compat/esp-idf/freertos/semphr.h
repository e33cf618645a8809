/*
 * freertos/semphr.h (iotls) — semaphores and mutexes (a counting
 * semaphore with a waiting list, on pthread mutex + condition variable).
 */
#ifndef IOTLS_ESPIDF_FREERTOS_SEMPHR_H
#define IOTLS_ESPIDF_FREERTOS_SEMPHR_H

#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef QueueHandle_t SemaphoreHandle_t;

SemaphoreHandle_t xSemaphoreCreateMutex(void);
SemaphoreHandle_t xSemaphoreCreateRecursiveMutex(void);
SemaphoreHandle_t xSemaphoreCreateBinary(void);
SemaphoreHandle_t xSemaphoreCreateCounting(UBaseType_t max_count, UBaseType_t initial_count);
BaseType_t xSemaphoreTake(SemaphoreHandle_t sem, TickType_t ticks);
BaseType_t xSemaphoreGive(SemaphoreHandle_t sem);
BaseType_t xSemaphoreTakeRecursive(SemaphoreHandle_t sem, TickType_t ticks);
BaseType_t xSemaphoreGiveRecursive(SemaphoreHandle_t sem);
UBaseType_t uxSemaphoreGetCount(SemaphoreHandle_t sem);
void vSemaphoreDelete(SemaphoreHandle_t sem);
#define xSemaphoreGiveFromISR(sem, woken) xSemaphoreGive(sem)
#define xSemaphoreTakeFromISR(sem, woken) xSemaphoreTake(sem, 0)

#ifdef __cplusplus
}
#endif
#endif
