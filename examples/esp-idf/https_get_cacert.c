/* An ESP-IDF program in the shape of Espressif's https_request example:
 * HTTPS GET with a CA certificate embedded in the firmware, the response
 * read until the server closes. Built for a PC against libiotls-espidf;
 * the URL comes from CONFIG_EXAMPLE_URL (-D at build time) or the
 * IOTLS_ESPIDF_HOSTS mapping of its default name. */
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_system.h"
#include "esp_tls.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#ifndef CONFIG_EXAMPLE_URL
#define CONFIG_EXAMPLE_URL "https://localhost/hello.txt"
#endif
#ifndef CONFIG_EXAMPLE_PATH
#define CONFIG_EXAMPLE_PATH "/hello.txt"
#endif

static const char *TAG = "https_get";

extern const uint8_t server_root_cert_pem_start[] asm("_binary_server_root_cert_pem_start");
extern const uint8_t server_root_cert_pem_end[] asm("_binary_server_root_cert_pem_end");

static const char REQUEST[] = "GET " CONFIG_EXAMPLE_PATH " HTTP/1.1\r\nHost: localhost\r\n"
                              "User-Agent: esp-idf/1.0 esp32\r\nConnection: close\r\n\r\n";

static void https_get_task(void *arg)
{
    esp_tls_cfg_t cfg = {
        .cacert_buf = server_root_cert_pem_start,
        .cacert_bytes = server_root_cert_pem_end - server_root_cert_pem_start,
        .timeout_ms = 5000,
    };
    esp_tls_t *tls = esp_tls_init();
    if (esp_tls_conn_http_new_sync(CONFIG_EXAMPLE_URL, &cfg, tls) != 1) {
        esp_tls_error_handle_t h;
        int code = 0, flags = 0;
        esp_tls_get_error_handle(tls, &h);
        esp_err_t last = esp_tls_get_and_clear_last_error(h, &code, &flags);
        ESP_LOGE(TAG, "Connection failed: %s (0x%x), code -0x%x, flags 0x%x", esp_err_to_name(last),
                 last, -code, flags);
        ESP_LOGE(TAG, "reason: %s", esp_tls_get_error_text(tls));
        esp_tls_conn_destroy(tls);
        vTaskDelete(NULL);
    }
    ESP_LOGI(TAG, "Connection established...");
    size_t written = 0;
    while (written < strlen(REQUEST)) {
        ssize_t ret = esp_tls_conn_write(tls, REQUEST + written, strlen(REQUEST) - written);
        if (ret >= 0) {
            written += (size_t)ret;
        } else if (ret != ESP_TLS_ERR_SSL_WANT_READ && ret != ESP_TLS_ERR_SSL_WANT_WRITE) {
            ESP_LOGE(TAG, "esp_tls_conn_write returned -0x%x", (unsigned)-ret);
            goto exit;
        }
    }
    ESP_LOGI(TAG, "Reading HTTP response...");
    char buf[512];
    size_t total = 0;
    for (;;) {
        ssize_t ret = esp_tls_conn_read(tls, buf, sizeof buf - 1);
        if (ret == ESP_TLS_ERR_SSL_WANT_READ || ret == ESP_TLS_ERR_SSL_WANT_WRITE)
            continue;
        if (ret < 0) {
            ESP_LOGE(TAG, "esp_tls_conn_read returned -0x%x", (unsigned)-ret);
            break;
        }
        if (ret == 0) {
            ESP_LOGI(TAG, "connection closed");
            break;
        }
        buf[ret] = '\0';
        total += (size_t)ret;
        fwrite(buf, 1, (size_t)ret, stdout);
    }
    ESP_LOGI(TAG, "%u bytes of response", (unsigned)total);
exit:
    esp_tls_conn_destroy(tls);
    vTaskDelete(NULL);
}

void app_main(void)
{
    ESP_ERROR_CHECK(nvs_flash_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());
    xTaskCreate(&https_get_task, "https_get_task", 8192, NULL, 5, NULL);
}
