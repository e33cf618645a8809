/*
 * test_cert_walk.c — the streaming X.509 walker against certificates made by
 * the openssl CLI at test time (compared with what libcrypto reads from the
 * same bytes), against hand-built DER for the edge cases, and against
 * truncated / bit-flipped input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls/cert_walk.h"

/* ------------------------------------------------------------ fixtures */

enum { C_EC_SAN, C_RSA_PLAIN, C_CA, C_LEAF_BY_CA, C_MULTI, C_COUNT };

typedef struct {
    const char *name;
    uint8_t *der;
    size_t len;
} cert_file_t;

static char g_dir[64];
static cert_file_t g_certs[C_COUNT] = {
    {"ec_san", NULL, 0},     {"rsa_plain", NULL, 0}, {"ca", NULL, 0},
    {"leaf_by_ca", NULL, 0}, {"multi", NULL, 0},
};

static const uint8_t ip4_loopback[4] = {127, 0, 0, 1};
static const uint8_t ip6_loopback[16] = {[15] = 1};

static int run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(cmd))
        return -1;
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
    return rc;
}

static int load(cert_file_t *c)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s.der", g_dir, c->name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    c->der = malloc(16384);
    c->len = c->der ? fread(c->der, 1, 16384, f) : 0;
    fclose(f);
    return c->len > 0 ? 0 : -1;
}

static int make_certs(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/iotls-cw-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        return -1;
    char path[128];
    snprintf(path, sizeof(path), "%s/cnf", g_dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    /* Our own config: the system one would add its own default extensions. */
    fputs("[req]\ndistinguished_name = dn\n[dn]\n"
          "[leaf]\nbasicConstraints = critical,CA:FALSE\n"
          "subjectAltName = DNS:device-1.local,DNS:foo.test,IP:127.0.0.1,IP:::1\n"
          "[plain]\nsubjectKeyIdentifier = hash\n"
          "[ca]\nbasicConstraints = critical,CA:TRUE,pathlen:0\n"
          "keyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n",
          f);
    fclose(f);
    const char *q = ">/dev/null 2>&1";
    const char *d = g_dir;
    if (run("openssl req -x509 -config %s/cnf -extensions leaf -newkey ec "
            "-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s/ec.key "
            "-subj '/CN=device-1/O=Acme/C=DE' -days 30 -outform DER -out %s/ec_san.der %s",
            d, d, d, q) ||
        /* -days 20000 puts notAfter past 2049: GeneralizedTime. */
        run("openssl req -x509 -config %s/cnf -extensions plain -newkey rsa:2048 -nodes "
            "-keyout %s/rsa.key -subj '/CN=plain.example' -days 20000 -outform DER "
            "-out %s/rsa_plain.der %s",
            d, d, d, q) ||
        run("openssl req -x509 -config %s/cnf -extensions ca -newkey rsa:2048 -nodes "
            "-keyout %s/ca.key -subj '/C=DE/O=Acme/CN=Acme Root CA' -days 365 -out %s/ca.pem %s",
            d, d, d, q) ||
        run("openssl x509 -in %s/ca.pem -outform DER -out %s/ca.der %s", d, d, q) ||
        run("openssl req -new -config %s/cnf -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
            "-keyout %s/leaf.key -subj '/CN=sensor-7/OU=Field/O=Acme' -out %s/leaf.csr %s",
            d, d, d, q) ||
        run("openssl x509 -req -in %s/leaf.csr -CA %s/ca.pem -CAkey %s/ca.key -set_serial 7 "
            "-days 10 -extfile %s/cnf -extensions leaf -outform DER -out %s/leaf_by_ca.der %s",
            d, d, d, d, d, q) ||
        run("openssl req -x509 -config %s/cnf -extensions plain -utf8 -multivalue-rdn -newkey ec "
            "-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout %s/m.key "
            "-subj '/C=DE/ST=Bayern/L=M\xc3\xbcnchen/O=Acme\\, Inc./OU=IoT/CN=a+OU=b"
            "/emailAddress=ops@acme.test/serialNumber=1234' -days 30 -outform DER "
            "-out %s/multi.der %s",
            d, d, d, q))
        return -1;
    for (int i = 0; i < C_COUNT; i++)
        if (load(&g_certs[i]) != 0)
            return -1;
    return 0;
}

static int remove_certs(void **state)
{
    (void)state;
    for (int i = 0; i < C_COUNT; i++)
        free(g_certs[i].der);
    if (g_dir[0] != '\0')
        run("rm -rf '%s'", g_dir);
    return 0;
}

/* ------------------------------------------------------------ walking */

typedef struct {
    uint8_t buf[8192];
    size_t len;
    unsigned calls;
} spki_sink_t;

static void spki_cb(void *ctx, const void *data, size_t len)
{
    spki_sink_t *s = ctx;
    assert_true(s->len + len <= sizeof(s->buf));
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->calls++;
}

/* Init with every text kept; the walkers of one test share a small pool
 * of text storage (a few are alive at a time). */
static void walk_init(iotls_cert_walk_t *w, const uint8_t *ip, size_t ip_len,
                      iotls_cert_walk_spki_fn fn, void *ctx)
{
    static iotls_cert_walk_names_t pool[8];
    static unsigned next;
    iotls_cert_walk_init(w, ip, ip_len, fn, ctx);
    iotls_cert_walk_keep_names(w, &pool[next++ % 8]);
}

/* Walks der in chunks of `chunk` bytes (0: pseudo-random sizes). */
static int walk(iotls_cert_walk_t *w, const uint8_t *der, size_t len, size_t chunk,
                const uint8_t *ip, size_t ip_len, spki_sink_t *sink)
{
    walk_init(w, ip, ip_len, sink ? spki_cb : NULL, sink);
    uint32_t rnd = 12345;
    size_t off = 0;
    while (off < len) {
        size_t n = chunk;
        if (n == 0) {
            rnd = rnd * 1103515245u + 12345u;
            n = 1 + (rnd >> 16) % 97;
        }
        if (n > len - off)
            n = len - off;
        iotls_cert_walk_push(w, der + off, n);
        off += n;
    }
    return iotls_cert_walk_finish(w);
}

static void assert_same_results(const iotls_cert_walk_t *a, const iotls_cert_walk_t *b)
{
    assert_int_equal(a->not_before, b->not_before);
    assert_int_equal(a->not_after, b->not_after);
    assert_int_equal(a->has_san, b->has_san);
    assert_int_equal(a->dns_san_count, b->dns_san_count);
    assert_int_equal(a->ip_san_count, b->ip_san_count);
    assert_int_equal(a->ip_match, b->ip_match);
    assert_int_equal(a->is_ca, b->is_ca);
    assert_string_equal(a->subject, b->subject);
    assert_string_equal(a->issuer, b->issuer);
    assert_int_equal(a->eku, b->eku);
    assert_int_equal(a->has_nc, b->has_nc);
    assert_int_equal(a->rsa_bits, b->rsa_bits);
    assert_int_equal(a->issuer_hash, b->issuer_hash);
    assert_int_equal(a->subject_hash, b->subject_hash);
    assert_ptr_equal(a->critical_other, b->critical_other);
    assert_ptr_equal(a->critical_unknown, b->critical_unknown);
}

/* ------------------------------------------------------------ libcrypto's view */

static int64_t asn1_time_unix(const ASN1_TIME *t)
{
    struct tm tm;
    assert_int_equal(ASN1_TIME_to_tm(t, &tm), 1);
    return (int64_t)timegm(&tm);
}

static void append(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
    assert_true(*n + len < cap);
    memcpy(out + *n, s, len);
    *n += len;
    out[*n] = '\0';
}

/* The rendering the walker documents, rebuilt from libcrypto's parse. */
static void expected_name(const X509_NAME *name, char *out, size_t cap)
{
    static const struct {
        int nid;
        const char *key;
    } keys[] = {
        {NID_commonName, "CN"},
        {NID_organizationName, "O"},
        {NID_organizationalUnitName, "OU"},
        {NID_countryName, "C"},
        {NID_localityName, "L"},
        {NID_stateOrProvinceName, "ST"},
        {NID_pkcs9_emailAddress, "emailAddress"},
        {NID_serialNumber, "serialNumber"},
        {NID_streetAddress, "STREET"},
        {NID_domainComponent, "DC"},
        {NID_userId, "UID"},
    };
    size_t n = 0;
    out[0] = '\0';
    int prev_set = -1;
    for (int i = 0; i < X509_NAME_entry_count(name); i++) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        int set = X509_NAME_ENTRY_set(e);
        if (i > 0)
            append(out, cap, &n, set != prev_set ? ", " : "+", set != prev_set ? 2 : 1);
        prev_set = set;
        const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(e);
        const char *key = NULL;
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
            if (OBJ_obj2nid(obj) == keys[k].nid)
                key = keys[k].key;
        char dotted[128];
        if (key == NULL) {
            OBJ_obj2txt(dotted, sizeof(dotted), obj, 1);
            key = dotted;
        }
        append(out, cap, &n, key, strlen(key));
        append(out, cap, &n, "=", 1);
        const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
        const unsigned char *p = ASN1_STRING_get0_data(v);
        for (int k = 0; k < ASN1_STRING_length(v); k++) {
            char t[4];
            if (p[k] < 0x20 || p[k] > 0x7e) {
                snprintf(t, sizeof(t), "\\%02X", p[k]);
                append(out, cap, &n, t, 3);
            } else {
                if (strchr(",+\"\\<>;=", p[k]) != NULL)
                    append(out, cap, &n, "\\", 1);
                t[0] = (char)p[k];
                append(out, cap, &n, t, 1);
            }
        }
    }
}

