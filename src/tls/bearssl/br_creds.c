/* Own credentials: certificate chain + private key, checked to belong
 * together when loaded (not discovered during a handshake). */
#include <stdlib.h>
#include <string.h>

#include "tls/bearssl/br_internal.h"
#include "tls/bearssl/br_session.h"

iotls_creds_t *iotls_creds_new(void)
{
    return calloc(1, sizeof(iotls_creds_t));
}

static void chain_clear(iotls_creds_t *c)
{
    for (size_t i = 0; i < c->chain_len; i++)
        free(c->chain[i].data);
    free(c->chain);
    c->chain = NULL;
    c->chain_len = 0;
}

/* The decoded private key lives inside the struct. */
static void wipe_key(iotls_creds_t *c)
{
    volatile uint8_t *p = (volatile uint8_t *)&c->key;
    for (size_t i = 0; i < sizeof c->key; i++)
        p[i] = 0;
    c->key_type = 0;
}

void iotls_creds_free(iotls_creds_t *creds)
{
    if (!creds)
        return;
    wipe_key(creds);
    if (creds->borrowed)
        return; /* the caller's storage; the chain is the caller's data */
    chain_clear(creds);
    free(creds);
}

size_t iotls_creds_chain_length(const iotls_creds_t *creds)
{
    return creds ? creds->chain_len : 0;
}

static int chain_push(iotls_creds_t *c, const uint8_t *der, size_t len, iotls_error_t *err)
{
    if (len == 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_CERT, "empty certificate in the chain");
        return -1;
    }
    br_x509_certificate *bigger = realloc(c->chain, (c->chain_len + 1) * sizeof *bigger);
    uint8_t *copy = malloc(len);
    if (!bigger || !copy) {
        free(copy);
        if (bigger)
            c->chain = bigger;
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory loading the certificate chain");
        return -1;
    }
    memcpy(copy, der, len);
    c->chain = bigger;
    c->chain[c->chain_len].data = copy;
    c->chain[c->chain_len].data_len = len;
    c->chain_len++;
    return 0;
}

static int chain_pem_object(void *ctx, const char *label, const uint8_t *der, size_t len,
                            iotls_error_t *err)
{
    if (strcmp(label, "CERTIFICATE") != 0)
        return 0;
    return chain_push(ctx, der, len, err);
}

static int key_pem_object(void *ctx, const char *label, const uint8_t *der, size_t len,
                          iotls_error_t *err)
{
    iotls_creds_t *c = ctx;
    if (!strstr(label, "PRIVATE KEY"))
        return 0;
    if (c->key_type) {
        iotls_error_set(err, IOTLS_ERR_BAD_KEY, "more than one private key in the key data");
        return -1;
    }
    br_skey_decoder_init(&c->key);
    br_skey_decoder_push(&c->key, der, len);
    int e = br_skey_decoder_last_error(&c->key);
    c->key_type = br_skey_decoder_key_type(&c->key);
    if (e != 0 || !c->key_type) {
        c->key_type = 0;
        iotls_error_set(err, IOTLS_ERR_BAD_KEY,
                        "private key ('%s') does not decode: not RSA or EC, encrypted, or "
                        "corrupt (BearSSL error %d)",
                        label, e);
        return -1;
    }
    return 0;
}

/* BearSSL 0.6's RSA size limit (BR_MAX_RSA_SIZE in its private inner.h). */
#define RSA_MAX_BITS 4096

/* An RSA private key belongs to a public key when a signature made with
 * it verifies under that public key. Recomputing the modulus from p and q
 * would be shorter, but BearSSL 0.6's br_rsa_compute_modulus gives up
 * above about 3072 bits (it returns 0), which made every RSA-4096 key
 * look foreign. A signature works at every size BearSSL supports. */
