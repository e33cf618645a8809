/* iotls get — an HTTPS client by URL, verified like `iotls connect`:
 * the body goes to stdout; several URLs share one kept-alive connection. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_session.h"
#include "cli_tls.h"
#include "commands.h"
#include "prov.h"
#include "iotls/http.h"

#define CMD "get"
#define GET_MAX_HEADERS 32

struct get_state {
    iotls_loop_t *loop;
    iotls_http_client_t *cl;
    char **urls;
    int url_count, next;
    const char *method;
    const char *const *headers;
    size_t header_count;
    const void *body;
    size_t body_len;
    bool verbose;
    int exit_code;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: iotls get [OPTIONS] URL [URL...]\n"
            "\n"
            "HTTPS request(s); response bodies go to stdout. The server is verified\n"
            "(chain, validity, host name) unless --insecure. Several URLs to the same\n"
            "host reuse one kept-alive connection; a new connection to a host resumes\n"
            "the TLS session of the previous one. Redirects are not followed.\n"
            "Exit status: 0 for 1xx-3xx answers, 22 when any answer is 4xx/5xx, 1 on\n"
            "a connection or TLS error, 2 for bad usage.\n"
            "\n"
            "  -X, --request METHOD  GET (default; POST with --data), PUT, DELETE, HEAD...\n"
            "  -d, --data DATA       request body; @FILE reads it from FILE\n"
            "  -H, --header 'N: V'   extra request header (repeatable)\n"
            "  -v, --verbose         TLS report and response headers on stderr\n"
            "Trust and credentials (as iotls connect):\n"
            "  --ca FILE, --trust-self-signed FILE, --pin PIN, --servername NAME,\n"
            "  --no-name-check, --cert FILE, --key FILE, --insecure (testing only; warns)\n"
            "%s"
            "%s"
            "  --session-in FILE     offer a saved session for the first connection\n"
            "  --session-out FILE    save the last session (mode 0600: master secret)\n"
            "  --session-sector N    with --flash: resume from the session saved in that\n"
            "                        sector (if any) and save the new one there\n"
            "  --send-queue BYTES    plaintext waiting for the wire (default 16384)\n"
            "  --buffer BYTES        record buffer 512..16384 (below 16384: asks for MFL)\n"
            "  --half-duplex         one buffer for both directions\n"
            "  --mfl-retry           reconnect once with 16384 if the server ignores MFL\n"
            "  --connect-timeout MS, --handshake-timeout MS, --timeout MS (idle, 30000)\n"
            "  -h, --help            this text\n",
            cli_tls_help_time, cli_tls_help_flash);
}

static void start_next(struct get_state *st);

static void on_response(iotls_http_client_t *cl, const iotls_http_response_t *r, void *user)
{
    struct get_state *st = user;
    if (r->status >= 400)
        st->exit_code = 22;
    if (!st->verbose)
        return;
    if (!r->reused && r->tls && r->conn) {
        fprintf(stderr, "iotls get: connected to %s\n", iotls_conn_peer(r->conn));
        cli_print_report("  ", r->conn, r->tls);
    } else if (r->reused) {
        fprintf(stderr, "iotls get: reused the kept-alive connection\n");
    }
    fprintf(stderr, "< HTTP/1.%d %d %s\n", r->version_minor, r->status, r->reason);
    for (size_t i = 0; i < r->header_count; i++)
        fprintf(stderr, "< %s: %s\n", r->header_names[i], r->header_values[i]);
}

static void on_body(iotls_http_client_t *cl, const uint8_t *d, size_t n, void *user)
{
    fwrite(d, 1, n, stdout);
}

static void on_done(iotls_http_client_t *cl, const iotls_error_t *err, void *user)
{
    struct get_state *st = user;
    fflush(stdout);
    if (err) {
        cli_print_error(CMD, err);
        st->exit_code = 1;
        return;
    }
    start_next(st);
}

static void start_next(struct get_state *st)
{
    static const iotls_http_client_callbacks_t cb = {on_response, on_body, on_done};
    if (st->next >= st->url_count) {
        iotls_http_client_close_idle(st->cl);
        return;
    }
    const char *url = st->urls[st->next++];
    if (st->verbose)
        fprintf(stderr, "> %s %s\n", st->method, url);
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_http_client_request(st->cl, st->method, url, st->headers, st->header_count, st->body,
                                  st->body_len, &cb, st, &err) < 0) {
        cli_print_error(CMD, &err);
        st->exit_code = 1;
    }
}

int cmd_get(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_CLIENT_LONG_OPTIONS,
        /* Not 'W': that is --allow-weak-rsa of CLI_CLIENT_LONG_OPTIONS. */
        {"timeout", required_argument, NULL, 'w'},
        CLI_SESSION_LONG_OPTIONS,
        CLI_SEND_QUEUE_OPTION,
        {"request", required_argument, NULL, 'X'},
        {"data", required_argument, NULL, 'd'},
        {"header", required_argument, NULL, 'E'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct get_state st = {.method = NULL};
    const char *headers[GET_MAX_HEADERS];
    const char *data = NULL;
    cli_session_opts_t session;
    cli_session_opts_init(&session);
    uint8_t *file_body = NULL;
    cli_tls_t tls;
    cli_tls_init(&tls);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.idle_timeout_ms = 30000;
    size_t v;
    int rc = 2, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "vhX:d:H:", opts, NULL)) != -1) {
        /* -H HEADER and --half-duplex share the code 'H'; only -H has an
         * argument (getopt clears optarg for options without one). */
        if (opt == 'H' && optarg)
            opt = 'E';
        int shared = cli_client_option(&tls, &cfg, CMD, opt, optarg);
        if (shared == 0)
            shared = cli_session_option(&session, opt, optarg);
        if (shared < 0)
            goto out;
        if (shared > 0)
            continue;
        switch (opt) {
        case 'w':
            if (!cli_parse_size(optarg, "--timeout", 0, 3600000, &v))
                goto out;
            cfg.idle_timeout_ms = (uint32_t)v;
            break;
        case 'X': st.method = optarg; break;
        case 'd': data = optarg; break;
        case 'E':
            if (st.header_count == GET_MAX_HEADERS) {
                fprintf(stderr, "iotls get: at most %d headers\n", GET_MAX_HEADERS);
                goto out;
            }
            headers[st.header_count++] = optarg;
            break;
        case 'v': st.verbose = true; break;
        case 'h':
            rc = 0;
            usage(stdout);
            goto out;
        default: usage(stderr); goto out;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        goto out;
    }
    st.urls = argv + optind;
    st.url_count = argc - optind;
    st.headers = headers;
    if (!st.method)
        st.method = data ? "POST" : "GET";
    rc = 1;
    if (data && data[0] == '@') {
        iotls_error_t ferr;
        iotls_error_clear(&ferr);
        file_body = iotls_file_read(data + 1, &st.body_len, &ferr);
        if (!file_body) {
            cli_print_error(CMD, &ferr);
            goto out;
        }
        st.body = file_body;
    } else if (data) {
        st.body = data;
        st.body_len = strlen(data);
    }
    if (!cli_tls_load(&tls, CMD))
        goto out;
    cli_tls_apply(&tls, &cfg.tls);
    if (!cli_session_resume(&session, CMD, tls.flash, &cfg.tls, st.verbose))
        goto out;
    signal(SIGPIPE, SIG_IGN);
    iotls_error_t err;
    iotls_error_clear(&err);
    st.loop = iotls_loop_new(&err);
    if (st.loop)
        st.cl = iotls_http_client_new(st.loop, &cfg, &err);
    if (!st.cl) {
        cli_print_error(CMD, &err);
    } else {
        start_next(&st);
        iotls_loop_run(st.loop);
        rc = st.exit_code;
        if (session.out || session.sector >= 0) {
            uint8_t saved[IOTLS_SAVED_SESSION_MAX];
            size_t n = iotls_http_client_session(st.cl, saved, sizeof saved);
            bool ok = n > 0;
            if (!ok)
                fprintf(stderr, "iotls get: no session to save\n");
            if (ok && session.out)
                ok = prov_write_file(CMD, session.out, saved, n, 0600, false);
            if (ok && session.sector >= 0)
                ok = cli_session_flash_save(CMD, tls.flash, (unsigned)session.sector, saved, n,
                                            iotls_http_client_host(st.cl));
            if (!ok)
                rc = 1;
            memset(saved, 0, sizeof saved);
        }
    }
    iotls_http_client_free(st.cl);
    iotls_loop_free(st.loop);
out:
    free(file_body);
    cli_tls_free(&tls);
    return rc;
}
