/* Saved TLS sessions in flash: a device keeps iotls_session_save() bytes
 * across deep sleep or a reboot and resumes without public-key work. A
 * write cut short leaves a blob the parser refuses: the device then does a
 * full handshake, nothing worse. */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

int iotls_store_save_session(iotls_flash_t *f, unsigned sector, const uint8_t *session, size_t len,
                             const char *peer, iotls_error_t *err)
{
    if (!session || len == 0)
        return STORE_FAIL(err, IOTLS_ERR_BAD_ARGUMENT, "%s: no session to save",
                          store_where((int)sector).s);
    iotls_store_entry_t e[2] = {{IOTLS_ENTRY_SESSION, IOTLS_KEY_FORMAT_NONE, session, len},
                                {IOTLS_ENTRY_PEER_NAME, IOTLS_KEY_FORMAT_NONE,
                                 (const uint8_t *)peer, peer ? strlen(peer) : 0}};
    size_t n = peer && *peer ? 2 : 1;

    /* The sequence number counts rewrites, so wear can be seen in inspect. */
    uint32_t seq = 0;
    iotls_error_t ignored;
    iotls_error_clear(&ignored);
    size_t old_len;
    uint8_t *old = iotls_store_probe(f, sector, &ignored) == IOTLS_SECTOR_BLOB
                       ? iotls_store_read_alloc(f, sector, &old_len, &ignored)
                       : NULL;
    iotls_store_blob_t blob;
    if (old && iotls_store_blob_parse(old, old_len, (int)sector, &blob, &ignored) == 0 &&
        blob.type == IOTLS_BLOB_SESSION)
        seq = blob.sequence + 1;
    free(old);

    size_t cap = iotls_store_blob_size(e, n), blob_len;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return STORE_FAIL(err, IOTLS_ERR_NO_MEMORY, "no memory for a session blob");
    int rc = iotls_store_blob_build(IOTLS_BLOB_SESSION, seq, e, n, buf, cap, &blob_len, err);
    if (rc == 0)
        rc = iotls_store_write(f, sector, buf, blob_len, err);
    /* The blob holds the session's master secret. */
    memset(buf, 0, cap);
    free(buf);
    return rc;
}

int iotls_store_load_session(iotls_flash_t *f, unsigned sector, uint8_t *out, size_t cap,
                             size_t *len, char *peer, size_t peer_cap, iotls_error_t *err)
{
    size_t blob_len;
    uint8_t *buf = iotls_store_read_alloc(f, sector, &blob_len, err);
    if (!buf)
        return -1;
    iotls_store_blob_t blob;
    iotls_store_entry_t e;
    int rc = iotls_store_blob_parse(buf, blob_len, (int)sector, &blob, err);
    if (rc == 0 && blob.type != IOTLS_BLOB_SESSION)
        rc = STORE_FAIL(err, IOTLS_ERR_CONFIG, "%s holds a %s blob, not a session blob",
                        store_where((int)sector).s, iotls_store_blob_type_name(blob.type));
    if (peer && peer_cap)
        peer[0] = '\0';
    *len = 0;
    while (rc == 0 && iotls_store_blob_next(&blob, &e)) {
        if (e.kind == IOTLS_ENTRY_SESSION) {
            if (e.len > cap) {
                rc = STORE_FAIL(err, IOTLS_ERR_MEMORY_TOO_SMALL,
                                "%s: saved session is %zu bytes, buffer %zu",
                                store_where((int)sector).s, e.len, cap);
                break;
            }
            memcpy(out, e.data, e.len);
            *len = e.len;
        } else if (e.kind == IOTLS_ENTRY_PEER_NAME && peer && peer_cap) {
            size_t n = e.len < peer_cap - 1 ? e.len : peer_cap - 1;
            memcpy(peer, e.data, n);
            peer[n] = '\0';
        }
    }
    memset(buf, 0, blob_len);
    free(buf);
    return rc;
}
