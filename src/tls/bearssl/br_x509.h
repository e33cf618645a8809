/*
 * The client's X.509 engine: BearSSL's minimal validator (chain, validity,
 * DNS name with wildcard, CN when no SAN) wrapped to add what it lacks —
 * iPAddress SAN matching for connections by IP literal, validity dates and
 * subjects for error texts that name the certificate, the leaf's SHA-256
 * fingerprint — and the named `insecure` mode that accepts any chain but
 * still reports what the peer presented.
 */
#ifndef IOTLS_BR_X509_H
#define IOTLS_BR_X509_H

#include "tls/bearssl/br_internal.h"
#include "tls/cert_walk.h"

typedef struct {
    const br_x509_class *vtable; /* must be first: BearSSL passes &vtable */
    union {
        br_x509_minimal_context minimal; /* verifying */
        br_x509_decoder_context decoder; /* insecure: only the leaf's key */
    } u;
    br_sha256_context leaf_hash;
    iotls_cert_walk_t walk; /* re-initialised for each certificate */

    bool insecure;
    uint8_t ip[16];         /* the IP literal connected to, when ip_len */
    size_t ip_len;
    const char *host;       /* name or literal checked, for texts */
    int64_t now;            /* validation time, Unix seconds */

    unsigned depth;         /* certificates started so far */
    bool leaf_done;
    bool leaf_ip_match;
    unsigned leaf_ip_sans, leaf_dns_sans;
    char leaf_subject[IOTLS_CERT_WALK_NAME_MAX];
    char top_issuer[IOTLS_CERT_WALK_NAME_MAX]; /* issuer of the last cert seen */
    uint8_t leaf_sha256[32];

    /* Specific reason recorded while walking (expired / not yet valid), or
     * at end of chain (name mismatch, untrusted); IOTLS_OK when none. */
    iotls_error_t verdict;
} iotls_br_x509_t;

/*
 * Prepare for one handshake. `host` is kept by pointer (the session owns
 * the string). For a verifying client, the minimal context inside must
 * already be initialised by br_ssl_client_init_full() with the anchors.
 */
void iotls_br_x509_setup(iotls_br_x509_t *x, bool insecure, const char *host, int64_t now);

/* Translate a BearSSL X.509 error (32..63) into the session error, using the
 * recorded verdict when it is more precise. */
void iotls_br_x509_explain(const iotls_br_x509_t *x, int br_err, iotls_error_t *out);

#endif
