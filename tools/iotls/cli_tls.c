/* TLS options shared by connect and listen (see cli_tls.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_tls.h"
#include "flash_cmds.h"
#include "iotls/hostcrypto.h"
#include "iotls/store.h"

void cli_tls_init(cli_tls_t *t)
{
    memset(t, 0, sizeof *t);
    t->ca_sector = t->creds_sector = -1;
    t->ca_sector_b = t->creds_sector_b = -1;
    t->crypto = iotls_hostcrypto_provider();
}

void cli_tls_free(cli_tls_t *t)
{
    iotls_trust_free(t->trust);
    iotls_creds_free(t->creds);
    t->trust = NULL;
    t->creds = NULL;
}

static bool have_trust(cli_tls_t *t, iotls_error_t *err)
{
    if (!t->trust)
        t->trust = iotls_trust_new();
    if (!t->trust)
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory");
    return t->trust != NULL;
}

bool cli_tls_add_trust(cli_tls_t *t, const char *cmd, const char *path, bool self_signed)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    if (have_trust(t, &err)) {
        if (!self_signed && iotls_trust_load_file(t->trust, path, &err) >= 0)
            return true;
        if (self_signed) {
            size_t len;
            uint8_t *data = iotls_file_read(path, &len, &err);
            int rc = data ? iotls_trust_add_self_signed(t->trust, data, len, &err) : -1;
            free(data);
            if (rc >= 0)
                return true;
        }
    }
    cli_print_error(cmd, &err);
    return false;
}

bool cli_tls_set_creds(cli_tls_t *t, const char *cmd, const char *cert, const char *key)
{
    iotls_creds_free(t->creds);
    t->creds = NULL;
    return cli_load_creds(cmd, cert, key, &t->creds);
}

bool cli_tls_add_pin(cli_tls_t *t, const char *cmd, const char *text)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    if (t->pin_count == CLI_MAX_PINS) {
        fprintf(stderr, "iotls %s: at most %d --pin options\n", cmd, CLI_MAX_PINS);
        return false;
    }
    if (iotls_pin_parse(text, &t->pins[t->pin_count], &err) < 0) {
        cli_print_error(cmd, &err);
        return false;
    }
    t->pin_count++;
    return true;
}

bool cli_tls_set_alpn(cli_tls_t *t, const char *cmd, const char *list)
{
    if (strlen(list) >= sizeof t->alpn_buf) {
        fprintf(stderr, "iotls %s: --alpn list too long\n", cmd);
        return false;
    }
    memcpy(t->alpn_buf, list, strlen(list) + 1);
    t->alpn_count = 0;
    for (char *save = NULL, *p = strtok_r(t->alpn_buf, ",", &save); p;
         p = strtok_r(NULL, ",", &save)) {
        if (t->alpn_count == CLI_MAX_ALPN) {
            fprintf(stderr, "iotls %s: at most %d ALPN protocols\n", cmd, CLI_MAX_ALPN);
            return false;
        }
        t->alpn[t->alpn_count++] = p;
    }
    if (t->alpn_count == 0) {
        fprintf(stderr, "iotls %s: --alpn needs protocol names (e.g. http/1.1)\n", cmd);
        return false;
    }
    return true;
}

bool cli_parse_time(const char *cmd, const char *text, int64_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!errno && end != text && *end == '\0' && v > 0) {
        *out = v;
        return true;
    }
    const char *rest = strptime(text, "%Y-%m-%d", &tm);
    if (rest && *rest == 'T')
        rest = strptime(rest + 1, "%H:%M:%S", &tm);
    if (!rest || *rest) {
        fprintf(stderr,
                "iotls %s: time '%s' is not Unix seconds, YYYY-MM-DD or "
                "YYYY-MM-DDTHH:MM:SS (UTC)\n",
                cmd, text);
        return false;
    }
    *out = (int64_t)timegm(&tm);
    return true;
}

static bool load_flash(cli_tls_t *t, const char *cmd)
{
    if (!t->flash) {
        if (t->ca_sector >= 0 || t->creds_sector >= 0) {
            fprintf(stderr, "iotls %s: --ca-sector / --creds-sector need --flash IMAGE\n", cmd);
            return false;
        }
        return true;
    }
    if (t->ca_sector < 0 && t->creds_sector < 0) {
        fprintf(stderr, "iotls %s: --flash needs --ca-sector and/or --creds-sector\n", cmd);
        return false;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_flash_t f;
    if (iotls_flash_open_file(&f, t->flash, false, &err) < 0) {
        cli_print_error(cmd, &err);
        return false;
    }
    bool ok = true;
    /* An A/B pair loads from the slot with the newest intact copy, so a
     * torn update falls back to the previous one, as on the device. */
    long ca = t->ca_sector_b >= 0
                  ? iotls_store_newest(&f, (unsigned)t->ca_sector, (unsigned)t->ca_sector_b, &err)
                  : t->ca_sector;
    long cr = t->creds_sector_b >= 0 ? iotls_store_newest(&f, (unsigned)t->creds_sector,
                                                          (unsigned)t->creds_sector_b, &err)
                                     : t->creds_sector;
    if (t->ca_sector >= 0)
        ok = ca >= 0 && have_trust(t, &err) &&
             iotls_store_load_trust(&f, (unsigned)ca, t->trust, &err) >= 0;
    if (ok && t->creds_sector >= 0) {
        iotls_creds_free(t->creds);
        t->creds = iotls_creds_new();
        ok = cr >= 0 && t->creds && iotls_store_load_creds(&f, (unsigned)cr, t->creds, &err) >= 0;
    }
    iotls_flash_close(&f);
    if (!ok) {
        iotls_error_append(&err, " (flash image '%s')", t->flash);
        cli_print_error(cmd, &err);
    }
    return ok;
}

