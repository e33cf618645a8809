/*
 * libFuzzer target for the streaming X.509 walker.
 * Input: 2 control bytes (split point, IP to look for) + certificate bytes.
 * The certificate is pushed in two chunks split at a data-derived point and
 * again one byte at a time; both runs must agree exactly (the walker's
 * contract is that chunking never changes the result), every SPKI byte the
 * callback receives is read (so ASan checks the pointers it is given), and
 * the output strings must stay NUL-terminated inside their buffers.
 * Every name and name constraint the visitor receives is read too and must
 * be the same for both chunkings (extendedKeyUsage, RSA size, critical
 * extensions, DN hashes as well), and iotls_cert_dn_hashes over the whole
 * input must agree with the walker whenever the walker accepted it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/cert_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    uint64_t sum;
    size_t len;
} sink_t;

static void spki_cb(void *ctx, const void *p, size_t n)
{
    sink_t *s = ctx;
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        s->sum = s->sum * 31 + b[i];
    s->len += n;
}

typedef struct {
    uint64_t sum;
    unsigned count;
} names_t;

static void names_cb(void *ctx, iotls_cw_name_kind_t kind, bool excluded, const uint8_t *v,
                     size_t n, bool truncated)
{
    names_t *s = ctx;
    if (n > IOTLS_CERT_WALK_CAPTURE)
        abort();
    s->sum = s->sum * 131 + (uint64_t)kind * 7 + excluded * 3 + truncated;
    for (size_t i = 0; i < n; i++)
        s->sum = s->sum * 31 + v[i];
    s->count++;
}

static const uint8_t ip4[4] = {127, 0, 0, 1};
static const uint8_t ip6[16] = {[15] = 1};

static void check_strings(const iotls_cert_walk_t *w)
{
    if (memchr(w->subject, 0, IOTLS_CERT_WALK_NAME_MAX) == NULL ||
        memchr(w->issuer, 0, IOTLS_CERT_WALK_NAME_MAX) == NULL ||
        memchr(w->sans, 0, IOTLS_CERT_WALK_SANS_MAX) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t ctl = (size_t)data[0] | (size_t)data[1] << 8;
    data += 2;
    size -= 2;
    size_t split = ctl % (size + 1);
    const uint8_t *ip = (ctl & 0x8000) ? ip6 : ip4;
    size_t ip_len = (ctl & 0x8000) ? 16 : (ctl & 0x4000) ? 4 : 0;

    iotls_cert_walk_t a, b;
    static iotls_cert_walk_names_t ta, tb;
    sink_t sa = {0, 0}, sb = {0, 0};
    names_t na = {0, 0}, nb = {0, 0};
    iotls_cert_walk_init(&a, ip, ip_len, spki_cb, &sa);
    iotls_cert_walk_keep_names(&a, &ta);
    iotls_cert_walk_set_name_visitor(&a, names_cb, &na);
    iotls_cert_walk_push(&a, data, split);
    iotls_cert_walk_push(&a, data + split, size - split);
    int ra = iotls_cert_walk_finish(&a);
    check_strings(&a);
    if ((ra == 0) != (a.err == NULL))
        abort();

    iotls_cert_walk_init(&b, ip, ip_len, spki_cb, &sb);
    iotls_cert_walk_keep_names(&b, &tb);
    iotls_cert_walk_set_name_visitor(&b, names_cb, &nb);
    for (size_t i = 0; i < size; i++)
        iotls_cert_walk_push(&b, data + i, 1);
    int rb = iotls_cert_walk_finish(&b);
    check_strings(&b);

    if (ra != rb || a.err != b.err || sa.sum != sb.sum || sa.len != sb.len || na.sum != nb.sum ||
        na.count != nb.count)
        abort();
    if (ra == 0 &&
        (a.not_before != b.not_before || a.not_after != b.not_after || a.has_san != b.has_san ||
         a.dns_san_count != b.dns_san_count || a.ip_san_count != b.ip_san_count ||
         a.ip_match != b.ip_match || a.is_ca != b.is_ca || strcmp(a.subject, b.subject) != 0 ||
         strcmp(a.issuer, b.issuer) != 0 || a.eku != b.eku || a.has_nc != b.has_nc ||
         a.rsa_bits != b.rsa_bits || a.critical_other != b.critical_other ||
         a.critical_unknown != b.critical_unknown || a.issuer_hash != b.issuer_hash ||
         a.subject_hash != b.subject_hash))
        abort();
    uint64_t ih, sh;
    bool whole = iotls_cert_dn_hashes(data, size, &ih, &sh);
    if (ra == 0 && (!whole || ih != a.issuer_hash || sh != a.subject_hash))
        abort();
    return 0;
}
