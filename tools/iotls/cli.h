/* Shared pieces of the iotls subcommands: addresses, numbers, credentials,
 * and the one-line error format. */
#ifndef IOTLS_TOOL_CLI_H
#define IOTLS_TOOL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/net.h"

/* "host:port", "[v6]:port", or (listen) "port". host gets "" for a bare
 * port. Returns false with a message on stderr. */
bool cli_parse_hostport(const char *arg, bool port_only_ok, char *host, size_t host_len,
                        uint16_t *port);

/* Unsigned number in [min, max]; false with a message naming `what`. */
bool cli_parse_size(const char *arg, const char *what, size_t min, size_t max, size_t *out);

/* "iotls: error (certificate): certificate 'CN=x' ..." on stderr. */
void cli_print_error(const char *cmd, const iotls_error_t *err);

/* Load credentials from files; false after printing the error. */
bool cli_load_creds(const char *cmd, const char *cert, const char *key, iotls_creds_t **out);

/* Print a connection's report with memory and retry facts, each line
 * prefixed. */
void cli_print_report(const char *prefix, iotls_conn_t *c, const iotls_report_t *r);

#endif
