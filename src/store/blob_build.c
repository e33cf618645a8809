/* Blob construction. The builder writes the commit word too: a blob file
 * is exactly what a completed flash write holds; iotls_store_write() is
 * what orders the commit word last on the chip. */
#include <string.h>

#include "store/store_internal.h"

static size_t padded(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

size_t iotls_store_blob_size(const iotls_store_entry_t *entries, size_t n)
{
    size_t total = IOTLS_STORE_HEADER_SIZE;
    for (size_t i = 0; i < n; i++) {
        size_t add = STORE_ENTRY_HEADER + padded(entries[i].len);
        if (entries[i].len > IOTLS_STORE_PAYLOAD_MAX || total + add < total)
            return SIZE_MAX;
        total += add;
    }
    return total;
}

int iotls_store_blob_build(iotls_blob_type_t type, uint32_t sequence,
                           const iotls_store_entry_t *entries, size_t n, uint8_t *out, size_t cap,
                           size_t *len, iotls_error_t *err)
{
    if (!out || !len || !n || !entries)
        return STORE_FAIL(err, IOTLS_ERR_BAD_ARGUMENT, "blob: no entries or no output");
    size_t need = iotls_store_blob_size(entries, n);
    if (need == SIZE_MAX || need - IOTLS_STORE_HEADER_SIZE > IOTLS_STORE_PAYLOAD_MAX)
        return STORE_FAIL(err, IOTLS_ERR_BAD_ARGUMENT,
                          "blob: entries exceed the %u-byte payload limit",
                          IOTLS_STORE_PAYLOAD_MAX);
    if (need > cap) {
        *len = need;
        return STORE_FAIL(err, IOTLS_ERR_MEMORY_TOO_SMALL, "blob: needs %zu bytes, buffer has %zu",
                          need, cap);
    }
    memset(out, 0, need);
    size_t pos = IOTLS_STORE_HEADER_SIZE;
    for (size_t i = 0; i < n; i++) {
        const iotls_store_entry_t *e = &entries[i];
        out[pos] = (uint8_t)e->kind;
        out[pos + 1] = (uint8_t)e->format;
        store_put_le32(out + pos + 4, (uint32_t)e->len);
        if (e->len)
            memcpy(out + pos + STORE_ENTRY_HEADER, e->data, e->len);
        pos += STORE_ENTRY_HEADER + padded(e->len);
    }
    uint32_t plen = (uint32_t)(need - IOTLS_STORE_HEADER_SIZE);
    memcpy(out, STORE_MAGIC, 4);
    out[STORE_OFF_VERSION] = STORE_VERSION;
    out[STORE_OFF_TYPE] = (uint8_t)type;
    store_put_le16(out + STORE_OFF_FLAGS, 0);
    store_put_le32(out + STORE_OFF_PAYLOAD_LEN, plen);
    store_put_le32(out + STORE_OFF_COUNT, (uint32_t)n);
    store_put_le32(out + STORE_OFF_PAYLOAD_CRC,
                   store_crc32(0, out + IOTLS_STORE_HEADER_SIZE, plen));
    store_put_le32(out + STORE_OFF_SEQUENCE, sequence);
    store_put_le32(out + STORE_OFF_HEADER_CRC, store_crc32(0, out, STORE_OFF_HEADER_CRC));
    memcpy(out + STORE_OFF_COMMIT, STORE_COMMIT, 4);
    /* One set of rules: what the parser would refuse is never built. */
    iotls_store_blob_t check;
    if (iotls_store_blob_parse(out, need, -1, &check, err) < 0)
        return -1;
    *len = need;
    return 0;
}
