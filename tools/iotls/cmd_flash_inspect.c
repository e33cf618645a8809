/* iotls flash inspect IMAGE|BLOB — every sector's content in one screen:
 * blobs with their entries (certificate subjects, key types), ESP8266 SDK
 * lists, other data; erased runs are summarised. Exit status 1 when any
 * blob or list is damaged, so a provisioning script can gate on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "flash_cmds.h"
#include "iotls/store.h"
#include "prov.h"

#define CMD "flash inspect"

static void describe_der(const char *kind, const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    char name[512], key[64];
    if (x) {
        EVP_PKEY *k = X509_get0_pubkey(x);
        printf("      %s %zu bytes: %s [%s]\n", kind, len,
               prov_name(X509_get_subject_name(x), name, sizeof name),
               k ? prov_key_desc(k, key, sizeof key) : "?");
        X509_free(x);
        return;
    }
    p = der;
    EVP_PKEY *k = d2i_AutoPrivateKey(NULL, &p, (long)len);
    printf("      %s %zu bytes: %s\n", kind, len,
           k ? prov_key_desc(k, key, sizeof key) : "(not a certificate or key)");
    EVP_PKEY_free(k);
}

static void print_blob(const uint8_t *buf, size_t len, int sector)
{
    iotls_store_blob_t blob;
    iotls_store_entry_t e;
    iotls_store_blob_parse(buf, len, sector, &blob, NULL);
    printf("%s blob, %zu entries, %zu bytes, sequence %u: OK\n",
           iotls_store_blob_type_name(blob.type), blob.count, blob.total_len,
           (unsigned)blob.sequence);
    while (iotls_store_blob_next(&blob, &e)) {
        if (e.kind == IOTLS_ENTRY_CERT)
            describe_der("certificate", e.data, e.len);
        else if (e.kind == IOTLS_ENTRY_KEY)
            describe_der(iotls_store_key_format_name(e.format), e.data, e.len);
        else if (e.kind == IOTLS_ENTRY_PEER_NAME)
            printf("      peer name: %.*s\n", (int)e.len, (const char *)e.data);
        else
            printf("      session data, %zu bytes\n", e.len);
    }
}

static size_t sectors_of(size_t len)
{
    return (len + IOTLS_FLASH_SECTOR_SIZE - 1) / IOTLS_FLASH_SECTOR_SIZE;
}

/* One sector; returns how many sectors it covered (>= 1), *bad on damage. */
static size_t inspect_sector(iotls_flash_t *f, unsigned s, int kind, bool *bad)
{
    iotls_error_t err;
    size_t len;
    uint8_t *buf;
    iotls_error_clear(&err);
    printf("0x%02X  ", s);
    if (kind == IOTLS_SECTOR_ESP) {
        iotls_esp_list_t list;
        iotls_esp_entry_t e;
        if ((buf = iotls_store_esp_read_alloc(f, s, &len, &err)) &&
            iotls_store_esp_parse(buf, len, (int)s, &list, &err) == 0) {
            printf("ESP8266 SDK list, %zu entries, %zu bytes (no CRC)\n", list.count, len);
            while (iotls_store_esp_next(&list, &e)) {
                char label[64];
                snprintf(label, sizeof label, "'%s'", e.name);
                describe_der(label, e.data, e.len);
            }
            free(buf);
            return sectors_of(len);
        }
    } else if ((buf = iotls_store_read_alloc(f, s, &len, &err)) != NULL) {
        print_blob(buf, len, (int)s);
        free(buf);
        return sectors_of(len);
    }
    free(buf);
    printf("DAMAGED: %s [%s]\n", err.text, iotls_error_code_name(err.code));
    *bad = true;
    return 1;
}

static int inspect_image(iotls_flash_t *f, const char *path)
{
    size_t n = iotls_flash_sector_count(f), erased = 0, other = 0;
    bool bad = false;
    printf("%s: %zu bytes, %zu sectors of %u\n", path, f->size, n, IOTLS_FLASH_SECTOR_SIZE);
    for (size_t s = 0; s < n;) {
        iotls_error_t err;
        iotls_error_clear(&err);
        int kind = iotls_store_probe(f, (unsigned)s, &err);
        if (kind < 0) {
            printf("0x%02zX  unreadable: %s\n", s, err.text);
            return 1;
        }
        if (kind == IOTLS_SECTOR_ERASED || kind == IOTLS_SECTOR_OTHER) {
            /* Firmware, file systems: not ours to judge, summarised. */
            if (kind == IOTLS_SECTOR_OTHER)
                printf("0x%02zX  other data (no blob header)\n", s);
            *(kind == IOTLS_SECTOR_ERASED ? &erased : &other) += 1;
            s++;
            continue;
        }
        s += inspect_sector(f, (unsigned)s, kind, &bad);
    }
    printf("%zu sectors erased, %zu with other data%s\n", erased, other,
           bad ? "; DAMAGED blobs found" : "");
    return bad ? 1 : 0;
}

/* A blob file (what `flash pack` wrote) is checked as it is. */
static int inspect_blob_file(const char *path, const uint8_t *data, size_t len)
{
    iotls_store_blob_t blob;
    iotls_error_t err;
    iotls_error_clear(&err);
    printf("%s: ", path);
    if (iotls_store_blob_parse(data, len, -1, &blob, &err) < 0) {
        printf("DAMAGED: %s [%s]\n", err.text, iotls_error_code_name(err.code));
        return 1;
    }
    if (blob.total_len != len) {
        printf("DAMAGED: %zu bytes after the %zu-byte blob\n", len - blob.total_len,
               blob.total_len);
        return 1;
    }
    print_blob(data, len, -1);
    return 0;
}

int flash_inspect(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(argc == 2 ? stdout : stderr, "usage: iotls flash inspect IMAGE|BLOB\n");
        return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    iotls_error_t err;
    size_t len;
    iotls_error_clear(&err);
    uint8_t *data = iotls_file_read(argv[1], &len, &err);
    if (!data) {
        prov_fail_err(CMD, &err);
        return 1;
    }
    int rc;
    /* Images are whole sectors; a packed blob almost never is. */
    if (len >= 4 && !memcmp(data, "IOTB", 4) && len % IOTLS_FLASH_SECTOR_SIZE) {
        rc = inspect_blob_file(argv[1], data, len);
    } else {
        iotls_flash_t f;
        rc = iotls_flash_init_mem(&f, data, len, &err) == 0 ? inspect_image(&f, argv[1]) : 1;
        if (rc && err.code)
            prov_fail_err(CMD, &err);
    }
    free(data);
    return rc;
}
