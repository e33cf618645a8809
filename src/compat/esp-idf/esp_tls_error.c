/* esp-tls's error reporting over iotls errors: the esp-tls code, an
 * mbedTLS-style low-level code and certificate flags (what programs
 * written for esp-tls on mbedTLS read), plus iotls's sentence. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat/esp-idf/esp_tls_internal.h"
#include "esp_log.h"

static const char *TAG = "esp-tls";

esp_err_t espt_fail(esp_tls_t *tls, esp_err_t code, int low_code, int type, int flags,
                    const iotls_error_t *why)
{
    if (tls == NULL)
        return code;
    if (!tls->failed) { /* the first failure is the one that explains */
        tls->failed = true;
        tls->last_error.last_error = code;
        tls->last_error.esp_tls_error_code = low_code;
        tls->last_error.esp_tls_flags = flags;
        tls->error_type = type;
        if (why != &tls->error)
            iotls_error_copy(&tls->error, why);
        if (type == ESP_TLS_ERR_TYPE_SYSTEM)
            ESP_LOGE(TAG, "%s (%s, errno %d)", why->text, esp_err_to_name(code), low_code);
        else
            ESP_LOGE(TAG, "%s (%s, code -0x%04X, flags 0x%X)", why->text, esp_err_to_name(code),
                     (unsigned)(low_code < 0 ? -low_code : low_code), (unsigned)flags);
    }
    return code;
}

static int cert_flags(iotls_err_t code)
{
    switch (code) {
    case IOTLS_ERR_CERT_EXPIRED: return IOTLS_ESP_X509_BADCERT_EXPIRED;
    case IOTLS_ERR_CERT_NOT_YET_VALID: return IOTLS_ESP_X509_BADCERT_FUTURE;
    case IOTLS_ERR_CERT_NAME_MISMATCH: return IOTLS_ESP_X509_BADCERT_CN_MISMATCH;
    case IOTLS_ERR_CERT_UNTRUSTED:
    case IOTLS_ERR_CERT_PIN_MISMATCH: return IOTLS_ESP_X509_BADCERT_NOT_TRUSTED;
    case IOTLS_ERR_CERT_MISSING: return IOTLS_ESP_X509_BADCERT_MISSING;
    default: return IOTLS_ESP_X509_BADCERT_OTHER;
    }
}

/* Transport failures: esp-tls code and errno-like detail. */
static esp_err_t io_code(iotls_err_t code, int *low)
{
    switch (code) {
    case IOTLS_ERR_RESOLVE: *low = 0; return ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME;
    case IOTLS_ERR_CONNECT_REFUSED:
        *low = ECONNREFUSED;
        return ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST;
    case IOTLS_ERR_CONNECT: *low = EHOSTUNREACH; return ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST;
    case IOTLS_ERR_CONNECT_TIMEOUT:
    case IOTLS_ERR_HANDSHAKE_TIMEOUT:
    case IOTLS_ERR_IDLE_TIMEOUT: *low = ETIMEDOUT; return ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT;
    case IOTLS_ERR_PEER_RESET: *low = ECONNRESET; return ESP_ERR_ESP_TLS_TCP_CLOSED_FIN;
    default: *low = EIO; return ESP_ERR_ESP_TLS_TCP_CLOSED_FIN;
    }
}

static esp_err_t config_code(iotls_err_t code)
{
    switch (code) {
    case IOTLS_ERR_BAD_PEM:
    case IOTLS_ERR_BAD_CERT: return ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED;
    case IOTLS_ERR_BAD_KEY: return ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED;
    case IOTLS_ERR_KEY_MISMATCH: return ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED;
    default: return ESP_ERR_MBEDTLS_SSL_SETUP_FAILED;
    }
}