/* Walks c in several chunkings and checks everything against libcrypto. */
static void check_against_openssl(const cert_file_t *c)
{
    const unsigned char *p = c->der;
    X509 *x = d2i_X509(NULL, &p, (long)c->len);
    assert_non_null(x);

    iotls_cert_walk_t w;
    static spki_sink_t sink;
    memset(&sink, 0, sizeof(sink));
    assert_int_equal(walk(&w, c->der, c->len, c->len, NULL, 0, &sink), 0);
    assert_null(w.err);

    assert_int_equal(w.not_before, asn1_time_unix(X509_get0_notBefore(x)));
    assert_int_equal(w.not_after, asn1_time_unix(X509_get0_notAfter(x)));

    char want[512];
    expected_name(X509_get_subject_name(x), want, sizeof(want));
    assert_string_equal(w.subject, want);
    expected_name(X509_get_issuer_name(x), want, sizeof(want));
    assert_string_equal(w.issuer, want);

    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    unsigned dns = 0, ips = 0;
    for (int i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        dns += g->type == GEN_DNS;
        ips += g->type == GEN_IPADD;
    }
    assert_int_equal(w.has_san, gens != NULL);
    assert_int_equal(w.dns_san_count, dns);
    assert_int_equal(w.ip_san_count, ips);
    GENERAL_NAMES_free(gens);

    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
    assert_int_equal(w.is_ca, bc != NULL && bc->ca);
    BASIC_CONSTRAINTS_free(bc);

    unsigned char *spki = NULL;
    int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
    assert_true(spki_len > 0);
    assert_int_equal(sink.len, (size_t)spki_len);
    assert_memory_equal(sink.buf, spki, (size_t)spki_len);
    OPENSSL_free(spki);

    /* Same results whatever the chunking; SPKI bytes too. */
    static const size_t chunks[] = {1, 2, 3, 7, 64, 0};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        iotls_cert_walk_t w2;
        static spki_sink_t sink2;
        memset(&sink2, 0, sizeof(sink2));
        assert_int_equal(walk(&w2, c->der, c->len, chunks[i], NULL, 0, &sink2), 0);
        assert_same_results(&w, &w2);
        assert_int_equal(sink2.len, sink.len);
        assert_memory_equal(sink2.buf, sink.buf, sink.len);
    }
    X509_free(x);
}

