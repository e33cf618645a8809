/*
 * iotls/error.h — one sticky error per session or connection.
 *
 * Contract:
 *  - Every failing iotls call fills an iotls_error_t (when the caller passes
 *    one) and returns a failure value; no call asserts on bad input.
 *  - Sessions and connections keep the FIRST error they hit ("sticky"): later
 *    failures caused by the first one do not overwrite its text.
 *  - `code` is stable and meant for `switch`; `text` is for humans and names
 *    the cause ("certificate for 'a.example' does not match host '10.0.0.5'").
 *  - iotls_error_class(code) groups codes the way a caller reacts to them.
 */
#ifndef IOTLS_ERROR_H
#define IOTLS_ERROR_H

#include <stddef.h>

#include "iotls/options.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    IOTLS_CLASS_NONE = 0,
    IOTLS_CLASS_IO,             /* transport: resolve, connect, reset, timeouts */
    IOTLS_CLASS_PROTOCOL,       /* the peer broke the TLS protocol */
    IOTLS_CLASS_ALERT_RECEIVED, /* the peer sent a fatal alert */
    IOTLS_CLASS_ALERT_SENT,     /* we sent a fatal alert */
    IOTLS_CLASS_CERTIFICATE,    /* the peer's certificate was rejected */
    IOTLS_CLASS_CONFIG,         /* the caller's configuration or API use */
    IOTLS_CLASS_RESOURCE        /* memory, entropy, queue capacity */
} iotls_err_class_t;

/* Codes are grouped by class in blocks of 100. */
typedef enum {
    IOTLS_OK = 0,

    IOTLS_ERR_IO = 100,              /* other socket error (text has errno) */
    IOTLS_ERR_RESOLVE,               /* host name did not resolve */
    IOTLS_ERR_CONNECT_REFUSED,       /* peer refused the TCP connection */
    IOTLS_ERR_CONNECT,               /* other connect() failure */
    IOTLS_ERR_PEER_RESET,            /* TCP reset by the peer */
    IOTLS_ERR_PEER_CLOSED_HANDSHAKE, /* peer closed during the handshake */
    IOTLS_ERR_TRUNCATED,             /* peer closed without close_notify */
    IOTLS_ERR_CONNECT_TIMEOUT,
    IOTLS_ERR_HANDSHAKE_TIMEOUT,
    IOTLS_ERR_IDLE_TIMEOUT,

    IOTLS_ERR_PROTOCOL = 200,   /* peer violated TLS (engine code in text) */
    IOTLS_ERR_NOT_TLS,          /* peer's bytes are not TLS records */
    IOTLS_ERR_RECORD_TOO_LARGE, /* record larger than our buffer */
    IOTLS_ERR_NO_COMMON_CIPHER, /* no version/suite/curve both support */

    IOTLS_ERR_ALERT_RECEIVED = 300, /* `alert` holds the number */
    IOTLS_ERR_ALERT_SENT,

    IOTLS_ERR_CERT_UNTRUSTED = 400, /* chain does not end at a trust anchor */
    IOTLS_ERR_CERT_EXPIRED,
    IOTLS_ERR_CERT_NOT_YET_VALID,
    IOTLS_ERR_CERT_NAME_MISMATCH,
    IOTLS_ERR_CERT_MISSING,      /* peer sent no certificate */
    IOTLS_ERR_CERT_INVALID,      /* malformed, bad signature, bad usage... */
    IOTLS_ERR_CERT_PIN_MISMATCH, /* leaf matches none of the pins */

    IOTLS_ERR_CONFIG = 500, /* other invalid configuration */
    IOTLS_ERR_NO_TRUST,     /* client has no trust configured */
    IOTLS_ERR_BAD_ARGUMENT,
    IOTLS_ERR_BAD_STATE, /* call not allowed in this state */
    IOTLS_ERR_BAD_PEM,
    IOTLS_ERR_BAD_CERT,       /* a certificate we were given is bad */
    IOTLS_ERR_BAD_KEY,        /* a private key we were given is bad */
    IOTLS_ERR_KEY_MISMATCH,   /* key does not match the certificate */
    IOTLS_ERR_NO_CREDENTIALS, /* server without certificate + key */
    IOTLS_ERR_FILE,           /* a file could not be read */

    IOTLS_ERR_NO_ENTROPY = 600, /* the OS gave no random bytes */
    IOTLS_ERR_NO_MEMORY,
    IOTLS_ERR_MEMORY_TOO_SMALL, /* caller's block is below *_size() */
    IOTLS_ERR_QUEUE_FULL,       /* send queue full: wait for `sent` */
    IOTLS_ERR_TOO_MANY_CONNECTIONS,
    IOTLS_ERR_SPILL_FULL /* shared workspace: no spill room for bytes in flight */
} iotls_err_t;

#if IOTLS_ERROR_TEXT
#define IOTLS_ERROR_TEXT_MAX 256
#else
#define IOTLS_ERROR_TEXT_MAX 1 /* terse build: codes only (iotls/options.h) */
#endif

typedef struct {
    iotls_err_t code;
    int engine_code; /* the TLS engine's own number (BearSSL BR_ERR_*), or 0 */
    int alert;       /* TLS alert number for alert codes, otherwise -1 */
    char text[IOTLS_ERROR_TEXT_MAX];
} iotls_error_t;

/* Class of a code; IOTLS_CLASS_NONE for IOTLS_OK. */
iotls_err_class_t iotls_error_class(iotls_err_t code);

/* "certificate", "alert received", ... */
const char *iotls_error_class_name(iotls_err_class_t cls);

/* Symbolic name of a code: "IOTLS_ERR_CERT_EXPIRED". */
const char *iotls_error_code_name(iotls_err_t code);

/* RFC 5246 name of an alert: "handshake_failure"; "unknown_alert" if unknown
 * (a constant text: no per-thread storage, so callers print the number). */
const char *iotls_alert_name(int alert);

/* Reset to IOTLS_OK with empty text. */
void iotls_error_clear(iotls_error_t *err);

#if IOTLS_ERROR_TEXT
/*
 * Record an error unless one is already recorded (first error wins).
 * Safe with err == NULL. Returns `code` so callers can `return
 * iotls_error_set(...)`-style propagate a negative result.
 */
iotls_err_t iotls_error_set(iotls_error_t *err, iotls_err_t code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Append context to the text of a recorded error (" in 'ca.pem'"). */
void iotls_error_append(iotls_error_t *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#else
/* Terse build (IOTLS_ERROR_TEXT=0, iotls/options.h): the same calls record
 * the code only (text stays empty), and their sentences and arguments are
 * not compiled at all. */
#define iotls_error_set(err, code, ...) iotls_error_set_code((err), (code))
#define iotls_error_append(err, ...) ((void)(err))
#endif

/* Record only a code (first error wins); what iotls_error_set does in a
 * terse build. */
iotls_err_t iotls_error_set_code(iotls_error_t *err, iotls_err_t code);

/* Copy src into dst when dst holds no error yet. */
void iotls_error_copy(iotls_error_t *dst, const iotls_error_t *src);

#ifdef __cplusplus
}
#endif
#endif
