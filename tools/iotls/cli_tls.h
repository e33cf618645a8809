/* TLS options shared by `iotls connect` and `iotls listen`: trust and
 * credentials from files or a flash image, pins, time policy, ALPN. Each
 * parser prints its own message and returns false on bad input. */
#ifndef IOTLS_TOOL_CLI_TLS_H
#define IOTLS_TOOL_CLI_TLS_H

#include <stdbool.h>

#include "iotls/net.h"

#define CLI_MAX_PINS 8
#define CLI_MAX_ALPN 8

/* Everything the options name, owned here and freed by cli_tls_free. */
typedef struct {
    iotls_trust_t *trust;
    iotls_creds_t *creds;
    iotls_pin_t pins[CLI_MAX_PINS];
    size_t pin_count;
    char alpn_buf[256];
    const char *alpn[CLI_MAX_ALPN];
    size_t alpn_count;
    const char *cert_path, *key_path; /* --cert / --key */
    /* --flash IMAGE with --ca-sector / --creds-sector (-1 = not given);
     * the *_b sectors name the second slot of an A/B pair (-1 = none) */
    const char *flash;
    long ca_sector, creds_sector;
    long ca_sector_b, creds_sector_b;
    /* --crypto: who does the public-key work (default: the host provider,
     * OpenSSL's libcrypto; NULL = BearSSL's own code). */
    const struct iotls_crypto_provider *crypto;
    bool require_client_cert; /* servers: --require-client-cert */
} cli_tls_t;

void cli_tls_init(cli_tls_t *t);
void cli_tls_free(cli_tls_t *t);

/* Add the anchors of a PEM/DER file (directly trusted when self_signed). */
bool cli_tls_add_trust(cli_tls_t *t, const char *cmd, const char *path, bool self_signed);
bool cli_tls_set_creds(cli_tls_t *t, const char *cmd, const char *cert, const char *key);
/* --pin: sha256//BASE64 or 64 hex digits. */
bool cli_tls_add_pin(cli_tls_t *t, const char *cmd, const char *text);
/* --alpn h2,http/1.1 */
bool cli_tls_set_alpn(cli_tls_t *t, const char *cmd, const char *list);
/* Unix seconds, or YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS (UTC). */
bool cli_parse_time(const char *cmd, const char *text, int64_t *out);
/* Load --cert/--key, then the sectors --flash names, into trust / creds. */
bool cli_tls_load(cli_tls_t *t, const char *cmd);
/* Point a session configuration at what was loaded. */
void cli_tls_apply(const cli_tls_t *t, iotls_config_t *cfg);

/* getopt code of --crypto (beyond every command's letters). */
#define CLI_OPT_CRYPTO 0x4301

/* Options both commands take, for their getopt_long tables; TRUST is the
 * name of the trust-file option ("ca" for connect, "client-ca" for listen). */
#define CLI_TLS_LONG_OPTIONS(TRUST)                                                                \
    {TRUST, required_argument, NULL, 'C'}, {"time", required_argument, NULL, 't'},                 \
        {"time-at-least", required_argument, NULL, 'a'},                                           \
        {"no-time-check", no_argument, NULL, 'U'}, {"alpn", required_argument, NULL, 'A'},         \
        {"flash", required_argument, NULL, 'F'}, {"ca-sector", required_argument, NULL, 's'},      \
        {"creds-sector", required_argument, NULL, 'r'}, {"cert", required_argument, NULL, 'c'},    \
        {"key", required_argument, NULL, 'k'}, {"buffer", required_argument, NULL, 'b'},           \
        {"crypto", required_argument, NULL, CLI_OPT_CRYPTO},                                       \
        {"chain-reorder", required_argument, NULL, 'O'},                                           \
        {"allow-weak-rsa", no_argument, NULL, 'W'},                                                \
    {                                                                                              \
        "half-duplex", no_argument, NULL, 'H'                                                      \
    }

/* Handle one of those options: 1 handled, 0 not one of them, -1 bad value
 * (message printed). */
int cli_tls_option(cli_tls_t *t, iotls_config_t *cfg, const char *cmd, int opt, const char *arg);

/* Options of the commands that verify a server (connect, get): the shared
 * ones with --ca, then trust beyond --ca, pins, names, MFL retry, insecure
 * mode, timeouts. */
#define CLI_CLIENT_LONG_OPTIONS                                                                    \
    CLI_TLS_LONG_OPTIONS("ca"), {"servername", required_argument, NULL, 'n'},                      \
        {"mfl-retry", no_argument, NULL, 'R'}, {"insecure", no_argument, NULL, 'I'},               \
        {"connect-timeout", required_argument, NULL, 'T'},                                         \
        {"handshake-timeout", required_argument, NULL, 'S'},                                       \
        {"trust-self-signed", required_argument, NULL, 'Y'},                                       \
        {"pin", required_argument, NULL, 'P'},                                                     \
    {                                                                                              \
        "no-name-check", no_argument, NULL, 'N'                                                    \
    }

/* --send-queue BYTES, handled by cli_client_option. Each command places it
 * in its own table: getopt lists ambiguous abbreviations in table order. */
#define CLI_SEND_QUEUE_OPTION                                                                      \
    {                                                                                              \
        "send-queue", required_argument, NULL, 'Q'                                                 \
    }

/* Handle one of CLI_TLS_LONG_OPTIONS, CLI_CLIENT_LONG_OPTIONS or
 * CLI_SEND_QUEUE_OPTION (--servername sets cfg->verify_name): 1 handled, 0
 * not one of them, -1 bad value. */
int cli_client_option(cli_tls_t *t, iotls_conn_config_t *cfg, const char *cmd, int opt,
                      const char *arg);

/* Options both servers (listen, serve) take: the shared ones with
 * --client-ca, and --require-client-cert. */
#define CLI_SERVER_LONG_OPTIONS                                                                    \
    CLI_TLS_LONG_OPTIONS("client-ca"),                                                             \
    {                                                                                              \
        "require-client-cert", no_argument, NULL, 'Q'                                              \
    }

/* Handle one of CLI_SERVER_LONG_OPTIONS: 1 handled, 0 not one of them, -1
 * bad value (message printed). */
int cli_server_option(cli_tls_t *t, iotls_config_t *cfg, const char *cmd, int opt, const char *arg);

/* Servers (listen, serve): were --cert and --key (or --flash with
 * --creds-sector) given? false after saying they are required. */
bool cli_tls_server_creds_given(const cli_tls_t *t, const char *cmd);

/* Servers (listen, serve): cli_tls_load, cli_tls_apply, then ask clients
 * for certificates when trust was loaded (require them with
 * --require-client-cert). false (message printed) on a load error, or
 * --require-client-cert without --client-ca / --ca-sector. */
bool cli_tls_load_server(cli_tls_t *t, iotls_config_t *cfg, const char *cmd);

/* Help lines for the shared time / ALPN / flash options. */
extern const char cli_tls_help_time[];
extern const char cli_tls_help_flash[];

/* Read a saved session file (written mode 0600 with prov_write_file: it
 * holds the session's master secret). */
bool cli_read_session(const char *cmd, const char *path, uint8_t *buf, size_t cap, size_t *len);

#endif
