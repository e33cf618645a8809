/*
 * freertos/FreeRTOS.h (iotls host build of ESP-IDF programs) — FreeRTOS
 * types and constants for tasks that are POSIX threads here. One tick is
 * one millisecond (configTICK_RATE_HZ 1000).
 */
#ifndef IOTLS_ESPIDF_FREERTOS_H
#define IOTLS_ESPIDF_FREERTOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t TickType_t;
typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef uint32_t StackType_t;

#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
#define pdFAIL pdFALSE
#define pdPASS pdTRUE
#define errQUEUE_EMPTY ((BaseType_t)0)
#define errQUEUE_FULL ((BaseType_t)0)

#define configTICK_RATE_HZ CONFIG_FREERTOS_HZ
#define configMAX_PRIORITIES 25
#define configMINIMAL_STACK_SIZE 768
#define portMAX_DELAY ((TickType_t)0xffffffffUL)
#define portTICK_PERIOD_MS ((TickType_t)1000 / configTICK_RATE_HZ)
#define portTICK_RATE_MS portTICK_PERIOD_MS
#define pdMS_TO_TICKS(ms) ((TickType_t)(((uint64_t)(ms)*configTICK_RATE_HZ) / 1000U))
#define pdTICKS_TO_MS(t) ((uint32_t)(((uint64_t)(t)*1000U) / configTICK_RATE_HZ))
#define portNUM_PROCESSORS 2
#define tskNO_AFFINITY 0x7FFFFFFF
#define portYIELD() taskYIELD()
#define portYIELD_FROM_ISR(x) ((void)(x))
#define portEND_SWITCHING_ISR(x) ((void)(x))

/* Critical sections: one process-wide recursive lock here. */
typedef struct {
    int unused;
} portMUX_TYPE;
#define portMUX_INITIALIZER_UNLOCKED                                                               \
    {                                                                                              \
        0                                                                                          \
    }
void vPortEnterCritical(portMUX_TYPE *mux);
void vPortExitCritical(portMUX_TYPE *mux);
#define portENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL(mux) vPortExitCritical(mux)
#define taskENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define taskEXIT_CRITICAL(mux) vPortExitCritical(mux)

#ifdef __cplusplus
}
#endif
#endif