bool cli_tls_load(cli_tls_t *t, const char *cmd)
{
    if ((t->cert_path == NULL) != (t->key_path == NULL)) {
        fprintf(stderr, "iotls %s: --cert and --key go together\n", cmd);
        return false;
    }
    if (t->cert_path && !cli_tls_set_creds(t, cmd, t->cert_path, t->key_path))
        return false;
    return load_flash(t, cmd);
}

void cli_tls_apply(const cli_tls_t *t, iotls_config_t *cfg)
{
    cfg->trust = t->trust;
    cfg->creds = t->creds;
    cfg->pins = t->pin_count ? t->pins : NULL;
    cfg->pin_count = t->pin_count;
    cfg->alpn = t->alpn_count ? t->alpn : NULL;
    cfg->alpn_count = t->alpn_count;
    cfg->crypto = t->crypto;
    /* The tools print the peer's identity in their reports. */
    cfg->report_peer_identity = true;
}

bool cli_read_session(const char *cmd, const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    size_t n;
    uint8_t *data = iotls_file_read(path, &n, &err);
    if (!data) {
        cli_print_error(cmd, &err);
        return false;
    }
    bool ok = n <= cap;
    if (ok)
        memcpy(buf, data, n);
    else
        fprintf(stderr, "iotls %s: '%s' is not a saved session (%zu bytes)\n", cmd, path, n);
    memset(data, 0, n);
    free(data);
    *len = ok ? n : 0;
    return ok;
}

const char cli_tls_help_time[] =
    "  --time T              check validity at T (Unix seconds or YYYY-MM-DD[THH:MM:SS])\n"
    "  --time-at-least T     devices without a clock: T (e.g. build time) is a lower\n"
    "                        bound; certificates expired before T are refused\n"
    "  --no-time-check       do not check validity dates (warns)\n"
    "  --chain-reorder BYTES accept a certificate chain sent out of order, holding up\n"
    "                        to BYTES of it to put it in order (default 0: refused)\n"
    "  --allow-weak-rsa      accept 1024-2047-bit RSA keys in chains (old devices; warns)\n"
    "  --alpn LIST           ALPN protocols, comma-separated (e.g. http/1.1,mqtt)\n"
    "  --crypto host|bearssl public-key work by OpenSSL's libcrypto (host, the\n"
    "                        default) or by BearSSL's own code (what devices run)\n";

const char cli_tls_help_flash[] =
    "  --flash IMAGE         read trust / credentials from a flash image (iotls flash):\n"
    "  --ca-sector N         sector of the CA bundle blob (0x3B or 59); N,M: the\n"
    "                        newest intact copy of an A/B pair (iotls flash write)\n"
    "  --creds-sector N      sector of the certificate + key blob (N,M as above)\n";

