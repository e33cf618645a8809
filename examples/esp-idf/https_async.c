/* A non-blocking ESP-IDF client: esp_tls_conn_http_new_async polled from a
 * task that does other work between polls, then select() on the
 * connection's socket before reading (non_block), as event-driven firmware
 * does. */
#include <string.h>
#include <sys/select.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#ifndef CONFIG_EXAMPLE_URL
#define CONFIG_EXAMPLE_URL "https://localhost/api/status"
#endif

static const char *TAG = "https_async";
static const char REQUEST[] = "GET /api/status HTTP/1.1\r\nHost: localhost\r\nConnection: "
                              "close\r\n\r\n";

extern const uint8_t server_root_cert_pem_start[] asm("_binary_server_root_cert_pem_start");
extern const uint8_t server_root_cert_pem_end[] asm("_binary_server_root_cert_pem_end");

static void async_task(void *arg)
{
    esp_tls_cfg_t cfg = {
        .cacert_buf = server_root_cert_pem_start,
        .cacert_bytes = server_root_cert_pem_end - server_root_cert_pem_start,
        .non_block = true,
        .timeout_ms = 5000,
    };
    esp_tls_t *tls = esp_tls_init();
    int polls = 0, rc;
    while ((rc = esp_tls_conn_http_new_async(CONFIG_EXAMPLE_URL, &cfg, tls)) == 0) {
        polls++; /* other work would go here */
        vTaskDelay(pdMS_TO_TICKS(1));
    }
    if (rc < 0) {
        ESP_LOGE(TAG, "connection failed: %s", esp_tls_get_error_text(tls));
        esp_tls_conn_destroy(tls);
        vTaskDelete(NULL);
    }
    ESP_LOGI(TAG, "connected after %d polls", polls);
    for (size_t done = 0; done < strlen(REQUEST);) {
        ssize_t n = esp_tls_conn_write(tls, REQUEST + done, strlen(REQUEST) - done);
        if (n > 0)
            done += (size_t)n;
        else if (n != ESP_TLS_ERR_SSL_WANT_WRITE && n != ESP_TLS_ERR_SSL_WANT_READ)
            goto out;
    }
    int fd = -1;
    ESP_ERROR_CHECK(esp_tls_get_conn_sockfd(tls, &fd));
    char buf[512];
    for (;;) {
        ssize_t n = esp_tls_conn_read(tls, buf, sizeof buf - 1);
        if (n == ESP_TLS_ERR_SSL_WANT_READ) {
            if (esp_tls_get_bytes_avail(tls) > 0)
                continue;
            fd_set rd;
            FD_ZERO(&rd);
            FD_SET(fd, &rd);
            struct timeval tv = {.tv_sec = 5};
            if (select(fd + 1, &rd, NULL, NULL, &tv) <= 0) {
                ESP_LOGE(TAG, "no answer within 5 s");
                break;
            }
            continue;
        }
        if (n <= 0)
            break;
        buf[n] = '\0';
        fputs(buf, stdout);
    }
    ESP_LOGI(TAG, "done");
out:
    esp_tls_conn_destroy(tls);
    vTaskDelete(NULL);
}

void app_main(void)
{
    ESP_ERROR_CHECK(nvs_flash_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());
    xTaskCreate(async_task, "async_task", 8192, NULL, 5, NULL);
}