static bool rsa_key_signs_for(const br_rsa_private_key *sk, const br_rsa_public_key *pk)
{
    static const uint8_t digest[32] = "iotls: does this key sign for..";
    uint8_t sig[RSA_MAX_BITS / 8];
    size_t sig_len = (sk->n_bitlen + 7) / 8;
    uint8_t back[sizeof digest];
    if (sig_len == 0 || sig_len > sizeof sig)
        return false;
    if (!br_rsa_pkcs1_sign_get_default()(BR_HASH_OID_SHA256, digest, sizeof digest, sk, sig))
        return false;
    return br_rsa_pkcs1_vrfy_get_default()(sig, sig_len, BR_HASH_OID_SHA256, sizeof back, pk,
                                           back) &&
           memcmp(back, digest, sizeof back) == 0;
}

/* The key must be the private half of the leaf certificate's public key. */
static int check_key_matches_leaf(iotls_creds_t *c, iotls_error_t *err)
{
    br_x509_decoder_context dc;
    int type = iotls_br_cert_key(&dc, c->chain[0].data, c->chain[0].data_len, err);
    if (!type)
        return -1;
    c->leaf_signer_key_type = br_x509_decoder_get_signer_key_type(&dc);
    const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
    if (type != c->key_type) {
        iotls_error_set(
            err, IOTLS_ERR_KEY_MISMATCH, "private key is %s but the certificate's key is %s",
            c->key_type == BR_KEYTYPE_RSA ? "RSA" : "EC", type == BR_KEYTYPE_RSA ? "RSA" : "EC");
        return -1;
    }
    bool match;
    if (type == BR_KEYTYPE_EC) {
        const br_ec_private_key *sk = br_skey_decoder_get_ec(&c->key);
        uint8_t pub[BR_EC_KBUF_PUB_MAX_SIZE];
        br_ec_public_key out;
        size_t n = br_ec_compute_pub(iotls_br_builtin_ec(), &out, pub, sk);
        match = n && sk->curve == pk->key.ec.curve && n == pk->key.ec.qlen &&
                memcmp(pub, pk->key.ec.q, n) == 0;
    } else {
        const br_rsa_private_key *sk = br_skey_decoder_get_rsa(&c->key);
        if (sk->n_bitlen > RSA_MAX_BITS) {
            iotls_error_set(err, IOTLS_ERR_BAD_KEY,
                            "RSA private key of %u bits: BearSSL handles at most %d",
                            (unsigned)sk->n_bitlen, RSA_MAX_BITS);
            return -1;
        }
        match = rsa_key_signs_for(sk, &pk->key.rsa);
    }
    if (!match) {
        iotls_error_set(err, IOTLS_ERR_KEY_MISMATCH,
                        "private key does not belong to the certificate (public keys differ)");
        return -1;
    }
    return 0;
}

int iotls_creds_set(iotls_creds_t *c, const void *chain, size_t chain_len, const void *key,
                    size_t key_len, iotls_error_t *err)
{
    if (!c || !chain || !key || c->borrowed) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        c && c->borrowed ? "credentials made by iotls_creds_init_static are fixed"
                                         : "iotls_creds_set: NULL argument");
        return -1;
    }
    chain_clear(c);
    c->key_type = 0;
    if (iotls_key_is_encrypted(key, key_len)) {
        iotls_error_set(err, IOTLS_ERR_BAD_KEY, "private key " IOTLS_ENCRYPTED_KEY_TEXT);
        return -1;
    }
    int rc = iotls_br_is_der(chain, chain_len)
                 ? chain_push(c, chain, chain_len, err)
                 : iotls_br_pem_each(chain, chain_len, chain_pem_object, c, err);
    if (rc >= 0 && c->chain_len == 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_PEM, "no CERTIFICATE found in the chain data");
        rc = -1;
    }
    if (rc >= 0) {
        if (iotls_br_is_der(key, key_len))
            rc = key_pem_object(c, "PRIVATE KEY", key, key_len, err);
        else
            rc = iotls_br_pem_each(key, key_len, key_pem_object, c, err);
        if (rc >= 0 && !c->key_type) {
            iotls_error_set(err, IOTLS_ERR_BAD_KEY,
                            "no PRIVATE KEY found in the key data (encrypted keys are not "
                            "supported: decrypt with 'openssl pkey')");
            rc = -1;
        }
    }
    if (rc >= 0)
        rc = check_key_matches_leaf(c, err);
    if (rc < 0) {
        chain_clear(c);
        c->key_type = 0;
        return -1;
    }
    return 0;
}