int cli_tls_option(cli_tls_t *t, iotls_config_t *cfg, const char *cmd, int opt, const char *arg)
{
    unsigned sector;
    switch (opt) {
    case 'C': return cli_tls_add_trust(t, cmd, arg, false) ? 1 : -1;
    case 't':
    case 'a':
        if (!cli_parse_time(cmd, arg, &cfg->now))
            return -1;
        cfg->time_policy = opt == 't' ? IOTLS_TIME_FIXED : IOTLS_TIME_AT_LEAST;
        return 1;
    case 'U': cfg->time_policy = IOTLS_TIME_UNCHECKED; return 1;
    case 'A': return cli_tls_set_alpn(t, cmd, arg) ? 1 : -1;
    case 'F': t->flash = arg; return 1;
    case 'c': t->cert_path = arg; return 1;
    case 'k': t->key_path = arg; return 1;
    case 'b': {
        size_t v;
        if (!cli_parse_size(arg, "--buffer", IOTLS_BUFFER_MIN, IOTLS_BUFFER_MAX, &v))
            return -1;
        cfg->buffer_size = v;
        return 1;
    }
    case 'H': cfg->half_duplex = true; return 1;
    case CLI_OPT_CRYPTO:
        if (strcmp(arg, "host") != 0 && strcmp(arg, "bearssl") != 0) {
            fprintf(stderr, "iotls %s: --crypto takes 'host' or 'bearssl', not '%s'\n", cmd, arg);
            return -1;
        }
        t->crypto = arg[0] == 'h' ? iotls_hostcrypto_provider() : NULL;
        return 1;
    case 'W': cfg->allow_weak_rsa = true; return 1;
    case 'O': {
        size_t v;
        if (!cli_parse_size(arg, "--chain-reorder", 0, IOTLS_CHAIN_REORDER_MAX, &v))
            return -1;
        cfg->chain_reorder_bytes = v;
        return 1;
    }
    case 's':
    case 'r':
        if (!flash_parse_sector_pair(arg, &sector,
                                     opt == 's' ? &t->ca_sector_b : &t->creds_sector_b))
            return -1;
        *(opt == 's' ? &t->ca_sector : &t->creds_sector) = (long)sector;
        return 1;
    default: return 0;
    }
}

int cli_client_option(cli_tls_t *t, iotls_conn_config_t *cfg, const char *cmd, int opt,
                      const char *arg)
{
    int shared = cli_tls_option(t, &cfg->tls, cmd, opt, arg);
    if (shared != 0)
        return shared;
    size_t v;
    switch (opt) {
    case 'Y': return cli_tls_add_trust(t, cmd, arg, true) ? 1 : -1;
    case 'P': return cli_tls_add_pin(t, cmd, arg) ? 1 : -1;
    case 'N': cfg->tls.no_name_check = true; return 1;
    case 'n': cfg->verify_name = arg; return 1;
    case 'R': cfg->mfl_policy = IOTLS_MFL_RETRY_FULL; return 1;
    case 'I': cfg->tls.insecure = true; return 1;
    case 'T':
        if (!cli_parse_size(arg, "--connect-timeout", 0, 3600000, &v))
            return -1;
        cfg->connect_timeout_ms = (uint32_t)v;
        return 1;
    case 'S':
        if (!cli_parse_size(arg, "--handshake-timeout", 0, 3600000, &v))
            return -1;
        cfg->handshake_timeout_ms = (uint32_t)v;
        return 1;
    case 'Q':
        if (!cli_parse_size(arg, "--send-queue", 256, 1u << 20, &v))
            return -1;
        cfg->send_queue = v;
        return 1;
    default: return 0;
    }
}

bool cli_tls_server_creds_given(const cli_tls_t *t, const char *cmd)
{
    bool flash_creds = t->flash && t->creds_sector >= 0;
    if (flash_creds || (t->cert_path && t->key_path))
        return true;
    fprintf(stderr, "iotls %s: --cert and --key (or --flash with --creds-sector) are required\n",
            cmd);
    return false;
}

int cli_server_option(cli_tls_t *t, iotls_config_t *cfg, const char *cmd, int opt, const char *arg)
{
    if (opt == 'Q') {
        t->require_client_cert = true;
        return 1;
    }
    return cli_tls_option(t, cfg, cmd, opt, arg);
}

bool cli_tls_load_server(cli_tls_t *t, iotls_config_t *cfg, const char *cmd)
{
    bool require = t->require_client_cert;
    if (!cli_tls_load(t, cmd))
        return false;
    cli_tls_apply(t, cfg);
    if (require && !t->trust) {
        fprintf(stderr, "iotls %s: --require-client-cert needs --client-ca FILE (or --ca-sector)\n",
                cmd);
        return false;
    }
    if (t->trust)
        cfg->client_auth = require ? IOTLS_CLIENT_AUTH_REQUIRE : IOTLS_CLIENT_AUTH_REQUEST;
    return true;
}
