/* libFuzzer target: the flash blob parser, the ESP8266 list parser and the
 * flash-side readers/loaders on arbitrary bytes. Any crash, out-of-bounds
 * read or UB is a bug: the input is what a damaged or hostile flash holds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/store.h"
#include "store/store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotls_error_t err;
    iotls_store_blob_t blob;
    iotls_store_entry_t e;
    iotls_esp_list_t list;
    iotls_esp_entry_t ee;

    /* Exact-size copy so ASan sees any read past the end. */
    uint8_t *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    /* Random bytes almost never carry valid CRCs; reseal them (and the
     * commit word) on odd-sized inputs so the entry walk gets fuzzed too. */
    if (size >= IOTLS_STORE_HEADER_SIZE && (size & 1)) {
        uint32_t plen = store_le32(buf + STORE_OFF_PAYLOAD_LEN);
        if (plen <= size - IOTLS_STORE_HEADER_SIZE)
            store_put_le32(buf + STORE_OFF_PAYLOAD_CRC,
                           store_crc32(0, buf + IOTLS_STORE_HEADER_SIZE, plen));
        memcpy(buf + STORE_OFF_COMMIT, STORE_COMMIT, 4);
        store_put_le32(buf + STORE_OFF_HEADER_CRC, store_crc32(0, buf, STORE_OFF_HEADER_CRC));
    }
    iotls_error_clear(&err);
    if (iotls_store_blob_parse(buf, size, 0x3B, &blob, &err) == 0) {
        while (iotls_store_blob_next(&blob, &e))
            (void)iotls_store_key_format(e.data, e.len);
        /* What parses must survive a write/read round trip unchanged. */
        static uint8_t chip[8 * IOTLS_FLASH_SECTOR_SIZE];
        iotls_flash_t f;
        if (blob.total_len <= sizeof chip &&
            iotls_flash_init_mem(&f, chip, sizeof chip, &err) == 0 &&
            iotls_flash_erase(&f, 0, 8, &err) == 0 &&
            iotls_store_write(&f, 0, buf, blob.total_len, &err) == 0) {
            uint8_t *back = malloc(blob.total_len);
            size_t len;
            if (iotls_store_read(&f, 0, back, blob.total_len, &len, &err) != 0 ||
                memcmp(back, buf, len))
                abort();
            free(back);
        }
    }
    iotls_error_clear(&err);
    if (iotls_store_esp_parse(buf, size, 1, &list, &err) == 0)
        while (iotls_store_esp_next(&list, &ee))
            (void)iotls_store_key_format(ee.data, ee.len);

    /* The same bytes as a flash image of two sectors: probe and the
     * flash-side readers walk headers on the chip, not in a buffer. */
    static uint8_t img[2 * IOTLS_FLASH_SECTOR_SIZE];
    iotls_flash_t f;
    memset(img, 0xFF, sizeof img);
    memcpy(img, data, size < sizeof img ? size : sizeof img);
    if (iotls_flash_init_mem(&f, img, sizeof img, &err) == 0) {
        for (unsigned s = 0; s < 2; s++) {
            size_t len;
            iotls_error_clear(&err);
            int kind = iotls_store_probe(&f, s, &err);
            uint8_t *p = kind == IOTLS_SECTOR_ESP ? iotls_store_esp_read_alloc(&f, s, &len, &err)
                                                  : iotls_store_read_alloc(&f, s, &len, &err);
            free(p);
        }
    }
    free(buf);
    return 0;
}
