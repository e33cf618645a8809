/*
 * iotls/crypto.h — crypto providers: who does a session's public-key work.
 *
 * By default the engine (BearSSL) does everything with its own portable,
 * constant-time code. A provider replaces some of it with faster or
 * hardware implementations: host libraries (libiotls-hostcrypto: OpenSSL's
 * libcrypto, iotls/hostcrypto.h), or an MCU's EC / RSA accelerator.
 *
 * A provider is a table of the ENGINE'S OWN interfaces, so this header
 * (unlike the rest of the iotls API) brings in BearSSL's EC and RSA
 * headers: a provider is written against br_ec_impl, br_ecdsa_sign,
 * br_ecdsa_vrfy and br_rsa_* exactly as BearSSL documents them
 * (bearssl_ec.h, bearssl_rsa.h), and must keep their contracts: same
 * encodings, same results, invalid input rejected the same way (a
 * br_ec_impl's mul returns 0 for a point that is not on the curve), and
 * constant time where BearSSL's own code is (secret scalars and keys).
 *
 * Every member may be NULL: BearSSL's default (or, in the EC device
 * profile, the profile's own choice) is used for it. Where each one goes:
 *   ec          ECDHE key exchange (both roles; X25519, P-256, ...),
 *               ECDSA signing with the server's or client's EC key, and
 *               the curve maths of certificate-chain ECDSA checks
 *   ecdsa_sign  server key (ServerKeyExchange), client certificate
 *               (CertificateVerify); ASN.1 (DER) signatures
 *   ecdsa_vrfy  the peer's handshake signature and X.509 chain signatures
 *   rsa_pkcs1_sign / rsa_private / rsa_pkcs1_vrfy  the same for RSA keys
 *               (rsa_private: an RSA server's signing primitive)
 * The provider is read when a session starts (cfg.crypto); the table and
 * what it points to must outlive every session using it. A provider is
 * shared by any number of sessions and threads, so its functions must be
 * reentrant.
 */
#ifndef IOTLS_CRYPTO_H
#define IOTLS_CRYPTO_H

#include <bearssl.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iotls_crypto_provider {
    /* Shown in the handshake report (iotls_report_t.crypto) and by
     * `iotls connect -v`: say what does the work, e.g. "OpenSSL 3.0.19
     * libcrypto (X25519, P-256, ECDSA P-256); BearSSL for the rest". */
    const char *name;
    const br_ec_impl *ec;
    br_ecdsa_sign ecdsa_sign;
    br_ecdsa_vrfy ecdsa_vrfy;
    br_rsa_pkcs1_sign rsa_pkcs1_sign;
    br_rsa_private rsa_private;
    br_rsa_pkcs1_vrfy rsa_pkcs1_vrfy;
} iotls_crypto_provider_t;

/* The name the report gives the built-in engine code. */
#define IOTLS_CRYPTO_BUILTIN_NAME "BearSSL (built-in)"

#ifdef __cplusplus
}
#endif
#endif
