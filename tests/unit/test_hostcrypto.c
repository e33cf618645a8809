/*
 * The host crypto provider (libiotls-hostcrypto) against BearSSL's own
 * implementations: the same results on random and edge inputs, invalid
 * points rejected exactly where BearSSL rejects them, signatures each
 * side accepts from the other; then handshakes with the provider on one
 * side, the other, and both.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/hostcrypto.h"
#include "iotls/tls.h"
#include "pair.h"
#include "pki.h"
#include "pki_cases.h"

#define ROUNDS 200

static const iotls_test_pki_t *pki;
static const iotls_crypto_provider_t *host;
static const br_ec_impl *ref; /* BearSSL's default: what the engine uses without a provider */
static br_hmac_drbg_context rng;

static int setup(void **state)
{
    pki = iotls_test_pki();
    host = iotls_hostcrypto_provider();
    ref = br_ec_get_default();
    /* Fixed seed: a failure can be replayed. */
    br_hmac_drbg_init(&rng, &br_sha256_vtable, "iotls hostcrypto test", 21);
    return pki && host ? 0 : -1;
}

static void random_bytes(void *out, size_t len)
{
    br_hmac_drbg_generate(&rng, out, len);
}

static const unsigned char *order_of(int curve, size_t *len)
{
    return ref->order(curve, len);
}

/* A random scalar in [1, n-1] for P-256 (top byte kept below n's). */
static void p256_scalar(unsigned char k[32])
{
    random_bytes(k, 32);
    k[0] &= 0x7F;
    k[31] |= 1;
}

/* ---- the table ---------------------------------------------------------- */

static void test_provider_table(void **state)
{
    assert_non_null(host->name);
    assert_non_null(strstr(host->name, "OpenSSL"));
    assert_non_null(host->ec);
    assert_non_null(host->ecdsa_sign);
    assert_non_null(host->ecdsa_vrfy);
    /* RSA stays BearSSL's. */
    assert_null(host->rsa_pkcs1_sign);
    assert_null(host->rsa_pkcs1_vrfy);
    assert_null(host->rsa_private);
    /* The engine negotiates the same curves with or without it. */
    assert_int_equal(host->ec->supported_curves, ref->supported_curves);
    for (int c = BR_EC_secp256r1; c <= BR_EC_curve25519; c++) {
        if (!((ref->supported_curves >> c) & 1))
            continue;
        size_t a, b;
        const unsigned char *ga = host->ec->generator(c, &a), *gb = ref->generator(c, &b);
        assert_int_equal(a, b);
        assert_memory_equal(ga, gb, a);
        ga = host->ec->order(c, &a);
        gb = ref->order(c, &b);
        assert_int_equal(a, b);
        assert_memory_equal(ga, gb, a);
        assert_int_equal(host->ec->xoff(c, &a), ref->xoff(c, &b));
        assert_int_equal(a, b);
    }
}

/* ---- X25519 ------------------------------------------------------------- */

/* mul on copies of the same point with both implementations. */
static void x25519_same(const unsigned char *u, size_t ulen, const unsigned char *k, size_t klen)
{
    unsigned char a[40], b[40];
    memcpy(a, u, ulen);
    memcpy(b, u, ulen);
    uint32_t ra = host->ec->mul(a, ulen, k, klen, BR_EC_curve25519);
    uint32_t rb = ref->mul(b, ulen, k, klen, BR_EC_curve25519);
    assert_int_equal(ra, rb);
    if (rb)
        assert_memory_equal(a, b, ulen);
}

static void test_x25519_random(void **state)
{
    for (int i = 0; i < ROUNDS; i++) {
        unsigned char u[32], k[32];
        random_bytes(u, sizeof u); /* top bit set half the time: cleared by both */
        random_bytes(k, sizeof k);
        x25519_same(u, 32, k, 32);
        x25519_same(u, 32, k, 1 + (size_t)(k[0] % 32)); /* short scalars */

        unsigned char ra[32], rb[32];
        assert_int_equal(host->ec->mulgen(ra, k, 32, BR_EC_curve25519), 32);
        assert_int_equal(ref->mulgen(rb, k, 32, BR_EC_curve25519), 32);
        assert_memory_equal(ra, rb, 32);
    }
}

