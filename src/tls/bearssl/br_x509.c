/* X.509 engine wrapper; see br_x509.h for why it exists. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tls/bearssl/br_errors.h"
#include "tls/bearssl/br_x509.h"

/* BearSSL counts days from 1 January of year 0 (proleptic Gregorian). */
#define DAYS_YEAR0_TO_UNIX 719528

static iotls_br_x509_t *self(const br_x509_class **ctx)
{
    return (iotls_br_x509_t *)(void *)ctx;
}

static void format_time(int64_t t, char *out, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
    else
        snprintf(out, len, "%lld", (long long)t);
}

static void x_start_chain(const br_x509_class **ctx, const char *server_name)
{
    iotls_br_x509_t *x = self(ctx);
    x->depth = 0;
    x->leaf_done = false;
    iotls_error_clear(&x->verdict);
    if (x->insecure)
        return;
    /* IP literals are matched against iPAddress SANs here, not by BearSSL
     * (which only knows dNSName): give it no name to compare. */
    x->u.minimal.vtable->start_chain(&x->u.minimal.vtable, x->ip_len ? NULL : server_name);
}

static void x_start_cert(const br_x509_class **ctx, uint32_t length)
{
    iotls_br_x509_t *x = self(ctx);
    bool leaf = x->depth == 0;
    iotls_cert_walk_init(&x->walk, leaf ? x->ip : NULL, leaf ? x->ip_len : 0, NULL, NULL);
    if (leaf) {
        br_sha256_init(&x->leaf_hash);
        if (x->insecure)
            br_x509_decoder_init(&x->u.decoder, NULL, NULL);
    }
    if (!x->insecure)
        x->u.minimal.vtable->start_cert(&x->u.minimal.vtable, length);
}

static void x_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
    iotls_br_x509_t *x = self(ctx);
    iotls_cert_walk_push(&x->walk, buf, len);
    if (x->depth == 0) {
        br_sha256_update(&x->leaf_hash, buf, len);
        if (x->insecure)
            br_x509_decoder_push(&x->u.decoder, buf, len);
    }
    if (!x->insecure)
        x->u.minimal.vtable->append(&x->u.minimal.vtable, buf, len);
}

/* Record the first certificate whose validity excludes `now`, with its
 * subject and dates, so an EXPIRED verdict from BearSSL can be explained. */
static void check_validity(iotls_br_x509_t *x)
{
    const iotls_cert_walk_t *w = &x->walk;
    bool early = x->now < w->not_before, late = x->now > w->not_after;
    if (!early && !late)
        return;
    char from[40], until[40], now[40];
    format_time(w->not_before, from, sizeof from);
    format_time(w->not_after, until, sizeof until);
    format_time(x->now, now, sizeof now);
    iotls_error_set(&x->verdict, early ? IOTLS_ERR_CERT_NOT_YET_VALID : IOTLS_ERR_CERT_EXPIRED,
                    "certificate '%s' (depth %u) %s %s; validity %s to %s, checked at %s",
                    w->subject, x->depth, early ? "is not valid before" : "expired on",
                    early ? from : until, from, until, now);
}

static void x_end_cert(const br_x509_class **ctx)
{
    iotls_br_x509_t *x = self(ctx);
    if (!x->insecure)
        x->u.minimal.vtable->end_cert(&x->u.minimal.vtable);
    bool well_formed = iotls_cert_walk_finish(&x->walk) == 0;
    if (x->depth == 0) {
        br_sha256_out(&x->leaf_hash, x->leaf_sha256);
        snprintf(x->leaf_subject, sizeof x->leaf_subject, "%s",
                 well_formed ? x->walk.subject : "(undecodable)");
        x->leaf_ip_match = well_formed && x->walk.ip_match;
        x->leaf_ip_sans = x->walk.ip_san_count;
        x->leaf_dns_sans = x->walk.dns_san_count;
        x->leaf_done = true;
    }
    if (well_formed) {
        snprintf(x->top_issuer, sizeof x->top_issuer, "%s", x->walk.issuer);
        if (!x->insecure)
            check_validity(x);
    }
    x->depth++;
}

