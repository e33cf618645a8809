/*
 * iotls/trust.h — whom a session trusts (trust anchors) and who it is
 * (credentials: certificate chain + private key).
 *
 * Contract:
 *  - A trust store and a credentials object are loaded once and then shared,
 *    read-only, by any number of sessions; they MUST outlive every session
 *    configured with them. They are not thread-safe while being loaded.
 *  - Loading allocates (the store grows as anchors are added); sessions never
 *    allocate. Device firmware that cannot allocate uses anchors emitted as
 *    C source by `iotls cert header` (see docs/trust.md).
 *  - A trust anchor is kept in compact form (subject name + public key), not
 *    as a parsed certificate.
 */
#ifndef IOTLS_TRUST_H
#define IOTLS_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/anchor.h"
#include "iotls/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iotls_trust iotls_trust_t;
typedef struct iotls_creds iotls_creds_t;

/* ---- trust anchors ---------------------------------------------------- */

iotls_trust_t *iotls_trust_new(void);
void iotls_trust_free(iotls_trust_t *trust);

/*
 * Add every CERTIFICATE in a PEM buffer (one or many, any other PEM blocks
 * are ignored). Returns the number of anchors added (>= 1), or -1 with
 * `err` set: IOTLS_ERR_BAD_PEM (no certificate found / broken armour),
 * IOTLS_ERR_BAD_CERT (a certificate that does not decode).
 * Nothing is added when any certificate fails.
 */
int iotls_trust_add_pem(iotls_trust_t *trust, const void *pem, size_t len, iotls_error_t *err);

/* Add one DER certificate. Returns 1 or -1 (IOTLS_ERR_BAD_CERT). */
int iotls_trust_add_der(iotls_trust_t *trust, const void *der, size_t len, iotls_error_t *err);

/* Read a file holding PEM (one or more certificates) or one DER certificate. */
int iotls_trust_load_file(iotls_trust_t *trust, const char *path, iotls_error_t *err);

size_t iotls_trust_count(const iotls_trust_t *trust);

/*
 * Trust the given certificate(s) themselves, not as CAs: a server whose
 * leaf key equals one of these keys is accepted directly (its validity and
 * name are still checked). The way to trust a self-signed device
 * certificate without pretending it is a CA. PEM (all certificates) or one
 * DER certificate. Returns the number added or -1.
 */
int iotls_trust_add_self_signed(iotls_trust_t *trust, const void *data, size_t len,
                                iotls_error_t *err);

/* Add an anchor in the compact form `iotls cert header` emits (copied).
 * Returns 1 or -1 (IOTLS_ERR_BAD_ARGUMENT for an unknown key type). */
int iotls_trust_add_anchor(iotls_trust_t *trust, const iotls_anchor_t *anchor, iotls_error_t *err);

/* ---- credentials (own certificate chain + private key) ---------------- */

iotls_creds_t *iotls_creds_new(void);
void iotls_creds_free(iotls_creds_t *creds);

/*
 * Set the chain (leaf first, PEM with one or more CERTIFICATE blocks, or one
 * DER certificate) and the private key (PEM "PRIVATE KEY", "EC PRIVATE KEY",
 * "RSA PRIVATE KEY", or DER of those). RSA and EC (P-256, P-384, P-521) keys.
 * A key that does not belong to the leaf certificate is rejected here with
 * IOTLS_ERR_KEY_MISMATCH, not later during a handshake.
 */
int iotls_creds_set(iotls_creds_t *creds, const void *chain, size_t chain_len, const void *key,
                    size_t key_len, iotls_error_t *err);

/* The same with the chain as separate DER certificates (leaf first), as a
 * flash blob stores them. */
int iotls_creds_set_der_chain(iotls_creds_t *creds, const uint8_t *const *certs,
                              const size_t *cert_lens, size_t count, const void *key,
                              size_t key_len, iotls_error_t *err);

int iotls_creds_load_files(iotls_creds_t *creds, const char *chain_path, const char *key_path,
                           iotls_error_t *err);

/*
 * Encrypted (pass-phrase protected) private keys are refused everywhere,
 * with this one text after the key's name: no iotls program or function
 * ever asks for a pass phrase. iotls_creds_set() fails with
 * IOTLS_ERR_BAD_KEY "private key " IOTLS_ENCRYPTED_KEY_TEXT.
 */