static void test_x25519_rfc7748_vector(void **state)
{
    /* RFC 7748 section 5.2, first vector. */
    static const unsigned char k[32] = {0xa5, 0x46, 0xe3, 0x6b, 0xf0, 0x52, 0x7c, 0x9d,
                                        0x3b, 0x16, 0x15, 0x4b, 0x82, 0x46, 0x5e, 0xdd,
                                        0x62, 0x14, 0x4c, 0x0a, 0xc1, 0xfc, 0x5a, 0x18,
                                        0x50, 0x6a, 0x22, 0x44, 0xba, 0x44, 0x9a, 0xc4};
    static const unsigned char u[32] = {0xe6, 0xdb, 0x68, 0x67, 0x58, 0x30, 0x30, 0xdb,
                                        0x35, 0x94, 0xc1, 0xa4, 0x24, 0xb1, 0x5f, 0x7c,
                                        0x72, 0x66, 0x24, 0xec, 0x26, 0xb3, 0x35, 0x3b,
                                        0x10, 0xa9, 0x03, 0xa6, 0xd0, 0xab, 0x1c, 0x4c};
    static const unsigned char want[32] = {0xc3, 0xda, 0x55, 0x37, 0x9d, 0xe9, 0xc6, 0x90,
                                           0x8e, 0x94, 0xea, 0x4d, 0xf2, 0x8d, 0x08, 0x4f,
                                           0x32, 0xec, 0xcf, 0x03, 0x49, 0x1c, 0x71, 0xf7,
                                           0x54, 0xb4, 0x07, 0x55, 0x77, 0xa2, 0x85, 0x52};
    unsigned char g[32];
    memcpy(g, u, 32);
    assert_int_equal(host->ec->mul(g, 32, k, 32, BR_EC_curve25519), 1);
    assert_memory_equal(g, want, 32);
    x25519_same(u, 32, k, 32);
}

