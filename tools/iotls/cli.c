/* Shared helpers of the iotls subcommands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_parse_hostport(const char *arg, bool port_only_ok, char *host, size_t host_len,
                        uint16_t *port)
{
    const char *colon, *port_str, *start = arg;
    size_t hlen;
    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (!close || close[1] != ':') {
            fprintf(stderr, "iotls: '%s': expected [IPv6]:PORT\n", arg);
            return false;
        }
        start = arg + 1;
        hlen = (size_t)(close - start);
        port_str = close + 2;
    } else if ((colon = strrchr(arg, ':')) != NULL) {
        hlen = (size_t)(colon - arg);
        port_str = colon + 1;
    } else if (port_only_ok) {
        hlen = 0;
        port_str = arg;
    } else {
        fprintf(stderr, "iotls: '%s': expected HOST:PORT\n", arg);
        return false;
    }
    if (hlen >= host_len) {
        fprintf(stderr, "iotls: host name too long\n");
        return false;
    }
    memcpy(host, start, hlen);
    host[hlen] = '\0';
    size_t p;
    if (!cli_parse_size(port_str, "port", port_only_ok ? 0 : 1, 65535, &p))
        return false;
    *port = (uint16_t)p;
    return true;
}

bool cli_parse_size(const char *arg, const char *what, size_t min, size_t max, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
        fprintf(stderr, "iotls: %s must be a number from %zu to %zu, not '%s'\n", what, min, max,
                arg);
        return false;
    }
    *out = (size_t)v;
    return true;
}

void cli_print_error(const char *cmd, const iotls_error_t *err)
{
    fprintf(stderr, "iotls %s: error (%s): %s [%s]\n", cmd,
            iotls_error_class_name(iotls_error_class(err->code)), err->text,
            iotls_error_code_name(err->code));
}

bool cli_load_creds(const char *cmd, const char *cert, const char *key, iotls_creds_t **out)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    *out = iotls_creds_new();
    if (*out && iotls_creds_load_files(*out, cert, key, &err) >= 0)
        return true;
    if (!*out)
        iotls_error_set(&err, IOTLS_ERR_NO_MEMORY, "out of memory");
    cli_print_error(cmd, &err);
    iotls_creds_free(*out);
    *out = NULL;
    return false;
}

void cli_print_report(const char *prefix, iotls_conn_t *c, const iotls_report_t *r)
{
    char text[2048];
    iotls_report_format(r, prefix, text, sizeof text);
    fputs(text, stderr);
    fprintf(stderr, "%sconnection memory: %zu bytes (session block + connection + send queue)\n",
            prefix, iotls_conn_memory(c));
    if (r->role == IOTLS_ROLE_CLIENT) {
        iotls_mfl_outcome_t o = iotls_conn_mfl_outcome(c);
        fprintf(stderr, "%sbuffer retry:    %s\n", prefix,
                o == IOTLS_MFL_OUTCOME_RETRIED
                    ? "yes: server ignored max_fragment_length, reconnected with 16384"
                : o == IOTLS_MFL_OUTCOME_REMEMBERED
                    ? "no: server known to ignore max_fragment_length, started with 16384"
                    : "no");
    }
}
