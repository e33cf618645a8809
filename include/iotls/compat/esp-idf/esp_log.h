/*
 * esp_log.h (iotls host build of ESP-IDF programs) — ESP_LOGx as on the
 * chip: "I (1234) tag: message" lines on stdout, with a per-tag level
 * (esp_log_level_set). The default level is INFO, or the value of
 * CONFIG_LOG_DEFAULT_LEVEL; $IOTLS_ESPIDF_LOG_LEVEL (0-5) overrides it.
 */
#ifndef IOTLS_ESPIDF_ESP_LOG_H
#define IOTLS_ESPIDF_ESP_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ESP_LOG_NONE,
    ESP_LOG_ERROR,
    ESP_LOG_WARN,
    ESP_LOG_INFO,
    ESP_LOG_DEBUG,
    ESP_LOG_VERBOSE
} esp_log_level_t;

void esp_log_level_set(const char *tag, esp_log_level_t level);
esp_log_level_t esp_log_level_get(const char *tag);
/* Milliseconds since the program started. */
uint32_t esp_log_timestamp(void);
void esp_log_write(esp_log_level_t level, const char *tag, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
void esp_log_buffer_hex_internal(const char *tag, const void *buffer, uint16_t buff_len,
                                 esp_log_level_t level);
void esp_log_buffer_char_internal(const char *tag, const void *buffer, uint16_t buff_len,
                                  esp_log_level_t level);
void esp_log_buffer_hexdump_internal(const char *tag, const void *buffer, uint16_t buff_len,
                                     esp_log_level_t level);

#define IOTLS_ESP_LOG_(level, letter, tag, format, ...)                                            \
    esp_log_write(level, tag, #letter " (%u) %s: " format "\n", (unsigned)esp_log_timestamp(),     \
                  tag, ##__VA_ARGS__)

#define ESP_LOGE(tag, format, ...) IOTLS_ESP_LOG_(ESP_LOG_ERROR, E, tag, format, ##__VA_ARGS__)
#define ESP_LOGW(tag, format, ...) IOTLS_ESP_LOG_(ESP_LOG_WARN, W, tag, format, ##__VA_ARGS__)
#define ESP_LOGI(tag, format, ...) IOTLS_ESP_LOG_(ESP_LOG_INFO, I, tag, format, ##__VA_ARGS__)
#define ESP_LOGD(tag, format, ...) IOTLS_ESP_LOG_(ESP_LOG_DEBUG, D, tag, format, ##__VA_ARGS__)
#define ESP_LOGV(tag, format, ...) IOTLS_ESP_LOG_(ESP_LOG_VERBOSE, V, tag, format, ##__VA_ARGS__)
#define ESP_EARLY_LOGE ESP_LOGE
#define ESP_EARLY_LOGW ESP_LOGW
#define ESP_EARLY_LOGI ESP_LOGI
#define ESP_EARLY_LOGD ESP_LOGD
#define ESP_EARLY_LOGV ESP_LOGV
#define ESP_LOG_LEVEL(level, tag, format, ...)                                                     \
    esp_log_write(level, tag, "%s: " format "\n", tag, ##__VA_ARGS__)

#define ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, len, level)                                          \
    esp_log_buffer_hex_internal(tag, buffer, len, level)
#define ESP_LOG_BUFFER_CHAR_LEVEL(tag, buffer, len, level)                                         \
    esp_log_buffer_char_internal(tag, buffer, len, level)
#define ESP_LOG_BUFFER_HEXDUMP(tag, buffer, len, level)                                            \
    esp_log_buffer_hexdump_internal(tag, buffer, len, level)
#define ESP_LOG_BUFFER_HEX(tag, buffer, len)                                                       \
    ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, len, ESP_LOG_INFO)
#define ESP_LOG_BUFFER_CHAR(tag, buffer, len)                                                      \
    ESP_LOG_BUFFER_CHAR_LEVEL(tag, buffer, len, ESP_LOG_INFO)

#ifdef __cplusplus
}
#endif
#endif
