/* The ESP8266 SDK's flash lists, as make_cacert.py and make_cert.py write
 * them: per entry a 32-byte NUL-padded file name, a 16-bit little-endian
 * length and the DER bytes; nothing else — no count, no CRC. The list ends
 * where flash is erased (name starts 0xFF) or zero. Without a CRC, damage
 * is caught only where it breaks a name, a length or the DER framing. */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* Printable up to the first NUL, then NULs only; at least one character. */
static bool esp_name_ok(const uint8_t *name)
{
    size_t i = 0;
    while (i < IOTLS_ESP_NAME_SIZE && name[i] >= 0x20 && name[i] < 0x7F)
        i++;
    if (i == 0)
        return false;
    for (; i < IOTLS_ESP_NAME_SIZE; i++)
        if (name[i] != 0)
            return false;
    return true;
}

static bool esp_list_end(const uint8_t *name)
{
    return name[0] == 0xFF || name[0] == 0x00;
}

bool store_esp_first_entry_ok(const uint8_t *buf, size_t len)
{
    if (len < IOTLS_ESP_ENTRY_HEADER + 4 || !esp_name_ok(buf))
        return false;
    size_t dlen = store_le16(buf + IOTLS_ESP_NAME_SIZE);
    const uint8_t *der = buf + IOTLS_ESP_ENTRY_HEADER;
    if (dlen <= len - IOTLS_ESP_ENTRY_HEADER)
        return store_der_is_sequence(der, dlen);
    /* Runs past buf: trust the framing bytes we have. */
    return der[0] == 0x30 && (der[1] == 0x81 || der[1] == 0x82);
}

int iotls_store_esp_parse(const uint8_t *buf, size_t len, int sector, iotls_esp_list_t *list,
                          iotls_error_t *err)
{
    store_where_t w = store_where(sector);
    if (!buf || !list)
        return STORE_FAIL(err, IOTLS_ERR_BAD_ARGUMENT, "%s: no buffer", w.s);
    memset(list, 0, sizeof *list);
    store_rd_t r = {buf, len, 0};
    const uint8_t *h, *data;
    size_t n = 0;
    while (store_rd_left(&r) >= IOTLS_ESP_ENTRY_HEADER && !esp_list_end(buf + r.pos)) {
        store_rd_take(&r, IOTLS_ESP_ENTRY_HEADER, &h);
        if (!esp_name_ok(h))
            return STORE_FAIL(err, IOTLS_ERR_FILE,
                              "%s: ESP list entry %zu: name is not NUL-padded text", w.s, n);
        size_t dlen = store_le16(h + IOTLS_ESP_NAME_SIZE);
        if (!store_rd_take(&r, dlen, &data))
            return STORE_FAIL(err, IOTLS_ERR_FILE,
                              "%s: truncated ESP list: entry %zu ('%.32s') declares %zu bytes, "
                              "%zu left",
                              w.s, n, (const char *)h, dlen, store_rd_left(&r));
        if (!store_der_is_sequence(data, dlen))
            return STORE_FAIL(err, IOTLS_ERR_FILE,
                              "%s: ESP list entry %zu ('%.32s'): %zu bytes are not one DER "
                              "object",
                              w.s, n, (const char *)h, dlen);
        n++;
    }
    if (n == 0)
        return STORE_FAIL(err, IOTLS_ERR_CONFIG, "%s: no ESP8266 certificate list here", w.s);
    list->count = n;
    list->total_len = r.pos;
    list->buf_ = buf;
    return 0;
}

bool iotls_store_esp_next(iotls_esp_list_t *list, iotls_esp_entry_t *entry)
{
    store_rd_t r = {list->buf_, list->total_len, list->pos_};
    const uint8_t *h, *data;
    if (list->index_ >= list->count || !store_rd_take(&r, IOTLS_ESP_ENTRY_HEADER, &h))
        return false;
    size_t dlen = store_le16(h + IOTLS_ESP_NAME_SIZE);
    if (!store_rd_take(&r, dlen, &data))
        return false;
    memcpy(entry->name, h, IOTLS_ESP_NAME_SIZE);
    entry->name[IOTLS_ESP_NAME_SIZE] = '\0';
    entry->data = data;
    entry->len = dlen;
    list->pos_ = r.pos;
    list->index_++;
    return true;
}

uint8_t *iotls_store_esp_read_alloc(iotls_flash_t *f, unsigned sector, size_t *len,
                                    iotls_error_t *err)
{
    /* Walk the entry headers on the chip to find the list's extent, so only
     * that much is read; every step advances, and stops at the image end. */
    size_t start = iotls_flash_sector_offset(sector), pos = start;
    if (store_check_range(f, start, 0, err) < 0)
        return NULL;
    for (;;) {
        uint8_t h[IOTLS_ESP_ENTRY_HEADER];
        if (f->size - pos < sizeof h)
            break;
        if (iotls_flash_read(f, pos, h, sizeof h, err) < 0)
            return NULL;
        if (esp_list_end(h))
            break;
        size_t dlen = store_le16(h + IOTLS_ESP_NAME_SIZE);
        if (dlen > f->size - pos - sizeof h) {
            iotls_error_set(err, IOTLS_ERR_FILE,
                            "%s: truncated ESP list: entry at 0x%zX declares %zu bytes past "
                            "the image end",
                            store_where((int)sector).s, pos, dlen);
            return NULL;
        }
        pos += sizeof h + dlen;
    }
    size_t total = pos - start;
    uint8_t *buf = malloc(total ? total : 1);
    iotls_esp_list_t list;
    if (!buf) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "%s: no memory for %zu bytes",
                        store_where((int)sector).s, total);
        return NULL;
    }
    if (iotls_flash_read(f, start, buf, total, err) < 0 ||
        iotls_store_esp_parse(buf, total, (int)sector, &list, err) < 0) {
        free(buf);
        return NULL;
    }
    *len = total;
    return buf;
}
