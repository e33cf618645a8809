/* X.509 engine wrapper; see br_x509.h for why it exists. */
#include <stdarg.h>
#include <string.h>

#include "tls/bearssl/br_errors.h"
#include "tls/bearssl/br_x509.h"
#include "tls/bearssl/br_x509_store.h"
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
    return x->host[0] && !x->no_name_check;
}

static void spki_update(void *ctx, const void *data, size_t len)
{
    br_sha256_update(ctx, data, len);
}

#if IOTLS_ERROR_TEXT
/* The current certificate's subject, as far as it is kept. */
static const char *cert_subject(const iotls_br_x509_t *x)
{
    return x->walk.subject ? x->walk.subject : "";
}

#endif

static void x_start_chain(const br_x509_class **ctx, const char *server_name)
{
    iotls_br_x509_t *x = self(ctx);
    x->depth = 0;
    x->leaf_done = false;
    iotls_br_verdict_clear(x);
    x->anchor_found = false;
    x->order_broken = x->order_later = false;
    x->nc_violations = x->cn_violations = 0;
    x->nc_first_slot = -1;
    x->nc_first_cn = false;
    x->policy_br = 0;
    x->arrived = 0;
    x->holding = false;
    x->reorder_used = 0;
    x->overflow_len = 0;
    x->wanted_issuer = 0;
    x->last_well_formed = false;
    if (x->mode != IOTLS_X509_VERIFY)
        return;
    /* IP literals are matched against iPAddress SANs here, not by BearSSL
     * (which only knows dNSName): give it no name to compare. */
    const char *name = checks_name(x) && !x->ip_len ? x->host : NULL;
    x->u.minimal.vtable->start_chain(&x->u.minimal.vtable, name);
}

/* A CN is a host name iotls may match (leaf without DNS SAN) only when it
 * looks like one; "iotls test client" is no DNS name to constrain. */
static bool looks_like_host(const uint8_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
              (v[i] >= '0' && v[i] <= '9') || v[i] == '-' || v[i] == '.' || v[i] == '*'))
            return false;
    return n > 0;
}

