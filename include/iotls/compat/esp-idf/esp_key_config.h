/* esp_key_config.h (iotls) — where a private key comes from. Only
 * ESP_KEY_SOURCE_BUFFER exists on a PC (PSA keys are refused clearly). */
#ifndef IOTLS_ESPIDF_ESP_KEY_CONFIG_H
#define IOTLS_ESPIDF_ESP_KEY_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ESP_KEY_FORMAT_AUTO = 0,
    ESP_KEY_FORMAT_PEM,
    ESP_KEY_FORMAT_DER,
    ESP_KEY_FORMAT_RAW,
} esp_key_format_t;

typedef enum {
    ESP_KEY_SOURCE_NONE = 0,
    ESP_KEY_SOURCE_BUFFER,
    ESP_KEY_SOURCE_PSA,
} esp_key_source_t;

typedef struct esp_key_config {
    esp_key_source_t source;
    union {
        struct {
            const void *data;
            size_t len; /* 0 for a NUL-terminated PEM */
            const char *password;
            size_t password_len;
            esp_key_format_t format;
        } buffer;
        struct {
            uint32_t key_id;
        } psa;
    };
} esp_key_config_t;

#ifdef __cplusplus
}
#endif
#endif
