/* An ESP-IDF HTTPS server in the shape of seed 002's REST API and
 * Espressif's https_server example: GET /hello?name=x, POST /echo (the
 * body back), PUT /api/led (JSON state), GET /api/status, optional client
 * certificates, all through esp_https_server on iotls. Certificates are
 * embedded at build time (build/espidf-pki, made by iotls cert). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esp_event.h"
#include "esp_https_server.h"
#include "esp_log.h"
#include "esp_system.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

static const char *TAG = "https_server";
static int led_state;
static unsigned requests;

extern const unsigned char servercert_start[] asm("_binary_servercert_pem_start");
extern const unsigned char servercert_end[] asm("_binary_servercert_pem_end");
extern const unsigned char prvtkey_start[] asm("_binary_prvtkey_pem_start");
extern const unsigned char prvtkey_end[] asm("_binary_prvtkey_pem_end");
extern const unsigned char cacert_start[] asm("_binary_server_root_cert_pem_start");
extern const unsigned char cacert_end[] asm("_binary_server_root_cert_pem_end");

static esp_err_t hello_get_handler(httpd_req_t *req)
{
    char query[128], name[32] = "world", agent[64] = "";
    if (httpd_req_get_url_query_str(req, query, sizeof query) == ESP_OK)
        httpd_query_key_value(query, "name", name, sizeof name);
    httpd_req_get_hdr_value_str(req, "User-Agent", agent, sizeof agent);
    char body[160];
    snprintf(body, sizeof body, "Hello %s (%s)\n", name, agent);
    httpd_resp_set_type(req, "text/plain");
    httpd_resp_set_hdr(req, "X-Served-By", "esp_https_server on iotls");
    requests++;
    return httpd_resp_sendstr(req, body);
}

static esp_err_t echo_post_handler(httpd_req_t *req)
{
    char buf[256];
    int ret;
    httpd_resp_set_type(req, "application/octet-stream");
    while ((ret = httpd_req_recv(req, buf, sizeof buf)) > 0)
        httpd_resp_send_chunk(req, buf, ret);
    requests++;
    return ret < 0 ? ESP_FAIL : httpd_resp_send_chunk(req, NULL, 0);
}

static esp_err_t led_put_handler(httpd_req_t *req)
{
    char buf[64] = "";
    int len = httpd_req_recv(req, buf, sizeof buf - 1);
    if (len <= 0 || strstr(buf, "\"on\"") == NULL)
        return httpd_resp_send_err(req, HTTPD_400_BAD_REQUEST, "expected {\"on\": true|false}\n");
    led_state = strstr(buf, "true") != NULL;
    ESP_LOGI(TAG, "LED %s", led_state ? "on" : "off");
    requests++;
    httpd_resp_set_type(req, HTTPD_TYPE_JSON);
    return httpd_resp_sendstr(req, led_state ? "{\"on\":true}\n" : "{\"on\":false}\n");
}

static esp_err_t status_get_handler(httpd_req_t *req)
{
    char body[128];
    snprintf(body, sizeof body, "{\"led\":%s,\"requests\":%u}\n", led_state ? "true" : "false",
             requests);
    httpd_resp_set_type(req, HTTPD_TYPE_JSON);
    return httpd_resp_sendstr(req, body);
}

/* Ends the connection after this answer (httpd_sess_trigger_close). */
static esp_err_t bye_get_handler(httpd_req_t *req)
{
    httpd_sess_trigger_close(req->handle, httpd_req_to_sockfd(req));
    return httpd_resp_sendstr(req, "bye\n");
}

/* Counts requests per connection in the session context. */
static esp_err_t visits_get_handler(httpd_req_t *req)
{
    if (req->sess_ctx == NULL) {
        req->sess_ctx = calloc(1, sizeof(unsigned));
        req->free_ctx = free;
    }
    unsigned *visits = req->sess_ctx;
    char body[48];
    snprintf(body, sizeof body, "visit %u on this connection\n", ++*visits);
    return httpd_resp_sendstr(req, body);
}

static void queued_work(void *arg)
{
    ESP_LOGI(TAG, "queued work ran on the server task (%s)", (const char *)arg);
}

static const httpd_uri_t handlers[] = {
    {.uri = "/bye", .method = HTTP_GET, .handler = bye_get_handler},
    {.uri = "/visits", .method = HTTP_GET, .handler = visits_get_handler},
    {.uri = "/hello", .method = HTTP_GET, .handler = hello_get_handler},
    {.uri = "/echo", .method = HTTP_POST, .handler = echo_post_handler},
    {.uri = "/api/led", .method = HTTP_PUT, .handler = led_put_handler},
    {.uri = "/api/status", .method = HTTP_GET, .handler = status_get_handler},
};

void app_main(void)
{
    ESP_ERROR_CHECK(nvs_flash_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());

    httpd_ssl_config_t conf = HTTPD_SSL_CONFIG_DEFAULT();
    conf.servercert = servercert_start;
    conf.servercert_len = servercert_end - servercert_start;
    conf.prvtkey_pem = prvtkey_start;
    conf.prvtkey_len = prvtkey_end - prvtkey_start;
    conf.port_secure = 8443;
#ifdef CONFIG_EXAMPLE_CLIENT_CERT
    conf.cacert_pem = cacert_start; /* client certificates from this CA */
    conf.cacert_len = cacert_end - cacert_start;
#ifdef CONFIG_EXAMPLE_CLIENT_CERT_OPTIONAL
    conf.client_cert_authmode_optional = true;
#endif
#endif
    httpd_handle_t server = NULL;
    ESP_ERROR_CHECK(httpd_ssl_start(&server, &conf));
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        ESP_ERROR_CHECK(httpd_register_uri_handler(server, &handlers[i]));
    ESP_ERROR_CHECK(httpd_queue_work(server, queued_work, "from app_main"));
    ESP_LOGI(TAG, "serving");
    for (;;)
        sleep(5); /* the server task does the work; stopped by a signal */
}