/* ------------------------------------------------------------ tests: real certificates */

static void test_ec_san(void **state)
{
    (void)state;
    const cert_file_t *c = &g_certs[C_EC_SAN];
    check_against_openssl(c);
    iotls_cert_walk_t w;
    assert_int_equal(walk(&w, c->der, c->len, 1, NULL, 0, NULL), 0);
    assert_string_equal(w.subject, "CN=device-1, O=Acme, C=DE");
    assert_string_equal(w.issuer, "CN=device-1, O=Acme, C=DE");
    assert_true(w.has_san);
    assert_int_equal(w.dns_san_count, 2);
    assert_int_equal(w.ip_san_count, 2);
    assert_false(w.ip_match);
    assert_false(w.is_ca);
    assert_int_equal(w.not_after - w.not_before, 30 * 86400);

    assert_int_equal(walk(&w, c->der, c->len, 1, ip4_loopback, 4, NULL), 0);
    assert_true(w.ip_match);
    assert_int_equal(walk(&w, c->der, c->len, 0, ip6_loopback, 16, NULL), 0);
    assert_true(w.ip_match);
    const uint8_t other[4] = {10, 0, 0, 5};
    assert_int_equal(walk(&w, c->der, c->len, 0, other, 4, NULL), 0);
    assert_false(w.ip_match);
    /* The IPv4 address as a 16-byte v4-mapped IPv6 address is not a match:
     * comparison is byte-for-byte, as RFC 5280 says. */
    uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1};
    assert_int_equal(walk(&w, c->der, c->len, 0, mapped, 16, NULL), 0);
    assert_false(w.ip_match);
}

static void test_rsa_no_san(void **state)
{
    (void)state;
    const cert_file_t *c = &g_certs[C_RSA_PLAIN];
    check_against_openssl(c);
    iotls_cert_walk_t w;
    assert_int_equal(walk(&w, c->der, c->len, 1, ip4_loopback, 4, NULL), 0);
    assert_string_equal(w.subject, "CN=plain.example");
    assert_false(w.has_san);
    assert_int_equal(w.dns_san_count, 0);
    assert_int_equal(w.ip_san_count, 0);
    assert_false(w.ip_match);
    assert_false(w.is_ca);
    /* notAfter is past 2049, so it was a GeneralizedTime. */
    assert_true(w.not_after > 2524608000); /* 2050-01-01 */
}

static void test_ca_and_leaf(void **state)
{
    (void)state;
    check_against_openssl(&g_certs[C_CA]);
    check_against_openssl(&g_certs[C_LEAF_BY_CA]);
    iotls_cert_walk_t w;
    const cert_file_t *ca = &g_certs[C_CA], *leaf = &g_certs[C_LEAF_BY_CA];
    assert_int_equal(walk(&w, ca->der, ca->len, 1, NULL, 0, NULL), 0);
    assert_true(w.is_ca);
    assert_string_equal(w.subject, "C=DE, O=Acme, CN=Acme Root CA");
    assert_int_equal(walk(&w, leaf->der, leaf->len, 5, NULL, 0, NULL), 0);
    assert_false(w.is_ca);
    assert_string_equal(w.subject, "CN=sensor-7, OU=Field, O=Acme");
    assert_string_equal(w.issuer, "C=DE, O=Acme, CN=Acme Root CA");
}

static void test_multi_attribute_subject(void **state)
{
    (void)state;
    const cert_file_t *c = &g_certs[C_MULTI];
    check_against_openssl(c);
    iotls_cert_walk_t w;
    assert_int_equal(walk(&w, c->der, c->len, 1, NULL, 0, NULL), 0);
    /* DER sorts the members of a multi-valued RDN: CN (2.5.4.3) first. */
    assert_string_equal(w.subject, "C=DE, ST=Bayern, L=M\\C3\\BCnchen, O=Acme\\, Inc., OU=IoT, "
                                   "CN=a+OU=b, emailAddress=ops@acme.test, serialNumber=1234");
}

static void test_truncated_every_length(void **state)
{
    (void)state;
    for (int i = 0; i < C_COUNT; i++) {
        const cert_file_t *c = &g_certs[i];
        for (size_t n = 0; n < c->len; n++) {
            iotls_cert_walk_t w;
            assert_int_equal(walk(&w, c->der, n, 0, ip4_loopback, 4, NULL), -1);
            assert_non_null(w.err);
        }
        /* One byte too many is refused as well. */
        uint8_t *more = malloc(c->len + 1);
        assert_non_null(more);
        memcpy(more, c->der, c->len);
        more[c->len] = 0;
        iotls_cert_walk_t w;
        assert_int_equal(walk(&w, more, c->len + 1, 1, NULL, 0, NULL), -1);
        assert_string_equal(w.err, "trailing data after the certificate");
        free(more);
    }
}

