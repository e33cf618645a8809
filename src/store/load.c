/* Loaders: flash sector -> iotls_trust_t / iotls_creds_t. Both accept an
 * iotls blob or an ESP8266 SDK list, so a device provisioned with the SDK
 * scripts keeps working after switching to iotls. */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* Certificates and key found in a sector, pointing into `buf`. */
#define STORE_CHAIN_MAX 8

typedef struct {
    uint8_t *buf;
    const uint8_t *certs[STORE_CHAIN_MAX]; /* DER, leaf first */
    size_t cert_lens[STORE_CHAIN_MAX];
    size_t ncerts;
    const uint8_t *key;
    size_t key_len;
    size_t nkeys;
} store_found_t;

static int add_found(store_found_t *fd, const uint8_t *data, size_t len, int sector,
                     iotls_error_t *err)
{
    if (iotls_store_key_format(data, len) != IOTLS_KEY_FORMAT_NONE) {
        fd->key = data;
        fd->key_len = len;
        fd->nkeys++;
        return 0;
    }
    if (fd->ncerts == STORE_CHAIN_MAX)
        return STORE_FAIL(err, IOTLS_ERR_CONFIG, "%s: more than %d certificates",
                          store_where(sector).s, STORE_CHAIN_MAX);
    fd->certs[fd->ncerts] = data;
    fd->cert_lens[fd->ncerts++] = len;
    return 0;
}

/* Read whatever the sector holds and sort its DER objects into certs and
 * a key. `want` is the blob type an iotls blob must have. */
static int find(iotls_flash_t *f, unsigned sector, iotls_blob_type_t want, store_found_t *fd,
                iotls_error_t *err)
{
    int s = (int)sector;
    size_t len;
    memset(fd, 0, sizeof *fd);
    int kind = iotls_store_probe(f, sector, err);
    if (kind < 0)
        return -1;
    if (kind == IOTLS_SECTOR_ESP) {
        iotls_esp_list_t list;
        iotls_esp_entry_t e;
        if (!(fd->buf = iotls_store_esp_read_alloc(f, sector, &len, err)) ||
            iotls_store_esp_parse(fd->buf, len, s, &list, err) < 0)
            return -1;
        while (iotls_store_esp_next(&list, &e))
            if (add_found(fd, e.data, e.len, s, err) < 0)
                return -1;
        return 0;
    }
    /* Erased and foreign sectors get their texts from the blob parser. */
    iotls_store_blob_t blob;
    iotls_store_entry_t e;
    if (!(fd->buf = iotls_store_read_alloc(f, sector, &len, err)) ||
        iotls_store_blob_parse(fd->buf, len, s, &blob, err) < 0)
        return -1;
    if (blob.type != want)
        return STORE_FAIL(err, IOTLS_ERR_CONFIG, "%s holds a %s blob, not a %s blob",
                          store_where(s).s, iotls_store_blob_type_name(blob.type),
                          iotls_store_blob_type_name(want));
    while (iotls_store_blob_next(&blob, &e))
        if (add_found(fd, e.data, e.len, s, err) < 0)
            return -1;
    return 0;
}

static int add_all(iotls_trust_t *trust, const store_found_t *fd, iotls_error_t *err)
{
    for (size_t i = 0; i < fd->ncerts; i++)
        if (iotls_trust_add_der(trust, fd->certs[i], fd->cert_lens[i], err) < 0)
            return -1;
    return 0;
}

int iotls_store_load_trust(iotls_flash_t *f, unsigned sector, iotls_trust_t *trust,
                           iotls_error_t *err)
{
    store_found_t fd;
    int rc = find(f, sector, IOTLS_BLOB_CA, &fd, err);
    if (rc == 0 && (fd.nkeys || !fd.ncerts))
        rc = STORE_FAIL(err, IOTLS_ERR_CONFIG,
                        "%s: a CA list holds certificates only (found %zu, and %zu keys)",
                        store_where((int)sector).s, fd.ncerts, fd.nkeys);
    /* All or nothing: the trust store has no "remove", so prove every
     * certificate in a scratch store before touching the caller's. */
    if (rc == 0) {
        iotls_trust_t *scratch = iotls_trust_new();
        if (!scratch)
            rc = STORE_FAIL(err, IOTLS_ERR_NO_MEMORY, "no memory for a trust store");
        else
            rc = add_all(scratch, &fd, err);
        iotls_trust_free(scratch);
    }
    if (rc == 0)
        rc = add_all(trust, &fd, err);
    free(fd.buf);
    return rc < 0 ? -1 : (int)fd.ncerts;
}

int iotls_store_load_creds(iotls_flash_t *f, unsigned sector, iotls_creds_t *creds,
                           iotls_error_t *err)
{
    store_found_t fd;
    int rc = find(f, sector, IOTLS_BLOB_CREDS, &fd, err);
    if (rc == 0 && (fd.nkeys != 1 || !fd.ncerts))
        rc = STORE_FAIL(err, IOTLS_ERR_CONFIG,
                        "%s: credentials need certificates and one key (found %zu and %zu)",
                        store_where((int)sector).s, fd.ncerts, fd.nkeys);
    if (rc == 0)
        rc = iotls_creds_set_der_chain(creds, fd.certs, fd.cert_lens, fd.ncerts, fd.key, fd.key_len,
                                       err);
    free(fd.buf);
    return rc < 0 ? -1 : 0;
}
