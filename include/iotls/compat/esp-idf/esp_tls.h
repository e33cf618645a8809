/*
 * esp_tls.h (iotls) — ESP-IDF's esp-tls client API on iotls, both API
 * generations (5.x: esp_tls_init + esp_tls_conn_*_sync/_async; 4.x:
 * esp_tls_conn_new / esp_tls_conn_http_new returning the handle).
 *
 * Differences from esp-tls on mbedTLS (docs/esp-idf.md has the full list):
 *  - Verification is required: a configuration with no CA buffer, no global
 *    CA store, no certificate bundle and no client session fails with
 *    ESP_ERR_MBEDTLS_SSL_SETUP_FAILED and a sentence (ESP-IDF 5 does the
 *    same unless CONFIG_ESP_TLS_INSECURE is set; there is no such switch here).
 *  - TLS 1.2 only: tls_version = ESP_TLS_VER_TLS_1_3 fails clearly.
 *  - Hardware-only fields (ds_data, use_secure_element,
 *    use_ecdsa_peripheral) fail with a clear error, never silently.
 *  - esp_tls_get_error_text() gives iotls's sentence for the last failure.
 */
#ifndef IOTLS_ESPIDF_ESP_TLS_H
#define IOTLS_ESPIDF_ESP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "esp_err.h"
#include "esp_tls_errors.h"
#include "sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum esp_tls_conn_state {
    ESP_TLS_INIT = 0,
    ESP_TLS_CONNECTING,
    ESP_TLS_HANDSHAKE,
    ESP_TLS_FAIL,
    ESP_TLS_DONE,
} esp_tls_conn_state_t;

typedef enum esp_tls_role {
    ESP_TLS_CLIENT = 0,
    ESP_TLS_SERVER,
} esp_tls_role_t;

typedef struct psk_key_hint {
    const uint8_t *key;
    const size_t key_size;
    const char *hint;
} psk_hint_key_t;

/* A saved client session: one malloc'd block (programs free() it, or call
 * esp_tls_free_client_session). Holds the session's master secret. */
typedef struct esp_tls_client_session {
    size_t len;
    uint8_t data[400];       /* iotls_session_save() bytes */
    uint8_t peer_sha256[32]; /* the server's leaf certificate it was made with */
} esp_tls_client_session_t;

typedef struct tls_keep_alive_cfg {
    bool keep_alive_enable;
    int keep_alive_idle;     /* seconds */
    int keep_alive_interval; /* seconds */
    int keep_alive_count;
} tls_keep_alive_cfg_t;

typedef enum esp_tls_addr_family {
    ESP_TLS_AF_UNSPEC = 0,
    ESP_TLS_AF_INET,
    ESP_TLS_AF_INET6,
} esp_tls_addr_family_t;

typedef enum {
    ESP_TLS_VER_ANY = 0,
    ESP_TLS_VER_TLS_1_2 = 0x1,
    ESP_TLS_VER_TLS_1_3 = 0x2,
    ESP_TLS_VER_TLS_MAX,
} esp_tls_proto_ver_t;

struct ifreq;

typedef struct esp_tls_cfg {
    const char **alpn_protos; /* NULL-terminated list of protocol names */
    union {
        const unsigned char *cacert_buf; /* PEM (one or several CAs) or one DER */
        const unsigned char *cacert_pem_buf;
    };
    union {
        unsigned int cacert_bytes;
        unsigned int cacert_pem_bytes;
    };
    union {
        const unsigned char *clientcert_buf;
        const unsigned char *clientcert_pem_buf;
    };
    union {
        unsigned int clientcert_bytes;
        unsigned int clientcert_pem_bytes;
    };
    union {
        const unsigned char *clientkey_buf;
        const unsigned char *clientkey_pem_buf;
    };
    union {
        unsigned int clientkey_bytes;
        unsigned int clientkey_pem_bytes;
    };
    const unsigned char *clientkey_password; /* encrypted keys: see docs/esp-idf.md */
    unsigned int clientkey_password_len;
    bool use_ecdsa_peripheral; /* hardware only: refused */
    uint8_t ecdsa_key_efuse_blk;
    bool non_block;
    bool use_secure_element; /* hardware only: refused */
    int timeout_ms;          /* 0 = 10000 */
    bool use_global_ca_store;
    const char *common_name; /* name to verify (and send as SNI) instead of the host */
    bool skip_common_name;   /* no name check, no SNI (esp-tls's behaviour); logs a warning */
    tls_keep_alive_cfg_t *keep_alive_cfg;
    const psk_hint_key_t *psk_hint_key; /* PSK: refused (BearSSL 0.6 has no PSK) */
    esp_err_t (*crt_bundle_attach)(void *conf);
    void *ds_data; /* hardware only: refused */
    bool is_plain_tcp;
    struct ifreq *if_name;
    esp_tls_client_session_t *client_session;
    esp_tls_addr_family_t addr_family;
    const int *ciphersuites_list; /* IANA numbers, 0-terminated */
    esp_tls_proto_ver_t tls_version;
} esp_tls_cfg_t;