static void test_bit_flips(void **state)
{
    (void)state;
    /* Every single-bit corruption of two certificates: must not crash or
     * trip ASan; structural damage must be reported. */
    static const int which[] = {C_EC_SAN, C_MULTI};
    for (size_t k = 0; k < 2; k++) {
        const cert_file_t *c = &g_certs[which[k]];
        uint8_t *buf = malloc(c->len);
        assert_non_null(buf);
        unsigned rejected = 0;
        for (size_t i = 0; i < c->len; i++) {
            for (int bit = 0; bit < 8; bit++) {
                memcpy(buf, c->der, c->len);
                buf[i] ^= (uint8_t)(1u << bit);
                iotls_cert_walk_t w;
                static spki_sink_t sink;
                memset(&sink, 0, sizeof(sink));
                int rc = walk(&w, buf, c->len, (i + bit) % 3 + 1, ip4_loopback, 4, &sink);
                rejected += rc != 0;
                assert_true(rc == 0 || w.err != NULL);
                assert_true(strlen(w.subject) < IOTLS_CERT_WALK_NAME_MAX);
                assert_true(strlen(w.issuer) < IOTLS_CERT_WALK_NAME_MAX);
            }
        }
        /* Flipping the outer tag alone is always fatal. */
        assert_true(rejected > 0);
        free(buf);
    }
}

/* ------------------------------------------------------------ hand-built DER */

typedef struct {
    uint8_t b[6000];
    size_t n;
} der_t;

static void der_raw(der_t *d, const void *p, size_t n)
{
    assert_true(d->n + n <= sizeof(d->b));
    memcpy(d->b + d->n, p, n);
    d->n += n;
}

static void der_tlv(der_t *d, uint8_t tag, const void *v, size_t n)
{
    uint8_t h[4] = {tag};
    size_t hl;
    if (n < 0x80) {
        h[1] = (uint8_t)n;
        hl = 2;
    } else {
        assert_true(n <= 0xffff);
        h[1] = 0x82;
        h[2] = (uint8_t)(n >> 8);
        h[3] = (uint8_t)n;
        hl = 4;
    }
    der_raw(d, h, hl);
    der_raw(d, v, n);
}

static void der_wrap(der_t *d, uint8_t tag, const der_t *inner)
{
    der_tlv(d, tag, inner->b, inner->n);
}

static void der_str(der_t *d, uint8_t tag, const char *s)
{
    der_tlv(d, tag, s, strlen(s));
}

/* One attribute in its own RDN; oid is raw content bytes. */
static void der_attr(der_t *name, const uint8_t *oid, size_t oid_len, uint8_t tag, const void *v,
                     size_t n)
{
    der_t atv = {.n = 0}, set = {.n = 0};
    der_tlv(&atv, 0x06, oid, oid_len);
    der_tlv(&atv, tag, v, n);
    der_wrap(&set, 0x30, &atv);
    der_wrap(name, 0x31, &set);
}

static const uint8_t OID_CN[] = {0x55, 0x04, 0x03};

typedef struct {
    der_t issuer, subject, validity, exts; /* exts: content of the SEQUENCE OF */
    bool with_exts;
    bool v1;           /* no [0] version field */
    bool alg_mismatch; /* signatureAlgorithm differs from tbsCertificate.signature */
} tbs_parts_t;

static void default_parts(tbs_parts_t *t)
{
    memset(t, 0, sizeof(*t));
    der_attr(&t->issuer, OID_CN, 3, 0x0C, "issuer", 6);
    der_attr(&t->subject, OID_CN, 3, 0x0C, "subject", 7);
    der_str(&t->validity, 0x17, "240101000000Z");
    der_str(&t->validity, 0x18, "20340101000000Z");
}

