/* cli_session.c — client session options; sessions in a flash image
 * sector. */
#include "cli_session.h"

#include <stdio.h>

#include "cli.h"
#include "cli_tls.h"
#include "flash_cmds.h"
#include "iotls/store.h"

void cli_session_opts_init(cli_session_opts_t *s)
{
    s->in = s->out = NULL;
    s->sector = -1;
}

int cli_session_option(cli_session_opts_t *s, int opt, const char *arg)
{
    unsigned sector;
    switch (opt) {
    case 'o': s->out = arg; return 1;
    case 'i': s->in = arg; return 1;
    case 'e':
        if (!flash_parse_sector(arg, &sector))
            return -1;
        s->sector = (long)sector;
        return 1;
    default: return 0;
    }
}

bool cli_session_resume(cli_session_opts_t *s, const char *cmd, const char *flash,
                        iotls_config_t *cfg, bool verbose)
{
    if (s->sector >= 0 && !flash) {
        fprintf(stderr, "iotls %s: --session-sector needs --flash IMAGE\n", cmd);
        return false;
    }
    if (s->in) {
        if (!cli_read_session(cmd, s->in, s->resume, sizeof s->resume, &cfg->resume_len))
            return false;
        cfg->resume = s->resume;
    } else if (s->sector >= 0) {
        cfg->resume_len = cli_session_flash_load(cmd, flash, (unsigned)s->sector, s->resume,
                                                 sizeof s->resume, verbose);
        cfg->resume = cfg->resume_len ? s->resume : NULL;
    }
    return true;
}

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