static unsigned x_end_chain(const br_x509_class **ctx)
{
    iotls_br_x509_t *x = self(ctx);
    if (x->insecure) {
        if (!x->leaf_done)
            return BR_ERR_X509_EMPTY_CHAIN;
        return br_x509_decoder_get_pkey(&x->u.decoder) ? 0 : BR_ERR_X509_INVALID_VALUE;
    }
    unsigned err = x->u.minimal.vtable->end_chain(&x->u.minimal.vtable);
    if (err == 0 && x->ip_len && !x->leaf_ip_match) {
        iotls_error_set(&x->verdict, IOTLS_ERR_CERT_NAME_MISMATCH,
                        "certificate '%s' does not match IP address '%s' (it has %u IP "
                        "and %u DNS subjectAltNames, none equal to the address)",
                        x->leaf_subject, x->host, x->leaf_ip_sans, x->leaf_dns_sans);
        return BR_ERR_X509_BAD_SERVER_NAME;
    }
    return err;
}

static const br_x509_pkey *x_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
    iotls_br_x509_t *x = (iotls_br_x509_t *)(void *)ctx;
    if (x->insecure) {
        if (usages)
            *usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
        return br_x509_decoder_get_pkey(&x->u.decoder);
    }
    return x->u.minimal.vtable->get_pkey(&x->u.minimal.vtable, usages);
}

static const br_x509_class wrapper_vtable = {
    sizeof(iotls_br_x509_t), x_start_chain, x_start_cert, x_append,
    x_end_cert,              x_end_chain,   x_get_pkey,
};

void iotls_br_x509_setup(iotls_br_x509_t *x, bool insecure, const char *host, int64_t now)
{
    x->vtable = &wrapper_vtable;
    x->insecure = insecure;
    x->host = host ? host : "";
    x->now = now;
    x->ip_len = 0;
    if (host && inet_pton(AF_INET, host, x->ip) == 1)
        x->ip_len = 4;
    else if (host && inet_pton(AF_INET6, host, x->ip) == 1)
        x->ip_len = 16;
    if (!insecure) {
        br_x509_minimal_set_time(&x->u.minimal, (uint32_t)(now / 86400 + DAYS_YEAR0_TO_UNIX),
                                 (uint32_t)(now % 86400));
    }
    iotls_error_clear(&x->verdict);
}

void iotls_br_x509_explain(const iotls_br_x509_t *x, int br_err, iotls_error_t *out)
{
    if (br_err == BR_ERR_X509_EXPIRED || br_err == BR_ERR_X509_BAD_SERVER_NAME) {
        if (x->verdict.code != IOTLS_OK) {
            iotls_error_copy(out, &x->verdict);
            out->engine_code = br_err;
            return;
        }
    }
    switch (br_err) {
    case BR_ERR_X509_BAD_SERVER_NAME:
        iotls_error_set(out, IOTLS_ERR_CERT_NAME_MISMATCH,
                        "certificate '%s' does not match host '%s' (checked %u DNS "
                        "subjectAltNames%s)",
                        x->leaf_subject, x->host, x->leaf_dns_sans,
                        x->leaf_dns_sans ? "" : ", then the subject CN");
        break;
    case BR_ERR_X509_NOT_TRUSTED:
        iotls_error_set(out, IOTLS_ERR_CERT_UNTRUSTED,
                        "certificate '%s' is not trusted: its chain (%u certificate%s) ends at "
                        "issuer '%s', which is not among the configured trust anchors "
                        "(unknown CA)",
                        x->leaf_subject, x->depth, x->depth == 1 ? "" : "s", x->top_issuer);
        break;
    default:
        iotls_error_set(out, iotls_br_error_code(br_err), "certificate '%s' rejected: %s",
                        x->leaf_done ? x->leaf_subject : "(none)", iotls_br_error_text(br_err));
        break;
    }
    out->engine_code = br_err;
}