static void build_cert(der_t *out, const tbs_parts_t *t)
{
    static const uint8_t version[] = {0x02, 0x01, 0x02};
    static const uint8_t alg[] = {0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86,
                                  0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
    static const uint8_t spki[] = {0x30, 0x0F, 0x30, 0x09, 0x06, 0x07, 0x2A, 0x86, 0x48,
                                   0xCE, 0x3D, 0x02, 0x01, 0x03, 0x02, 0x00, 0x04};
    der_t tbs = {.n = 0}, cert = {.n = 0};
    if (!t->v1)
        der_tlv(&tbs, 0xA0, version, sizeof(version));
    der_tlv(&tbs, 0x02, "\x01", 1);
    der_raw(&tbs, alg, sizeof(alg));
    der_wrap(&tbs, 0x30, &t->issuer);
    der_wrap(&tbs, 0x30, &t->validity);
    der_wrap(&tbs, 0x30, &t->subject);
    der_raw(&tbs, spki, sizeof(spki));
    if (t->with_exts) {
        der_t seq = {.n = 0};
        der_wrap(&seq, 0x30, &t->exts);
        der_wrap(&tbs, 0xA3, &seq);
    }
    static const uint8_t alg384[] = {0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86,
                                     0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03};
    der_wrap(&cert, 0x30, &tbs);
    der_raw(&cert, t->alg_mismatch ? alg384 : alg, sizeof(alg));
    der_tlv(&cert, 0x03, "\x00\x01", 2);
    out->n = 0;
    der_wrap(out, 0x30, &cert);
}

/* Adds Extension { extnID 2.5.29.<last>, extnValue OCTET STRING { inner } }. */
static void add_ext(tbs_parts_t *t, uint8_t last, const der_t *inner, bool critical)
{
    der_t ext = {.n = 0};
    uint8_t oid[3] = {0x55, 0x1D, last};
    der_tlv(&ext, 0x06, oid, 3);
    if (critical)
        der_tlv(&ext, 0x01, "\xff", 1);
    der_wrap(&ext, 0x04, inner);
    der_wrap(&t->exts, 0x30, &ext);
    t->with_exts = true;
}

static int walk_der(iotls_cert_walk_t *w, const der_t *d, const uint8_t *ip, size_t ip_len)
{
    iotls_cert_walk_t one;
    int rc = walk(w, d->b, d->n, 0, ip, ip_len, NULL);
    /* Byte-at-a-time must agree with random chunking, including on failure. */
    assert_int_equal(walk(&one, d->b, d->n, 1, ip, ip_len, NULL), rc);
    if (rc == 0)
        assert_same_results(w, &one);
    else
        assert_string_equal(w->err, one.err);
    return rc;
}

static void test_synthetic_minimal(void **state)
{
    (void)state;
    tbs_parts_t t;
    der_t d;
    default_parts(&t);
    build_cert(&d, &t);
    iotls_cert_walk_t w;
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    assert_string_equal(w.subject, "CN=subject");
    assert_string_equal(w.issuer, "CN=issuer");
    assert_int_equal(w.not_before, 1704067200);
    assert_int_equal(w.not_after, 2019686400);
    assert_false(w.has_san);

    /* A v1 certificate has no version field; fields after it still parse. */
    t.v1 = true;
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    assert_string_equal(w.subject, "CN=subject");
    assert_int_equal(w.not_after, 2019686400);

    /* Fields out of order (validity and issuer swapped) are refused. */
    der_t tmp = t.issuer;
    t.issuer = t.validity;
    t.validity = tmp;
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
}

static int64_t time_of(const char *s, uint8_t tag, int *rc)
{
    tbs_parts_t t;
    der_t d;
    default_parts(&t);
    t.validity.n = 0;
    der_str(&t.validity, tag, s);
    der_str(&t.validity, 0x17, "240101000000Z");
    build_cert(&d, &t);
    iotls_cert_walk_t w;
    *rc = walk_der(&w, &d, NULL, 0);
    return w.not_before;
}

static void test_times(void **state)
{
    (void)state;
    int rc;
    assert_int_equal(time_of("491231235959Z", 0x17, &rc), 2524607999);
    assert_int_equal(rc, 0);
    assert_int_equal(time_of("500101000000Z", 0x17, &rc), -631152000);
    assert_int_equal(rc, 0);
    assert_int_equal(time_of("700101000000Z", 0x17, &rc), 0);
    assert_int_equal(time_of("20380119031408Z", 0x18, &rc), 2147483648);
    assert_int_equal(rc, 0);
    assert_int_equal(time_of("20000229120000Z", 0x18, &rc), 951825600);
    assert_int_equal(rc, 0);
    assert_int_equal(time_of("99991231235959Z", 0x18, &rc), 253402300799);
    assert_int_equal(rc, 0);
    static const struct {
        const char *s;
        uint8_t tag;
    } bad[] = {
        {"19000229000000Z", 0x18}, /* not a leap year */
        {"20230230000000Z", 0x18},   {"20231301000000Z", 0x18},
        {"20230100000000Z", 0x18},   {"20230101240000Z", 0x18},
        {"20230101006000Z", 0x18},   {"20230101000060Z", 0x18},
        {"20230101000000", 0x18},    {"20230101000000.5Z", 0x18},
        {"230101000000+0100", 0x17}, {"2301010000Z", 0x17},
        {"20230101000000Z", 0x17},   {"230101000000Z", 0x18},
        {"2023010100000aZ", 0x18},   {"", 0x17},
        {"-30101000000Z", 0x17},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        time_of(bad[i].s, bad[i].tag, &rc);
        assert_int_equal(rc, -1);
    }
    /* A time must be a UTCTime or GeneralizedTime. */
    time_of("240101000000Z", 0x13, &rc);
    assert_int_equal(rc, -1);
}

static void test_name_rendering(void **state)
{
    (void)state;
    tbs_parts_t t;
    der_t d;
    iotls_cert_walk_t w;
    default_parts(&t);
    t.subject.n = 0;
    static const uint8_t unknown_oid[] = {0x2A, 0x03, 0x04, 0x81, 0x00}; /* 1.2.3.4.128 */
    static const uint8_t bmp[] = {0x00, 'h', 0x00, 'i', 0x04, 0x10};
    static const uint8_t big_arc[] = {0x81, 0x80, 0x80, 0x80, 0x00}; /* 2.268435376 */
    der_attr(&t.subject, unknown_oid, sizeof(unknown_oid), 0x0C, "x", 1);
    der_attr(&t.subject, OID_CN, 3, 0x1E, bmp, sizeof(bmp));
    der_attr(&t.subject, OID_CN, 3, 0x14, "caf\xe9", 4);
    der_attr(&t.subject, OID_CN, 3, 0x13, "a\x01<b>;\"q\"", 9);
    der_attr(&t.subject, OID_CN, 3, 0x02, "\x01\xff", 2); /* INTEGER: not a string */
    der_attr(&t.subject, big_arc, sizeof(big_arc), 0x0C, "y", 1);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    assert_string_equal(w.subject,
                        "1.2.3.4.128=x, CN=hi?, CN=caf\\E9, CN=a\\01\\<b\\>\\;\\\"q\\\", "
                        "CN=#01FF, 2.268435376=y");

    /* A value over the 64-byte capture and a name over the buffer: "...". */
    default_parts(&t);
    t.subject.n = 0;
    char longv[100];
    memset(longv, 'v', sizeof(longv));
    der_attr(&t.subject, OID_CN, 3, 0x0C, longv, sizeof(longv));
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    assert_int_equal(strlen(w.subject), 3 + 64 + 3);
    assert_string_equal(w.subject + 67, "...");
    default_parts(&t);
    t.subject.n = 0;
    for (int i = 0; i < 10; i++)
        der_attr(&t.subject, OID_CN, 3, 0x0C, longv, 40);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    size_t n = strlen(w.subject);
    assert_true(n <= 255 && n > 200);
    assert_string_equal(w.subject + n - 3, "...");

    /* Empty subject (allowed when SAN carries the identity). */
    default_parts(&t);
    t.subject.n = 0;
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    assert_string_equal(w.subject, "");

    /* Malformed OID encodings in a name are refused. */
    static const uint8_t dangling[] = {0x2A, 0x83};
    default_parts(&t);
    der_attr(&t.subject, dangling, sizeof(dangling), 0x0C, "z", 1);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
    default_parts(&t);
    der_attr(&t.subject, dangling, 0, 0x0C, "z", 1);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
}

static void test_san_and_bc(void **state)
{
    (void)state;
    tbs_parts_t t;
    der_t d, gn, san, bc, bcseq;
    iotls_cert_walk_t w;
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};
    static const uint8_t v4[4] = {10, 0, 0, 5};

    default_parts(&t);
    gn.n = 0;
    der_str(&gn, 0x82, "a.example");
    der_tlv(&gn, 0x87, v4, 4);
    der_tlv(&gn, 0x87, v6, 16);
    der_tlv(&gn, 0x87, "\x0a\x00\x00\x05\xff\xff\xff\x00", 8); /* odd length: counted, no match */
    der_str(&gn, 0x86, "http://uri.example/");                 /* URI: skipped */
    der_str(&gn, 0xA0, "");                                    /* otherName: skipped */
    san.n = 0;
    der_wrap(&san, 0x30, &gn);
    add_ext(&t, 0x11, &san, false);
    bcseq.n = 0;
    der_tlv(&bcseq, 0x01, "\xff", 1);
    der_tlv(&bcseq, 0x02, "\x00", 1);
    bc.n = 0;
    der_wrap(&bc, 0x30, &bcseq);
    add_ext(&t, 0x13, &bc, true);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, v4, 4), 0);
    assert_true(w.has_san);
    assert_int_equal(w.dns_san_count, 1);
    assert_int_equal(w.ip_san_count, 3);
    assert_true(w.ip_match);
    assert_true(w.is_ca);
    assert_int_equal(walk_der(&w, &d, v6, 16), 0);
    assert_true(w.ip_match);
    assert_int_equal(walk_der(&w, &d, v6, 4), 0); /* first 4 bytes of v6 */
    assert_false(w.ip_match);
    assert_int_equal(walk_der(&w, &d, v6, 5), 0); /* bad want length: not checked */
    assert_false(w.ip_match);

    /* basicConstraints with cA absent (DEFAULT FALSE). */
    default_parts(&t);
    bc.n = 0;
    der_tlv(&bc, 0x30, "", 0);
    add_ext(&t, 0x13, &bc, false);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    assert_false(w.is_ca);

    /* Duplicate SAN: refused. */
    default_parts(&t);
    add_ext(&t, 0x11, &san, false);
    add_ext(&t, 0x11, &san, false);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
    assert_string_equal(w.err, "duplicate subjectAltName extension");

    /* SAN extnValue with trailing garbage after the GeneralNames. */
    default_parts(&t);
    der_t san2 = san;
    der_tlv(&san2, 0x05, "", 0);
    add_ext(&t, 0x11, &san2, false);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);

    /* Empty extensions wrapper and an extension without a value. */
    default_parts(&t);
    t.with_exts = true;
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    default_parts(&t);
    der_tlv(&t.exts, 0x30, "\x06\x03\x55\x1d\x11", 5);
    t.with_exts = true;
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
}