static void test_x25519_edges(void **state)
{
    unsigned char k[32];
    random_bytes(k, sizeof k);
    /* Low-order points: BearSSL answers 1 with a zero result (libcrypto
     * alone would refuse); the provider must answer the same. */
    static const unsigned char low_order[][32] = {
        {0},
        {1},
        {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
         0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
         0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
        {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    };
    for (size_t i = 0; i < sizeof low_order / sizeof low_order[0]; i++) {
        unsigned char g[32];
        memcpy(g, low_order[i], 32);
        assert_int_equal(host->ec->mul(g, 32, k, 32, BR_EC_curve25519), 1);
        x25519_same(low_order[i], 32, k, 32);
    }
    /* Non-canonical u (p and above) and the top bit: reduced / ignored. */
    unsigned char big[32];
    memset(big, 0xff, sizeof big);
    x25519_same(big, 32, k, 32);
    big[0] = 0xed;
    big[31] = 0x7f;
    x25519_same(big, 32, k, 32);
    /* Wrong sizes: rejected by both. */
    unsigned char u[40];
    random_bytes(u, sizeof u);
    x25519_same(u, 31, k, 32);
    x25519_same(u, 33, k, 32);
    unsigned char long_k[33];
    random_bytes(long_k, sizeof long_k);
    x25519_same(u, 32, long_k, 33);
    /* muladd is not defined on curve25519, in either. */
    assert_int_equal(host->ec->muladd(u, NULL, 32, k, 32, k, 32, BR_EC_curve25519), 0);
}

/* ---- P-256 --------------------------------------------------------------- */

static void p256_random_point(unsigned char q[65])
{
    unsigned char k[32];
    p256_scalar(k);
    assert_int_equal(ref->mulgen(q, k, 32, BR_EC_secp256r1), 65);
}

static void p256_mul_same(const unsigned char *q, size_t qlen, const unsigned char *k, size_t klen)
{
    unsigned char a[80], b[80];
    memcpy(a, q, qlen);
    memcpy(b, q, qlen);
    uint32_t ra = host->ec->mul(a, qlen, k, klen, BR_EC_secp256r1);
    uint32_t rb = ref->mul(b, qlen, k, klen, BR_EC_secp256r1);
    assert_int_equal(ra, rb);
    if (rb)
        assert_memory_equal(a, b, qlen);
}

static void test_p256_random(void **state)
{
    for (int i = 0; i < ROUNDS; i++) {
        unsigned char q[65], k[32], ra[65], rb[65];
        p256_random_point(q);
        p256_scalar(k);
        p256_mul_same(q, 65, k, 32);
        p256_mul_same(q, 65, k + 16, 16); /* short scalar */
        assert_int_equal(host->ec->mulgen(ra, k, 32, BR_EC_secp256r1), 65);
        assert_int_equal(ref->mulgen(rb, k, 32, BR_EC_secp256r1), 65);
        assert_memory_equal(ra, rb, 65);
    }
}

static void test_p256_scalar_edges(void **state)
{
    size_t nlen;
    const unsigned char *n = order_of(BR_EC_secp256r1, &nlen);
    unsigned char q[65];
    p256_random_point(q);
    unsigned char k[32];
    /* 1, n-1, n-2: the ends of BearSSL's domain. */
    memset(k, 0, sizeof k);
    k[31] = 1;
    p256_mul_same(q, 65, k, 32);
    p256_mul_same(q, 65, k + 31, 1);
    memcpy(k, n, 32);
    k[31] -= 1;
    p256_mul_same(q, 65, k, 32);
    k[31] -= 1;
    p256_mul_same(q, 65, k, 32);
    unsigned char ra[65], rb[65];
    assert_int_equal(host->ec->mulgen(ra, k, 32, BR_EC_secp256r1), 65);
    assert_int_equal(ref->mulgen(rb, k, 32, BR_EC_secp256r1), 65);
    assert_memory_equal(ra, rb, 65);
}

/* What BearSSL refuses, the provider refuses. */
static void test_p256_invalid_points(void **state)
{
    unsigned char q[65], k[32], bad[80];
    p256_random_point(q);
    p256_scalar(k);
    /* Off the curve. */
    for (int i = 0; i < 40; i++) {
        memcpy(bad, q, 65);
        bad[1 + (i * 7) % 64] ^= (unsigned char)(1u << (i % 8));
        p256_mul_same(bad, 65, k, 32);
    }
    /* Other encodings: compressed, hybrid, missing prefix. */
    static const unsigned char prefixes[] = {0x00, 0x02, 0x03, 0x05, 0x06, 0x07};
    for (size_t i = 0; i < sizeof prefixes; i++) {
        memcpy(bad, q, 65);
        bad[0] = prefixes[i];
        p256_mul_same(bad, 65, k, 32);
        p256_mul_same(bad, 33, k, 32); /* compressed length */
    }
    p256_mul_same(q, 64, k, 32);
    memcpy(bad, q, 65);
    bad[65] = 0;
    p256_mul_same(bad, 66, k, 32);
    /* Coordinates not below p (x = p, then y = p + y mod nothing: p itself). */
    static const unsigned char p[32] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
                                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    memcpy(bad, q, 65);
    memcpy(bad + 1, p, 32);
    p256_mul_same(bad, 65, k, 32);
    memcpy(bad, q, 65);
    memcpy(bad + 33, p, 32);
    p256_mul_same(bad, 65, k, 32);
    memset(bad, 0, 65);
    bad[0] = 0x04; /* (0, 0): not on the curve */
    p256_mul_same(bad, 65, k, 32);
    /* muladd refuses a bad point in either position. */
    unsigned char a[65], b[65];
    memcpy(bad, q, 65);
    bad[20] ^= 1;
    memcpy(a, bad, 65);
    assert_int_equal(host->ec->muladd(a, NULL, 65, k, 32, k, 32, BR_EC_secp256r1), 0);
    memcpy(b, bad, 65);
    assert_int_equal(ref->muladd(b, NULL, 65, k, 32, k, 32, BR_EC_secp256r1), 0);
    memcpy(a, q, 65);
    assert_int_equal(host->ec->muladd(a, bad, 65, k, 32, k, 32, BR_EC_secp256r1), 0);
    memcpy(b, q, 65);
    assert_int_equal(ref->muladd(b, bad, 65, k, 32, k, 32, BR_EC_secp256r1), 0);
}

static void test_p256_muladd(void **state)
{
    for (int i = 0; i < ROUNDS / 2; i++) {
        unsigned char A[65], B[65], x[32], y[32], a[65], b[65];
        p256_random_point(A);
        p256_random_point(B);
        p256_scalar(x);
        p256_scalar(y);
        memcpy(a, A, 65);
        memcpy(b, A, 65);
        assert_int_equal(host->ec->muladd(a, NULL, 65, x, 32, y, 32, BR_EC_secp256r1), 1);
        assert_int_equal(ref->muladd(b, NULL, 65, x, 32, y, 32, BR_EC_secp256r1), 1);
        assert_memory_equal(a, b, 65);
        memcpy(a, A, 65);
        memcpy(b, A, 65);
        assert_int_equal(host->ec->muladd(a, B, 65, x, 32, y, 32, BR_EC_secp256r1), 1);
        assert_int_equal(ref->muladd(b, B, 65, x, 32, y, 32, BR_EC_secp256r1), 1);
        assert_memory_equal(a, b, 65);
    }
    /* x*A + y*A with x = y: the doubling case; x*A + (n-x)*A = 0: error. */
    size_t nlen;
    const unsigned char *n = order_of(BR_EC_secp256r1, &nlen);
    unsigned char A[65], x[32], a[65], b[65];
    p256_random_point(A);
    p256_scalar(x);
    memcpy(a, A, 65);
    memcpy(b, A, 65);
    assert_int_equal(host->ec->muladd(a, A, 65, x, 32, x, 32, BR_EC_secp256r1), 1);
    assert_int_equal(ref->muladd(b, A, 65, x, 32, x, 32, BR_EC_secp256r1), 1);
    assert_memory_equal(a, b, 65);
    unsigned char negx[32];
    unsigned borrow = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned d = (unsigned)n[i] - x[i] - borrow;
        negx[i] = (unsigned char)d;
        borrow = (d >> 8) & 1;
    }
    memcpy(a, A, 65);
    memcpy(b, A, 65);
    assert_int_equal(host->ec->muladd(a, A, 65, x, 32, negx, 32, BR_EC_secp256r1), 0);
    assert_int_equal(ref->muladd(b, A, 65, x, 32, negx, 32, BR_EC_secp256r1), 0);
}

/* Other curves go to BearSSL unchanged. */
static void test_other_curves_delegated(void **state)
{
    unsigned char k[48], ra[97], rb[97];
    random_bytes(k, sizeof k);
    k[0] &= 0x7F;
    assert_int_equal(host->ec->mulgen(ra, k, 48, BR_EC_secp384r1), 97);
    assert_int_equal(ref->mulgen(rb, k, 48, BR_EC_secp384r1), 97);
    assert_memory_equal(ra, rb, 97);
    assert_int_equal(host->ec->mul(ra, 97, k, 48, BR_EC_secp384r1), 1);
    assert_int_equal(ref->mul(rb, 97, k, 48, BR_EC_secp384r1), 1);
    assert_memory_equal(ra, rb, 97);
}

/* ---- ECDSA --------------------------------------------------------------- */

typedef struct {
    br_ec_private_key sk;
    unsigned char x[32];
    br_ec_public_key pk;
    unsigned char q[65];
} keypair_t;

static void keypair(keypair_t *kp)
{
    p256_scalar(kp->x);
    kp->sk.curve = BR_EC_secp256r1;
    kp->sk.x = kp->x;
    kp->sk.xlen = 32;
    assert_int_equal(br_ec_compute_pub(ref, &kp->pk, kp->q, &kp->sk), 65);
}

static uint32_t ref_vrfy(const void *h, size_t hl, const br_ec_public_key *pk, const void *sig,
                         size_t sl)
{
    return br_ecdsa_i31_vrfy_asn1(ref, h, hl, pk, sig, sl);
}

static void test_ecdsa_cross(void **state)
{
    const br_hash_class *hashes[] = {&br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable,
                                     &br_sha1_vtable};
    for (int i = 0; i < ROUNDS / 4; i++) {
        keypair_t kp;
        keypair(&kp);
        const br_hash_class *hf = hashes[i % 4];
        size_t hl = (hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
        unsigned char h[64], sa[80], sb[80];
        random_bytes(h, hl);
        size_t la = host->ecdsa_sign(host->ec, hf, h, &kp.sk, sa);
        size_t lb = br_ecdsa_i31_sign_asn1(ref, hf, h, &kp.sk, sb);
        assert_true(la > 8 && la <= 72);
        assert_true(lb > 8 && lb <= 72);
        /* Each accepts the other's signature, and its own. */
        assert_int_equal(ref_vrfy(h, hl, &kp.pk, sa, la), 1);
        assert_int_equal(host->ecdsa_vrfy(host->ec, h, hl, &kp.pk, sb, lb), 1);
        assert_int_equal(host->ecdsa_vrfy(host->ec, h, hl, &kp.pk, sa, la), 1);
        /* Another hash: both refuse (the first byte: hashes longer than
         * the order are truncated to their leftmost 256 bits). */
        h[0] ^= 1;
        assert_int_equal(ref_vrfy(h, hl, &kp.pk, sa, la), 0);
        assert_int_equal(host->ecdsa_vrfy(host->ec, h, hl, &kp.pk, sa, la), 0);
    }
}

/* The provider keeps the EC_KEY of the last few keys it signed with
 * (ecdsa_keys.c): more keys than it keeps, taken in turn, each signed with
 * its own key (a kept object found for the wrong key would give a
 * signature its public key refuses); a short scalar (a leading zero byte
 * dropped) is the same key as its padded form; and after
 * iotls_hostcrypto_shutdown() the provider keeps working. */
static void sign_and_check(keypair_t *kp, const keypair_t *other)
{
    unsigned char h[32], sig[80];
    random_bytes(h, sizeof h);
    size_t len = host->ecdsa_sign(host->ec, &br_sha256_vtable, h, &kp->sk, sig);
    assert_true(len > 8 && len <= 72);
    assert_int_equal(ref_vrfy(h, sizeof h, &kp->pk, sig, len), 1);
    assert_int_equal(ref_vrfy(h, sizeof h, &other->pk, sig, len), 0);
}

static void test_ecdsa_kept_keys(void **state)
{
    enum { KEYS = 7 };
    keypair_t kp[KEYS];
    for (int i = 0; i < KEYS; i++)
        keypair(&kp[i]);
    /* The last key's scalar starts with a zero byte, handed over without it. */
    kp[KEYS - 1].x[0] = 0;
    kp[KEYS - 1].sk.x = kp[KEYS - 1].x + 1;
    kp[KEYS - 1].sk.xlen = 31;
    assert_int_equal(br_ec_compute_pub(ref, &kp[KEYS - 1].pk, kp[KEYS - 1].q, &kp[KEYS - 1].sk),
                     65);
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < KEYS; i++)
            sign_and_check(&kp[i], &kp[(i + 1) % KEYS]);
        /* One key again and again, as a server does. */
        for (int i = 0; i < 5; i++)
            sign_and_check(&kp[round], &kp[round + 1]);
        if (round == 1)
            iotls_hostcrypto_shutdown();
    }
    /* The padded form of the short scalar is the same key. */
    keypair_t padded = kp[KEYS - 1];
    padded.sk.x = padded.x;
    padded.sk.xlen = 32;
    sign_and_check(&padded, &kp[0]);
    /* A scalar longer than P-256's is refused, not cut. */
    unsigned char big[33] = {0}, h[32] = {0}, sig[80];
    memcpy(big + 1, kp[0].x, 32);
    br_ec_private_key sk = {BR_EC_secp256r1, big, sizeof big};
    assert_int_equal(host->ecdsa_sign(host->ec, &br_sha256_vtable, h, &sk, sig), 0);
    iotls_hostcrypto_shutdown();
    iotls_hostcrypto_shutdown(); /* twice is harmless */
    sign_and_check(&kp[0], &kp[1]);
}

