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

/* Where intact blobs and lists start and end, to explain a missing one. */
typedef struct {
    unsigned start, count;
    int type; /* iotls_blob_type_t, 0 for an ESP8266 list */
} extent_t;

typedef struct {
    extent_t *v;
    size_t n;
} extents_t;

static void extent_add(extents_t *x, unsigned start, size_t len, int type)
{
    if (x->v)
        x->v[x->n++] = (extent_t){
            start, (unsigned)((len + IOTLS_FLASH_SECTOR_SIZE - 1) / IOTLS_FLASH_SECTOR_SIZE), type};
}

/* One sector; returns how many sectors it covered (>= 1), *bad on damage. */
static size_t inspect_sector(iotls_flash_t *f, unsigned s, int kind, bool *bad, extents_t *x)
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
            extent_add(x, s, len, 0);
            return sectors_of(len);
        }
    } else if ((buf = iotls_store_read_alloc(f, s, &len, &err)) != NULL) {
        iotls_store_blob_t blob;
        iotls_store_blob_parse(buf, len, (int)s, &blob, NULL);
        print_blob(buf, len, (int)s);
        free(buf);
        extent_add(x, s, len, (int)blob.type);
        return sectors_of(len);
    }
    free(buf);
    printf("DAMAGED: %s [%s]\n", err.text, iotls_error_code_name(err.code));
    *bad = true;
    return 1;
}

/* --expect SECTOR: an intact blob or list must start there. Says what is
 * there instead (e.g. the middle of a longer blob written later). */
static bool check_expected(iotls_flash_t *f, unsigned e, const extents_t *x)
{
    for (size_t i = 0; i < x->n; i++) {
        const extent_t *t = &x->v[i];
        if (t->start == e)
            return true;
        if (e > t->start && e < t->start + t->count) {
            printf("0x%02X  MISSING: expected a blob here; the sector is inside the %s%s at "
                   "0x%02X (%u sectors), which overwrote it\n",
                   e, t->type ? iotls_store_blob_type_name(t->type) : "ESP8266 SDK list",
                   t->type ? " blob" : "", t->start, t->count);
            return false;
        }
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    size_t len;
    uint8_t *buf = iotls_store_read_alloc(f, e, &len, &err);
    if (buf) { /* intact, yet not reached by the walk: inside nothing above */
        free(buf);
        return true;
    }
    printf("0x%02X  MISSING: expected a blob here: %s\n", e, err.text);
    return false;
}

static int inspect_image(iotls_flash_t *f, const char *path, const unsigned *expect,
                         size_t n_expect)
{
    size_t n = iotls_flash_sector_count(f), erased = 0, other = 0;
    bool bad = false;
    extents_t x = {calloc(n, sizeof(extent_t)), 0};
    if (!x.v) {
        fprintf(stderr, "iotls " CMD ": out of memory\n");
        return 1;
    }
    printf("%s: %zu bytes, %zu sectors of %u\n", path, f->size, n, IOTLS_FLASH_SECTOR_SIZE);
    for (size_t s = 0; s < n;) {
        iotls_error_t err;
        iotls_error_clear(&err);
        int kind = iotls_store_probe(f, (unsigned)s, &err);
        if (kind < 0) {
            printf("0x%02zX  unreadable: %s\n", s, err.text);
            free(x.v);
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
        s += inspect_sector(f, (unsigned)s, kind, &bad, &x);
    }
    bool missing = false;
    for (size_t i = 0; i < n_expect; i++)
        missing |= !check_expected(f, expect[i], &x);
    free(x.v);
    printf("%zu sectors erased, %zu with other data%s%s\n", erased, other,
           bad ? "; DAMAGED blobs found" : "", missing ? "; expected blobs MISSING" : "");
    return bad || missing ? 1 : 0;
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

#define MAX_EXPECT 32

static int inspect_usage(FILE *out)
{
    fprintf(out, "usage: iotls flash inspect IMAGE|BLOB [--expect SECTOR]...\n"
                 "  --expect SECTOR  an intact blob must start there (exit 1 if not)\n");
    return out == stdout ? 0 : 2;
}

/* A packed blob file: starts like a blob and is not whole sectors. */
static bool is_blob_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    uint8_t magic[4];
    bool blob = fp && fread(magic, 1, 4, fp) == 4 && !memcmp(magic, "IOTB", 4) &&
                fseek(fp, 0, SEEK_END) == 0 && ftell(fp) % IOTLS_FLASH_SECTOR_SIZE != 0;
    if (fp)
        fclose(fp);
    return blob;
}

int flash_inspect(int argc, char **argv)
{
    const char *path = NULL;
    unsigned expect[MAX_EXPECT];
    size_t n_expect = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return inspect_usage(stdout);
        if (!strcmp(argv[i], "--expect")) {
            const char *v = prov_optarg(CMD, argc, argv, &i);
            if (!v || n_expect == MAX_EXPECT || !flash_parse_sector(v, &expect[n_expect]))
                return inspect_usage(stderr);
            n_expect++;
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            return inspect_usage(stderr);
        }
    }
    if (!path)
        return inspect_usage(stderr);
    iotls_error_t err;
    iotls_error_clear(&err);
    if (is_blob_file(path)) {
        if (n_expect) {
            fprintf(stderr, "iotls " CMD ": --expect applies to images, not to a blob file\n");
            return 2;
        }
        size_t len;
        uint8_t *data = iotls_file_read(path, &len, &err);
        if (!data) {
            prov_fail_err(CMD, &err);
            return 1;
        }
        int rc = inspect_blob_file(path, data, len);
        free(data);
        return rc;
    }
    /* Images of any size are read sector by sector, not loaded whole. */
    iotls_flash_t f;
    if (iotls_flash_open_file(&f, path, false, &err) < 0) {
        prov_fail_err(CMD, &err);
        return 1;
    }
    int rc = inspect_image(&f, path, expect, n_expect);
    iotls_flash_close(&f);
    return rc;
}
