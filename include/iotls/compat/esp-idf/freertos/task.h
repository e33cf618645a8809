/*
 * freertos/task.h (iotls) — tasks are POSIX threads. Priorities and core
 * affinity are recorded, not enforced; a task's stack is the thread's
 * (at least the size asked for). The program ends when app_main() has
 * returned and every task has ended (vTaskDelete, or returning from the
 * task function, which FreeRTOS forbids and which is logged here).
 */
#ifndef IOTLS_ESPIDF_FREERTOS_TASK_H
#define IOTLS_ESPIDF_FREERTOS_TASK_H

#include "freertos/FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iotls_rtos_task *TaskHandle_t;
typedef void (*TaskFunction_t)(void *);

BaseType_t xTaskCreate(TaskFunction_t fn, const char *name, uint32_t stack_depth, void *arg,
                       UBaseType_t priority, TaskHandle_t *created);
BaseType_t xTaskCreatePinnedToCore(TaskFunction_t fn, const char *name, uint32_t stack_depth,
                                   void *arg, UBaseType_t priority, TaskHandle_t *created,
                                   BaseType_t core);
/* NULL = the calling task. Deleting another running task is not supported
 * on threads (logged, ignored). */
void vTaskDelete(TaskHandle_t task);
void vTaskDelay(TickType_t ticks);
void vTaskDelayUntil(TickType_t *previous_wake, TickType_t increment);
BaseType_t xTaskDelayUntil(TickType_t *previous_wake, TickType_t increment);
TickType_t xTaskGetTickCount(void);
TickType_t xTaskGetTickCountFromISR(void);
TaskHandle_t xTaskGetCurrentTaskHandle(void);
char *pcTaskGetName(TaskHandle_t task);
#define pcTaskGetTaskName pcTaskGetName
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t task);
UBaseType_t uxTaskPriorityGet(TaskHandle_t task);
void vTaskPrioritySet(TaskHandle_t task, UBaseType_t priority);
void vTaskSuspend(TaskHandle_t task);
void vTaskResume(TaskHandle_t task);
UBaseType_t uxTaskGetNumberOfTasks(void);
void taskYIELD(void);

/* Direct-to-task notifications (the counting form). */
BaseType_t xTaskNotifyGive(TaskHandle_t task);
uint32_t ulTaskNotifyTake(BaseType_t clear_on_exit, TickType_t ticks);

#ifdef __cplusplus
}
#endif
#endif
