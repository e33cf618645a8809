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

/* The private key for mulgen: libcrypto computes its public key (k*9),
 * which is the result. */
static EVP_PKEY *private_key(const unsigned char *k, size_t klen)
{
    unsigned char sk[32];
    scalar_bytes(sk, k, klen);
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, sizeof sk);
    OPENSSL_cleanse(sk, sizeof sk);
    return key;
}

/* The private key for mul: handed to libcrypto with a placeholder public
 * key (the peer's point), so that it does not compute k*9, which derive
 * never uses; that would double the cost of the shared secret. */
static EVP_PKEY *private_key_only(const unsigned char *k, size_t klen, unsigned char *placeholder)
{
    unsigned char sk[32];
    scalar_bytes(sk, k, klen);
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, sk, sizeof sk),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, placeholder, 32),
        OSSL_PARAM_construct_end(),
    };
    if (ctx && EVP_PKEY_fromdata_init(ctx) > 0)
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params);
    EVP_PKEY_CTX_free(ctx);
    OPENSSL_cleanse(sk, sizeof sk);
    return key;
}

uint32_t iotls_hc_x25519_mul(unsigned char *G, size_t Glen, const unsigned char *k, size_t klen)
{
    if (Glen != 32 || klen > 32)
        return 0;
    G[31] &= 0x7F;
    ERR_set_mark(); /* libcrypto's complaints stay out of the caller's queue */
    EVP_PKEY *priv = private_key_only(k, klen, G);
    EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, G, 32);
    EVP_PKEY_CTX *ctx = priv ? EVP_PKEY_CTX_new(priv, NULL) : NULL;
    uint32_t ok = 0;
    if (peer && ctx && EVP_PKEY_derive_init(ctx) > 0 &&
        EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) > 0) {
        size_t len = 32;
        if (EVP_PKEY_derive(ctx, G, &len) <= 0 || len != 32)
            memset(G, 0, 32); /* the zero secret, the only derive failure */
        ok = 1;
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(priv);
    ERR_pop_to_mark();
    return ok;
}

size_t iotls_hc_x25519_mulgen(unsigned char *R, const unsigned char *k, size_t klen)
{
    if (klen > 32)
        return 0;
    ERR_set_mark();
    EVP_PKEY *priv = private_key(k, klen);
    size_t len = 32;
    size_t ok = priv && EVP_PKEY_get_raw_public_key(priv, R, &len) > 0 && len == 32 ? 32 : 0;
    EVP_PKEY_free(priv);
    ERR_pop_to_mark();
    return ok;
}
