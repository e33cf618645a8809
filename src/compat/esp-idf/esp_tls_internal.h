/* The esp-tls handle and what the files of the esp-tls layer share. Each
 * handle drives its own iotls event loop, so the blocking esp-tls calls
 * can wait on it while other FreeRTOS tasks (threads) use theirs. */
#ifndef IOTLS_COMPAT_ESPIDF_ESP_TLS_INTERNAL_H
#define IOTLS_COMPAT_ESPIDF_ESP_TLS_INTERNAL_H

#include "esp_tls.h"
#include "iotls/net.h"
#include "iotls/trust.h"

#define ESPT_DEFAULT_TIMEOUT_MS 10000
#define ESPT_MAX_SUITES 32
#define ESPT_MAX_ALPN 8
#define ESPT_ALPN_BYTES 256
/* mbedTLS's low-level codes for the failures iotls reports the same way. */
#define ESPT_MBEDTLS_NET_SEND_FAILED -0x004E
#define ESPT_MBEDTLS_NET_CONN_RESET -0x0050
#define ESPT_MBEDTLS_X509_CERT_VERIFY_FAILED -0x2700
#define ESPT_MBEDTLS_SSL_NO_CIPHER_CHOSEN -0x7380
#define ESPT_MBEDTLS_SSL_CONN_EOF -0x7280
#define ESPT_MBEDTLS_SSL_INVALID_RECORD -0x7200
#define ESPT_MBEDTLS_SSL_FATAL_ALERT_MESSAGE -0x7780
#define ESPT_MBEDTLS_SSL_ALLOC_FAILED -0x7F00
#define ESPT_MBEDTLS_SSL_BAD_INPUT_DATA -0x7100

/* Plaintext held for esp_tls_conn_read before the connection is paused. */
#define ESPT_RX_HOLD_AT 16384

struct esp_tls {
    esp_tls_conn_state_t state;
    bool plain; /* is_plain_tcp, or cfg == NULL: no TLS */
    int plain_fd;
    bool non_block;
    int timeout_ms;
    bool keep_alive;
    tls_keep_alive_cfg_t keep_alive_cfg; /* applied once connected */

    iotls_loop_t *loop;
    iotls_conn_t *conn; /* NULL once the connection ended */
    bool closed;        /* peer closed cleanly (close_notify, or FIN on plain) */
    bool failed;
    bool sent_all; /* `sent` since the last write */

    /* What the configuration made, owned by the handle. */
    iotls_trust_t *own_trust;
    iotls_creds_t *creds;
    iotls_pin_t session_pin;
    uint16_t suites[ESPT_MAX_SUITES];
    const char *alpn[ESPT_MAX_ALPN];
    char alpn_text[ESPT_ALPN_BYTES];
    uint8_t resume[IOTLS_SAVED_SESSION_MAX];

    /* Received plaintext not yet read. */
    uint8_t *rx;
    size_t rx_len, rx_off;
    bool held;

    esp_tls_last_error_t last_error;
    int error_type; /* esp_tls_error_type_t of esp_tls_error_code */
    iotls_error_t error;
    uint8_t peer_sha256[32];
    /* The session, saved when the handshake ends: programs ask for it
     * after reading a response, when the server may have closed. */
    uint8_t saved[IOTLS_SAVED_SESSION_MAX];
    size_t saved_len;
};

/* Fill `cc` for a client connection from `cfg`; resources go to `tls`.
 * Returns ESP_OK or an esp-tls code (error recorded in tls). */
esp_err_t espt_config_build(esp_tls_t *tls, const esp_tls_cfg_t *cfg, iotls_conn_config_t *cc);

/* Resolve host (with the host-only redirect map, addr_family) to a
 * numeric address; the port may be redirected too. */
esp_err_t espt_resolve(esp_tls_t *tls, const char *host, int *port, esp_tls_addr_family_t family,
                       char *addr, size_t addr_len);

/* Record a failure: esp-tls code, low-level code, flags, iotls sentence;
 * logs it as esp-tls does. Returns `code`. */
esp_err_t espt_fail(esp_tls_t *tls, esp_err_t code, int low_code, int type, int flags,
                    const iotls_error_t *why);
/* The same from an iotls error, mapped to esp-tls's codes. */
esp_err_t espt_fail_iotls(esp_tls_t *tls, const iotls_error_t *err);
/* Failures this layer finds itself (bad argument, resolver, timeout,
 * socket): an iotls error of code `why` with a printf-style sentence,
 * recorded with the esp-tls codes given (espt_fail_text) or mapped like
 * espt_fail_iotls (espt_fail_iotls_text). Both return the esp-tls code. */
esp_err_t espt_fail_text(esp_tls_t *tls, esp_err_t code, int low_code, int type, iotls_err_t why,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
esp_err_t espt_fail_iotls_text(esp_tls_t *tls, iotls_err_t why, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Code esp_tls_conn_read/write return for the recorded failure. */
int espt_io_error(const esp_tls_t *tls);

/* The global CA store (esp_tls_set_global_ca_store), or NULL. */
const iotls_trust_t *espt_global_trust(void);
/* The certificate bundle esp_crt_bundle_attach stands for. */
const iotls_trust_t *espt_bundle_trust(iotls_error_t *err);

/* TCP keep-alive as keep_alive_cfg asks (no-op when disabled). */
void espt_keep_alive(int fd, const tls_keep_alive_cfg_t *ka);

/* Plain TCP: connect with a timeout. Returns the socket or -1 (err set). */
int espt_tcp_connect(const char *addr, int port, int timeout_ms, const tls_keep_alive_cfg_t *ka,
                     iotls_error_t *err);

#endif
