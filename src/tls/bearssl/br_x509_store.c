/*
 * Where the X.509 wrapper (br_x509.c) keeps what it hashes and names,
 * without copies: the optional parts carved from the block after it (leaf
 * hashes for pins and the report's fingerprint, names for error texts),
 * and its verdict, whose text is written straight into the session's error
 * text — which, while unused, also keeps names for that verdict.
 */
#include <stdarg.h>
#include <string.h>

#include "tls/bearssl/br_x509_store.h"
#include "tls/format.h"

static bool wants_pin(const iotls_pin_t *pins, size_t count, iotls_pin_kind_t kind)
{
    for (size_t i = 0; i < count; i++)
        if (pins[i].kind == kind)
            return true;
    return false;
}

/* The optional parts after the wrapper, in this order. */
static bool needs_leaf_hash(const iotls_config_t *cfg)
{
    return cfg->report_peer_identity || wants_pin(cfg->pins, cfg->pin_count, IOTLS_PIN_CERT_SHA256);
}

static bool needs_spki_hash(const iotls_config_t *cfg)
{
    return wants_pin(cfg->pins, cfg->pin_count, IOTLS_PIN_SPKI_SHA256);
}

/* The leaf's names for error texts when the report does not keep them. */
static bool needs_leaf_names(const iotls_config_t *cfg)
{
    return IOTLS_ERROR_TEXT && !(cfg->report_peer_identity && IOTLS_REPORT_NAMES);
}

#define HASH_BYTES ALIGN8(sizeof(iotls_br_leaf_hash_t))
#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

size_t iotls_br_x509_extra(const iotls_config_t *cfg)
{
    size_t n = 0;
    if (needs_leaf_hash(cfg))
        n += HASH_BYTES;
    if (needs_spki_hash(cfg))
        n += HASH_BYTES;
    if (IOTLS_ERROR_TEXT)
        n += IOTLS_BR_ERROR_NAME_MAX;
    if (needs_leaf_names(cfg))
        n += IOTLS_BR_ERROR_NAME_MAX;
    return n;
}

void iotls_br_x509_carve(iotls_br_x509_t *x, const iotls_config_t *cfg, uint8_t *extra,
                         iotls_br_peer_names_t *names)
{
    /* The optional parts, as iotls_br_x509_extra counted them. */
    uint8_t *p = extra;
    x->leaf_hash = x->spki_hash = NULL;
    if (needs_leaf_hash(cfg)) {
        x->leaf_hash = (iotls_br_leaf_hash_t *)(void *)p;
        p += HASH_BYTES;
    }
    if (needs_spki_hash(cfg)) {
        x->spki_hash = (iotls_br_leaf_hash_t *)(void *)p;
        p += HASH_BYTES;
    }
    x->peer_sha256 = names ? names->sha256 : NULL;
#if IOTLS_CERT_WALK_TEXT
    x->leaf_subject = x->leaf_issuer = x->leaf_sans = NULL;
    x->leaf_name_cap = x->leaf_sans_cap = 0;
#endif
#if IOTLS_ERROR_TEXT
    x->cur_issuer = (char *)p;
    p += IOTLS_BR_ERROR_NAME_MAX;
#endif
#if IOTLS_REPORT_NAMES
    if (names) {
        x->leaf_subject = names->subject;
        x->leaf_issuer = names->issuer;
        x->leaf_sans = names->sans;
        x->leaf_name_cap = sizeof names->subject;
        x->leaf_sans_cap = sizeof names->sans;
    }
#endif
#if IOTLS_ERROR_TEXT
    /* The leaf's issuer is rendered where every issuer is; only the
     * depth-1 order text reads it later, from the error text's first
     * half (iotls_br_leaf_issuer_kept). */
    if (needs_leaf_names(cfg)) {
        x->leaf_subject = (char *)p;
        x->leaf_issuer = x->cur_issuer;
        x->leaf_name_cap = IOTLS_BR_ERROR_NAME_MAX;
        p += IOTLS_BR_ERROR_NAME_MAX;
    }
#endif
#if IOTLS_CERT_WALK_TEXT
    if (x->leaf_subject)
        x->leaf_subject[0] = x->leaf_issuer[0] = '\0';
#endif
}

/* ---- the verdict: its code here, its text in the session's error -------- */

bool iotls_br_verdict_set(const iotls_br_x509_t *x)
{
    return x->verdict_code != IOTLS_OK;
}

void iotls_br_verdict_clear(iotls_br_x509_t *x)
{
    x->verdict_code = IOTLS_OK;
    x->verdict_engine_code = 0;
    if (x->text->code == IOTLS_OK)
        x->text->text[0] = '\0';
}

/* First verdict wins. Texts are formatted on the stack first: their
 * arguments may be names in the same storage. */
#if IOTLS_ERROR_TEXT
void iotls_br_verdict_vrecord(iotls_br_x509_t *x, iotls_err_t code, const char *fmt, va_list ap)
{
    if (iotls_br_verdict_set(x))
        return;
    x->verdict_code = code;
    x->verdict_engine_code = 0;
    char line[IOTLS_ERROR_TEXT_MAX];
    iotls_vformat(line, sizeof line, fmt, ap);
    if (x->text->code == IOTLS_OK)
        memcpy(x->text->text, line, sizeof line);
}

void iotls_br_verdict_record(iotls_br_x509_t *x, iotls_err_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    iotls_br_verdict_vrecord(x, code, fmt, ap);
    va_end(ap);
}
#else
void iotls_br_verdict_record_code(iotls_br_x509_t *x, iotls_err_t code)
{
    if (iotls_br_verdict_set(x))
        return;
    x->verdict_code = code;
    x->verdict_engine_code = 0;
}
#define iotls_br_verdict_record(x, code, ...) iotls_br_verdict_record_code((x), (code))
#endif

#if IOTLS_ERROR_TEXT
/* The session's error text holds nothing yet: it can keep names until the
 * first verdict (or error) takes it. */
bool iotls_br_error_text_free(const iotls_br_x509_t *x)
{
    return !iotls_br_verdict_set(x) && x->text->code == IOTLS_OK;
}

_Static_assert(2 * IOTLS_BR_ERROR_NAME_MAX <= IOTLS_ERROR_TEXT_MAX, "two names fit the error text");

/* Without the report's names, the leaf's issuer is needed once more, by
 * the depth-1 order text: it moves into the error text's first half
 * (the second half takes the subjects above the leaf), while that text is
 * free; the issuer buffer goes on to the next certificate. */
void iotls_br_leaf_issuer_kept(iotls_br_x509_t *x)
{
    x->leaf_issuer_in_text = false;
    if (x->leaf_issuer != x->cur_issuer || !iotls_br_error_text_free(x))
        return;
    memcpy(x->text->text, x->cur_issuer, IOTLS_BR_ERROR_NAME_MAX);
    x->leaf_issuer_in_text = true;
}

const char *iotls_br_leaf_issuer_name(const iotls_br_x509_t *x)
{
    if (x->leaf_issuer != x->cur_issuer)
        return x->leaf_issuer ? x->leaf_issuer : "";
    return x->leaf_issuer_in_text ? x->text->text : "";
}
#endif
