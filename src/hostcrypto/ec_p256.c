/*
 * P-256 for the engine's br_ec_impl (secp256r1) through libcrypto's EC
 * point arithmetic (on x86-64 its constant-time nistz256 code).
 *
 * BearSSL's contract (bearssl_ec.h, ec_p256_m31.c): points are 65 bytes,
 * uncompressed; mul and muladd return 0 for a point that is not on the
 * curve, with its coordinates not below p, or in another encoding; scalars
 * are big-endian. Results that would be the point at infinity (outside
 * BearSSL's documented domain for mul; an error for muladd) give 0.
 */
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <pthread.h>

#include "hostcrypto/hostcrypto.h"

static EC_GROUP *p256;
static pthread_once_t p256_once = PTHREAD_ONCE_INIT;

static void p256_create(void)
{
    p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
}

const EC_GROUP *iotls_hc_p256_group(void)
{
    pthread_once(&p256_once, p256_create);
    return p256;
}

int iotls_hc_p256_decode(EC_POINT *P, const unsigned char *buf, size_t len, BN_CTX *ctx)
{
    return len == 65 && buf[0] == 0x04 &&
           EC_POINT_oct2point(iotls_hc_p256_group(), P, buf, len, ctx) == 1 &&
           EC_POINT_is_on_curve(iotls_hc_p256_group(), P, ctx) == 1;
}

/* A secret scalar: BN_FLG_CONSTTIME keeps libcrypto on its constant-time
 * paths. */
static BIGNUM *scalar(const unsigned char *x, size_t xlen)
{
    BIGNUM *k = BN_bin2bn(x, (int)xlen, NULL);
    if (k)
        BN_set_flags(k, BN_FLG_CONSTTIME);
    return k;
}

static uint32_t encode(const EC_POINT *P, unsigned char *out, BN_CTX *ctx)
{
    const EC_GROUP *g = iotls_hc_p256_group();
    return !EC_POINT_is_at_infinity(g, P) &&
           EC_POINT_point2oct(g, P, POINT_CONVERSION_UNCOMPRESSED, out, 65, ctx) == 65;
}

uint32_t iotls_hc_p256_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen)
{
    const EC_GROUP *g = iotls_hc_p256_group();
    if (!g || Glen != 65)
        return 0;
    ERR_set_mark(); /* libcrypto's complaints stay out of the caller's queue */
    BN_CTX *ctx = BN_CTX_new();
    EC_POINT *P = EC_POINT_new(g);
    BIGNUM *k = scalar(x, xlen);
    uint32_t ok = ctx && P && k && iotls_hc_p256_decode(P, G, Glen, ctx) &&
                  EC_POINT_mul(g, P, NULL, P, k, ctx) == 1 && encode(P, G, ctx);
    BN_clear_free(k);
    EC_POINT_free(P);
    BN_CTX_free(ctx);
    ERR_pop_to_mark();
    return ok;
}

size_t iotls_hc_p256_mulgen(unsigned char *R, const unsigned char *x, size_t xlen)
{
    const EC_GROUP *g = iotls_hc_p256_group();
    if (!g)
        return 0;
    ERR_set_mark();
    BN_CTX *ctx = BN_CTX_new();
    EC_POINT *P = EC_POINT_new(g);
    BIGNUM *k = scalar(x, xlen);
    size_t n =
        ctx && P && k && EC_POINT_mul(g, P, k, NULL, NULL, ctx) == 1 && encode(P, R, ctx) ? 65 : 0;
    BN_clear_free(k);
    EC_POINT_free(P);
    BN_CTX_free(ctx);
    ERR_pop_to_mark();
    return n;
}

/* A = x*A + y*B (B NULL: the generator). Used for ECDSA verification:
 * public values only. */
uint32_t iotls_hc_p256_muladd(unsigned char *A, const unsigned char *B, size_t len,
                              const unsigned char *x, size_t xlen, const unsigned char *y,
                              size_t ylen)
{
    const EC_GROUP *g = iotls_hc_p256_group();
    if (!g || len != 65)
        return 0;
    ERR_set_mark();
    BN_CTX *ctx = BN_CTX_new();
    EC_POINT *P = EC_POINT_new(g), *Q = EC_POINT_new(g);
    BIGNUM *kx = BN_bin2bn(x, (int)xlen, NULL), *ky = BN_bin2bn(y, (int)ylen, NULL);
    uint32_t ok = 0;
    if (ctx && P && Q && kx && ky && iotls_hc_p256_decode(P, A, len, ctx)) {
        if (!B)
            ok = EC_POINT_mul(g, P, ky, P, kx, ctx) == 1;
        else
            ok = iotls_hc_p256_decode(Q, B, len, ctx) && EC_POINT_mul(g, P, NULL, P, kx, ctx) &&
                 EC_POINT_mul(g, Q, NULL, Q, ky, ctx) && EC_POINT_add(g, P, P, Q, ctx);
        ok = ok && encode(P, A, ctx);
    }
    BN_free(kx);
    BN_free(ky);
    EC_POINT_free(Q);
    EC_POINT_free(P);
    BN_CTX_free(ctx);
    ERR_pop_to_mark();
    return ok;
}