/* Several threads at once through the objects the provider keeps (one
 * shared signing key, X25519 import contexts): every result is BearSSL's
 * or verifies. Inputs and BearSSL's answers are prepared first (the test's
 * random generator is not shared between threads). */
enum { THREADS = 4, THREAD_ROUNDS = 40 };
typedef struct {
    unsigned char k[THREAD_ROUNDS][32], u[THREAD_ROUNDS][32];
    unsigned char pub[THREAD_ROUNDS][32], shared[THREAD_ROUNDS][32];
    unsigned char h[THREAD_ROUNDS][32], sig[THREAD_ROUNDS][80];
    size_t sig_len[THREAD_ROUNDS];
    const keypair_t *signer;
    int failures;
} thread_work_t;

static void *thread_run(void *arg)
{
    thread_work_t *w = arg;
    for (int i = 0; i < THREAD_ROUNDS; i++) {
        unsigned char r[32];
        if (host->ec->mulgen(r, w->k[i], 32, BR_EC_curve25519) != 32 ||
            memcmp(r, w->pub[i], 32) != 0)
            w->failures++;
        memcpy(r, w->u[i], 32);
        if (host->ec->mul(r, 32, w->k[i], 32, BR_EC_curve25519) != 1 ||
            memcmp(r, w->shared[i], 32) != 0)
            w->failures++;
        w->sig_len[i] =
            host->ecdsa_sign(host->ec, &br_sha256_vtable, w->h[i], &w->signer->sk, w->sig[i]);
    }
    return NULL;
}

