/*
 * The EVP_PKEY_CTX objects that turn X25519 key bytes into EVP_PKEYs
 * (EVP_PKEY_fromdata), kept between calls.
 *
 * Creating one (EVP_PKEY_CTX_new_from_name, also what
 * EVP_PKEY_new_raw_private_key and _public_key do inside) looks the
 * algorithm up by name: OpenSSL 3 walks its whole table of algorithm names
 * to do it, about 28,000 instructions, three times per server handshake.
 * A context holds no key (fromdata returns a new EVP_PKEY and leaves the
 * context as it was), so one can serve every import; it serves one thread
 * at a time, hence a small pool under a mutex: a thread takes a context,
 * imports, gives it back. More threads than the pool holds at once each
 * create their own, freed after use.
 */
#include <openssl/evp.h>
#include <pthread.h>

#include "hostcrypto/hostcrypto.h"

#define POOL_MAX 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static EVP_PKEY_CTX *idle[POOL_MAX];
static size_t idle_count;

EVP_PKEY_CTX *iotls_hc_x25519_import_take(void)
{
    EVP_PKEY_CTX *ctx = NULL;
    pthread_mutex_lock(&lock);
    if (idle_count > 0)
        ctx = idle[--idle_count];
    pthread_mutex_unlock(&lock);
    if (ctx)
        return ctx;
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
    if (ctx && EVP_PKEY_fromdata_init(ctx) <= 0) {
        EVP_PKEY_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

void iotls_hc_x25519_import_give(EVP_PKEY_CTX *ctx)
{
    if (!ctx)
        return;
    pthread_mutex_lock(&lock);
    if (idle_count < POOL_MAX) {
        idle[idle_count++] = ctx;
        ctx = NULL;
    }
    pthread_mutex_unlock(&lock);
    EVP_PKEY_CTX_free(ctx);
}

void iotls_hc_x25519_import_free(void)
{
    pthread_mutex_lock(&lock);
    while (idle_count > 0)
        EVP_PKEY_CTX_free(idle[--idle_count]);
    pthread_mutex_unlock(&lock);
}
