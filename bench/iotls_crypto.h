/*
 * Which crypto provider the iotls bench programs (bench-iotls,
 * server-iotls) give their sessions: IOTLS_BENCH_CRYPTO=host selects the
 * host provider (libiotls-hostcrypto: OpenSSL's libcrypto for X25519,
 * P-256 and ECDSA P-256); unset or "bearssl", BearSSL's own code (what
 * the main bench tables measure). scripts/bench.d/crypto.sh runs both.
 */
#ifndef IOTLS_BENCH_IOTLS_CRYPTO_H
#define IOTLS_BENCH_IOTLS_CRYPTO_H

#include <stdlib.h>
#include <string.h>

#include "iotls/hostcrypto.h"

static inline const iotls_crypto_provider_t *bench_crypto_provider(void)
{
    const char *v = getenv("IOTLS_BENCH_CRYPTO");
    return v && strcmp(v, "host") == 0 ? iotls_hostcrypto_provider() : NULL;
}

#endif
