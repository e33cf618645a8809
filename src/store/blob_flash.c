/* Blobs on the chip: probe, write (commit word last), read back. */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

int iotls_store_probe(iotls_flash_t *f, unsigned sector, iotls_error_t *err)
{
    uint8_t buf[IOTLS_FLASH_SECTOR_SIZE];
    if (iotls_flash_read(f, iotls_flash_sector_offset(sector), buf, sizeof buf, err) < 0)
        return -1;
    /* A damaged magic still marks a blob (the parser says what is wrong). */
    if (store_magic_distance(buf) <= STORE_MAGIC_DAMAGE_BITS)
        return IOTLS_SECTOR_BLOB;
    size_t i = 0;
    while (i < sizeof buf && buf[i] == 0xFF)
        i++;
    if (i == sizeof buf)
        return IOTLS_SECTOR_ERASED;
    /* An ESP list's first entry usually fits the sector; when it does not,
     * the name and DER header still identify it. */
    if (store_esp_first_entry_ok(buf, sizeof buf))
        return IOTLS_SECTOR_ESP;
    return IOTLS_SECTOR_OTHER;
}

int iotls_store_write(iotls_flash_t *f, unsigned sector, const uint8_t *blob, size_t len,
                      iotls_error_t *err)
{
    iotls_store_blob_t parsed;
    if (iotls_store_blob_parse(blob, len, -1, &parsed, err) < 0)
        return -1;
    len = parsed.total_len;
    size_t off = iotls_flash_sector_offset(sector);
    unsigned sectors = (unsigned)((len + IOTLS_FLASH_SECTOR_SIZE - 1) / IOTLS_FLASH_SECTOR_SIZE);
    if (store_check_range(f, off, len, err) < 0)
        return -1;
    /* Erased commit word until everything else is on the chip: a cut at
     * any point leaves "DONE" missing, which the parser reports. */
    if (iotls_flash_erase(f, sector, sectors, err) < 0 ||
        iotls_flash_write(f, off, blob, STORE_OFF_COMMIT, err) < 0 ||
        iotls_flash_write(f, off + IOTLS_STORE_HEADER_SIZE, blob + IOTLS_STORE_HEADER_SIZE,
                          len - IOTLS_STORE_HEADER_SIZE, err) < 0 ||
        iotls_flash_write(f, off + STORE_OFF_COMMIT, blob + STORE_OFF_COMMIT, 4, err) < 0)
        return -1;
    return 0;
}

/* Size of the blob at `sector` from its header alone, checked against the
 * end of the image so a huge declared length never becomes a huge read. */
static int blob_extent_at(iotls_flash_t *f, unsigned sector, size_t *total, iotls_error_t *err)
{
    uint8_t hdr[IOTLS_STORE_HEADER_SIZE];
    size_t off = iotls_flash_sector_offset(sector);
    if (store_check_range(f, off, sizeof hdr, err) < 0 ||
        iotls_flash_read(f, off, hdr, sizeof hdr, err) < 0 ||
        store_blob_extent(hdr, sizeof hdr, (int)sector, total, err) < 0)
        return -1;
    if (*total > f->size - off)
        return STORE_FAIL(err, IOTLS_ERR_FILE,
                          "%s: truncated %s blob: declares %zu bytes, the image ends %zu bytes "
                          "after the sector start",
                          store_where((int)sector).s,
                          iotls_store_blob_type_name(hdr[STORE_OFF_TYPE]), *total, f->size - off);
    return 0;
}

int iotls_store_read(iotls_flash_t *f, unsigned sector, uint8_t *buf, size_t cap, size_t *len,
                     iotls_error_t *err)
{
    size_t total;
    iotls_store_blob_t parsed;
    if (blob_extent_at(f, sector, &total, err) < 0)
        return -1;
    *len = total;
    if (total > cap)
        return STORE_FAIL(err, IOTLS_ERR_MEMORY_TOO_SMALL, "%s: blob is %zu bytes, buffer has %zu",
                          store_where((int)sector).s, total, cap);
    if (iotls_flash_read(f, iotls_flash_sector_offset(sector), buf, total, err) < 0 ||
        iotls_store_blob_parse(buf, total, (int)sector, &parsed, err) < 0)
        return -1;
    return 0;
}

uint8_t *iotls_store_read_alloc(iotls_flash_t *f, unsigned sector, size_t *len, iotls_error_t *err)
{
    size_t total;
    if (blob_extent_at(f, sector, &total, err) < 0)
        return NULL;
    uint8_t *buf = malloc(total);
    if (!buf) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "%s: no memory for a %zu-byte blob",
                        store_where((int)sector).s, total);
        return NULL;
    }
    if (iotls_store_read(f, sector, buf, total, len, err) < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
