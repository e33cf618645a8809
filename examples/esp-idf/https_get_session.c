/* An ESP-IDF client in the shape of Espressif's https_request session
 * example: the CA goes into the global CA store, a first GET saves the TLS
 * session, a second GET offers it (no public-key work when the server
 * resumes it). The URL is CONFIG_EXAMPLE_URL (IOTLS_ESPIDF_HOSTS maps its
 * name to a test server on a PC). */
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#ifndef CONFIG_EXAMPLE_URL
#define CONFIG_EXAMPLE_URL "https://localhost/"
#endif

static const char *TAG = "https_session";
static const char REQUEST[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";

extern const uint8_t server_root_cert_pem_start[] asm("_binary_server_root_cert_pem_start");
extern const uint8_t server_root_cert_pem_end[] asm("_binary_server_root_cert_pem_end");

static esp_tls_client_session_t *saved;

static void get(esp_tls_cfg_t *cfg, const char *label)
{
    esp_tls_t *tls = esp_tls_init();
    if (esp_tls_conn_http_new_sync(CONFIG_EXAMPLE_URL, cfg, tls) != 1) {
        ESP_LOGE(TAG, "%s: connection failed: %s", label, esp_tls_get_error_text(tls));
        esp_tls_conn_destroy(tls);
        return;
    }
    ESP_LOGI(TAG, "%s: connected", label);
    if (saved == NULL)
        saved = esp_tls_get_client_session(tls);
    for (size_t done = 0; done < strlen(REQUEST);) {
        ssize_t n = esp_tls_conn_write(tls, REQUEST + done, strlen(REQUEST) - done);
        if (n < 0 && n != ESP_TLS_ERR_SSL_WANT_WRITE && n != ESP_TLS_ERR_SSL_WANT_READ)
            break;
        if (n > 0)
            done += (size_t)n;
    }
    char buf[1024];
    ssize_t n;
    size_t total = 0;
    while ((n = esp_tls_conn_read(tls, buf, sizeof buf - 1)) != 0) {
        if (n == ESP_TLS_ERR_SSL_WANT_READ)
            continue;
        if (n < 0)
            break;
        buf[n] = '\0';
        fputs(buf, stdout);
        total += (size_t)n;
    }
    ESP_LOGI(TAG, "%s: %u bytes", label, (unsigned)total);
    esp_tls_conn_destroy(tls);
}

static void session_task(void *arg)
{
    ESP_ERROR_CHECK(esp_tls_set_global_ca_store(
        server_root_cert_pem_start, server_root_cert_pem_end - server_root_cert_pem_start));
    esp_tls_cfg_t first = {.use_global_ca_store = true};
    get(&first, "first");
    if (saved != NULL) {
        esp_tls_cfg_t again = {.use_global_ca_store = true, .client_session = saved};
        get(&again, "second (saved session)");
        esp_tls_free_client_session(saved);
    }
    esp_tls_free_global_ca_store();
    vTaskDelete(NULL);
}

void app_main(void)
{
    ESP_ERROR_CHECK(nvs_flash_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());
    xTaskCreate(session_task, "session_task", 8192, NULL, 5, NULL);
}
