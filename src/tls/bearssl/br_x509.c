/* X.509 engine wrapper; see br_x509.h for why it exists. */
#include <string.h>

#include "tls/bearssl/br_errors.h"
#include "tls/bearssl/br_x509.h"
#include "tls/format.h"
#include "tls/ip_literal.h"
#include "tls/time_text.h"

/* BearSSL counts days from 1 January of year 0 (proleptic Gregorian). */
#define DAYS_YEAR0_TO_UNIX 719528

static iotls_br_x509_t *self(const br_x509_class **ctx)
{
    return (iotls_br_x509_t *)(void *)ctx;
}

static void set_validator_time(iotls_br_x509_t *x, int64_t t)
{
    if (t < 0)
        t = 0;
    br_x509_minimal_set_time(&x->u.minimal, (uint32_t)(t / 86400 + DAYS_YEAR0_TO_UNIX),
                             (uint32_t)(t % 86400));
}

static bool checks_name(const iotls_br_x509_t *x)
{
    return x->host[0] && !x->cfg->no_name_check;
}

static void spki_update(void *ctx, const void *data, size_t len)
{
    br_sha256_update(ctx, data, len);
}

static void x_start_chain(const br_x509_class **ctx, const char *server_name)
{
    iotls_br_x509_t *x = self(ctx);
    x->depth = 0;
    x->leaf_done = false;
    iotls_error_clear(&x->verdict);
    if (x->mode != IOTLS_X509_VERIFY)
        return;
    /* IP literals are matched against iPAddress SANs here, not by BearSSL
     * (which only knows dNSName): give it no name to compare. */
    const char *name = checks_name(x) && !x->ip_len ? x->host : NULL;
    x->u.minimal.vtable->start_chain(&x->u.minimal.vtable, name);
}

static void x_start_cert(const br_x509_class **ctx, uint32_t length)
{
    iotls_br_x509_t *x = self(ctx);
    bool leaf = x->depth == 0;
    iotls_cert_walk_init(&x->walk, leaf ? x->ip : NULL, leaf ? x->ip_len : 0,
                         leaf ? spki_update : NULL, &x->spki_hash);
    x->time_applied = false;
    if (leaf) {
        br_sha256_init(&x->leaf_hash);
        br_sha256_init(&x->spki_hash);
        if (x->mode != IOTLS_X509_VERIFY)
            br_x509_decoder_init(&x->u.decoder, NULL, NULL);
    }
    if (x->mode == IOTLS_X509_VERIFY)
        x->u.minimal.vtable->start_cert(&x->u.minimal.vtable, length);
}

/* Lower-bound and unchecked time policies: once this certificate's
 * notBefore is known (the walker has read it from the same bytes BearSSL is
 * about to read), put the validator's clock where the policy says.
 * notBefore alone is enough, and waiting for notAfter is wrong: BearSSL
 * compares notBefore as soon as it has read it, and the piece it is handed
 * (at most 256 bytes, or a record) may end between the two dates. The clock
 * max(now, notBefore) passes the notBefore test and fails the notAfter test
 * exactly when notAfter < now (AT_LEAST); notBefore itself passes both for
 * any certificate with notBefore <= notAfter (UNCHECKED). */
static void apply_time_policy(iotls_br_x509_t *x)
{
    iotls_time_policy_t p = x->cfg->time_policy;
    if (x->time_applied || (p != IOTLS_TIME_AT_LEAST && p != IOTLS_TIME_UNCHECKED) ||
        !iotls_cert_walk_not_before_known(&x->walk))
        return;
    x->time_applied = true;
    int64_t nb = x->walk.not_before;
    if (p == IOTLS_TIME_UNCHECKED)
        set_validator_time(x, nb);
    else
        set_validator_time(x, x->now > nb ? x->now : nb);
}

static void x_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
    iotls_br_x509_t *x = self(ctx);
    iotls_cert_walk_push(&x->walk, buf, len);
    if (x->depth == 0) {
        br_sha256_update(&x->leaf_hash, buf, len);
        if (x->mode != IOTLS_X509_VERIFY)
            br_x509_decoder_push(&x->u.decoder, buf, len);
    }
    if (x->mode == IOTLS_X509_VERIFY) {
        apply_time_policy(x);
        x->u.minimal.vtable->append(&x->u.minimal.vtable, buf, len);
    }
}

