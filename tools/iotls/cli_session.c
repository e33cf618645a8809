/* cli_session.c — client sessions in a flash image sector. */
#include "cli_session.h"

#include <stdio.h>

#include "cli.h"
#include "iotls/store.h"

bool cli_session_flash_save(const char *cmd, const char *flash, unsigned sector,
                            const uint8_t *data, size_t len, const char *host)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_flash_t f;
    if (iotls_flash_file_update(&f, flash, 0, NULL, &err) == 0) {
        if (iotls_store_save_session(&f, sector, data, len, host, &err) == 0)
            iotls_flash_file_commit(&f, &err);
        else
            iotls_flash_close(&f);
    }
    if (err.code != IOTLS_OK) {
        cli_print_error(cmd, &err);
        return false;
    }
    return true;
}

size_t cli_session_flash_load(const char *cmd, const char *flash, unsigned sector, uint8_t *buf,
                              size_t cap, bool verbose)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_flash_t f;
    size_t len = 0;
    if (iotls_flash_open_file(&f, flash, false, &err) == 0) {
        if (iotls_store_probe(&f, sector, &err) == IOTLS_SECTOR_BLOB &&
            iotls_store_load_session(&f, sector, buf, cap, &len, NULL, 0, &err) < 0)
            len = 0;
        iotls_flash_close(&f);
    }
    if (err.code != IOTLS_OK && verbose)
        fprintf(stderr, "iotls %s: no saved session used: %s\n", cmd, err.text);
    return len;
}
