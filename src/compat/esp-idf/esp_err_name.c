/* esp_err_to_name and ESP_ERROR_CHECK's failure path. */
#include <stdio.h>
#include <stdlib.h>

#include "esp_err.h"
#include "esp_tls_errors.h"

#define ERR(name)                                                                                  \
    {                                                                                              \
        name, #name                                                                                \
    }
static const struct {
    esp_err_t code;
    const char *name;
} names[] = {
    ERR(ESP_OK),
    ERR(ESP_FAIL),
    ERR(ESP_ERR_NO_MEM),
    ERR(ESP_ERR_INVALID_ARG),
    ERR(ESP_ERR_INVALID_STATE),
    ERR(ESP_ERR_INVALID_SIZE),
    ERR(ESP_ERR_NOT_FOUND),
    ERR(ESP_ERR_NOT_SUPPORTED),
    ERR(ESP_ERR_TIMEOUT),
    ERR(ESP_ERR_INVALID_RESPONSE),
    ERR(ESP_ERR_INVALID_CRC),
    ERR(ESP_ERR_INVALID_VERSION),
    ERR(ESP_ERR_INVALID_MAC),
    ERR(ESP_ERR_NOT_FINISHED),
    ERR(ESP_ERR_NOT_ALLOWED),
    ERR(ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME),
    ERR(ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET),
    ERR(ESP_ERR_ESP_TLS_UNSUPPORTED_PROTOCOL_FAMILY),
    ERR(ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST),
    ERR(ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED),
    ERR(ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT),
    ERR(ESP_ERR_ESP_TLS_SE_FAILED),
    ERR(ESP_ERR_ESP_TLS_TCP_CLOSED_FIN),
    ERR(ESP_ERR_MBEDTLS_CERT_PARTLY_OK),
    ERR(ESP_ERR_MBEDTLS_CTR_DRBG_SEED_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_SET_HOSTNAME_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_CONF_ALPN_PROTOCOLS_FAILED),
    ERR(ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_SETUP_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_WRITE_FAILED),
    ERR(ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED),
    ERR(ESP_ERR_MBEDTLS_SSL_TICKET_SETUP_FAILED),
};

const char *esp_err_to_name(esp_err_t code)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == code)
            return names[i].name;
    return "UNKNOWN ERROR";
}

const char *esp_err_to_name_r(esp_err_t code, char *buf, size_t buflen)
{
    if (buf != NULL && buflen > 0)
        snprintf(buf, buflen, "%s", esp_err_to_name(code));
    return buf;
}

void _esp_error_check_failed_without_abort(esp_err_t rc, const char *file, int line,
                                           const char *function, const char *expression)
{
    fflush(stdout);
    fprintf(stderr,
            "ESP_ERROR_CHECK failed: esp_err_t 0x%x (%s) at %s:%d\nfunc: %s\nexpression: %s\n",
            (unsigned)rc, esp_err_to_name(rc), file, line, function, expression);
}

void _esp_error_check_failed(esp_err_t rc, const char *file, int line, const char *function,
                             const char *expression)
{
    _esp_error_check_failed_without_abort(rc, file, line, function, expression);
    abort();
}
