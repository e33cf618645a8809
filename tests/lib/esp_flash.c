/* Flash images for the espconn tests: see esp_flash.h. */
#include "esp_flash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "iotls/store.h"

uint8_t *iotls_test_der_of(const char *pem_path, iotls_test_der_kind_t kind, size_t *len)
{
    const char *cert[] = {"openssl", "x509", "-in", pem_path, "-outform", "DER", NULL};
    const char *pk8[] = {"openssl", "pkcs8",    "-topk8", "-nocrypt", "-in",
                         pem_path,  "-outform", "DER",    NULL};
    const char *sec1[] = {"openssl", "ec", "-in", pem_path, "-outform", "DER", NULL};
    const char *pk1[] = {"openssl",  "rsa", "-in",          pem_path,
                         "-outform", "DER", "-traditional", NULL};
    const char *const *argv = kind == IOTLS_TEST_DER_CERT    ? cert
                              : kind == IOTLS_TEST_DER_PKCS8 ? pk8
                              : kind == IOTLS_TEST_DER_SEC1  ? sec1
                                                             : pk1;
    iotls_test_cmd_t cmd = {.argv = argv};
    iotls_test_result_t r;
    if (iotls_test_run_cmd(&cmd, &r) != 0 || !iotls_test_result_ok(&r) || r.out_len == 0) {
        iotls_test_result_dump("DER conversion", &r);
        iotls_test_result_free(&r);
        return NULL;
    }
    uint8_t *der = malloc(r.out_len);
    if (der != NULL) {
        memcpy(der, r.out, r.out_len);
        *len = r.out_len;
    }
    iotls_test_result_free(&r);
    return der;
}

uint8_t *iotls_test_esp_list(const iotls_test_esp_entry_t *e, size_t n, size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (strlen(e[i].name) > 31 || e[i].len > 0xFFFF)
            return NULL;
        total += 34 + e[i].len;
    }
    uint8_t *out = calloc(1, total ? total : 1);
    if (out == NULL)
        return NULL;
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(out + off, e[i].name, strlen(e[i].name)); /* rest stays NUL */
        out[off + 32] = (uint8_t)(e[i].len & 0xFF);
        out[off + 33] = (uint8_t)(e[i].len >> 8);
        memcpy(out + off + 34, e[i].der, e[i].len);
        off += 34 + e[i].len;
    }
    *len = total;
    return out;
}

int iotls_test_flash_put(const char *path, unsigned sector, const void *data, size_t len)
{
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    int rc = access(path, F_OK) == 0
                 ? iotls_flash_open_file(&f, path, true, &err)
                 : iotls_flash_create_file(&f, path, IOTLS_FLASH_DEFAULT_SIZE, &err);
    if (rc < 0) {
        fprintf(stderr, "flash_put %s: %s\n", path, err.text);
        return -1;
    }
    unsigned count = (unsigned)((len + IOTLS_FLASH_SECTOR_SIZE - 1) / IOTLS_FLASH_SECTOR_SIZE);
    rc = iotls_flash_erase(&f, sector, count ? count : 1, &err);
    if (rc == 0 && len > 0)
        rc = iotls_flash_write(&f, iotls_flash_sector_offset(sector), data, len, &err);
    if (rc < 0)
        fprintf(stderr, "flash_put %s sector 0x%X: %s\n", path, sector, err.text);
    iotls_flash_close(&f);
    return rc < 0 ? -1 : 0;
}
