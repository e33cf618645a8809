/*
 * freertos/queue.h (iotls) — fixed-size item queues, copied in and out.
 */
#ifndef IOTLS_ESPIDF_FREERTOS_QUEUE_H
#define IOTLS_ESPIDF_FREERTOS_QUEUE_H

#include "freertos/FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iotls_rtos_queue *QueueHandle_t;

QueueHandle_t xQueueCreate(UBaseType_t length, UBaseType_t item_size);
BaseType_t xQueueSend(QueueHandle_t q, const void *item, TickType_t ticks);
BaseType_t xQueueSendToBack(QueueHandle_t q, const void *item, TickType_t ticks);
BaseType_t xQueueSendToFront(QueueHandle_t q, const void *item, TickType_t ticks);
BaseType_t xQueueOverwrite(QueueHandle_t q, const void *item);
BaseType_t xQueueReceive(QueueHandle_t q, void *item, TickType_t ticks);
BaseType_t xQueuePeek(QueueHandle_t q, void *item, TickType_t ticks);
UBaseType_t uxQueueMessagesWaiting(QueueHandle_t q);
UBaseType_t uxQueueSpacesAvailable(QueueHandle_t q);
BaseType_t xQueueReset(QueueHandle_t q);
void vQueueDelete(QueueHandle_t q);
#define xQueueSendFromISR(q, item, woken) xQueueSend(q, item, 0)
#define xQueueSendToBackFromISR(q, item, woken) xQueueSend(q, item, 0)
#define xQueueReceiveFromISR(q, item, woken) xQueueReceive(q, item, 0)

#ifdef __cplusplus
}
#endif
#endif
