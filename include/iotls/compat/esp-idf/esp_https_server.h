/*
 * esp_https_server.h (iotls) — httpd over TLS: httpd_ssl_start with the
 * server's certificate and key (PEM or DER), and optionally the CA of
 * client certificates (cacert_pem: required, or optional with
 * client_cert_authmode_optional). TLS sessions resume by default (iotls's
 * session cache). The handlers are the httpd ones (esp_http_server.h).
 */
#ifndef IOTLS_ESPIDF_ESP_HTTPS_SERVER_H
#define IOTLS_ESPIDF_ESP_HTTPS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_http_server.h"
#include "esp_key_config.h"
#include "esp_tls.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    HTTPS_SERVER_EVENT_ERROR = 0,
    HTTPS_SERVER_EVENT_START,
    HTTPS_SERVER_EVENT_ON_CONNECTED,
    HTTPS_SERVER_EVENT_ON_DATA,
    HTTPS_SERVER_EVENT_SENT_DATA,
    HTTPS_SERVER_EVENT_DISCONNECTED,
    HTTPS_SERVER_EVENT_STOP,
} esp_https_server_event_id_t;

typedef enum {
    HTTPD_SSL_TRANSPORT_SECURE,
    HTTPD_SSL_TRANSPORT_INSECURE
} httpd_ssl_transport_mode_t;

typedef enum {
    HTTPD_SSL_USER_CB_SESS_CREATE,
    HTTPD_SSL_USER_CB_SESS_CLOSE,
    HTTPD_SSL_USER_CB_SESS_ERROR
} httpd_ssl_user_cb_state_t;

typedef struct esp_https_server_user_cb_arg {
    httpd_ssl_user_cb_state_t user_cb_state;
    esp_tls_t *tls;
} esp_https_server_user_cb_arg_t;

typedef esp_tls_last_error_t esp_https_server_last_error_t;
typedef void esp_https_server_user_cb(esp_https_server_user_cb_arg_t *user_cb);
typedef void *esp_https_server_cert_select_cb;
typedef enum {
    ESP_TLS_ECDSA_CURVE_SECP256R1 = 0,
    ESP_TLS_ECDSA_CURVE_SECP384R1
} esp_tls_ecdsa_curve_t;

struct httpd_ssl_config {
    httpd_config_t httpd;
    const uint8_t *servercert; /* the server's certificate (chain), PEM or DER */
    size_t servercert_len;
    const uint8_t *cacert_pem; /* CA of client certificates: they become required */
    size_t cacert_len;
    bool client_cert_authmode_optional; /* ask for one, accept clients without */
    const uint8_t *prvtkey_pem;
    size_t prvtkey_len;
    const esp_key_config_t *server_key; /* instead of prvtkey_pem */
    bool use_ecdsa_peripheral;          /* hardware only: refused */
    uint8_t ecdsa_key_efuse_blk;
    uint8_t ecdsa_key_efuse_blk_high;
    esp_tls_ecdsa_curve_t ecdsa_curve;
    httpd_ssl_transport_mode_t transport_mode;
    uint16_t port_secure;
    uint16_t port_insecure;
    bool session_tickets;              /* iotls resumes with session IDs; tickets are not offered */
    bool use_secure_element;           /* hardware only: refused */
    esp_https_server_user_cb *user_cb; /* SESS_CREATE after each handshake, SESS_CLOSE */
    void *ssl_userdata;
    esp_https_server_cert_select_cb cert_select_cb; /* refused (mbedTLS hook) */
    const char **alpn_protos;
    uint32_t tls_handshake_timeout_ms;
    esp_tls_proto_ver_t tls_version;
    const int *ciphersuites_list;
};
typedef struct httpd_ssl_config httpd_ssl_config_t;

#define HTTPD_SSL_CONFIG_DEFAULT()                                                                 \
    {                                                                                              \
        .httpd = {.task_priority = 5 + 5,                                                          \
                  .stack_size = 10240,                                                             \
                  .core_id = tskNO_AFFINITY,                                                       \
                  .task_caps = (MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT),                            \
                  .max_req_hdr_len = CONFIG_HTTPD_MAX_REQ_HDR_LEN,                                 \
                  .max_uri_len = CONFIG_HTTPD_MAX_URI_LEN,                                         \
                  .server_port = 0,                                                                \
                  .ctrl_port = ESP_HTTPD_DEF_CTRL_PORT + 1,                                        \
                  .max_open_sockets = 4,                                                           \
                  .max_uri_handlers = 8,                                                           \
                  .max_resp_headers = 8,                                                           \
                  .backlog_conn = 5,                                                               \
                  .lru_purge_enable = true,                                                        \
                  .recv_wait_timeout = 5,                                                          \
                  .send_wait_timeout = 5,                                                          \
                  .global_user_ctx = NULL,                                                         \
                  .global_user_ctx_free_fn = NULL,                                                 \
                  .global_transport_ctx = NULL,                                                    \
                  .global_transport_ctx_free_fn = NULL,                                            \
                  .enable_so_linger = false,                                                       \
                  .linger_timeout = 0,                                                             \
                  .keep_alive_enable = false,                                                      \
                  .keep_alive_idle = 0,                                                            \
                  .keep_alive_interval = 0,                                                        \
                  .keep_alive_count = 0,                                                           \
                  .if_name = NULL,                                                                 \
                  .open_fn = NULL,                                                                 \
                  .close_fn = NULL,                                                                \
                  .uri_match_fn = NULL},                                                           \
        .servercert = NULL, .servercert_len = 0, .cacert_pem = NULL, .cacert_len = 0,              \
        .client_cert_authmode_optional = false, .prvtkey_pem = NULL, .prvtkey_len = 0,             \
        .server_key = NULL, .use_ecdsa_peripheral = false, .ecdsa_key_efuse_blk = 0,               \
        .ecdsa_key_efuse_blk_high = 0, .ecdsa_curve = ESP_TLS_ECDSA_CURVE_SECP256R1,               \
        .transport_mode = HTTPD_SSL_TRANSPORT_SECURE, .port_secure = 443, .port_insecure = 80,     \
        .session_tickets = false, .use_secure_element = false, .user_cb = NULL,                    \
        .ssl_userdata = NULL, .cert_select_cb = NULL, .alpn_protos = NULL,                         \
        .tls_handshake_timeout_ms = 0, .tls_version = ESP_TLS_VER_ANY, .ciphersuites_list = NULL,  \
    }

esp_err_t httpd_ssl_start(httpd_handle_t *handle, httpd_ssl_config_t *config);
esp_err_t httpd_ssl_stop(httpd_handle_t handle);

#ifdef __cplusplus
}
#endif
#endif
