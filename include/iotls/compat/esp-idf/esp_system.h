/*
 * esp_system.h (iotls) — restart, heap figures, reset reason, random.
 * esp_restart() ends the program (exit status 0) with a log line; the heap
 * figures are the process's (mallinfo2), not a chip's.
 */
#ifndef IOTLS_ESPIDF_ESP_SYSTEM_H
#define IOTLS_ESPIDF_ESP_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_random.h"
#include "sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ESP_RST_UNKNOWN,
    ESP_RST_POWERON,
    ESP_RST_EXT,
    ESP_RST_SW,
    ESP_RST_PANIC,
    ESP_RST_INT_WDT,
    ESP_RST_TASK_WDT,
    ESP_RST_WDT,
    ESP_RST_DEEPSLEEP,
    ESP_RST_BROWNOUT,
    ESP_RST_SDIO,
} esp_reset_reason_t;

void esp_restart(void) __attribute__((noreturn));
esp_reset_reason_t esp_reset_reason(void);
uint32_t esp_get_free_heap_size(void);
uint32_t esp_get_free_internal_heap_size(void);
uint32_t esp_get_minimum_free_heap_size(void);
const char *esp_get_idf_version(void);

#ifdef __cplusplus
}
#endif
#endif
