/* iotls listen — a TLS echo server: every connection gets back what it
 * sends. Many connections at once, each with its own session. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#define CMD "listen"
/* What an echo connection may hold beyond its send queue before it stops
 * reading (hold) until the peer drains its replies. */
#define ECHO_BACKLOG_MAX 65536

struct listen_state {
    bool verbose;
    unsigned long served;
};

struct echo {
    struct listen_state *ls;
    uint8_t *backlog; /* received bytes the send queue had no room for */
    size_t backlog_len;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: iotls listen --cert FILE --key FILE [OPTIONS] [HOST:]PORT\n"
            "\n"
            "Accept TLS connections and echo back what each one sends. Runs until\n"
            "killed. Prints \"listening on HOST:PORT\" on stderr once ready (PORT 0\n"
            "picks a free port and prints it).\n"
            "\n"
            "  --cert FILE        server certificate chain (PEM, leaf first)\n"
            "  --key FILE         its private key (PEM: PKCS#8, SEC1 or PKCS#1)\n"
            "  --buffer BYTES     record buffer per connection, 512..16384 (default 16384;\n"
            "                     smaller only serves clients that ask max_fragment_length)\n"
            "  --half-duplex      one buffer for both directions (less RAM)\n"
            "  --max-conns N      live connections at most (default 64); more are refused\n"
            "  --idle-timeout MS  close connections silent this long (default: never)\n"
            "  -v, --verbose      log each connection and its handshake report\n"
            "  -h, --help         this text\n");
}

static void *on_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    struct echo *e = calloc(1, sizeof *e);
    if (!e) {
        iotls_conn_abort(c);
        return NULL;
    }
    e->ls = user;
    return e;
}

static void echo_free(struct echo *e)
{
    if (e) {
        free(e->backlog);
        free(e);
    }
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    struct echo *e = user;
    e->ls->served++;
    if (e->ls->verbose) {
        fprintf(stderr, "iotls listen: %s connected\n", iotls_conn_peer(c));
        cli_print_report("  ", c, r);
    }
}

/* Queue what fits; keep the rest (bounded) and stop reading until `sent`. */
static void echo_bytes(iotls_conn_t *c, struct echo *e, const uint8_t *data, size_t len)
{
    size_t room = iotls_conn_send_space(c);
    size_t now = e->backlog_len == 0 ? (len < room ? len : room) : 0;
    if (now > 0 && iotls_conn_send(c, data, now, NULL) < 0)
        now = 0;
    if (now == len)
        return;
    size_t rest = len - now;
    if (e->backlog_len + rest > ECHO_BACKLOG_MAX) {
        fprintf(stderr, "iotls listen: %s sends faster than it reads; closing\n",
                iotls_conn_peer(c));
        iotls_conn_close(c);
        return;
    }
    uint8_t *bigger = realloc(e->backlog, e->backlog_len + rest);
    if (!bigger) {
        iotls_conn_close(c);
        return;
    }
    memcpy(bigger + e->backlog_len, data + now, rest);
    e->backlog = bigger;
    e->backlog_len += rest;
    iotls_conn_hold(c);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    echo_bytes(c, user, data, len);
}

static void on_sent(iotls_conn_t *c, void *user)
{
    struct echo *e = user;
    if (e->backlog_len == 0)
        return;
    size_t room = iotls_conn_send_space(c);
    size_t n = e->backlog_len < room ? e->backlog_len : room;
    if (n > 0 && iotls_conn_send(c, e->backlog, n, NULL) >= 0) {
        memmove(e->backlog, e->backlog + n, e->backlog_len - n);
        e->backlog_len -= n;
    }
    if (e->backlog_len == 0)
        iotls_conn_unhold(c);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    struct echo *e = user;
    if (e && e->ls->verbose)
        fprintf(stderr, "iotls listen: %s closed cleanly\n", iotls_conn_peer(c));
    echo_free(e);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    struct echo *e = user;
    fprintf(stderr, "iotls listen: %s: error (%s): %s [%s]\n", iotls_conn_peer(c),
            iotls_error_class_name(iotls_error_class(err->code)), err->text,
            iotls_error_code_name(err->code));
    echo_free(e);
}

int cmd_listen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"cert", required_argument, NULL, 'c'},
        {"key", required_argument, NULL, 'k'},
        {"buffer", required_argument, NULL, 'b'},
        {"half-duplex", no_argument, NULL, 'H'},
        {"max-conns", required_argument, NULL, 'm'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cert = NULL, *key = NULL;
    struct listen_state ls = {0};
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    size_t v, max_conns = 64;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        case 'b':
            if (!cli_parse_size(optarg, "--buffer", IOTLS_BUFFER_MIN, IOTLS_BUFFER_MAX, &v))
                return 2;
            cfg.tls.buffer_size = v;
            break;
        case 'H': cfg.tls.half_duplex = true; break;
        case 'm':
            if (!cli_parse_size(optarg, "--max-conns", 1, 100000, &max_conns))
                return 2;
            break;
        case 'i':
            if (!cli_parse_size(optarg, "--idle-timeout", 0, 86400000, &v))
                return 2;
            cfg.idle_timeout_ms = (uint32_t)v;
            break;
        case 'v': ls.verbose = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1 || !cert || !key) {
        if (!cert || !key)
            fprintf(stderr, "iotls listen: --cert and --key are required\n");
        usage(stderr);
        return 2;
    }
    char host[256];
    uint16_t port;
    if (!cli_parse_hostport(argv[optind], true, host, sizeof host, &port))
        return 2;

    iotls_creds_t *creds = NULL;
    if (!cli_load_creds(CMD, cert, key, &creds))
        return 1;
    cfg.tls.creds = creds;
    signal(SIGPIPE, SIG_IGN);

    int rc = 1;
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *loop = iotls_loop_new(&err);
    iotls_listener_t *l = NULL;
    if (loop) {
        iotls_listener_callbacks_t cb = {
            on_accepted, {on_connected, on_received, on_sent, on_disconnected, on_error}};
        l = iotls_listener_new(loop, host[0] ? host : NULL, port, (unsigned)max_conns, &cfg,
                               &cb, &ls, &err);
    }
    if (!l) {
        cli_print_error(CMD, &err);
    } else {
        fprintf(stderr, "listening on %s:%u\n", host[0] ? host : "*",
                iotls_listener_port(l));
        rc = iotls_loop_run(loop) == 0 ? 0 : 1;
        iotls_listener_free(l);
    }
    iotls_loop_free(loop);
    iotls_creds_free(creds);
    return rc;
}
