/*
 * Private to the BearSSL binding (src/tls/bearssl/): the only files in
 * iotls that include bearssl headers. Generic code never sees these types.
 */
#ifndef IOTLS_BR_INTERNAL_H
#define IOTLS_BR_INTERNAL_H

#include <bearssl.h>
#include <stdbool.h>

#include "iotls/tls.h"
#include "iotls/trust.h"

struct iotls_trust {
    br_x509_trust_anchor *anchors; /* each owns its dn and key bytes */
    size_t count, cap;
    bool borrowed; /* iotls_trust_init_static: caller's storage and data */
};

struct iotls_creds {
    br_x509_certificate *chain; /* leaf first; each owns its data */
    size_t chain_len;
    br_skey_decoder_context key; /* holds the decoded private key */
    int key_type;                /* BR_KEYTYPE_RSA / BR_KEYTYPE_EC, 0 = unset */
    int leaf_signer_key_type;    /* key type of the CA that signed the leaf */
    bool borrowed;               /* iotls_creds_init_static: caller's storage */
};

/* Caller storage handed to the *_init_static functions, aligned up. */
void *iotls_br_align_storage(void *mem, size_t *len);

struct iotls_session_cache {
    br_ssl_session_cache_lru lru;
    unsigned char *store; /* the bytes BearSSL's LRU cache works in */
};

/* One decoded DER object from a PEM buffer. */
typedef int (*iotls_pem_fn)(void *ctx, const char *label, const uint8_t *der, size_t len,
                            iotls_error_t *err);

/*
 * Call fn for each PEM object in buf (label such as "CERTIFICATE").
 * Returns the number of objects, or -1 with IOTLS_ERR_BAD_PEM (broken
 * armour / base64) or the callback's failure. Allocates a scratch buffer.
 */
int iotls_br_pem_each(const void *buf, size_t len, iotls_pem_fn fn, void *ctx, iotls_error_t *err);

/* True when buf looks like DER (starts with a SEQUENCE) rather than PEM. */
bool iotls_br_is_der(const void *buf, size_t len);

/* Decode a DER certificate's public key; returns BR_KEYTYPE_* or 0 with
 * IOTLS_ERR_BAD_CERT. When dn is non-NULL, the subject DN is copied into a
 * new allocation (*dn, *dn_len). pkey points into `dc`. */
int iotls_br_cert_decode(br_x509_decoder_context *dc, const uint8_t *der, size_t len, uint8_t **dn,
                         size_t *dn_len, iotls_error_t *err);

#endif