static void test_threads_share_kept_objects(void **state)
{
    static thread_work_t work[THREADS];
    keypair_t signer;
    keypair(&signer);
    iotls_hostcrypto_shutdown(); /* start with nothing kept */
    for (int t = 0; t < THREADS; t++) {
        thread_work_t *w = &work[t];
        memset(w, 0, sizeof *w);
        w->signer = &signer;
        for (int i = 0; i < THREAD_ROUNDS; i++) {
            random_bytes(w->k[i], 32);
            random_bytes(w->u[i], 32);
            random_bytes(w->h[i], 32);
            w->u[i][31] &= 0x7F;
            assert_int_equal(ref->mulgen(w->pub[i], w->k[i], 32, BR_EC_curve25519), 32);
            memcpy(w->shared[i], w->u[i], 32);
            assert_int_equal(ref->mul(w->shared[i], 32, w->k[i], 32, BR_EC_curve25519), 1);
        }
    }
    pthread_t tid[THREADS];
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&tid[t], NULL, thread_run, &work[t]), 0);
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_join(tid[t], NULL), 0);
    for (int t = 0; t < THREADS; t++) {
        assert_int_equal(work[t].failures, 0);
        for (int i = 0; i < THREAD_ROUNDS; i++)
            assert_int_equal(
                ref_vrfy(work[t].h[i], 32, &signer.pk, work[t].sig[i], work[t].sig_len[i]), 1);
    }
    iotls_hostcrypto_shutdown();
}