/* Record the first certificate whose validity excludes the checking time,
 * with its subject, depth and dates, so that an EXPIRED verdict from
 * BearSSL (which does not say which, nor whether too early or too late)
 * can be explained. */
static void check_validity(iotls_br_x509_t *x)
{
    const iotls_cert_walk_t *w = &x->walk;
    iotls_time_policy_t p = x->cfg->time_policy;
    if (p == IOTLS_TIME_UNCHECKED)
        return;
    bool early = p != IOTLS_TIME_AT_LEAST && x->now < w->not_before;
    bool late = x->now > w->not_after;
    if (!early && !late)
        return;
    char from[40], until[40], now[40];
    iotls_time_text(w->not_before, from, sizeof from);
    iotls_time_text(w->not_after, until, sizeof until);
    iotls_time_text(x->now, now, sizeof now);
    iotls_error_set(&x->verdict, early ? IOTLS_ERR_CERT_NOT_YET_VALID : IOTLS_ERR_CERT_EXPIRED,
                    "certificate '%s' (depth %u) %s %s; validity %s to %s, checked at %s%s",
                    w->subject, x->depth, early ? "is not valid before" : "expired on",
                    early ? from : until, from, until,
                    p == IOTLS_TIME_AT_LEAST ? "no earlier than " : "", now);
}

static void x_end_cert(const br_x509_class **ctx)
{
    iotls_br_x509_t *x = self(ctx);
    if (x->mode == IOTLS_X509_VERIFY)
        x->u.minimal.vtable->end_cert(&x->u.minimal.vtable);
    bool well_formed = iotls_cert_walk_finish(&x->walk) == 0;
    if (x->depth == 0) {
        iotls_report_t *r = x->report;
        br_sha256_out(&x->leaf_hash, r->peer_sha256);
        br_sha256_out(&x->spki_hash, x->leaf_spki_sha256);
        iotls_format(r->peer_subject, sizeof r->peer_subject, "%s",
                     well_formed ? x->walk.subject : "(undecodable)");
        iotls_format(r->peer_issuer, sizeof r->peer_issuer, "%s",
                     well_formed ? x->walk.issuer : "(undecodable)");
        iotls_format(r->peer_sans, sizeof r->peer_sans, "%s", well_formed ? x->walk.sans : "");
        r->peer_cert_present = true;
        x->leaf_ip_match = well_formed && x->walk.ip_match;
        x->leaf_ip_sans = x->walk.ip_san_count;
        x->leaf_dns_sans = x->walk.dns_san_count;
        x->leaf_done = true;
    }
    if (well_formed) {
        iotls_format(x->top_issuer, sizeof x->top_issuer, "%s", x->walk.issuer);
        if (x->mode == IOTLS_X509_VERIFY)
            check_validity(x);
    }
    x->depth++;
}

static bool pin_matches(const iotls_br_x509_t *x)
{
    for (size_t i = 0; i < x->cfg->pin_count; i++) {
        const iotls_pin_t *p = &x->cfg->pins[i];
        const uint8_t *have =
            p->kind == IOTLS_PIN_SPKI_SHA256 ? x->leaf_spki_sha256 : x->report->peer_sha256;
        if (memcmp(have, p->sha256, 32) == 0)
            return true;
    }
    return false;
}

/* A failure the wrapper itself decides: the verdict explains it. BearSSL
 * only needs a non-zero X.509 code to abort the handshake. */
static unsigned refuse(iotls_br_x509_t *x, iotls_err_t code, unsigned br_code, const char *fmt,
                       const char *a, const char *b)
{
    iotls_error_set(&x->verdict, code, fmt, a, b);
    x->verdict.engine_code = (int)br_code;
    return br_code;
}

