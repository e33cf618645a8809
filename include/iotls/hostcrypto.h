/*
 * iotls/hostcrypto.h — the host crypto provider (libiotls-hostcrypto).
 *
 * A crypto provider (iotls/crypto.h) that does a session's public-key work
 * with OpenSSL's libcrypto: X25519 and P-256 point multiplication (ECDHE),
 * ECDSA P-256 signing and verification. Everything else (P-384/P-521,
 * RSA, hashes, ciphers, the TLS engine) stays BearSSL's. For hosts only:
 * link with -liotls-hostcrypto -lcrypto besides -liotls -lbearssl; libiotls
 * itself never depends on libcrypto.
 *
 *     cfg.crypto = iotls_hostcrypto_provider();
 *
 * Thread-safe: the provider keeps only read-only state, set up once.
 */
#ifndef IOTLS_HOSTCRYPTO_H
#define IOTLS_HOSTCRYPTO_H

#include "iotls/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The provider table (static; never NULL). Its name says the OpenSSL
 * version and what it covers. */
const iotls_crypto_provider_t *iotls_hostcrypto_provider(void);

#ifdef __cplusplus
}
#endif
#endif
