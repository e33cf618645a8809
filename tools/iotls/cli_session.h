/* Client sessions of iotls connect and iotls get: the options that name
 * them (--session-in/out FILE, --session-sector N) and sessions kept in a
 * flash image's sector (`--flash IMAGE --session-sector N`). */
#ifndef IOTLS_TOOL_CLI_SESSION_H
#define IOTLS_TOOL_CLI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/tls.h"

/* What the session options name, and the session offered for resumption. */
typedef struct {
    const char *in, *out; /* --session-in / --session-out FILE, or NULL */
    long sector;          /* --session-sector N; -1: none */
    uint8_t resume[IOTLS_SAVED_SESSION_MAX];
} cli_session_opts_t;

void cli_session_opts_init(cli_session_opts_t *s);

/* The session options, for the commands' getopt_long tables. */
#define CLI_SESSION_LONG_OPTIONS                                                                   \
    {"session-out", required_argument, NULL, 'o'}, {"session-in", required_argument, NULL, 'i'},   \
    {                                                                                              \
        "session-sector", required_argument, NULL, 'e'                                             \
    }

/* Handle one of them: 1 handled, 0 not one of them, -1 bad value (message
 * printed). */
int cli_session_option(cli_session_opts_t *s, int opt, const char *arg);

/* After cli_tls_load: point cfg at the session to offer (--session-in,
 * else the one saved in --session-sector of `flash`, if any). false
 * (message printed) when the file is unreadable or --session-sector came
 * without --flash. */
bool cli_session_resume(cli_session_opts_t *s, const char *cmd, const char *flash,
                        iotls_config_t *cfg, bool verbose);

/* Save through a locked copy renamed over the image (a kill mid-save does
 * not cost the CA and credentials beside it). false after printing why. */
bool cli_session_flash_save(const char *cmd, const char *flash, unsigned sector,
                            const uint8_t *data, size_t len, const char *host);

/* The session saved there, or 0 bytes: a missing or damaged session only
 * costs a full handshake (said on stderr when verbose). */
size_t cli_session_flash_load(const char *cmd, const char *flash, unsigned sector, uint8_t *buf,
                              size_t cap, bool verbose);

#endif
