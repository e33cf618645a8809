/* A mutual-TLS ESP-IDF client: the device's certificate and key are
 * embedded in the firmware (client_cert.pem, client_key.pem) and sent when
 * the server asks; the answer of CONFIG_EXAMPLE_URL is printed. */
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#ifndef CONFIG_EXAMPLE_URL
#define CONFIG_EXAMPLE_URL "https://localhost/api/whoami"
#endif

static const char *TAG = "https_mtls";
static const char REQUEST[] = "GET /api/whoami HTTP/1.1\r\nHost: localhost\r\nConnection: "
                              "close\r\n\r\n";

extern const uint8_t server_root_cert_pem_start[] asm("_binary_server_root_cert_pem_start");
extern const uint8_t server_root_cert_pem_end[] asm("_binary_server_root_cert_pem_end");
extern const uint8_t client_cert_pem_start[] asm("_binary_client_cert_pem_start");
extern const uint8_t client_cert_pem_end[] asm("_binary_client_cert_pem_end");
extern const uint8_t client_key_pem_start[] asm("_binary_client_key_pem_start");
extern const uint8_t client_key_pem_end[] asm("_binary_client_key_pem_end");

static void mtls_task(void *arg)
{
    esp_tls_cfg_t cfg = {
        .cacert_buf = server_root_cert_pem_start,
        .cacert_bytes = server_root_cert_pem_end - server_root_cert_pem_start,
        .clientcert_buf = client_cert_pem_start,
        .clientcert_bytes = client_cert_pem_end - client_cert_pem_start,
        .clientkey_buf = client_key_pem_start,
        .clientkey_bytes = client_key_pem_end - client_key_pem_start,
    };
    esp_tls_t *tls = esp_tls_conn_http_new(CONFIG_EXAMPLE_URL, &cfg); /* the 4.x form */
    if (tls == NULL) {
        ESP_LOGE(TAG, "connection failed");
        vTaskDelete(NULL);
    }
    esp_tls_conn_write(tls, REQUEST, strlen(REQUEST));
    char buf[512];
    ssize_t n;
    while ((n = esp_tls_conn_read(tls, buf, sizeof buf - 1)) > 0 ||
           n == ESP_TLS_ERR_SSL_WANT_READ) {
        if (n > 0) {
            buf[n] = '\0';
            fputs(buf, stdout);
        }
    }
    ESP_LOGI(TAG, "done");
    esp_tls_conn_delete(tls);
    vTaskDelete(NULL);
}

void app_main(void)
{
    ESP_ERROR_CHECK(nvs_flash_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());
    xTaskCreate(mtls_task, "mtls_task", 8192, NULL, 5, NULL);
}
