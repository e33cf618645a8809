/* What a write would destroy, and two-slot (A/B) writes that never destroy
 * the only good copy. Erasing is by whole sectors, so a blob longer than
 * one sector wipes whatever starts in the sectors after it: the guard finds
 * intact blobs and ESP8266 lists in that range before anything is erased. */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

static unsigned sectors_of(size_t len)
{
    return (unsigned)((len + IOTLS_FLASH_SECTOR_SIZE - 1) / IOTLS_FLASH_SECTOR_SIZE);
}

/* Extent of the intact blob or list at `s`, or 0 when there is none. */
static unsigned intact_extent(iotls_flash_t *f, unsigned s, int kind, const char **what,
                              size_t *bytes)
{
    iotls_error_t ignored;
    iotls_error_clear(&ignored);
    size_t len = 0;
    uint8_t *buf = NULL;
    unsigned n = 0;
    if (kind == IOTLS_SECTOR_BLOB) {
        buf = iotls_store_read_alloc(f, s, &len, &ignored);
        iotls_store_blob_t blob;
        if (buf && iotls_store_blob_parse(buf, len, (int)s, &blob, &ignored) == 0) {
            *what = iotls_store_blob_type_name(blob.type);
            n = sectors_of(len);
        }
    } else if (kind == IOTLS_SECTOR_ESP) {
        iotls_esp_list_t list;
        buf = iotls_store_esp_read_alloc(f, s, &len, &ignored);
        if (buf && iotls_store_esp_parse(buf, len, (int)s, &list, &ignored) == 0) {
            *what = "ESP8266 SDK list";
            n = sectors_of(len);
        }
    }
    if (buf)
        memset(buf, 0, len); /* may hold a private key */
    free(buf);
    *bytes = len;
    return n;
}

int iotls_store_check_overwrite(iotls_flash_t *f, unsigned sector, size_t len, iotls_error_t *err)
{
    size_t off = iotls_flash_sector_offset(sector);
    if (len == 0 || store_check_range(f, off, len, err) < 0)
        return len == 0 ? STORE_FAIL(err, IOTLS_ERR_BAD_ARGUMENT, "nothing to write") : -1;
    unsigned end = sector + sectors_of(len);
    /* From sector 0: a blob starting before `sector` may reach into it. */
    for (unsigned s = 0; s < end;) {
        int kind = iotls_store_probe(f, s, err);
        if (kind < 0)
            return -1;
        const char *what = NULL;
        size_t bytes = 0;
        unsigned n = intact_extent(f, s, kind, &what, &bytes);
        if (n == 0) {
            s++;
            continue;
        }
        /* The blob at `sector` itself is the one being replaced. */
        if (s != sector && s + n > sector)
            return STORE_FAIL(err, IOTLS_ERR_BAD_STATE,
                              "%s: writing %zu bytes there erases sectors 0x%02X..0x%02X, "
                              "destroying the intact %s at sector 0x%02X (%zu bytes); write "
                              "the blob elsewhere or move that one first",
                              store_where((int)sector).s, len, sector, end - 1, what, s, bytes);
        s += n;
    }
    return 0;
}

/* Serial-number order (RFC 1982 style): a counter that wrapped is newer. */
static bool sequence_newer(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

/* The intact blob at `s`, or -1 (err says why). */
static int slot_read(iotls_flash_t *f, unsigned s, iotls_store_blob_t *blob, iotls_error_t *err)
{
    size_t len;
    uint8_t *buf = iotls_store_read_alloc(f, s, &len, err);
    if (!buf)
        return -1;
    int rc = iotls_store_blob_parse(buf, len, (int)s, blob, err);
    memset(buf, 0, len);
    free(buf);
    blob->payload_ = NULL; /* points into the freed buffer: only the header fields stay */
    return rc;
}

int iotls_store_newest(iotls_flash_t *f, unsigned slot_a, unsigned slot_b, iotls_error_t *err)
{
    iotls_store_blob_t a, b;
    iotls_error_t err_a, err_b;
    iotls_error_clear(&err_a);
    iotls_error_clear(&err_b);
    bool ok_a = slot_read(f, slot_a, &a, &err_a) == 0;
    bool ok_b = slot_read(f, slot_b, &b, &err_b) == 0;
    if (ok_a && ok_b)
        return sequence_newer(b.sequence, a.sequence) ? (int)slot_b : (int)slot_a;
    if (ok_a || ok_b)
        return ok_a ? (int)slot_a : (int)slot_b;
    return STORE_FAIL(err, err_a.code, "no intact copy in either slot: %s; %s", err_a.text,
                      err_b.text);
}

int iotls_store_write_ab(iotls_flash_t *f, unsigned slot_a, unsigned slot_b, const uint8_t *blob,
                         size_t len, iotls_error_t *err)
{
    iotls_store_blob_t parsed, cur;
    if (iotls_store_blob_parse(blob, len, -1, &parsed, err) < 0)
        return -1;
    len = parsed.total_len;
    unsigned n = sectors_of(len);
    if (slot_a == slot_b || (slot_a < slot_b ? slot_a + n > slot_b : slot_b + n > slot_a))
        return STORE_FAIL(err, IOTLS_ERR_BAD_ARGUMENT,
                          "slots 0x%02X and 0x%02X overlap for a %zu-byte blob (%u sectors)",
                          slot_a, slot_b, len, n);
    iotls_error_t ignored;
    iotls_error_clear(&ignored);
    int newest = iotls_store_newest(f, slot_a, slot_b, &ignored);
    uint32_t seq = 0;
    if (newest >= 0 && slot_read(f, (unsigned)newest, &cur, &ignored) == 0)
        seq = cur.sequence + 1;
    /* Never the slot holding the newest intact copy: that one must survive
     * a power cut at any byte of this write. */
    unsigned target = newest == (int)slot_a ? slot_b : slot_a;
    uint8_t *copy = malloc(len);
    if (!copy)
        return STORE_FAIL(err, IOTLS_ERR_NO_MEMORY, "no memory for a %zu-byte blob", len);
    memcpy(copy, blob, len);
    store_put_le32(copy + STORE_OFF_SEQUENCE, seq);
    store_put_le32(copy + STORE_OFF_HEADER_CRC, store_crc32(0, copy, STORE_OFF_HEADER_CRC));
    int rc = iotls_store_write(f, target, copy, len, err);
    memset(copy, 0, len);
    free(copy);
    return rc < 0 ? -1 : (int)target;
}