esp_err_t espt_fail_iotls(esp_tls_t *tls, const iotls_error_t *err)
{
    bool handshake = tls->state != ESP_TLS_DONE;
    esp_err_t hs_or_io =
        handshake ? ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED : ESP_ERR_ESP_TLS_TCP_CLOSED_FIN;
    int low = 0;
    switch (iotls_error_class(err->code)) {
    case IOTLS_CLASS_IO: {
        esp_err_t code = io_code(err->code, &low);
        if (err->code == IOTLS_ERR_TRUNCATED || err->code == IOTLS_ERR_PEER_CLOSED_HANDSHAKE)
            return espt_fail(tls, hs_or_io, ESPT_MBEDTLS_SSL_CONN_EOF, ESP_TLS_ERR_TYPE_MBEDTLS, 0,
                             err);
        return espt_fail(tls, code, low, ESP_TLS_ERR_TYPE_SYSTEM, 0, err);
    }
    case IOTLS_CLASS_CERTIFICATE:
        return espt_fail(tls, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED,
                         ESPT_MBEDTLS_X509_CERT_VERIFY_FAILED, ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS,
                         cert_flags(err->code), err);
    case IOTLS_CLASS_ALERT_RECEIVED:
    case IOTLS_CLASS_ALERT_SENT:
        return espt_fail(tls, hs_or_io, ESPT_MBEDTLS_SSL_FATAL_ALERT_MESSAGE,
                         ESP_TLS_ERR_TYPE_MBEDTLS, 0, err);
    case IOTLS_CLASS_PROTOCOL:
        low = err->code == IOTLS_ERR_NO_COMMON_CIPHER ? ESPT_MBEDTLS_SSL_NO_CIPHER_CHOSEN
                                                      : ESPT_MBEDTLS_SSL_INVALID_RECORD;
        return espt_fail(tls, hs_or_io, low, ESP_TLS_ERR_TYPE_MBEDTLS, 0, err);
    case IOTLS_CLASS_RESOURCE:
        return espt_fail(tls,
                         err->code == IOTLS_ERR_NO_ENTROPY ? ESP_ERR_MBEDTLS_CTR_DRBG_SEED_FAILED
                                                           : ESP_ERR_MBEDTLS_SSL_SETUP_FAILED,
                         ESPT_MBEDTLS_SSL_ALLOC_FAILED, ESP_TLS_ERR_TYPE_MBEDTLS, 0, err);
    default:
        return espt_fail(tls, config_code(err->code), ESPT_MBEDTLS_SSL_BAD_INPUT_DATA,
                         ESP_TLS_ERR_TYPE_MBEDTLS, 0, err);
    }
}

/* The sentence goes through the public iotls_error_set, so it is kept or
 * dropped exactly as for errors the layers below record. */
static void error_vtext(iotls_error_t *e, iotls_err_t why, const char *fmt, va_list ap)
{
    char text[IOTLS_ERROR_TEXT_MAX];
    vsnprintf(text, sizeof text, fmt, ap);
    iotls_error_clear(e);
    iotls_error_set(e, why, "%s", text);
}

esp_err_t espt_fail_text(esp_tls_t *tls, esp_err_t code, int low_code, int type, iotls_err_t why,
                         const char *fmt, ...)
{
    iotls_error_t e;
    va_list ap;
    va_start(ap, fmt);
    error_vtext(&e, why, fmt, ap);
    va_end(ap);
    return espt_fail(tls, code, low_code, type, 0, &e);
}

esp_err_t espt_fail_iotls_text(esp_tls_t *tls, iotls_err_t why, const char *fmt, ...)
{
    iotls_error_t e;
    va_list ap;
    va_start(ap, fmt);
    error_vtext(&e, why, fmt, ap);
    va_end(ap);
    return espt_fail_iotls(tls, &e);
}

int espt_io_error(const esp_tls_t *tls)
{
    int low = tls->last_error.esp_tls_error_code;
    if (tls->error_type == ESP_TLS_ERR_TYPE_MBEDTLS && low < 0)
        return low;
    return ESPT_MBEDTLS_NET_CONN_RESET;
}

esp_err_t esp_tls_get_error_handle(esp_tls_t *tls, esp_tls_error_handle_t *error_handle)
{
    if (tls == NULL || error_handle == NULL)
        return ESP_ERR_INVALID_ARG;
    *error_handle = &tls->last_error;
    return ESP_OK;
}

esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int *esp_tls_code,
                                           int *esp_tls_flags)
{
    if (h == NULL)
        return ESP_ERR_INVALID_STATE;
    esp_err_t last = h->last_error;
    if (esp_tls_code != NULL)
        *esp_tls_code = h->esp_tls_error_code;
    if (esp_tls_flags != NULL)
        *esp_tls_flags = h->esp_tls_flags;
    memset(h, 0, sizeof *h);
    return last;
}

esp_err_t esp_tls_get_and_clear_error_type(esp_tls_error_handle_t h, esp_tls_error_type_t err_type,
                                           int *error_code)
{
    if (h == NULL || err_type <= ESP_TLS_ERR_TYPE_UNKNOWN || err_type >= ESP_TLS_ERR_TYPE_MAX)
        return ESP_ERR_INVALID_STATE;
    int value = 0;
    switch (err_type) {
    case ESP_TLS_ERR_TYPE_ESP:
        value = h->last_error;
        h->last_error = 0;
        break;
    case ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS:
        value = h->esp_tls_flags;
        h->esp_tls_flags = 0;
        break;
    case ESP_TLS_ERR_TYPE_SYSTEM:
    case ESP_TLS_ERR_TYPE_MBEDTLS:
        value = h->esp_tls_error_code;
        h->esp_tls_error_code = 0;
        break;
    default: break;
    }
    if (error_code != NULL)
        *error_code = value;
    return ESP_OK;
}

const char *esp_tls_get_error_text(esp_tls_t *tls)
{
    return tls != NULL ? tls->error.text : "";
}
