/* iotls listen — a TLS echo server: every connection gets back what it
 * sends. Many connections at once, each with its own session. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_tls.h"
#include "commands.h"

#define CMD "listen"
/* What an echo connection may hold beyond its send queue before it stops
 * reading (hold) until the peer drains its replies. */
#define ECHO_BACKLOG_MAX 65536
#define MAX_SNI_CERTS 8

struct listen_state {
    bool verbose;
    unsigned long served;
};

struct echo {
    struct listen_state *ls;
    uint8_t *backlog; /* received bytes the send queue had no room for */
    size_t backlog_len;
};

/* --sni-cert NAME,CERT,KEY: extra credentials chosen by SNI. */
struct sni_certs {
    iotls_sni_creds_t entries[MAX_SNI_CERTS];
    char names[MAX_SNI_CERTS][256];
    size_t count;
};

static bool add_sni_cert(struct sni_certs *sc, const char *arg)
{
    char buf[1024];
    if (sc->count == MAX_SNI_CERTS || strlen(arg) >= sizeof buf) {
        fprintf(stderr, "iotls listen: at most %d --sni-cert options\n", MAX_SNI_CERTS);
        return false;
    }
    memcpy(buf, arg, strlen(arg) + 1);
    char *cert = strchr(buf, ',');
    char *key = cert ? strchr(cert + 1, ',') : NULL;
    if (!cert || !key || cert == buf || (size_t)(cert - buf) >= sizeof sc->names[0]) {
        fprintf(stderr, "iotls listen: --sni-cert takes NAME,CERT,KEY (not '%s')\n", arg);
        return false;
    }
    *cert++ = '\0';
    *key++ = '\0';
    iotls_creds_t *creds;
    if (!cli_load_creds(CMD, cert, key, &creds))
        return false;
    memcpy(sc->names[sc->count], buf, strlen(buf) + 1);
    sc->entries[sc->count].name = sc->names[sc->count];
    sc->entries[sc->count].creds = creds;
    sc->count++;
    return true;
}

static void free_sni_certs(struct sni_certs *sc)
{
    for (size_t i = 0; i < sc->count; i++)
        iotls_creds_free((iotls_creds_t *)sc->entries[i].creds);
}

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
            "  --max-conns N      live connections at most (default 64); a new one at the\n"
            "                     cap evicts the oldest connection still in its handshake\n"
            "                     (refused only when all have completed it); one log line\n"
            "                     every 10 s at most while full\n"
            "  --max-per-addr N   live connections from one IP address at most (default:\n"
            "                     no such cap)\n"
            "  --handshake-timeout MS  end handshakes not done by then (default 15000;\n"
            "                     0 = never)\n"
            "  --idle-timeout MS  close connections silent this long (default 120000;\n"
            "                     0 = never)\n"
            "  --sni-cert NAME,CERT,KEY  other credentials for clients asking for NAME\n"
            "                     (SNI; NAME may be *.example.com); repeatable\n"
            "  --client-ca FILE   ask clients for a certificate issued by these CAs\n"
            "                     (verified; the report shows the client's identity)\n"
            "  --require-client-cert  refuse clients without one (default with\n"
            "                     --client-ca: ask, accept clients without)\n"
            "  --session-cache BYTES  resume returning clients' sessions (default 32768\n"
            "                     bytes, about 320 sessions; 0 = off)\n"
            "%s%s"
            "  -v, --verbose      log each connection and its handshake report\n"
            "  -h, --help         this text\n",
            cli_tls_help_time, cli_tls_help_flash);
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
    /* Evictions are summed up by the listener's own rate-limited line: one
     * line each would let a flood fill the log. */
    if (err->code == IOTLS_ERR_TOO_MANY_CONNECTIONS && !(e && e->ls->verbose)) {
        echo_free(e);
        return;
    }
    char who[128];
    snprintf(who, sizeof who, "%s %s", CMD, iotls_conn_peer(c));
    cli_print_error(who, err);
    echo_free(user);
}

