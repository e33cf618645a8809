/*
 * The libcrypto objects X25519 needs for every operation, kept between
 * calls: an EVP_PKEY_CTX that turns key bytes into EVP_PKEYs
 * (EVP_PKEY_fromdata), and the EVP_PKEY of the last peer point, which the
 * next shared secret re-uses with the new point set in it.
 *
 * Creating a context (EVP_PKEY_CTX_new_from_name, also what
 * EVP_PKEY_new_raw_private_key and _public_key do inside) looks the
 * algorithm up by name, and every new EVP_PKEY looks up its legacy type by
 * walking OpenSSL 3.0's whole table of algorithm names
 * (EVP_KEYMGMT_names_do_all): per server handshake that was 2% of the
 * time for the look-ups alone. A context holds no key (fromdata returns a
 * new EVP_PKEY and leaves the context as it was); the peer key holds only
 * a public value, and nothing refers to it once the derive context that
 * used it is freed. A set serves one thread at a time, hence a small pool
 * under a mutex: a thread takes a set, works, gives it back. More threads
 * than the pool holds at once each create their own, freed after use.
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>

#include "hostcrypto/hostcrypto.h"

#define POOL_MAX 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static iotls_hc_x25519_kit_t *idle[POOL_MAX];
static size_t idle_count;

static void kit_free(iotls_hc_x25519_kit_t *kit)
{
    if (!kit)
        return;
    EVP_PKEY_free(kit->peer);
    EVP_PKEY_CTX_free(kit->import);
    free(kit);
}

iotls_hc_x25519_kit_t *iotls_hc_x25519_kit_take(void)
{
    iotls_hc_x25519_kit_t *kit = NULL;
    pthread_mutex_lock(&lock);
    if (idle_count > 0)
        kit = idle[--idle_count];
    pthread_mutex_unlock(&lock);
    if (kit)
        return kit;
    kit = calloc(1, sizeof *kit);
    if (!kit)
        return NULL;
    kit->import = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
    if (!kit->import || EVP_PKEY_fromdata_init(kit->import) <= 0) {
        kit_free(kit);
        return NULL;
    }
    return kit;
}

void iotls_hc_x25519_kit_give(iotls_hc_x25519_kit_t *kit)
{
    if (!kit)
        return;
    pthread_mutex_lock(&lock);
    if (idle_count < POOL_MAX) {
        idle[idle_count++] = kit;
        kit = NULL;
    }
    pthread_mutex_unlock(&lock);
    kit_free(kit);
}

void iotls_hc_x25519_kits_free(void)
{
    pthread_mutex_lock(&lock);
    while (idle_count > 0)
        kit_free(idle[--idle_count]);
    pthread_mutex_unlock(&lock);
}