static unsigned x_end_chain(const br_x509_class **ctx)
{
    iotls_br_x509_t *x = self(ctx);
    const char *subject = x->report->peer_subject;
    if (x->mode != IOTLS_X509_VERIFY && !x->leaf_done)
        return BR_ERR_X509_EMPTY_CHAIN;
    if (x->mode == IOTLS_X509_INSECURE)
        return br_x509_decoder_get_pkey(&x->u.decoder) ? 0 : BR_ERR_X509_INVALID_VALUE;

    if (x->mode == IOTLS_X509_VERIFY) {
        unsigned err = x->u.minimal.vtable->end_chain(&x->u.minimal.vtable);
        if (err != 0)
            return err;
        if (checks_name(x) && x->ip_len && !x->leaf_ip_match)
            return refuse(x, IOTLS_ERR_CERT_NAME_MISMATCH, BR_ERR_X509_BAD_SERVER_NAME,
                          "certificate '%s' does not match IP address '%s' (no iPAddress "
                          "subjectAltName equals it)",
                          subject, x->host);
    } else if (!br_x509_decoder_get_pkey(&x->u.decoder)) {
        return BR_ERR_X509_INVALID_VALUE;
    }
    if (x->cfg->pin_count && !pin_matches(x))
        return refuse(x, IOTLS_ERR_CERT_PIN_MISMATCH, BR_ERR_X509_NOT_TRUSTED,
                      "certificate '%s' of '%s' matches none of the pinned keys (the "
                      "server's key changed, or this is not the pinned server)",
                      subject, x->host[0] ? x->host : "the peer");
    return 0;
}

static const br_x509_pkey *x_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
    iotls_br_x509_t *x = (iotls_br_x509_t *)(void *)ctx;
    if (x->mode != IOTLS_X509_VERIFY) {
        if (usages)
            *usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
        return br_x509_decoder_get_pkey(&x->u.decoder);
    }
    return x->u.minimal.vtable->get_pkey(&x->u.minimal.vtable, usages);
}

static const br_x509_class wrapper_vtable = {
    sizeof(iotls_br_x509_t),
    x_start_chain,
    x_start_cert,
    x_append,
    x_end_cert,
    x_end_chain,
    x_get_pkey,
};

void iotls_br_x509_setup(iotls_br_x509_t *x, iotls_x509_mode_t mode, const iotls_config_t *cfg,
                         const char *host, int64_t now, iotls_report_t *report)
{
    x->vtable = &wrapper_vtable;
    x->mode = mode;
    x->cfg = cfg;
    x->report = report;
    x->host = host ? host : "";
    x->now = now;
    x->ip_len = iotls_ip_literal_parse(x->host, x->ip);
    /* SYSTEM and FIXED check at one instant; the other policies move the
     * clock per certificate (apply_time_policy). */
    if (mode == IOTLS_X509_VERIFY)
        set_validator_time(x, now);
    iotls_error_clear(&x->verdict);
}

void iotls_br_x509_explain(const iotls_br_x509_t *x, int br_err, iotls_error_t *out)
{
    bool own = x->verdict.code != IOTLS_OK &&
               (x->verdict.engine_code == br_err || br_err == BR_ERR_X509_EXPIRED);
    if (own) {
        iotls_error_copy(out, &x->verdict);
        out->engine_code = br_err;
        return;
    }
    const char *subject = x->leaf_done ? x->report->peer_subject : "(none)";
    switch (br_err) {
    case BR_ERR_X509_BAD_SERVER_NAME:
        iotls_error_set(out, IOTLS_ERR_CERT_NAME_MISMATCH,
                        "certificate '%s' does not match host '%s' (checked %u DNS "
                        "subjectAltNames%s)",
                        subject, x->host, x->leaf_dns_sans,
                        x->leaf_dns_sans ? "" : ", then the subject CN");
        break;
    case BR_ERR_X509_NOT_TRUSTED:
        iotls_error_set(out, IOTLS_ERR_CERT_UNTRUSTED,
                        "certificate '%s' is not trusted: its chain (%u certificate%s) ends at "
                        "issuer '%s', which is not among the configured trust anchors "
                        "(unknown CA)",
                        subject, x->depth, x->depth == 1 ? "" : "s", x->top_issuer);
        break;
    case BR_ERR_X509_EMPTY_CHAIN:
        iotls_error_set(out, IOTLS_ERR_CERT_MISSING, "peer sent no certificate");
        break;
    default:
        iotls_error_set(out, iotls_br_error_code(br_err),
                        "certificate chain of '%s' (%u certificate%s) rejected: %s", subject,
                        x->depth, x->depth == 1 ? "" : "s", iotls_br_error_text(br_err));
        break;
    }
    out->engine_code = br_err;
}