#define IOTLS_ENCRYPTED_KEY_TEXT                                                                   \
    "is encrypted (pass phrase protected); iotls never asks for a pass phrase: decrypt it "        \
    "first, e.g. 'openssl pkey -in KEY -out PLAIN.key' (keep PLAIN.key mode 0600)"

/* true when key[0..len) is a PEM "ENCRYPTED PRIVATE KEY", a PEM key with a
 * "Proc-Type: 4,ENCRYPTED" header, or a DER PKCS#8 EncryptedPrivateKeyInfo. */
bool iotls_key_is_encrypted(const void *key, size_t len);

/* Number of certificates in the chain (0 when unset). */
size_t iotls_creds_chain_length(const iotls_creds_t *creds);

/* ---- heap-free: storage and data supplied by the caller ----------------- */

/*
 * For firmware without a heap. The objects live in caller-provided storage
 * (a static array, any alignment) and POINT AT the caller's certificate,
 * key and anchor bytes (typically `static const` arrays from
 * `iotls cert header`, in flash): nothing is copied or allocated, so that
 * data must outlive the object. The objects are fixed: adding anchors or
 * setting credentials again fails with IOTLS_ERR_BAD_ARGUMENT; *_free()
 * only wipes (the decoded key) and never frees. Bytes needed: the
 * *_static_size() functions, or the compile-time bounds below (valid for
 * 32- and 64-bit targets; a static assertion in the library checks them).
 */
#define IOTLS_TRUST_STATIC_BASE 64
#define IOTLS_TRUST_STATIC_PER_ANCHOR 64
#define IOTLS_TRUST_STATIC_BYTES(n) (IOTLS_TRUST_STATIC_BASE + IOTLS_TRUST_STATIC_PER_ANCHOR * (n))
/* The decoded private key is kept (BearSSL's key decoder, about 2.2 KB). */
#define IOTLS_CREDS_STATIC_BASE 2304
#define IOTLS_CREDS_STATIC_PER_CERT 16
#define IOTLS_CREDS_STATIC_BYTES(n) (IOTLS_CREDS_STATIC_BASE + IOTLS_CREDS_STATIC_PER_CERT * (n))

size_t iotls_trust_static_size(size_t count);

/* Trust `count` anchors in the compact form (iotls/anchor.h). Returns the
 * store, or NULL: IOTLS_ERR_MEMORY_TOO_SMALL, IOTLS_ERR_BAD_ARGUMENT (an
 * anchor without name or key). */
iotls_trust_t *iotls_trust_init_static(void *mem, size_t mem_len, const iotls_anchor_t *anchors,
                                       size_t count, iotls_error_t *err);

size_t iotls_creds_static_size(size_t chain_count);

/* A chain of DER certificates (leaf first) and a DER private key (PKCS#8
 * as `iotls cert header --key` emits, or SEC1 / PKCS#1). The key is checked
 * against the leaf (IOTLS_ERR_KEY_MISMATCH), as iotls_creds_set does. */
iotls_creds_t *iotls_creds_init_static(void *mem, size_t mem_len, const uint8_t *const *certs,
                                       const size_t *cert_lens, size_t count, const void *key_der,
                                       size_t key_len, iotls_error_t *err);

/* ---- helpers shared by loaders ----------------------------------------- */

/* One decoded PEM object: its label ("CERTIFICATE", "PRIVATE KEY", ...) and
 * DER bytes, valid only during the call. Return 0 to go on, or -1 (with
 * `err` set) to stop. */
typedef int (*iotls_pem_object_fn)(void *ctx, const char *label, const uint8_t *der, size_t len,
                                   iotls_error_t *err);

/*
 * Decode every PEM object in pem[0..len) in order, e.g. to store
 * certificates given as PEM in a flash blob (which holds DER). Returns the
 * number of objects (0 when the text holds none), or -1: IOTLS_ERR_BAD_PEM
 * (broken armour or base64, a missing END line), IOTLS_ERR_NO_MEMORY, or the
 * callback's failure. Allocates a scratch buffer while it runs.
 */
int iotls_pem_decode(const void *pem, size_t len, iotls_pem_object_fn fn, void *ctx,
                     iotls_error_t *err);

/*
 * Read a whole file into a new buffer (NUL-terminated for PEM parsers; the
 * terminator is not counted in *len). Returns NULL with IOTLS_ERR_FILE.
 * Free with free().
 */
uint8_t *iotls_file_read(const char *path, size_t *len, iotls_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
