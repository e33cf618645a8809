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
 * Thread-safe. Besides read-only state set up once, the provider keeps
 * libcrypto objects between calls so that each handshake does not build
 * them again: the EC_KEY of the last few P-256 keys it signed with (a
 * server's key) and idle X25519 import contexts.
 * iotls_hostcrypto_shutdown() frees them.
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

/* Free the libcrypto objects the provider keeps between calls (its copies
 * of private keys with them). Call it when no session is using the
 * provider, e.g. before the program exits; the provider stays usable and
 * keeps objects again from its next use. */
void iotls_hostcrypto_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