/* Damaged signatures and keys: the provider's verdict is BearSSL's. */
static void test_ecdsa_vrfy_matches_bearssl(void **state)
{
    keypair_t kp;
    keypair(&kp);
    unsigned char h[32], sig[80], bad[200];
    random_bytes(h, sizeof h);
    size_t len = br_ecdsa_i31_sign_asn1(ref, &br_sha256_vtable, h, &kp.sk, sig);
    assert_true(len > 0);
    for (size_t i = 0; i < len * 8; i++) { /* every single-bit flip */
        memcpy(bad, sig, len);
        bad[i / 8] ^= (unsigned char)(1u << (i % 8));
        /* A flip in a DER length may still parse: BearSSL decides. */
        assert_int_equal(host->ecdsa_vrfy(host->ec, h, 32, &kp.pk, bad, len),
                         ref_vrfy(h, 32, &kp.pk, bad, len));
    }
    for (size_t cut = 0; cut < len; cut++) /* truncated */
        assert_int_equal(host->ecdsa_vrfy(host->ec, h, 32, &kp.pk, sig, cut),
                         ref_vrfy(h, 32, &kp.pk, sig, cut));
    memcpy(bad, sig, len); /* trailing bytes */
    bad[len] = 0;
    assert_int_equal(host->ecdsa_vrfy(host->ec, h, 32, &kp.pk, bad, len + 1),
                     ref_vrfy(h, 32, &kp.pk, bad, len + 1));
    memset(bad, 0x30, sizeof bad); /* oversized */
    assert_int_equal(host->ecdsa_vrfy(host->ec, h, 32, &kp.pk, bad, sizeof bad), 0);
    assert_int_equal(ref_vrfy(h, 32, &kp.pk, bad, sizeof bad), 0);
    /* r or s zero, or equal to n. */
    size_t nlen;
    const unsigned char *n = order_of(BR_EC_secp256r1, &nlen);
    unsigned char raw[64];
    for (int which = 0; which < 4; which++) {
        random_bytes(raw, sizeof raw);
        raw[0] &= 0x7F;
        raw[32] &= 0x7F;
        unsigned char *v = raw + (which & 1) * 32;
        if (which < 2)
            memset(v, 0, 32);
        else
            memcpy(v, n, 32);
        memcpy(bad, raw, 64);
        size_t l = br_ecdsa_raw_to_asn1(bad, 64);
        assert_int_equal(host->ecdsa_vrfy(host->ec, h, 32, &kp.pk, bad, l), 0);
        assert_int_equal(ref_vrfy(h, 32, &kp.pk, bad, l), 0);
    }
    /* A key off the curve, and one in compressed form. */
    br_ec_public_key pk = kp.pk;
    unsigned char q[65];
    memcpy(q, kp.q, 65);
    q[40] ^= 4;
    pk.q = q;
    assert_int_equal(host->ecdsa_vrfy(host->ec, h, 32, &pk, sig, len), 0);
    assert_int_equal(ref_vrfy(h, 32, &pk, sig, len), 0);
    memcpy(q, kp.q, 33);
    q[0] = 0x02 | (kp.q[64] & 1);
    pk.qlen = 33;
    assert_int_equal(host->ecdsa_vrfy(host->ec, h, 32, &pk, sig, len), 0);
    assert_int_equal(ref_vrfy(h, 32, &pk, sig, len), 0);
}

