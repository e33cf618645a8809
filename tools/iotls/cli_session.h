/* Client sessions kept in a flash image's sector (`--flash IMAGE
 * --session-sector N`), shared by iotls connect and iotls get. */
#ifndef IOTLS_TOOL_CLI_SESSION_H
#define IOTLS_TOOL_CLI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Save through a locked copy renamed over the image (a kill mid-save does
 * not cost the CA and credentials beside it). false after printing why. */
bool cli_session_flash_save(const char *cmd, const char *flash, unsigned sector,
                            const uint8_t *data, size_t len, const char *host);

/* The session saved there, or 0 bytes: a missing or damaged session only
 * costs a full handshake (said on stderr when verbose). */
size_t cli_session_flash_load(const char *cmd, const char *flash, unsigned sector, uint8_t *buf,
                              size_t cap, bool verbose);

#endif
