/*
 * X25519 for the engine's br_ec_impl (curve25519) through libcrypto.
 *
 * BearSSL's encoding is RFC 7748's: 32-byte little-endian u-coordinates
 * (the top bit of the last byte cleared, in the caller's buffer too), and
 * little-endian scalars of at most 32 bytes, zero-extended, clamped.
 * BearSSL returns 1 for every 32-byte point, even when the result is zero
 * (a low-order point); libcrypto refuses to derive a zero secret, so that
 * one case is answered with the zero result BearSSL gives.
 */
#include <openssl/err.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <string.h>

#include "hostcrypto/hostcrypto.h"

static void scalar_bytes(unsigned char sk[32], const unsigned char *k, size_t klen)
{
    memcpy(sk, k, klen);
    memset(sk + klen, 0, 32 - klen);
}

/* An X25519 EVP_PKEY from its bytes: the private scalar (or NULL) and the
 * public value (or NULL), through the kit's import context (x25519_kit.c).
 * With the scalar alone libcrypto computes the public key (k*9): that is
 * mulgen's result. With both, it takes the public value as given: mul
 * passes the peer's point as a placeholder, because derive never uses our
 * own public key and computing it would double the cost of the secret. */
static EVP_PKEY *import_key(iotls_hc_x25519_kit_t *kit, const unsigned char *k, size_t klen,
                            unsigned char *pub)
{
    unsigned char sk[32];
    OSSL_PARAM params[3], *p = params;
    if (k) {
        scalar_bytes(sk, k, klen);
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, sk, sizeof sk);
    }
    if (pub)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, 32);
    *p = OSSL_PARAM_construct_end();
    EVP_PKEY *key = NULL;
    if (EVP_PKEY_fromdata(kit->import, &key, k ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <=
        0)
        key = NULL;
    if (k)
        OPENSSL_cleanse(sk, sizeof sk);
    return key;
}

/* The peer's point in the kit's peer key: the key of the last call with the
 * new point set in it, or a new key the kit keeps. */
static EVP_PKEY *peer_key(iotls_hc_x25519_kit_t *kit, unsigned char *point)
{
    if (kit->peer && EVP_PKEY_set1_encoded_public_key(kit->peer, point, 32) == 1)
        return kit->peer;
    EVP_PKEY_free(kit->peer);
    kit->peer = import_key(kit, NULL, 0, point);
    return kit->peer;
}

uint32_t iotls_hc_x25519_mul(unsigned char *G, size_t Glen, const unsigned char *k, size_t klen)
{
    if (Glen != 32 || klen > 32)
        return 0;
    G[31] &= 0x7F;
    ERR_set_mark(); /* libcrypto's complaints stay out of the caller's queue */
    iotls_hc_x25519_kit_t *kit = iotls_hc_x25519_kit_take();
    EVP_PKEY *priv = kit ? import_key(kit, k, klen, G) : NULL;
    EVP_PKEY *peer = priv ? peer_key(kit, G) : NULL;
    EVP_PKEY_CTX *ctx = peer ? EVP_PKEY_CTX_new(priv, NULL) : NULL;
    uint32_t ok = 0;
    if (peer && ctx && EVP_PKEY_derive_init(ctx) > 0 &&
        EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) > 0) {
        size_t len = 32;
        if (EVP_PKEY_derive(ctx, G, &len) <= 0 || len != 32)
            memset(G, 0, 32); /* the zero secret, the only derive failure */
        ok = 1;
    }
    EVP_PKEY_CTX_free(ctx); /* nothing refers to the kit's peer key any more */
    EVP_PKEY_free(priv);
    iotls_hc_x25519_kit_give(kit);
    ERR_pop_to_mark();
    return ok;
}

size_t iotls_hc_x25519_mulgen(unsigned char *R, const unsigned char *k, size_t klen)
{
    if (klen > 32)
        return 0;
    ERR_set_mark();
    iotls_hc_x25519_kit_t *kit = iotls_hc_x25519_kit_take();
    EVP_PKEY *priv = kit ? import_key(kit, k, klen, NULL) : NULL;
    iotls_hc_x25519_kit_give(kit);
    size_t len = 32;
    size_t ok = priv && EVP_PKEY_get_raw_public_key(priv, R, &len) > 0 && len == 32 ? 32 : 0;
    EVP_PKEY_free(priv);
    ERR_pop_to_mark();
    return ok;
}
