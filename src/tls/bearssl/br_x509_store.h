/*
 * br_x509_store.h — private to br_x509.c and br_x509_store.c: where the
 * X.509 wrapper keeps what it hashes and names (see br_x509_store.c).
 */
#ifndef IOTLS_BR_X509_STORE_H
#define IOTLS_BR_X509_STORE_H

#include <stdarg.h>

#include "tls/bearssl/br_x509.h"

/* Point the wrapper at its optional parts: `extra` is the
 * iotls_br_x509_extra(cfg) bytes after it, `names` the report's storage or
 * NULL. */
void iotls_br_x509_carve(iotls_br_x509_t *x, const iotls_config_t *cfg, uint8_t *extra,
                         iotls_br_peer_names_t *names);

/* The verdict: its code in the wrapper, its text in the session's error
 * text (x->text) while that error is IOTLS_OK. The first verdict wins. */
bool iotls_br_verdict_set(const iotls_br_x509_t *x);
void iotls_br_verdict_clear(iotls_br_x509_t *x);
#if IOTLS_ERROR_TEXT
/* The text is formatted on the stack first: its arguments may be names
 * kept in the error text itself. */
void iotls_br_verdict_vrecord(iotls_br_x509_t *x, iotls_err_t code, const char *fmt, va_list ap);
void iotls_br_verdict_record(iotls_br_x509_t *x, iotls_err_t code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The error text holds no verdict or error yet: it may keep names. */
bool iotls_br_error_text_free(const iotls_br_x509_t *x);
/* After the leaf: keep its issuer for the depth-1 order text, and read it
 * there. */
void iotls_br_leaf_issuer_kept(iotls_br_x509_t *x);
const char *iotls_br_leaf_issuer_name(const iotls_br_x509_t *x);
#else
void iotls_br_verdict_record_code(iotls_br_x509_t *x, iotls_err_t code);
#define iotls_br_verdict_record(x, code, ...) iotls_br_verdict_record_code((x), (code))
#define iotls_br_leaf_issuer_kept(x) ((void)0)
#endif

#endif