static void test_bad_lengths(void **state)
{
    (void)state;
    iotls_cert_walk_t w;
    static const uint8_t indefinite[] = {0x30, 0x80, 0x30, 0x00, 0x00, 0x00};
    static const uint8_t long_len[] = {0x30, 0x85, 0x00, 0x00, 0x00, 0x00, 0x05};
    static const uint8_t child_too_long[] = {0x30, 0x04, 0x30, 0x05, 0x02, 0x01};
    static const uint8_t high_tag[] = {0x1f, 0x81, 0x00};
    static const uint8_t huge[] = {0x30, 0x84, 0xff, 0xff, 0xff, 0xff,
                                   0x30, 0x84, 0xff, 0xff, 0xff, 0xf0};
    static const uint8_t not_seq[] = {0x31, 0x00};
    static const uint8_t empty_cert[] = {0x30, 0x00};
    static const uint8_t header_cut[] = {0x30, 0x03, 0x30, 0x82, 0x01};
    struct {
        const uint8_t *p;
        size_t n;
        const char *err;
    } cases[] = {
        {indefinite, sizeof(indefinite), "indefinite length (not DER)"},
        {long_len, sizeof(long_len), "length field over 4 bytes"},
        {child_too_long, sizeof(child_too_long), "element longer than its enclosing element"},
        {high_tag, sizeof(high_tag), "multi-byte tag"},
        {huge, sizeof(huge), "truncated certificate"},
        {not_seq, sizeof(not_seq), "unexpected element in certificate"},
        {empty_cert, sizeof(empty_cert), NULL},
        {header_cut, sizeof(header_cut), "truncated element header"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t chunk = 0; chunk < 3; chunk++) {
            assert_int_equal(walk(&w, cases[i].p, cases[i].n, chunk, NULL, 0, NULL), -1);
            if (cases[i].err != NULL)
                assert_string_equal(w.err, cases[i].err);
        }
    }
    /* Nothing pushed at all. */
    walk_init(&w, NULL, 0, NULL, NULL);
    assert_int_equal(iotls_cert_walk_finish(&w), -1);
}

/* ------------------------------------------------------------ issue 9 */

typedef struct {
    int count[10];
    bool excluded[10];
    uint8_t last[10][64];
    size_t last_len[10];
} names_seen_t;

