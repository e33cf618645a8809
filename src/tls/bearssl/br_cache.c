/* Server session cache: BearSSL's LRU cache over a fixed byte budget. */
#include <stdlib.h>

#include "tls/bearssl/br_internal.h"

iotls_session_cache_t *iotls_session_cache_new(size_t bytes, iotls_error_t *err)
{
    /* BearSSL needs room for at least one entry (100 bytes) to be useful. */
    if (bytes < 100) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "session cache of %lu bytes holds no session (at least 100)",
                        (unsigned long)bytes);
        return NULL;
    }
    iotls_session_cache_t *c = calloc(1, sizeof *c);
    if (c)
        c->store = malloc(bytes);
    if (!c || !c->store) {
        free(c);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for a %lu-byte session cache",
                        (unsigned long)bytes);
        return NULL;
    }
    br_ssl_session_cache_lru_init(&c->lru, c->store, bytes);
    return c;
}

void iotls_session_cache_free(iotls_session_cache_t *cache)
{
    if (!cache)
        return;
    free(cache->store);
    free(cache);
}
