/* Trust anchors in compact form: subject DN + public key (BearSSL
 * br_x509_trust_anchor), decoded once from PEM or DER certificates. */
#include <stdlib.h>
#include <string.h>

#include "tls/bearssl/br_internal.h"

iotls_trust_t *iotls_trust_new(void)
{
    return calloc(1, sizeof(iotls_trust_t));
}

static void anchor_free(br_x509_trust_anchor *ta)
{
    free(ta->dn.data);
    if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
        free(ta->pkey.key.rsa.n);
        free(ta->pkey.key.rsa.e);
    } else {
        free(ta->pkey.key.ec.q);
    }
}

void iotls_trust_free(iotls_trust_t *trust)
{
    if (!trust)
        return;
    for (size_t i = 0; i < trust->count; i++)
        anchor_free(&trust->anchors[i]);
    free(trust->anchors);
    free(trust);
}

size_t iotls_trust_count(const iotls_trust_t *trust)
{
    return trust ? trust->count : 0;
}

static uint8_t *dup_bytes(const void *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    if (p)
        memcpy(p, src, len);
    return p;
}

/* Build an anchor from one DER certificate (not yet added to the store). */
static int anchor_from_der(br_x509_trust_anchor *ta, const uint8_t *der, size_t len,
                           iotls_error_t *err)
{
    br_x509_decoder_context dc;
    memset(ta, 0, sizeof *ta);
    int type = iotls_br_cert_decode(&dc, der, len, &ta->dn.data, &ta->dn.len, err);
    if (!type)
        return -1;
    const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
    /* A CA anchors chains; a non-CA certificate is trusted directly
     * (its own key must be the server's key). */
    ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
    ta->pkey.key_type = (unsigned char)type;
    bool ok;
    if (type == BR_KEYTYPE_RSA) {
        ta->pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
        ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
        ta->pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
        ta->pkey.key.rsa.elen = pk->key.rsa.elen;
        ok = ta->pkey.key.rsa.n && ta->pkey.key.rsa.e;
    } else {
        ta->pkey.key.ec.curve = pk->key.ec.curve;
        ta->pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
        ta->pkey.key.ec.qlen = pk->key.ec.qlen;
        ok = ta->pkey.key.ec.q != NULL;
    }
    if (!ok) {
        anchor_free(ta);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory adding a trust anchor");
        return -1;
    }
    return 0;
}

static int store_push(iotls_trust_t *trust, const br_x509_trust_anchor *ta, iotls_error_t *err)
{
    if (trust->count == trust->cap) {
        size_t cap = trust->cap ? trust->cap * 2 : 4;
        br_x509_trust_anchor *bigger = realloc(trust->anchors, cap * sizeof *bigger);
        if (!bigger) {
            iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory adding a trust anchor");
            return -1;
        }
        trust->anchors = bigger;
        trust->cap = cap;
    }
    trust->anchors[trust->count++] = *ta;
    return 0;
}

int iotls_trust_add_der(iotls_trust_t *trust, const void *der, size_t len, iotls_error_t *err)
{
    br_x509_trust_anchor ta;
    if (!trust || !der) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "iotls_trust_add_der: NULL argument");
        return -1;
    }
    if (anchor_from_der(&ta, der, len, err) < 0)
        return -1;
    if (store_push(trust, &ta, err) < 0) {
        anchor_free(&ta);
        return -1;
    }
    return 1;
}

/* PEM: decode every certificate first, then commit all or nothing. */
struct pem_batch {
    iotls_trust_t *trust;
    size_t first; /* store count before this batch */
    int added;
};

static int add_pem_object(void *ctx, const char *label, const uint8_t *der, size_t len,
                          iotls_error_t *err)
{
    struct pem_batch *b = ctx;
    if (strcmp(label, "CERTIFICATE") != 0 && strcmp(label, "X509 CERTIFICATE") != 0)
        return 0;
    if (iotls_trust_add_der(b->trust, der, len, err) < 0) {
        iotls_error_append(err, " (certificate #%d in the PEM)", b->added + 1);
        return -1;
    }
    b->added++;
    return 0;
}

int iotls_trust_add_pem(iotls_trust_t *trust, const void *pem, size_t len, iotls_error_t *err)
{
    if (!trust || !pem) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "iotls_trust_add_pem: NULL argument");
        return -1;
    }
    struct pem_batch b = {trust, trust->count, 0};
    int rc = iotls_br_pem_each(pem, len, add_pem_object, &b, err);
    if (rc >= 0 && b.added == 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_PEM, "no CERTIFICATE found in the PEM data");
        rc = -1;
    }
    if (rc < 0) {
        while (trust->count > b.first)
            anchor_free(&trust->anchors[--trust->count]);
        return -1;
    }
    return b.added;
}

int iotls_trust_load_file(iotls_trust_t *trust, const char *path, iotls_error_t *err)
{
    size_t len;
    uint8_t *data = iotls_file_read(path, &len, err);
    if (!data)
        return -1;
    int rc = iotls_br_is_der(data, len) ? iotls_trust_add_der(trust, data, len, err)
                                        : iotls_trust_add_pem(trust, data, len, err);
    free(data);
    if (rc < 0 && err && !strstr(err->text, path))
        iotls_error_append(err, " in '%s'", path);
    return rc;
}