int cmd_listen(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_SERVER_LONG_OPTIONS,
        {"session-cache", required_argument, NULL, 'S'},
        {"sni-cert", required_argument, NULL, 'n'},
        {"max-conns", required_argument, NULL, 'm'},
        {"idle-timeout", required_argument, NULL, 'i'},
        /* Not 'H' nor 'A': --half-duplex and --alpn of CLI_SERVER_LONG_OPTIONS. */
        {"handshake-timeout", required_argument, NULL, 'T'},
        {"max-per-addr", required_argument, NULL, 'p'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct listen_state ls = {0};
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    size_t v, max_conns = 64, max_per_addr = 0, cache_bytes = 32768;
    cli_tls_t tls;
    cli_tls_init(&tls);
    struct sni_certs sni = {0};
    iotls_session_cache_t *cache = NULL;
    iotls_loop_t *loop = NULL;
    int rc = 2, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        int shared = cli_server_option(&tls, &cfg.tls, CMD, opt, optarg);
        if (shared < 0)
            goto out;
        if (shared > 0)
            continue;
        switch (opt) {
        case 'S':
            if (!cli_parse_size(optarg, "--session-cache", 0, 1u << 30, &cache_bytes))
                goto out;
            break;
        case 'n':
            if (!add_sni_cert(&sni, optarg))
                goto out;
            break;
        case 'm':
            if (!cli_parse_size(optarg, "--max-conns", 1, 100000, &max_conns))
                goto out;
            break;
        case 'i':
            if (!cli_parse_size(optarg, "--idle-timeout", 0, 86400000, &v))
                goto out;
            cfg.idle_timeout_ms = v ? (uint32_t)v : IOTLS_TIMEOUT_NEVER;
            break;
        case 'T':
            if (!cli_parse_size(optarg, "--handshake-timeout", 0, 3600000, &v))
                goto out;
            cfg.handshake_timeout_ms = v ? (uint32_t)v : IOTLS_TIMEOUT_NEVER;
            break;
        case 'p':
            if (!cli_parse_size(optarg, "--max-per-addr", 0, 100000, &max_per_addr))
                goto out;
            break;
        case 'v': ls.verbose = true; break;
        case 'h':
            rc = 0;
            usage(stdout);
            goto out;
        default: usage(stderr); goto out;
        }
    }
    /* Missing credentials are named even when the address is wrong too. */
    if (!cli_tls_server_creds_given(&tls, CMD) || optind != argc - 1) {
        usage(stderr);
        goto out;
    }
    char host[256];
    uint16_t port;
    if (!cli_parse_hostport(argv[optind], true, host, sizeof host, &port))
        goto out;

    rc = 1;
    if (!cli_tls_load_server(&tls, &cfg.tls, CMD))
        goto out;
    cfg.tls.sni_creds = sni.count ? sni.entries : NULL;
    cfg.tls.sni_creds_count = sni.count;
    iotls_error_t err;
    iotls_error_clear(&err);
    if (cache_bytes) {
        cache = iotls_session_cache_new(cache_bytes, &err);
        if (!cache) {
            cli_print_error(CMD, &err);
            goto out;
        }
        cfg.tls.session_cache = cache;
    }
    signal(SIGPIPE, SIG_IGN);

    loop = iotls_loop_new(&err);
    iotls_listener_t *l = NULL;
    if (loop) {
        iotls_listener_callbacks_t cb = {
            on_accepted, {on_connected, on_received, on_sent, on_disconnected, on_error}};
        l = iotls_listener_new(loop, host[0] ? host : NULL, port, (unsigned)max_conns, &cfg, &cb,
                               &ls, &err);
    }
    if (!l) {
        cli_print_error(CMD, &err);
    } else {
        iotls_listener_set_max_per_address(l, (unsigned)max_per_addr);
        fprintf(stderr, "listening on %s:%u\n", host[0] ? host : "*", iotls_listener_port(l));
        rc = iotls_loop_run(loop) == 0 ? 0 : 1;
        iotls_listener_free(l);
    }
out:
    iotls_loop_free(loop);
    iotls_session_cache_free(cache);
    free_sni_certs(&sni);
    cli_tls_free(&tls);
    return rc;
}
