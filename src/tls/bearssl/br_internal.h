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
#include "tls/name_constraints.h"

/* What BearSSL's compact anchor drops and iotls enforces itself (see
 * br_x509.c): validity, name constraints, key size. Parallel to anchors. */
typedef struct {
    uint64_t dn_hash; /* FNV-1a 64 of the subject DN (cert_walk.h) */
    bool has_dates;   /* false for compact anchors (no certificate) */
    int64_t not_before, not_after;
    int nc_slot;            /* bit in a session's violation mask, -1 = no constraints */
    iotls_nc_subtree_t *nc; /* owned; nc_count entries */
    size_t nc_count;
    char *subject; /* owned; for error texts */
} iotls_anchor_meta_t;

/* Name-constrained anchors one store may hold (one bit each in a session). */
#define IOTLS_NC_ANCHORS_MAX 32

struct iotls_trust {
    br_x509_trust_anchor *anchors; /* each owns its dn and key bytes */
    iotls_anchor_meta_t *meta;     /* same index as anchors; NULL in a static store */
    size_t count, cap;
    bool borrowed;       /* iotls_trust_init_static: caller's storage and data */
    unsigned nc_anchors; /* anchors with nc_slot >= 0 */
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
/* What such storage needs for `count` items of `per` bytes beyond `base`
 * (the IOTLS_*_STATIC_BYTES formula); SIZE_MAX when the sum overflows:
 * no memory is that large, so the *_init_static functions refuse it. */
size_t iotls_br_static_bytes(size_t base, size_t per, size_t count);

struct iotls_session_cache {
    br_ssl_session_cache_lru lru;
    unsigned char *store; /* the bytes BearSSL's LRU cache works in */
};

/* Anchor i's subject DN hash (as cert_walk.h computes DN hashes), RSA
 * modulus bits (0 for EC) and subject text; for any store, static ones
 * (no meta) included. */
uint64_t iotls_br_anchor_dn_hash(const iotls_trust_t *t, size_t i);
unsigned iotls_br_anchor_rsa_bits(const iotls_trust_t *t, size_t i);
const char *iotls_br_anchor_subject(const iotls_trust_t *t, size_t i);

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

/* Decode a DER certificate's public key (pkey points into `dc`); returns
 * BR_KEYTYPE_* or 0 with IOTLS_ERR_BAD_CERT. No allocation. */
int iotls_br_cert_key(br_x509_decoder_context *dc, const uint8_t *der, size_t len,
                      iotls_error_t *err);

/* Decode a DER certificate's public key; returns BR_KEYTYPE_* or 0 with
 * IOTLS_ERR_BAD_CERT. When dn is non-NULL, the subject DN is copied into a
 * new allocation (*dn, *dn_len). pkey points into `dc`. */
int iotls_br_cert_decode(br_x509_decoder_context *dc, const uint8_t *der, size_t len, uint8_t **dn,
                         size_t *dn_len, iotls_error_t *err);

#endif
