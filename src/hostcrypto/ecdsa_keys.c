/*
 * The EC_KEY objects of the P-256 private keys the provider signs with,
 * kept between signatures.
 *
 * A server signs every full handshake with the same key; building the
 * EC_KEY each time (EC_KEY_new, the group, the private scalar, the free)
 * is pure overhead beside the signature. The last few keys stay here, found
 * by their scalar (compared in constant time, so that a lookup says
 * nothing about the key's bytes), not by the caller's pointer: the memory
 * of a freed key may hold another key later. A caller gets its own
 * reference (EC_KEY_up_ref), so a key pushed out of the cache while a
 * signature is under way stays valid until that signer frees it.
 * libcrypto signs with one EC_KEY from several threads at once (libssl
 * does so with a server's key), so the objects are shared as they are.
 * EC_KEY is deprecated in OpenSSL 3 (ecdsa.c says why it is used).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <pthread.h>
#include <string.h>

#include "hostcrypto/hostcrypto.h"

#define KEYS 4
#define SCALAR_LEN 32

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    unsigned char x[SCALAR_LEN]; /* big-endian, left-padded */
    EC_KEY *key;
} cache[KEYS];
static size_t next_slot;

static EC_KEY *new_key(const unsigned char *x)
{
    EC_KEY *key = EC_KEY_new();
    BIGNUM *d = BN_bin2bn(x, SCALAR_LEN, NULL);
    if (d)
        BN_set_flags(d, BN_FLG_CONSTTIME);
    if (!key || !d || EC_KEY_set_group(key, iotls_hc_p256_group()) != 1 ||
        EC_KEY_set_private_key(key, d) != 1) {
        EC_KEY_free(key);
        key = NULL;
    }
    BN_clear_free(d);
    return key;
}

EC_KEY *iotls_hc_p256_signing_key(const unsigned char *x, size_t xlen)
{
    if (xlen > SCALAR_LEN || !iotls_hc_p256_group())
        return NULL;
    unsigned char k[SCALAR_LEN];
    memset(k, 0, SCALAR_LEN - xlen);
    memcpy(k + SCALAR_LEN - xlen, x, xlen);

    EC_KEY *key = NULL;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < KEYS && !key; i++)
        if (cache[i].key && CRYPTO_memcmp(cache[i].x, k, SCALAR_LEN) == 0 &&
            EC_KEY_up_ref(cache[i].key) == 1)
            key = cache[i].key;
    pthread_mutex_unlock(&lock);
    if (key) {
        OPENSSL_cleanse(k, sizeof k);
        return key;
    }

    key = new_key(k);
    if (key && EC_KEY_up_ref(key) == 1) {
        pthread_mutex_lock(&lock);
        size_t i = next_slot;
        next_slot = (next_slot + 1) % KEYS;
        EC_KEY *old = cache[i].key;
        memcpy(cache[i].x, k, SCALAR_LEN);
        cache[i].key = key; /* the cache's reference; the caller has the other */
        pthread_mutex_unlock(&lock);
        EC_KEY_free(old);
    }
    OPENSSL_cleanse(k, sizeof k);
    return key;
}

void iotls_hc_p256_signing_keys_free(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < KEYS; i++) {
        EC_KEY_free(cache[i].key);
        cache[i].key = NULL;
        OPENSSL_cleanse(cache[i].x, SCALAR_LEN);
    }
    next_slot = 0;
    pthread_mutex_unlock(&lock);
}
