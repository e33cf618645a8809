/*
 * esp_event.h (iotls) — the default event loop: handlers registered by
 * base and id run on one event task (a thread), in posting order, as on
 * ESP-IDF. The host network posts WIFI_EVENT / IP_EVENT as a station that
 * connects at once (esp_wifi.h, protocol_examples_common.h).
 */
#ifndef IOTLS_ESPIDF_ESP_EVENT_H
#define IOTLS_ESPIDF_ESP_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "freertos/FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef const char *esp_event_base_t;
typedef void *esp_event_loop_handle_t;
typedef void (*esp_event_handler_t)(void *handler_arg, esp_event_base_t base, int32_t id,
                                    void *event_data);
typedef void *esp_event_handler_instance_t;

#define ESP_EVENT_ANY_BASE NULL
#define ESP_EVENT_ANY_ID -1
#define ESP_EVENT_DECLARE_BASE(id) extern esp_event_base_t const id
#define ESP_EVENT_DEFINE_BASE(id) esp_event_base_t const id = #id

esp_err_t esp_event_loop_create_default(void);
esp_err_t esp_event_loop_delete_default(void);
esp_err_t esp_event_handler_register(esp_event_base_t base, int32_t id, esp_event_handler_t handler,
                                     void *arg);
esp_err_t esp_event_handler_unregister(esp_event_base_t base, int32_t id,
                                       esp_event_handler_t handler);
esp_err_t esp_event_handler_instance_register(esp_event_base_t base, int32_t id,
                                              esp_event_handler_t handler, void *arg,
                                              esp_event_handler_instance_t *instance);
esp_err_t esp_event_handler_instance_unregister(esp_event_base_t base, int32_t id,
                                                esp_event_handler_instance_t instance);
/* Copies event_data (data_size bytes) and queues the event. */
esp_err_t esp_event_post(esp_event_base_t base, int32_t id, const void *event_data,
                         size_t data_size, TickType_t ticks_to_wait);

#ifdef __cplusplus
}
#endif
#endif
