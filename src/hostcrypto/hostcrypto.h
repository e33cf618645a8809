/*
 * Private to libiotls-hostcrypto: the pieces of the provider, each the
 * BearSSL interface it replaces (bearssl_ec.h), done with libcrypto.
 */
#ifndef IOTLS_HOSTCRYPTO_INTERNAL_H
#define IOTLS_HOSTCRYPTO_INTERNAL_H

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "iotls/crypto.h"

/* The P-256 group, created once and shared read-only (NULL if libcrypto
 * could not create it: every operation then fails). */
const EC_GROUP *iotls_hc_p256_group(void);

/* ec_x25519.c: br_ec_impl's mul and mulgen for curve25519. */
uint32_t iotls_hc_x25519_mul(unsigned char *G, size_t Glen, const unsigned char *k, size_t klen);
size_t iotls_hc_x25519_mulgen(unsigned char *R, const unsigned char *k, size_t klen);

/* ec_p256.c: br_ec_impl's mul, mulgen and muladd for secp256r1. */
uint32_t iotls_hc_p256_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen);
size_t iotls_hc_p256_mulgen(unsigned char *R, const unsigned char *x, size_t xlen);
uint32_t iotls_hc_p256_muladd(unsigned char *A, const unsigned char *B, size_t len,
                              const unsigned char *x, size_t xlen, const unsigned char *y,
                              size_t ylen);
/* Decode a P-256 point exactly as BearSSL accepts one: 65 bytes, 0x04,
 * both coordinates below p, on the curve (libcrypto checks the last two;
 * it would also take compressed and hybrid forms, which BearSSL refuses). */
int iotls_hc_p256_decode(EC_POINT *P, const unsigned char *buf, size_t len, BN_CTX *ctx);

/* x25519_kit.c: what an X25519 operation needs from libcrypto, kept
 * between calls: a context for EVP_PKEY_fromdata and the EVP_PKEY of the
 * last peer point. _take gives a kit for the caller's use alone (NULL if
 * libcrypto could not make one); _give takes it back; _free frees the
 * idle ones. */
typedef struct {
    EVP_PKEY_CTX *import; /* EVP_PKEY_fromdata for X25519 */
    EVP_PKEY *peer;       /* a public key only, or NULL */
} iotls_hc_x25519_kit_t;
iotls_hc_x25519_kit_t *iotls_hc_x25519_kit_take(void);
void iotls_hc_x25519_kit_give(iotls_hc_x25519_kit_t *kit);
void iotls_hc_x25519_kits_free(void);

/* ecdsa_keys.c: the EC_KEY of a P-256 private scalar (big-endian, at most
 * 32 bytes), a reference the caller frees with EC_KEY_free (NULL on
 * failure); _free empties the cache. */
EC_KEY *iotls_hc_p256_signing_key(const unsigned char *x, size_t xlen);
void iotls_hc_p256_signing_keys_free(void);

/* ec_impl.c */
extern const br_ec_impl iotls_hc_ec;

/* ecdsa.c */
size_t iotls_hc_ecdsa_sign(const br_ec_impl *impl, const br_hash_class *hf, const void *hash_value,
                           const br_ec_private_key *sk, void *sig);
uint32_t iotls_hc_ecdsa_vrfy(const br_ec_impl *impl, const void *hash, size_t hash_len,
                             const br_ec_public_key *pk, const void *sig, size_t sig_len);

#endif
