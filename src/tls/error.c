/* Sticky errors: classes, symbolic names, alert names. */
#include <stdarg.h>
#include <string.h>

#include "iotls/error.h"
#include "tls/format.h"

iotls_err_class_t iotls_error_class(iotls_err_t code)
{
    switch ((int)code / 100) {
    case 0: return IOTLS_CLASS_NONE;
    case 1: return IOTLS_CLASS_IO;
    case 2: return IOTLS_CLASS_PROTOCOL;
    case 3:
        return code == IOTLS_ERR_ALERT_SENT ? IOTLS_CLASS_ALERT_SENT : IOTLS_CLASS_ALERT_RECEIVED;
    case 4: return IOTLS_CLASS_CERTIFICATE;
    case 5: return IOTLS_CLASS_CONFIG;
    default: return IOTLS_CLASS_RESOURCE;
    }
}

const char *iotls_error_class_name(iotls_err_class_t cls)
{
    switch (cls) {
    case IOTLS_CLASS_NONE: return "none";
    case IOTLS_CLASS_IO: return "I/O";
    case IOTLS_CLASS_PROTOCOL: return "TLS protocol";
    case IOTLS_CLASS_ALERT_RECEIVED: return "alert received";
    case IOTLS_CLASS_ALERT_SENT: return "alert sent";
    case IOTLS_CLASS_CERTIFICATE: return "certificate";
    case IOTLS_CLASS_CONFIG: return "configuration";
    case IOTLS_CLASS_RESOURCE: return "resource";
    }
    return "unknown";
}

const char *iotls_error_code_name(iotls_err_t code)
{
    switch (code) {
#define NAME(c)                                                                                    \
    case c: return #c
        NAME(IOTLS_OK);
        NAME(IOTLS_ERR_IO);
        NAME(IOTLS_ERR_RESOLVE);
        NAME(IOTLS_ERR_CONNECT_REFUSED);
        NAME(IOTLS_ERR_CONNECT);
        NAME(IOTLS_ERR_PEER_RESET);
        NAME(IOTLS_ERR_PEER_CLOSED_HANDSHAKE);
        NAME(IOTLS_ERR_TRUNCATED);
        NAME(IOTLS_ERR_CONNECT_TIMEOUT);
        NAME(IOTLS_ERR_HANDSHAKE_TIMEOUT);
        NAME(IOTLS_ERR_IDLE_TIMEOUT);
        NAME(IOTLS_ERR_PROTOCOL);
        NAME(IOTLS_ERR_NOT_TLS);
        NAME(IOTLS_ERR_RECORD_TOO_LARGE);
        NAME(IOTLS_ERR_NO_COMMON_CIPHER);
        NAME(IOTLS_ERR_ALERT_RECEIVED);
        NAME(IOTLS_ERR_ALERT_SENT);
        NAME(IOTLS_ERR_CERT_UNTRUSTED);
        NAME(IOTLS_ERR_CERT_EXPIRED);
        NAME(IOTLS_ERR_CERT_NOT_YET_VALID);
        NAME(IOTLS_ERR_CERT_NAME_MISMATCH);
        NAME(IOTLS_ERR_CERT_MISSING);
        NAME(IOTLS_ERR_CERT_INVALID);
        NAME(IOTLS_ERR_CERT_PIN_MISMATCH);
        NAME(IOTLS_ERR_CONFIG);
        NAME(IOTLS_ERR_NO_TRUST);
        NAME(IOTLS_ERR_BAD_ARGUMENT);
        NAME(IOTLS_ERR_BAD_STATE);
        NAME(IOTLS_ERR_BAD_PEM);
        NAME(IOTLS_ERR_BAD_CERT);
        NAME(IOTLS_ERR_BAD_KEY);
        NAME(IOTLS_ERR_KEY_MISMATCH);
        NAME(IOTLS_ERR_NO_CREDENTIALS);
        NAME(IOTLS_ERR_FILE);
        NAME(IOTLS_ERR_NO_ENTROPY);
        NAME(IOTLS_ERR_NO_MEMORY);
        NAME(IOTLS_ERR_MEMORY_TOO_SMALL);
        NAME(IOTLS_ERR_QUEUE_FULL);
        NAME(IOTLS_ERR_TOO_MANY_CONNECTIONS);
        NAME(IOTLS_ERR_SPILL_FULL);
#undef NAME
    }
    return "IOTLS_ERR_UNKNOWN";
}

const char *iotls_alert_name(int alert)
{
    /* RFC 5246 section 7.2 and RFC 6066 / RFC 7301 additions. */
    static const struct {
        int code;
        const char *name;
    } alerts[] = {
        {0, "close_notify"},
        {10, "unexpected_message"},
        {20, "bad_record_mac"},
        {21, "decryption_failed"},
        {22, "record_overflow"},
        {30, "decompression_failure"},
        {40, "handshake_failure"},
        {41, "no_certificate"},
        {42, "bad_certificate"},
        {43, "unsupported_certificate"},
        {44, "certificate_revoked"},
        {45, "certificate_expired"},
        {46, "certificate_unknown"},
        {47, "illegal_parameter"},
        {48, "unknown_ca"},
        {49, "access_denied"},
        {50, "decode_error"},
        {51, "decrypt_error"},
        {60, "export_restriction"},
        {70, "protocol_version"},
        {71, "insufficient_security"},
        {80, "internal_error"},
        {86, "inappropriate_fallback"},
        {90, "user_canceled"},
        {100, "no_renegotiation"},
        {109, "missing_extension"},
        {110, "unsupported_extension"},
        {111, "certificate_unobtainable"},
        {112, "unrecognized_name"},
        {113, "bad_certificate_status_response"},
        {114, "bad_certificate_hash_value"},
        {115, "unknown_psk_identity"},
        {116, "certificate_required"},
        {120, "no_application_protocol"},
    };
    for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++)
        if (alerts[i].code == alert)
            return alerts[i].name;
    /* No per-call text ("alert_250"): that needs thread-local storage,
     * which bare-metal runtimes lack. Callers print the number beside it. */
    return "unknown_alert";
}

void iotls_error_clear(iotls_error_t *err)
{
    if (!err)
        return;
    err->code = IOTLS_OK;
    err->engine_code = 0;
    err->alert = -1;
    err->text[0] = '\0';
}

iotls_err_t iotls_error_set_code(iotls_error_t *err, iotls_err_t code)
{
    if (!err || err->code != IOTLS_OK)
        return code;
    err->code = code;
    err->engine_code = 0;
    err->alert = -1;
    err->text[0] = '\0';
    return code;
}

#if IOTLS_ERROR_TEXT
iotls_err_t iotls_error_set(iotls_error_t *err, iotls_err_t code, const char *fmt, ...)
{
    if (!err || err->code != IOTLS_OK)
        return code;
    err->code = code;
    err->engine_code = 0;
    err->alert = -1;
    va_list ap;
    va_start(ap, fmt);
    iotls_vformat(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return code;
}

void iotls_error_append(iotls_error_t *err, const char *fmt, ...)
{
    if (!err || err->code == IOTLS_OK)
        return;
    size_t used = strlen(err->text);
    if (used + 1 >= sizeof err->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    iotls_vformat(err->text + used, sizeof err->text - used, fmt, ap);
    va_end(ap);
}

#endif

void iotls_error_copy(iotls_error_t *dst, const iotls_error_t *src)
{
    if (dst && src && dst->code == IOTLS_OK && src->code != IOTLS_OK)
        *dst = *src;
}