typedef struct esp_tls esp_tls_t;

esp_tls_t *esp_tls_init(void);

/* 5.x: 1 connected, 0 in progress (async only), -1 failed. */
int esp_tls_conn_new_sync(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                          esp_tls_t *tls);
int esp_tls_conn_http_new_sync(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls);
int esp_tls_conn_new_async(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                           esp_tls_t *tls);
int esp_tls_conn_http_new_async(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls);

/* 4.x: a connected handle, or NULL. */
esp_tls_t *esp_tls_conn_new(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg);
esp_tls_t *esp_tls_conn_http_new(const char *url, const esp_tls_cfg_t *cfg);
void esp_tls_conn_delete(esp_tls_t *tls);

/* Bytes written (>= 0), ESP_TLS_ERR_SSL_WANT_WRITE / _WANT_READ (non-blocking,
 * or handshake not done), or another negative code on failure. */
ssize_t esp_tls_conn_write(esp_tls_t *tls, const void *data, size_t datalen);
/* Bytes read (> 0), 0 when the peer closed, ESP_TLS_ERR_SSL_WANT_READ
 * (non-blocking and nothing there, or timeout_ms passed), or < 0 on failure. */
ssize_t esp_tls_conn_read(esp_tls_t *tls, void *data, size_t datalen);
int esp_tls_conn_destroy(esp_tls_t *tls);

ssize_t esp_tls_get_bytes_avail(esp_tls_t *tls);
esp_err_t esp_tls_get_conn_sockfd(esp_tls_t *tls, int *sockfd);
esp_err_t esp_tls_get_conn_state(esp_tls_t *tls, esp_tls_conn_state_t *conn_state);
esp_err_t esp_tls_set_conn_state(esp_tls_t *tls, esp_tls_conn_state_t conn_state);
/* The iotls connection (iotls_conn_t *) under the handle. */
void *esp_tls_get_ssl_context(esp_tls_t *tls);

esp_err_t esp_tls_init_global_ca_store(void);
esp_err_t esp_tls_set_global_ca_store(const unsigned char *cacert_pem_buf,
                                      const unsigned int cacert_pem_bytes);
void esp_tls_free_global_ca_store(void);

esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int *esp_tls_code,
                                           int *esp_tls_flags);
esp_err_t esp_tls_get_and_clear_error_type(esp_tls_error_handle_t h, esp_tls_error_type_t err_type,
                                           int *error_code);
esp_err_t esp_tls_get_error_handle(esp_tls_t *tls, esp_tls_error_handle_t *error_handle);

/* The session of a connected handle, to pass as cfg.client_session later. */
esp_tls_client_session_t *esp_tls_get_client_session(esp_tls_t *tls);
void esp_tls_free_client_session(esp_tls_client_session_t *client_session);

/* A plain TCP connection; *sockfd is the connected socket. */
esp_err_t esp_tls_plain_tcp_connect(const char *host, int hostlen, int port,
                                    const esp_tls_cfg_t *cfg, esp_tls_error_handle_t error_handle,
                                    int *sockfd);

/* The cipher suites iotls can negotiate, 0-terminated IANA numbers. */
const int *esp_tls_get_ciphersuites_list(void);

/* iotls extension: the sentence of the handle's last failure ("certificate
 * 'CN=x' expired on ...", "" when none). */
const char *esp_tls_get_error_text(esp_tls_t *tls);

#ifdef __cplusplus
}
#endif
#endif