static void names_cb(void *ctx, iotls_cw_name_kind_t kind, bool excluded, const uint8_t *v,
                     size_t n, bool truncated)
{
    names_seen_t *s = ctx;
    assert_true((int)kind >= 0 && (int)kind < 10);
    assert_false(truncated);
    s->count[kind]++;
    s->excluded[kind] = excluded;
    memcpy(s->last[kind], v, n);
    s->last_len[kind] = n;
}

static const uint8_t KP_SERVER[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
static const uint8_t KP_CLIENT[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
static const uint8_t KP_ANY[] = {0x55, 0x1D, 0x25, 0x00};

static void eku_ext(tbs_parts_t *t, const uint8_t *const *oids, const size_t *lens, size_t n,
                    bool critical)
{
    der_t list = {.n = 0}, seq = {.n = 0};
    for (size_t i = 0; i < n; i++)
        der_tlv(&list, 0x06, oids[i], lens[i]);
    der_wrap(&seq, 0x30, &list);
    add_ext(t, 0x25, &seq, critical);
}

static uint8_t eku_of(const uint8_t *const *oids, const size_t *lens, size_t n, bool critical,
                      const char **crit_other)
{
    tbs_parts_t t;
    der_t d;
    default_parts(&t);
    eku_ext(&t, oids, lens, n, critical);
    build_cert(&d, &t);
    iotls_cert_walk_t w;
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    *crit_other = w.critical_other;
    return w.eku;
}

static void test_extended_key_usage(void **state)
{
    (void)state;
    const char *crit;
    const uint8_t *both[] = {KP_SERVER, KP_CLIENT};
    const size_t both_len[] = {8, 8};
    assert_int_equal(eku_of(both, both_len, 2, false, &crit),
                     IOTLS_CW_EKU_PRESENT | IOTLS_CW_EKU_SERVER | IOTLS_CW_EKU_CLIENT);
    assert_null(crit);
    const uint8_t *client[] = {KP_CLIENT};
    assert_int_equal(eku_of(client, both_len, 1, false, &crit),
                     IOTLS_CW_EKU_PRESENT | IOTLS_CW_EKU_CLIENT);
    const uint8_t *any[] = {KP_ANY};
    const size_t any_len[] = {4};
    assert_int_equal(eku_of(any, any_len, 1, false, &crit),
                     IOTLS_CW_EKU_PRESENT | IOTLS_CW_EKU_ANY);
    /* Critical: BearSSL refuses it, the walker names it for the text. */
    assert_int_equal(eku_of(client, both_len, 1, true, &crit),
                     IOTLS_CW_EKU_PRESENT | IOTLS_CW_EKU_CLIENT);
    assert_string_equal(crit, "extendedKeyUsage");
    /* No EKU at all: 0 (any use). */
    tbs_parts_t t;
    der_t d;
    default_parts(&t);
    build_cert(&d, &t);
    iotls_cert_walk_t w;
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    assert_int_equal(w.eku, 0);
    /* An empty EKU is refused. */
    eku_ext(&t, NULL, NULL, 0, false);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
    assert_string_equal(w.err, "empty extendedKeyUsage");
}

static void san_dns(der_t *inner, const char *name)
{
    der_t list = {.n = 0};
    der_str(&list, 0x82, name);
    der_wrap(inner, 0x30, &list);
}

static void test_rfc5280_refusals(void **state)
{
    (void)state;
    tbs_parts_t t;
    der_t d, san1 = {.n = 0}, san2 = {.n = 0}, empty = {.n = 0}, bc = {.n = 0};
    iotls_cert_walk_t w;
    san_dns(&san1, "evil.test");
    san_dns(&san2, "localhost");

    /* Two SANs: refused (iotls and BearSSL would read different ones). */
    default_parts(&t);
    add_ext(&t, 0x11, &san1, false);
    add_ext(&t, 0x11, &san2, false);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
    assert_string_equal(w.err, "duplicate subjectAltName extension");

    /* Any other 2.5.29.x extension twice as well. */
    default_parts(&t);
    der_wrap(&bc, 0x30, &empty);
    add_ext(&t, 0x0E, &san1, false);
    add_ext(&t, 0x0E, &san1, false);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
    assert_string_equal(w.err, "the same extension appears twice");

    /* An empty subjectAltName. */
    default_parts(&t);
    der_t empty_seq = {.n = 0};
    der_wrap(&empty_seq, 0x30, &empty);
    add_ext(&t, 0x11, &empty_seq, false);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
    assert_string_equal(w.err, "empty subjectAltName (RFC 5280: at least one name)");

    /* Extensions in a v1 certificate. */
    default_parts(&t);
    t.v1 = true;
    add_ext(&t, 0x11, &san1, false);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
    assert_string_equal(w.err, "extensions in a certificate that is not version 3");

    /* signatureAlgorithm differing from tbsCertificate.signature. */
    default_parts(&t);
    t.alg_mismatch = true;
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), -1);
    assert_string_equal(w.err, "signatureAlgorithm differs from tbsCertificate.signature");

    /* A critical extension nobody knows is named for anchors and texts. */
    default_parts(&t);
    add_ext(&t, 0x3F, &san1, true);
    build_cert(&d, &t);
    assert_int_equal(walk_der(&w, &d, NULL, 0), 0);
    assert_string_equal(w.critical_unknown, "unknown");
    assert_string_equal(w.critical_other, "unknown");
}