#if IOTLS_ERROR_TEXT
static void describe_name(char *out, size_t cap, iotls_cw_name_kind_t kind, const uint8_t *v,
                          size_t n, bool truncated)
{
    const char *type = kind == IOTLS_CW_SAN_DNS      ? "DNS:"
                       : kind == IOTLS_CW_SAN_IP     ? "IP:"
                       : kind == IOTLS_CW_SUBJECT_CN ? "CN="
                                                     : "email:";
    size_t k = (size_t)iotls_format(out, cap, "%s", type);
    if (kind == IOTLS_CW_SAN_IP && n == 4) {
        iotls_format(out + k, cap - k, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
        return;
    }
    for (size_t i = 0; i < n && k + 4 < cap; i++)
        out[k++] = kind == IOTLS_CW_SAN_IP ? '?' : (v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '?');
    if (kind == IOTLS_CW_SAN_IP && n == 16)
        k = (size_t)iotls_format(out, cap, "IP:(IPv6 address)");
    if (truncated && k + 4 < cap)
        k += (size_t)iotls_format(out + k, cap - k, "...");
    out[k < cap ? k : cap - 1] = '\0';
}

#endif

/* Walker visitor: one name of a certificate below the anchor, checked
 * against every name-constrained anchor (which one ends the chain is only
 * known later). */
static void check_name(void *ctx, iotls_cw_name_kind_t kind, bool excluded, const uint8_t *v,
                       size_t n, bool truncated)
{
    iotls_br_x509_t *x = ctx;
    iotls_nc_form_t form;
    if (!iotls_nc_form_of(kind, &form))
        return;
    bool cn = kind == IOTLS_CW_SUBJECT_CN;
    if (cn && (x->depth != 0 || !looks_like_host(v, n)))
        return;
    const iotls_trust_t *t = x->trust;
    uint32_t bad = 0;
    int first = -1;
    for (size_t i = 0; i < t->count; i++) {
        const iotls_anchor_meta_t *m = &t->meta[i];
        if (m->nc_slot < 0 || iotls_nc_admits(m->nc, m->nc_count, form, v, n, truncated))
            continue;
        bad |= 1u << m->nc_slot;
        if (first < 0)
            first = m->nc_slot;
    }
    if (!bad)
        return;
    if (cn)
        x->cn_violations |= bad;
    else
        x->nc_violations |= bad;
    if (x->nc_first_slot < 0 || (x->nc_first_cn && !cn)) {
        x->nc_first_slot = first;
        x->nc_first_cn = cn;
        x->nc_first_depth = x->depth;
#if IOTLS_ERROR_TEXT
        describe_name(x->nc_first, sizeof x->nc_first, kind, v, n, truncated);
#else
        (void)truncated;
#endif
    }
}

/* The first failure of a check of iotls's own wins the text, unless a date
 * failure (which BearSSL acts on) is already explained. */
#if IOTLS_ERROR_TEXT
__attribute__((format(printf, 4, 5))) static void
policy_fail(iotls_br_x509_t *x, unsigned br_code, iotls_err_t code, const char *fmt, ...)
{
    if (x->policy_br)
        return;
    x->policy_br = br_code;
    if (iotls_br_verdict_set(x))
        return;
    va_list ap;
    va_start(ap, fmt);
    iotls_br_verdict_vrecord(x, code, fmt, ap);
    va_end(ap);
    x->verdict_engine_code = (int)br_code;
}
#else
static void policy_fail_code(iotls_br_x509_t *x, unsigned br_code, iotls_err_t code)
{
    if (x->policy_br)
        return;
    x->policy_br = br_code;
    if (iotls_br_verdict_set(x))
        return;
    iotls_br_verdict_record_code(x, code);
    x->verdict_engine_code = (int)br_code;
}
#define policy_fail(x, br_code, code, ...) policy_fail_code((x), (br_code), (code))
#endif

#if IOTLS_ERROR_TEXT /* for the sentences only */
static const char *peer_role(const iotls_br_x509_t *x)
{
    return x->want_client_auth ? "client" : "server";
}
#endif

/* Checks on one certificate that is below (or issued by) the anchor. */
static void check_cert(iotls_br_x509_t *x, bool well_formed)
{
    const iotls_cert_walk_t *w = &x->walk;
    if (!well_formed) {
        policy_fail(x, BR_ERR_X509_INVALID_VALUE, IOTLS_ERR_CERT_INVALID,
                    "certificate at depth %u of the %s's chain is malformed: %s", x->depth,
                    peer_role(x), w->err);
        return;
    }
    uint8_t want = x->want_client_auth ? IOTLS_CW_EKU_CLIENT : IOTLS_CW_EKU_SERVER;
    if (w->eku && !(w->eku & (want | IOTLS_CW_EKU_ANY)))
        policy_fail(x, BR_ERR_X509_FORBIDDEN_KEY_USAGE, IOTLS_ERR_CERT_INVALID,
                    "certificate '%s' (depth %u) is not for TLS %ss: its extendedKeyUsage "
                    "lacks %s",
                    cert_subject(x), x->depth, peer_role(x),
                    x->want_client_auth ? "clientAuth" : "serverAuth");
    if (w->rsa_bits && w->rsa_bits < x->min_rsa_bits)
        policy_fail(x, BR_ERR_X509_WEAK_PUBLIC_KEY, IOTLS_ERR_CERT_INVALID,
                    "certificate '%s' (depth %u) has a %u-bit RSA key; iotls refuses RSA keys "
                    "under %u bits (cfg.allow_weak_rsa admits 1024-bit keys of old devices)",
                    cert_subject(x), x->depth, w->rsa_bits, x->min_rsa_bits);
    /* BearSSL refuses critical extensions it does not process; say which. */
    if (w->critical_other && !iotls_br_verdict_set(x)) {
        iotls_br_verdict_record(x, IOTLS_ERR_CERT_INVALID,
                                "certificate '%s' (depth %u) has a critical %s extension, which "
                                "BearSSL 0.6 cannot process: the chain is refused",
                                cert_subject(x), x->depth, w->critical_other);
        x->verdict_engine_code = BR_ERR_X509_CRITICAL_EXTENSION;
    }
    if (x->depth == 0 && w->dns_san_count == 0)
        x->nc_violations |= x->cn_violations;
    else if (x->depth == 0 && x->nc_first_cn)
        x->nc_first_slot = -1; /* the CN is not a name iotls matches here */
}

/* Chain order, followed by subject/issuer DN hashes: where BearSSL will
 * say "issuer does not match the next certificate's subject", say whether
 * the missing issuer was sent later (out of order) or not at all. */
static void track_order(iotls_br_x509_t *x)
{
    const iotls_cert_walk_t *w = &x->walk;
    uint32_t subject = (uint32_t)w->subject_hash;
    if (x->depth > 0 && !x->order_broken && !x->anchor_found && subject != x->prev_issuer_hash) {
        x->order_broken = true;
        x->order_wanted = x->prev_issuer_hash;
        if (!iotls_br_verdict_set(x)) {
            iotls_br_verdict_record(
                x, IOTLS_ERR_CERT_INVALID,
                "certificate '%s' (depth %u) is not the issuer %s%s%sof the one "
                "before it",
                cert_subject(x), x->depth, x->depth == 1 ? "('" : "",
                x->depth == 1 ? iotls_br_leaf_issuer_name(x) : "", x->depth == 1 ? "') " : "");
            x->verdict_engine_code = BR_ERR_X509_DN_MISMATCH;
        }
    } else if (x->order_broken && subject == x->order_wanted) {
        x->order_later = true;
    }
    x->prev_issuer_hash = (uint32_t)w->issuer_hash;
}

static bool is_ca_anchor_name(const iotls_br_x509_t *x, uint64_t hash)
{
    const iotls_trust_t *t = x->trust;
    for (size_t i = 0; t && i < t->count; i++)
        if ((t->anchors[i].flags & BR_X509_TA_CA) && iotls_br_anchor_dn_hash(t, i) == hash)
            return true;
    return false;
}

/* Pin-only and insecure clients (IOTLS_NO_CHAIN_MODES, iotls/options.h)
 * take the leaf's key from BearSSL's decoder; builds without those modes
 * never reach it, so it is not linked. */
static bool unchained(const iotls_br_x509_t *x)
{
    return IOTLS_NO_CHAIN_MODES && x->mode != IOTLS_X509_VERIFY;
}

static void unchained_start(iotls_br_x509_t *x)
{
#if IOTLS_NO_CHAIN_MODES
    br_x509_decoder_init(&x->u.decoder, NULL, NULL);
#else
    (void)x;
#endif
}

static void unchained_push(iotls_br_x509_t *x, const unsigned char *buf, size_t len)
{
#if IOTLS_NO_CHAIN_MODES
    br_x509_decoder_push(&x->u.decoder, buf, len);
#else
    (void)x, (void)buf, (void)len;
#endif
}

static const br_x509_pkey *unchained_key(iotls_br_x509_t *x)
{
#if IOTLS_NO_CHAIN_MODES
    return br_x509_decoder_get_pkey(&x->u.decoder);
#else
    (void)x;
    return NULL;
#endif
}

/* The leaf's SubjectPublicKeyInfo is hashed only for SPKI pins. */
/* Which names the walker renders, and where: the leaf's into the report
 * (or the error-text storage), the others' for error texts only. */
static void set_texts(iotls_br_x509_t *x, bool leaf)
{
#if IOTLS_CERT_WALK_TEXT
    if (leaf)
        iotls_cert_walk_set_text(&x->walk, x->leaf_subject, x->leaf_name_cap, x->leaf_issuer,
                                 x->leaf_name_cap, x->leaf_sans, x->leaf_sans_cap);
#endif
#if IOTLS_ERROR_TEXT
    /* A certificate above the leaf is named only in the first verdict,
     * which is written into the session's error text: while there is
     * none, that text's second half is where its subject is rendered (the
     * verdict is formatted on the stack, then put in its place). */
    else if (iotls_br_error_text_free(x))
        iotls_cert_walk_set_text(&x->walk, x->text->text + IOTLS_BR_ERROR_NAME_MAX,
                                 IOTLS_BR_ERROR_NAME_MAX, x->cur_issuer, IOTLS_BR_ERROR_NAME_MAX,
                                 NULL, 0);
    else
        iotls_cert_walk_set_text(&x->walk, NULL, 0, x->cur_issuer, IOTLS_BR_ERROR_NAME_MAX, NULL,
                                 0);
#endif
}

/* ---- one certificate of the path, in path order ------------------------- */

static void path_start(iotls_br_x509_t *x, uint32_t length)
{
    bool leaf = x->depth == 0;
    iotls_cert_walk_init(&x->walk, leaf ? x->ip : NULL, leaf ? x->ip_len : 0,
                         leaf && x->spki_hash ? spki_update : NULL,
                         x->spki_hash ? &x->spki_hash->ctx : NULL);
    set_texts(x, leaf);
    if (x->mode == IOTLS_X509_VERIFY && x->trust && x->trust->nc_anchors && !x->anchor_found)
        iotls_cert_walk_set_name_visitor(&x->walk, check_name, x);
    x->time_applied = false;
    if (leaf) {
        if (x->leaf_hash)
            br_sha256_init(&x->leaf_hash->ctx);
        if (x->spki_hash)
            br_sha256_init(&x->spki_hash->ctx);
        if (unchained(x))
            unchained_start(x);
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
    iotls_time_policy_t p = x->time_policy;
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

static void path_append(iotls_br_x509_t *x, const unsigned char *buf, size_t len)
{
    iotls_cert_walk_push(&x->walk, buf, len);
    if (x->depth == 0) {
        if (x->leaf_hash)
            br_sha256_update(&x->leaf_hash->ctx, buf, len);
        if (unchained(x))
            unchained_push(x, buf, len);
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
    iotls_time_policy_t p = x->time_policy;
    if (p == IOTLS_TIME_UNCHECKED)
        return;
    bool early = p != IOTLS_TIME_AT_LEAST && x->now < w->not_before;
    bool late = x->now > w->not_after;
    if (!early && !late)
        return;
#if IOTLS_ERROR_TEXT
    char from[40], until[40], now[40];
    iotls_time_text(w->not_before, from, sizeof from);
    iotls_time_text(w->not_after, until, sizeof until);
    iotls_time_text(x->now, now, sizeof now);
#endif
    iotls_br_verdict_record(x, early ? IOTLS_ERR_CERT_NOT_YET_VALID : IOTLS_ERR_CERT_EXPIRED,
                            "certificate '%s' (depth %u) %s %s; validity %s to %s, checked at %s%s",
                            cert_subject(x), x->depth, early ? "is not valid before" : "expired on",
                            early ? from : until, from, until,
                            p == IOTLS_TIME_AT_LEAST ? "no earlier than " : "", now);
}

static void path_end(iotls_br_x509_t *x)
{
    if (x->mode == IOTLS_X509_VERIFY)
        x->u.minimal.vtable->end_cert(&x->u.minimal.vtable);
    bool well_formed = iotls_cert_walk_finish(&x->walk) == 0;
    x->last_well_formed = well_formed;
    if (x->depth == 0) {
        if (x->leaf_hash) {
            br_sha256_out(&x->leaf_hash->ctx, x->leaf_hash->out);
            if (x->peer_sha256)
                memcpy(x->peer_sha256, x->leaf_hash->out, 32);
        }
        if (x->spki_hash)
            br_sha256_out(&x->spki_hash->ctx, x->spki_hash->out);
            /* The walker rendered the names in place; a malformed leaf's are
         * not to be shown. */
#if IOTLS_CERT_WALK_TEXT
        if (!well_formed) {
            if (x->leaf_subject)
                iotls_text_copy(x->leaf_subject, x->leaf_name_cap, "(undecodable)");
            if (x->leaf_issuer)
                iotls_text_copy(x->leaf_issuer, x->leaf_name_cap, "(undecodable)");
            if (x->leaf_sans)
                x->leaf_sans[0] = '\0';
        }
#endif
        iotls_br_leaf_issuer_kept(x);
        x->report->peer_cert_present = true;
        x->leaf_ip_match = well_formed && x->walk.ip_match;
        x->leaf_dns_sans = x->walk.dns_san_count;
        x->leaf_done = true;
    }
    /* BearSSL stops at a broken link; the walk goes on to see whether the
     * missing issuer comes later (track_order). */
    if (x->mode == IOTLS_X509_VERIFY && !x->anchor_found && !x->order_broken)
        check_cert(x, well_formed);
    if (x->mode == IOTLS_X509_VERIFY && well_formed)
        track_order(x);
    if (x->mode == IOTLS_X509_VERIFY && !x->anchor_found && !x->order_broken) {
        if (well_formed && is_ca_anchor_name(x, x->walk.issuer_hash)) {
            x->anchor_found = true;
            x->anchor_hash = x->walk.issuer_hash;
        }
    }
    if (well_formed && x->mode == IOTLS_X509_VERIFY)
        check_validity(x);
    x->wanted_issuer = well_formed ? x->walk.issuer_hash : 0;
    x->depth++;
}

/* ---- certificates as the peer sends them --------------------------------
 *
 * Without a reorder buffer (cfg.chain_reorder_bytes = 0) every certificate
 * goes straight down the path. With one, the leaf still streams through
 * (it is first by definition); each other certificate is held whole in the
 * buffer and goes down the path as soon as it is the issuer the path wants
 * next, so a chain sent in any order reaches BearSSL leaf first, each
 * certificate followed by its issuer. Held entries are a small header
 * (length, DN hashes) followed by the DER; certificates the path never
 * wants (a root sent along after the anchor was reached, unrelated extras)
 * are simply never used. A certificate that does not fit streams through
 * in the order sent, and the error text says so if that broke the order. */

typedef struct {
    uint32_t len;
    uint64_t issuer, subject;
} held_t;

#define HELD_HDR sizeof(held_t)

static void feed_held(iotls_br_x509_t *x, size_t off)
{
    held_t h;
    memcpy(&h, x->reorder + off, sizeof h);
    path_start(x, h.len);
    path_append(x, x->reorder + off + HELD_HDR, h.len);
    path_end(x);
    size_t whole = HELD_HDR + h.len;
    memmove(x->reorder + off, x->reorder + off + whole, x->reorder_used - off - whole);
    x->reorder_used -= whole;
}

/* Feed every held certificate the path wants, preferring one an anchor
 * issued when several have the subject wanted (cross-signed CAs). */
static void flush_held(iotls_br_x509_t *x)
{
    while (!x->anchor_found && !x->order_broken && x->wanted_issuer) {
        size_t pick = SIZE_MAX;
        for (size_t off = 0; off < x->reorder_used;) {
            held_t h;
            memcpy(&h, x->reorder + off, sizeof h);
            if (h.subject == x->wanted_issuer &&
                (pick == SIZE_MAX || is_ca_anchor_name(x, h.issuer)))
                pick = off;
            off += HELD_HDR + h.len;
        }
        if (pick == SIZE_MAX)
            return;
        feed_held(x, pick);
    }
}

static void x_start_cert(const br_x509_class **ctx, uint32_t length)
{
    iotls_br_x509_t *x = self(ctx);
    size_t room = x->reorder_cap - x->reorder_used;
    x->arrived++;
    x->holding = x->mode == IOTLS_X509_VERIFY && x->arrived > 1 && x->reorder_cap &&
                 length <= room && room - length >= HELD_HDR;
    if (x->holding) {
        held_t h = {length, 0, 0};
        memcpy(x->reorder + x->reorder_used, &h, sizeof h);
        x->hold_got = 0;
        return;
    }
    if (x->arrived > 1 && x->reorder_cap && x->mode == IOTLS_X509_VERIFY && !x->overflow_len)
        x->overflow_len = length;
    path_start(x, length);
}

static void x_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
    iotls_br_x509_t *x = self(ctx);
    if (!x->holding) {
        path_append(x, buf, len);
        return;
    }
    held_t h;
    memcpy(&h, x->reorder + x->reorder_used, sizeof h);
    size_t take = len < h.len - x->hold_got ? len : h.len - x->hold_got;
    memcpy(x->reorder + x->reorder_used + HELD_HDR + x->hold_got, buf, take);
    x->hold_got += (uint32_t)take;
}

static void x_end_cert(const br_x509_class **ctx)
{
    iotls_br_x509_t *x = self(ctx);
    if (!x->holding) {
        path_end(x);
        flush_held(x); /* a certificate that streamed through may want one held */
        return;
    }
    x->holding = false;
    size_t off = x->reorder_used;
    held_t h;
    memcpy(&h, x->reorder + off, sizeof h);
    x->reorder_used += HELD_HDR + h.len;
    /* A certificate whose names cannot be read goes down the path now, in
     * the order sent, so that BearSSL and the walker name what is wrong. */
    if (x->hold_got != h.len ||
        !iotls_cert_dn_hashes(x->reorder + off + HELD_HDR, h.len, &h.issuer, &h.subject)) {
        feed_held(x, off);
        return;
    }
    memcpy(x->reorder + off, &h, sizeof h);
    flush_held(x);
}

static bool pin_matches(const iotls_br_x509_t *x)
{
    for (size_t i = 0; i < x->pin_count; i++) {
        const iotls_pin_t *p = &x->pins[i];
        const iotls_br_leaf_hash_t *h =
            p->kind == IOTLS_PIN_SPKI_SHA256 ? x->spki_hash : x->leaf_hash;
        if (h && memcmp(h->out, p->sha256, 32) == 0)
            return true;
    }
    return false;
}

/* A failure the wrapper itself decides: the verdict explains it. BearSSL
 * only needs a non-zero X.509 code to abort the handshake. */
static unsigned refuse(iotls_br_x509_t *x, iotls_err_t code, unsigned br_code, const char *fmt,
                       const char *a, const char *b)
{
#if IOTLS_ERROR_TEXT
    if (!iotls_br_verdict_set(x))
        iotls_format(x->text->code == IOTLS_OK ? x->text->text : NULL,
                     x->text->code == IOTLS_OK ? sizeof x->text->text : 0, fmt, a, b);
#else
    (void)fmt, (void)a, (void)b;
#endif
    if (!iotls_br_verdict_set(x))
        x->verdict_code = code;
    x->verdict_engine_code = (int)br_code;
    return br_code;
}

/* Why the anchor `i` cannot end this chain, or NULL when it can. */
static const char *anchor_problem(const iotls_br_x509_t *x, size_t i, char *buf, size_t cap,
                                  unsigned *br_code, iotls_err_t *code)
{
    /* A static store (iotls_trust_init_static) has compact anchors only:
     * no dates, no constraints, the key. */
    static const iotls_anchor_meta_t none = {.nc_slot = -1};
    const iotls_anchor_meta_t *m = x->trust->meta ? &x->trust->meta[i] : &none;
    const char *subject = iotls_br_anchor_subject(x->trust, i);
    unsigned rsa_bits = iotls_br_anchor_rsa_bits(x->trust, i);
    iotls_time_policy_t p = x->time_policy;
    buf[0] = '\0'; /* stays empty in terse builds (IOTLS_ERROR_TEXT=0) */
    if (m->has_dates && p != IOTLS_TIME_UNCHECKED &&
        (x->now > m->not_after || (p != IOTLS_TIME_AT_LEAST && x->now < m->not_before))) {
        bool late = x->now > m->not_after;
        if (IOTLS_ERROR_TEXT) { /* terse builds render no dates */
            char from[40], until[40], now[40];
            iotls_time_text(m->not_before, from, sizeof from);
            iotls_time_text(m->not_after, until, sizeof until);
            iotls_time_text(x->now, now, sizeof now);
            iotls_format(buf, cap, "trust anchor '%s' %s %s (validity %s to %s, checked at %s)",
                         subject, late ? "expired on" : "is not valid before", late ? until : from,
                         from, until, now);
        }
        *br_code = BR_ERR_X509_EXPIRED;
        *code = late ? IOTLS_ERR_CERT_EXPIRED : IOTLS_ERR_CERT_NOT_YET_VALID;
        return buf;
    }
    if (rsa_bits && rsa_bits < x->min_rsa_bits) {
        if (IOTLS_ERROR_TEXT)
            iotls_format(buf, cap,
                         "trust anchor '%s' has a %u-bit RSA key; iotls refuses RSA keys under "
                         "%u bits (cfg.allow_weak_rsa admits 1024-bit keys of old devices)",
                         subject, rsa_bits, x->min_rsa_bits);
        *br_code = BR_ERR_X509_WEAK_PUBLIC_KEY;
        *code = IOTLS_ERR_CERT_INVALID;
        return buf;
    }
    if (m->nc_slot >= 0 && (x->nc_violations & (1u << m->nc_slot))) {
#if IOTLS_ERROR_TEXT /* terse builds keep the code only */
        if (x->nc_first_slot == m->nc_slot)
            iotls_format(buf, cap,
                         "certificate at depth %u names %s, outside the name constraints of trust "
                         "anchor '%s'",
                         x->nc_first_depth, x->nc_first, subject);
        else
            iotls_format(buf, cap,
                         "a name in the %s's chain is outside the name constraints of trust "
                         "anchor '%s'",
                         peer_role(x), subject);
#endif
        *br_code = BR_ERR_X509_NOT_TRUSTED;
        *code = IOTLS_ERR_CERT_UNTRUSTED;
        return buf;
    }
    return NULL;
}

/* After BearSSL accepted the chain: the anchor it ended at must admit it
 * too. Anchors sharing the name cannot be told apart (BearSSL does not say
 * which key verified): one admitting the chain is enough. */
static unsigned check_anchor(iotls_br_x509_t *x)
{
    const iotls_trust_t *t = x->trust;
    if (!t)
        return 0;
    if (!x->anchor_found) {
        /* Accepted without a CA anchor name: a directly trusted key. If
         * the store has no such anchors, the lookup failed; never let that
         * skip name constraints. */
        bool direct = false;
        for (size_t i = 0; i < t->count; i++)
            direct = direct || !(t->anchors[i].flags & BR_X509_TA_CA);
        if (direct || !t->nc_anchors)
            return 0;
        policy_fail(x, BR_ERR_X509_NOT_TRUSTED, IOTLS_ERR_CERT_UNTRUSTED,
                    "could not tell which trust anchor ends the %s's chain, so its name "
                    "constraints cannot be checked",
                    peer_role(x));
        return x->policy_br;
    }
    char buf[IOTLS_ERROR_TEXT_MAX];
    const char *first = NULL;
    unsigned br_code = 0;
    iotls_err_t code = IOTLS_OK;
    for (size_t i = 0; i < t->count; i++) {
        if (!(t->anchors[i].flags & BR_X509_TA_CA) ||
            iotls_br_anchor_dn_hash(t, i) != x->anchor_hash)
            continue;
        unsigned b;
        iotls_err_t c;
        const char *why = anchor_problem(x, i, buf, sizeof buf, &b, &c);
        if (!why)
            return 0;
        if (!first) {
            first = why;
            br_code = b;
            code = c;
            iotls_br_verdict_clear(x); /* the anchor's reason replaces any other */
            iotls_br_verdict_record(x, code, "%s", buf);
            x->verdict_engine_code = (int)br_code;
        }
    }
    x->policy_br = br_code;
    return br_code;
}

static unsigned x_end_chain(const br_x509_class **ctx)
{
    iotls_br_x509_t *x = self(ctx);
#if IOTLS_CERT_WALK_TEXT
    const char *subject = x->leaf_subject ? x->leaf_subject : "";
#else
    const char *subject = ""; /* no name is rendered */
#endif
    if (unchained(x) && !x->leaf_done)
        return BR_ERR_X509_EMPTY_CHAIN;
    if (unchained(x) && x->mode == IOTLS_X509_INSECURE)
        return unchained_key(x) ? 0 : BR_ERR_X509_INVALID_VALUE;

    if (!unchained(x)) {
        unsigned err = x->u.minimal.vtable->end_chain(&x->u.minimal.vtable);
        if (err != 0)
            return err;
        if (x->policy_br)
            return x->policy_br;
        if ((err = check_anchor(x)) != 0)
            return err;
        if (checks_name(x) && x->ip_len && !x->leaf_ip_match)
            return refuse(x, IOTLS_ERR_CERT_NAME_MISMATCH, BR_ERR_X509_BAD_SERVER_NAME,
                          "certificate '%s' does not match IP address '%s' (no iPAddress "
                          "subjectAltName equals it)",
                          subject, x->host);
    } else if (!unchained_key(x)) {
        return BR_ERR_X509_INVALID_VALUE;
    }
    if (x->pin_count && !pin_matches(x))
        return refuse(x, IOTLS_ERR_CERT_PIN_MISMATCH, BR_ERR_X509_NOT_TRUSTED,
                      "certificate '%s' of '%s' matches none of the pinned keys (the "
                      "server's key changed, or this is not the pinned server)",
                      subject, x->host[0] ? x->host : "the peer");
    return 0;
}

static const br_x509_pkey *x_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
    iotls_br_x509_t *x = (iotls_br_x509_t *)(void *)ctx;
    if (unchained(x)) {
        if (usages)
            *usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
        return unchained_key(x);
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

void iotls_br_x509_set_reorder(iotls_br_x509_t *x, uint8_t *buf, size_t len)
{
    x->reorder = buf;
    x->reorder_cap = buf ? (uint32_t)len : 0;
}

void iotls_br_x509_setup(iotls_br_x509_t *x, iotls_x509_mode_t mode, const iotls_config_t *cfg,
                         const char *host, int64_t now, uint8_t *extra, iotls_report_t *report,
                         iotls_br_peer_names_t *names, iotls_error_t *error)
{
    x->vtable = &wrapper_vtable;
    _Static_assert(IOTLS_X509_INSECURE < 4 && IOTLS_TIME_UNCHECKED < 8,
                   "a mode or time policy does not fit its bits in iotls_br_x509_t");
    x->mode = mode & 3u;
    x->time_policy = cfg->time_policy & 7u;
    x->pins = cfg->pins;
    x->pin_count = cfg->pin_count;
    x->no_name_check = cfg->no_name_check;
    x->trust = mode == IOTLS_X509_VERIFY ? cfg->trust : NULL;
    x->want_client_auth = cfg->role == IOTLS_ROLE_SERVER;
    x->min_rsa_bits = cfg->allow_weak_rsa ? 1024 : 2048;
    x->report = report;
    x->text = error;
    x->host = host ? host : "";
    x->now = now;
    x->ip_len = iotls_ip_literal_parse(x->host, x->ip);
    iotls_br_x509_carve(x, cfg, extra, names);

    /* SYSTEM and FIXED check at one instant; the other policies move the
     * clock per certificate (apply_time_policy). */
    if (mode == IOTLS_X509_VERIFY) {
        set_validator_time(x, now);
        /* BearSSL counts bytes: 256 refuses what is under 2041 bits, the
         * walker's exact count (check_cert) the rest. */
        br_x509_minimal_set_minrsa(&x->u.minimal, cfg->allow_weak_rsa ? 128 : 256);
    }
    x->verdict_code = IOTLS_OK;
    x->verdict_engine_code = 0;
}

#if IOTLS_ERROR_TEXT
/* Whether a held certificate is the issuer the path missed. */
static bool held_has_subject(const iotls_br_x509_t *x, uint32_t subject)
{
    for (size_t off = 0; off < x->reorder_used;) {
        held_t h;
        memcpy(&h, x->reorder + off, sizeof h);
        if ((uint32_t)h.subject == subject)
            return true;
        off += HELD_HDR + h.len;
    }
    return false;
}

#endif

/* The verdict holds which link broke; lead with why, so that a text cut
 * at the error size keeps the cause. */
static void explain_order(const iotls_br_x509_t *x, iotls_error_t *out)
{
#if IOTLS_ERROR_TEXT
    const char *who = peer_role(x);
    char lead[128];
    if (!x->order_later && !held_has_subject(x, x->order_wanted))
        iotls_format(lead, sizeof lead, "the %s sent an incomplete chain (the issuer is not in it)",
                     who);
    else if (!x->reorder_cap)
        iotls_format(lead, sizeof lead,
                     "the %s sent its chain out of order (cfg.chain_reorder_bytes would "
                     "reorder it)",
                     who);
    else
        iotls_format(lead, sizeof lead,
                     "the %s sent its chain out of order and a %u-byte certificate did not fit "
                     "the %u-byte reorder buffer",
                     who, (unsigned)x->overflow_len, (unsigned)x->reorder_cap);
    char verdict[IOTLS_ERROR_TEXT_MAX];
    memcpy(verdict, x->text->text, sizeof verdict);
    iotls_error_clear(out);
    iotls_error_set(out, x->verdict_code, "%s: %s", lead, verdict);
#else
    iotls_error_clear(out);
    iotls_error_set_code(out, x->verdict_code);
#endif
    out->engine_code = BR_ERR_X509_DN_MISMATCH;
}

void iotls_br_x509_explain(const iotls_br_x509_t *x, int br_err, iotls_error_t *out)
{
    bool own = iotls_br_verdict_set(x) &&
               (x->verdict_engine_code == br_err || br_err == BR_ERR_X509_EXPIRED);
    if (own && out->code == IOTLS_OK) {
        if (br_err == BR_ERR_X509_DN_MISMATCH) {
            explain_order(x, out);
            out->engine_code = br_err;
            return;
        }
        /* The text is already in the session's error (x->text). */
        if (out != x->text)
            memcpy(out->text, x->text->text, sizeof out->text);
        out->code = x->verdict_code;
        out->alert = -1;
        out->engine_code = br_err;
        return;
    }
    if (own)
        return;

        /* The names below are the wrapper's; the text they go to may hold the
     * verdict, so they are copied first. */
#if IOTLS_ERROR_TEXT
    char subject[IOTLS_REPORT_NAME_MAX > IOTLS_BR_ERROR_NAME_MAX ? IOTLS_REPORT_NAME_MAX
                                                                 : IOTLS_BR_ERROR_NAME_MAX];
    iotls_format(subject, sizeof subject, "%s",
                 x->leaf_done && x->leaf_subject ? x->leaf_subject : "(none)");
    char issuer[sizeof subject];
    iotls_format(issuer, sizeof issuer, "%s",
                 !x->last_well_formed ? "(undecodable)"
                 : x->walk.issuer     ? x->walk.issuer
                                      : "");
    if (out->code == IOTLS_OK)
        out->text[0] = '\0';
#endif
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
                        subject, x->depth, x->depth == 1 ? "" : "s", issuer);
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