/* ---- sessions ------------------------------------------------------------ */

static void handshake_with(const iotls_test_cred_t *cred, const char *ca,
                           const iotls_crypto_provider_t *client,
                           const iotls_crypto_provider_t *server, bool mutual)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, ca, cred->chain, cred->key, 2048);
    if (mutual)
        iotls_test_pair_client_auth(&p, pki->ca_pem, IOTLS_CLIENT_AUTH_REQUIRE, pki->client.chain,
                                    pki->client.key);
    p.ccfg.crypto = client;
    p.scfg.crypto = server;
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_pump(&p);
    assert_true(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    assert_true(iotls_session_state(p.server) & IOTLS_HANDSHAKE_DONE);
    const iotls_report_t *cr = iotls_session_report(p.client);
    const iotls_report_t *sr = iotls_session_report(p.server);
    assert_true(cr->verified);
    assert_string_equal(cr->crypto, client ? client->name : IOTLS_CRYPTO_BUILTIN_NAME);
    assert_string_equal(sr->crypto, server ? server->name : IOTLS_CRYPTO_BUILTIN_NAME);
    char text[4096];
    iotls_report_format(cr, "", text, sizeof text);
    assert_non_null(strstr(text, "public-key work: "));
    assert_non_null(strstr(text, cr->crypto));
    if (mutual)
        assert_true(iotls_session_report(p.server)->verified);
    /* Application data both ways. */
    assert_int_equal(iotls_session_write(p.client, "ping", 4), 4);
    iotls_session_flush(p.client);
    iotls_test_pair_pump(&p);
    char buf[8];
    assert_int_equal(iotls_session_read(p.server, buf, sizeof buf), 4);
    assert_memory_equal(buf, "ping", 4);
    iotls_test_pair_free(&p);
}