static void test_names_and_constraints_visited(void **state)
{
    (void)state;
    tbs_parts_t t;
    der_t d, san = {.n = 0}, list = {.n = 0}, nc = {.n = 0}, permitted = {.n = 0},
             excluded = {.n = 0}, sub = {.n = 0}, wrapped = {.n = 0};
    default_parts(&t);
    t.subject.n = 0;
    der_attr(&t.subject, OID_CN, 3, 0x0C, "host.example.test", 17);
    der_str(&list, 0x82, "a.example.test");
    der_tlv(&list, 0x87, "\x7f\x00\x00\x01", 4);
    der_str(&list, 0x81, "dev@example.test");
    der_wrap(&san, 0x30, &list);
    add_ext(&t, 0x11, &san, false);
    /* permitted DNS example.test; excluded IP 10.0.0.0/8 and a dirName */
    der_str(&sub, 0x82, "example.test");
    der_wrap(&permitted, 0x30, &sub);
    sub.n = 0;
    der_tlv(&sub, 0x87, "\x0a\x00\x00\x00\xff\x00\x00\x00", 8);
    der_wrap(&excluded, 0x30, &sub);
    sub.n = 0;
    der_t dn = {.n = 0}, dn_seq = {.n = 0};
    der_attr(&dn, OID_CN, 3, 0x0C, "x", 1);
    der_wrap(&dn_seq, 0x30, &dn);
    der_wrap(&sub, 0xA4, &dn_seq);
    der_wrap(&excluded, 0x30, &sub);
    der_wrap(&nc, 0xA0, &permitted);
    der_wrap(&nc, 0xA1, &excluded);
    der_wrap(&wrapped, 0x30, &nc);
    add_ext(&t, 0x1E, &wrapped, true);
    build_cert(&d, &t);

    iotls_cert_walk_t w;
    names_seen_t seen;
    memset(&seen, 0, sizeof seen);
    walk_init(&w, NULL, 0, NULL, NULL);
    iotls_cert_walk_set_name_visitor(&w, names_cb, &seen);
    for (size_t i = 0; i < d.n; i++) /* byte by byte: values still arrive whole */
        iotls_cert_walk_push(&w, d.b + i, 1);
    assert_int_equal(iotls_cert_walk_finish(&w), 0);
    assert_true(w.has_nc);
    assert_string_equal(w.critical_other, "nameConstraints");
    assert_null(w.critical_unknown); /* iotls understands it (for anchors) */
    assert_int_equal(seen.count[IOTLS_CW_SAN_DNS], 1);
    assert_memory_equal(seen.last[IOTLS_CW_SAN_DNS], "a.example.test", 14);
    assert_int_equal(seen.count[IOTLS_CW_SAN_IP], 1);
    assert_int_equal(seen.count[IOTLS_CW_SAN_EMAIL], 1);
    assert_int_equal(seen.count[IOTLS_CW_SUBJECT_CN], 1); /* the issuer's CN is not visited */
    assert_memory_equal(seen.last[IOTLS_CW_SUBJECT_CN], "host.example.test", 17);
    assert_int_equal(seen.count[IOTLS_CW_NC_DNS], 1);
    assert_false(seen.excluded[IOTLS_CW_NC_DNS]);
    assert_int_equal(seen.count[IOTLS_CW_NC_IP], 1);
    assert_true(seen.excluded[IOTLS_CW_NC_IP]);
    assert_int_equal(seen.last_len[IOTLS_CW_NC_IP], 8);
    assert_int_equal(seen.count[IOTLS_CW_NC_OTHER], 1);

    /* The DN hashes of a whole certificate match the walker's. */
    uint64_t ih, sh;
    assert_true(iotls_cert_dn_hashes(d.b, d.n, &ih, &sh));
    assert_true(ih == w.issuer_hash);
    assert_true(sh == w.subject_hash);
    assert_true(ih != sh);
    assert_false(iotls_cert_dn_hashes(d.b, 40, &ih, &sh));
}

/* RSA modulus sizes as openssl made them, and 0 for EC keys. */
static void test_rsa_bits(void **state)
{
    (void)state;
    iotls_cert_walk_t w;
    assert_int_equal(walk(&w, g_certs[C_RSA_PLAIN].der, g_certs[C_RSA_PLAIN].len, 7, NULL, 0, NULL),
                     0);
    assert_int_equal(w.rsa_bits, 2048);
    assert_int_equal(walk(&w, g_certs[C_EC_SAN].der, g_certs[C_EC_SAN].len, 7, NULL, 0, NULL), 0);
    assert_int_equal(w.rsa_bits, 0);
    uint64_t ih, sh;
    assert_true(
        iotls_cert_dn_hashes(g_certs[C_LEAF_BY_CA].der, g_certs[C_LEAF_BY_CA].len, &ih, &sh));
    assert_int_equal(
        walk(&w, g_certs[C_LEAF_BY_CA].der, g_certs[C_LEAF_BY_CA].len, 3, NULL, 0, NULL), 0);
    assert_true(ih == w.issuer_hash && sh == w.subject_hash);
    /* The CA's subject is the leaf's issuer, byte for byte. */
    iotls_cert_walk_t ca;
    assert_int_equal(walk(&ca, g_certs[C_CA].der, g_certs[C_CA].len, 5, NULL, 0, NULL), 0);
    assert_true(ca.subject_hash == w.issuer_hash);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ec_san),
        cmocka_unit_test(test_rsa_no_san),
        cmocka_unit_test(test_ca_and_leaf),
        cmocka_unit_test(test_multi_attribute_subject),
        cmocka_unit_test(test_truncated_every_length),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_synthetic_minimal),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_name_rendering),
        cmocka_unit_test(test_san_and_bc),
        cmocka_unit_test(test_bad_lengths),
        cmocka_unit_test(test_extended_key_usage),
        cmocka_unit_test(test_rfc5280_refusals),
        cmocka_unit_test(test_names_and_constraints_visited),
        cmocka_unit_test(test_rsa_bits),
    };
    return cmocka_run_group_tests(tests, make_certs, remove_certs);
}