int iotls_creds_set_der_chain(iotls_creds_t *c, const uint8_t *const *certs,
                              const size_t *cert_lens, size_t count, const void *key,
                              size_t key_len, iotls_error_t *err)
{
    if (!c || !certs || !cert_lens || count == 0 || !key) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "iotls_creds_set_der_chain: no chain");
        return -1;
    }
    /* The first certificate goes through the common path (key check). */
    if (iotls_creds_set(c, certs[0], cert_lens[0], key, key_len, err) < 0)
        return -1;
    for (size_t i = 1; i < count; i++) {
        if (chain_push(c, certs[i], cert_lens[i], err) < 0) {
            chain_clear(c);
            c->key_type = 0;
            return -1;
        }
    }
    return 0;
}

int iotls_creds_load_files(iotls_creds_t *creds, const char *chain_path, const char *key_path,
                           iotls_error_t *err)
{
    size_t clen, klen;
    uint8_t *chain = iotls_file_read(chain_path, &clen, err);
    if (!chain)
        return -1;
    uint8_t *key = iotls_file_read(key_path, &klen, err);
    if (!key) {
        free(chain);
        return -1;
    }
    if (iotls_key_is_encrypted(key, klen)) {
        /* The same sentence as the tools', naming the file. */
        iotls_error_set(err, IOTLS_ERR_BAD_KEY, "private key '%s' " IOTLS_ENCRYPTED_KEY_TEXT,
                        key_path);
        free(chain);
        free(key);
        return -1;
    }
    int rc = iotls_creds_set(creds, chain, clen, key, klen, err);
    if (rc < 0)
        iotls_error_append(err, " ('%s', '%s')", chain_path, key_path);
    volatile uint8_t *kp = key;
    for (size_t i = 0; i < klen; i++)
        kp[i] = 0;
    free(chain);
    free(key);
    return rc;
}

/* ---- heap-free: the caller's storage, pointing at the caller's data ---- */

_Static_assert(sizeof(iotls_creds_t) + 16 <= IOTLS_CREDS_STATIC_BASE &&
                   sizeof(br_x509_certificate) <= IOTLS_CREDS_STATIC_PER_CERT,
               "IOTLS_CREDS_STATIC_BYTES is too small for this target");

size_t iotls_creds_static_size(size_t count)
{
    return iotls_br_static_bytes(IOTLS_CREDS_STATIC_BASE, IOTLS_CREDS_STATIC_PER_CERT, count);
}

iotls_creds_t *iotls_creds_init_static(void *mem, size_t mem_len, const uint8_t *const *certs,
                                       const size_t *cert_lens, size_t count, const void *key_der,
                                       size_t key_len, iotls_error_t *err)
{
    if (!mem || !certs || !cert_lens || count == 0 || !key_der)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "static credentials: no storage, chain or key"),
               NULL;
    if (mem_len < iotls_creds_static_size(count) || iotls_creds_static_size(count) == SIZE_MAX)
        return iotls_error_set(err, IOTLS_ERR_MEMORY_TOO_SMALL,
                               "static credentials: %lu bytes given, a chain of %lu needs %lu",
                               (unsigned long)mem_len, (unsigned long)count,
                               (unsigned long)iotls_creds_static_size(count)),
               NULL;
    iotls_creds_t *c = iotls_br_align_storage(mem, &mem_len);
    memset(c, 0, sizeof *c);
    c->borrowed = true;
    c->chain = (br_x509_certificate *)(void *)(c + 1);
    for (size_t i = 0; i < count; i++) {
        if (!certs[i] || cert_lens[i] == 0)
            return iotls_error_set(err, IOTLS_ERR_BAD_CERT, "empty certificate in the chain"), NULL;
        /* Non-const in BearSSL's type, never written: the DER stays in flash. */
        c->chain[i].data = (unsigned char *)(uintptr_t)certs[i];
        c->chain[i].data_len = cert_lens[i];
    }
    c->chain_len = count;
    if (key_pem_object(c, "PRIVATE KEY", key_der, key_len, err) < 0 ||
        check_key_matches_leaf(c, err) < 0) {
        wipe_key(c);
        return NULL;
    }
    return c;
}
