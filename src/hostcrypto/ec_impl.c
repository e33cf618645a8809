/*
 * The provider's br_ec_impl: curve25519 and secp256r1 by libcrypto, every
 * other curve (P-384, P-521) and the curve constants by BearSSL's default
 * implementation, so the engine sees the same curves as without it.
 */
#include "hostcrypto/hostcrypto.h"

static const br_ec_impl *fallback(void)
{
    return br_ec_get_default();
}

static const unsigned char *ec_generator(int curve, size_t *len)
{
    return fallback()->generator(curve, len);
}

static const unsigned char *ec_order(int curve, size_t *len)
{
    return fallback()->order(curve, len);
}

static size_t ec_xoff(int curve, size_t *len)
{
    return fallback()->xoff(curve, len);
}

static uint32_t ec_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen,
                       int curve)
{
    switch (curve) {
    case BR_EC_curve25519: return iotls_hc_x25519_mul(G, Glen, x, xlen);
    case BR_EC_secp256r1: return iotls_hc_p256_mul(G, Glen, x, xlen);
    default: return fallback()->mul(G, Glen, x, xlen, curve);
    }
}

static size_t ec_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
    switch (curve) {
    case BR_EC_curve25519: return iotls_hc_x25519_mulgen(R, x, xlen);
    case BR_EC_secp256r1: return iotls_hc_p256_mulgen(R, x, xlen);
    default: return fallback()->mulgen(R, x, xlen, curve);
    }
}

static uint32_t ec_muladd(unsigned char *A, const unsigned char *B, size_t len,
                          const unsigned char *x, size_t xlen, const unsigned char *y, size_t ylen,
                          int curve)
{
    switch (curve) {
    /* As in BearSSL: no point addition on curve25519 (X25519 only). */
    case BR_EC_curve25519: return 0;
    case BR_EC_secp256r1: return iotls_hc_p256_muladd(A, B, len, x, xlen, y, ylen);
    default: return fallback()->muladd(A, B, len, x, xlen, y, ylen, curve);
    }
}

const br_ec_impl iotls_hc_ec = {
    /* The curves of BearSSL's default (test_hostcrypto compares them). */
    (uint32_t)1 << BR_EC_secp256r1 | (uint32_t)1 << BR_EC_secp384r1 |
        (uint32_t)1 << BR_EC_secp521r1 | (uint32_t)1 << BR_EC_curve25519,
    ec_generator,
    ec_order,
    ec_xoff,
    ec_mul,
    ec_mulgen,
    ec_muladd,
};