static void test_handshakes_every_combination(void **state)
{
    const iotls_crypto_provider_t *sides[] = {NULL, host};
    for (int c = 0; c < 2; c++)
        for (int s = 0; s < 2; s++) {
            handshake_with(&pki->server_ec, pki->ca_pem, sides[c], sides[s], false);
            handshake_with(&pki->server_ec, pki->ca_pem, sides[c], sides[s], true);
            handshake_with(&pki->server_rsa, pki->ca_pem, sides[c], sides[s], false);
        }
    /* A P-384 chain: the provider hands that curve to BearSSL. */
    const iotls_test_pki_cases_t *cases = iotls_test_pki_cases();
    assert_non_null(cases);
    handshake_with(&cases->p384, cases->p384_root_pem, host, host, false);
}

/* A provider whose ECDSA verification says no: the client must fail the
 * handshake (the table really is what checks the server). */
static uint32_t refuse_all(const br_ec_impl *impl, const void *hash, size_t hash_len,
                           const br_ec_public_key *pk, const void *sig, size_t sig_len)
{
    return 0;
}

static void test_provider_is_what_verifies(void **state)
{
    iotls_crypto_provider_t refusing = {.name = "refusing", .ecdsa_vrfy = refuse_all};
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.crypto = &refusing;
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_finish(&p);
    assert_false(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    assert_int_not_equal(iotls_session_error(p.client)->code, IOTLS_OK);
    iotls_test_pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_provider_table),
        cmocka_unit_test(test_x25519_random),
        cmocka_unit_test(test_x25519_rfc7748_vector),
        cmocka_unit_test(test_x25519_edges),
        cmocka_unit_test(test_p256_random),
        cmocka_unit_test(test_p256_scalar_edges),
        cmocka_unit_test(test_p256_invalid_points),
        cmocka_unit_test(test_p256_muladd),
        cmocka_unit_test(test_other_curves_delegated),
        cmocka_unit_test(test_ecdsa_cross),
        cmocka_unit_test(test_ecdsa_vrfy_matches_bearssl),
        cmocka_unit_test(test_ecdsa_kept_keys),
        cmocka_unit_test(test_threads_share_kept_objects),
        cmocka_unit_test(test_handshakes_every_combination),
        cmocka_unit_test(test_provider_is_what_verifies),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
