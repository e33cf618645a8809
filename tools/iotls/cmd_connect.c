/* iotls connect — like `openssl s_client -quiet`: stdin goes over TLS,
 * received data goes to stdout, verified by default. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

#define CMD "connect"

struct connect_state {
    iotls_loop_t *loop;
    iotls_conn_t *conn;
    iotls_fd_watch_t *in_watch;
    iotls_timer_t *linger;
    bool stdin_is_file; /* regular file: read it whenever there is room */
    bool stdin_eof;
    bool verbose;
    long linger_ms;
    int exit_code;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: iotls connect [OPTIONS] HOST:PORT\n"
            "\n"
            "Open a TLS connection, send stdin, write what arrives to stdout.\n"
            "The server certificate is verified (chain, validity, host name) unless\n"
            "--insecure is given. Exit status 0 on a clean close, 1 on any error.\n"
            "\n"
            "  --ca FILE             trust anchors: PEM file with one or more CA certificates\n"
            "  --cert FILE           client certificate chain (PEM), sent if the server asks\n"
            "  --key FILE            private key for --cert (PEM: PKCS#8, SEC1 or PKCS#1)\n"
            "  --servername NAME     name to send as SNI and check in the certificate\n"
            "                        (default: HOST; IP literals are checked against IP SANs\n"
            "                        and send no SNI)\n"
            "  --buffer BYTES        record buffer, 512..16384 (default 16384); below 16384\n"
            "                        the client asks for max_fragment_length\n"
            "  --half-duplex         one buffer for both directions (less RAM)\n"
            "  --mfl-retry           if the server ignores max_fragment_length, reconnect\n"
            "                        once with a 16384-byte buffer (default: fail)\n"
            "  --insecure            DO NOT verify the server (testing only; warns)\n"
            "  --connect-timeout MS  TCP connect timeout (default 10000)\n"
            "  --handshake-timeout MS  TLS handshake timeout (default 15000)\n"
            "  --linger MS           after stdin ends, close once the server has been\n"
            "                        silent this long (default 1000; -1 = wait for the\n"
            "                        server to close)\n"
            "  -v, --verbose         print the handshake report on stderr\n"
            "  -h, --help            this text\n");
}

static void finish_input(struct connect_state *st)
{
    if (st->in_watch) {
        iotls_fd_watch_free(st->in_watch);
        st->in_watch = NULL;
    }
}

static void arm_linger(struct connect_state *st)
{
    if (st->stdin_eof && st->linger && st->linger_ms >= 0)
        iotls_timer_arm(st->linger, (uint64_t)st->linger_ms, 0);
}

/* Move stdin into the send queue while it has room. One read per call
 * for pipes and terminals (epoll said readable: it will not block);
 * regular files are read until the queue is full. */
static void pump_stdin(struct connect_state *st)
{
    uint8_t buf[16384];
    while (!st->stdin_eof) {
        size_t room = iotls_conn_send_space(st->conn);
        if (room == 0) {
            if (st->in_watch)
                iotls_fd_watch_pause(st->in_watch, true);
            return;
        }
        ssize_t n = read(STDIN_FILENO, buf, room < sizeof buf ? room : sizeof buf);
        if (n < 0 && (errno == EINTR))
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            st->stdin_eof = true;
            finish_input(st);
            arm_linger(st);
            return;
        }
        iotls_error_t err;
        iotls_error_clear(&err);
        if (iotls_conn_send(st->conn, buf, (size_t)n, &err) < 0) {
            /* Cannot happen: we never read more than the free space. */
            cli_print_error(CMD, &err);
            iotls_conn_close(st->conn);
            st->exit_code = 1;
            return;
        }
        if (!st->stdin_is_file)
            return;
    }
}

static void on_stdin(iotls_fd_watch_t *w, int fd, void *user)
{
    pump_stdin(user);
}

static void on_linger(iotls_timer_t *t, void *user)
{
    struct connect_state *st = user;
    iotls_conn_close(st->conn);
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    struct connect_state *st = user;
    if (st->verbose) {
        fprintf(stderr, "iotls connect: connected to %s\n", iotls_conn_peer(c));
        cli_print_report("  ", c, r);
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    st->in_watch = iotls_loop_watch_readable(st->loop, STDIN_FILENO, on_stdin, st, &err);
    if (!st->in_watch) {
        /* Regular files (and /dev/null) cannot be watched: always readable. */
        st->stdin_is_file = true;
    }
    pump_stdin(st);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    struct connect_state *st = user;
    fwrite(data, 1, len, stdout);
    fflush(stdout);
    arm_linger(st);
}

static void on_sent(iotls_conn_t *c, void *user)
{
    struct connect_state *st = user;
    if (st->in_watch)
        iotls_fd_watch_pause(st->in_watch, false);
    pump_stdin(st);
}

static void on_done(struct connect_state *st)
{
    finish_input(st);
    if (st->linger)
        iotls_timer_disarm(st->linger);
    st->conn = NULL;
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    struct connect_state *st = user;
    if (st->verbose)
        fprintf(stderr, "iotls connect: closed cleanly\n");
    on_done(st);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    struct connect_state *st = user;
    cli_print_error(CMD, err);
    st->exit_code = 1;
    on_done(st);
}

int cmd_connect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ca", required_argument, NULL, 'C'},
        {"cert", required_argument, NULL, 'c'},
        {"key", required_argument, NULL, 'k'},
        {"servername", required_argument, NULL, 'n'},
        {"buffer", required_argument, NULL, 'b'},
        {"half-duplex", no_argument, NULL, 'H'},
        {"mfl-retry", no_argument, NULL, 'R'},
        {"insecure", no_argument, NULL, 'I'},
        {"connect-timeout", required_argument, NULL, 'T'},
        {"handshake-timeout", required_argument, NULL, 'S'},
        {"linger", required_argument, NULL, 'L'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *ca = NULL, *cert = NULL, *key = NULL, *servername = NULL;
    struct connect_state st = {.linger_ms = 1000};
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    size_t v;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        switch (opt) {
        case 'C': ca = optarg; break;
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        case 'n': servername = optarg; break;
        case 'b':
            if (!cli_parse_size(optarg, "--buffer", IOTLS_BUFFER_MIN, IOTLS_BUFFER_MAX, &v))
                return 2;
            cfg.tls.buffer_size = v;
            break;
        case 'H': cfg.tls.half_duplex = true; break;
        case 'R': cfg.mfl_policy = IOTLS_MFL_RETRY_FULL; break;
        case 'I': cfg.tls.insecure = true; break;
        case 'T':
            if (!cli_parse_size(optarg, "--connect-timeout", 0, 3600000, &v))
                return 2;
            cfg.connect_timeout_ms = (uint32_t)v;
            break;
        case 'S':
            if (!cli_parse_size(optarg, "--handshake-timeout", 0, 3600000, &v))
                return 2;
            cfg.handshake_timeout_ms = (uint32_t)v;
            break;
        case 'L':
            if (!strcmp(optarg, "-1"))
                st.linger_ms = -1;
            else if (cli_parse_size(optarg, "--linger", 0, 3600000, &v))
                st.linger_ms = (long)v;
            else
                return 2;
            break;
        case 'v': st.verbose = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    if ((cert == NULL) != (key == NULL)) {
        fprintf(stderr, "iotls connect: --cert and --key go together\n");
        return 2;
    }
    char host[256];
    uint16_t port;
    if (!cli_parse_hostport(argv[optind], false, host, sizeof host, &port))
        return 2;

    iotls_trust_t *trust = NULL;
    iotls_creds_t *creds = NULL;
    int rc = 1;
    if (ca && !cli_load_trust(CMD, ca, &trust))
        goto out;
    if (cert && !cli_load_creds(CMD, cert, key, &creds))
        goto out;
    cfg.tls.trust = trust;
    cfg.tls.creds = creds;
    cfg.verify_name = servername;

    iotls_error_t err;
    iotls_error_clear(&err);
    st.loop = iotls_loop_new(&err);
    if (!st.loop) {
        cli_print_error(CMD, &err);
        goto out;
    }
    st.linger = iotls_timer_new(st.loop, on_linger, &st);
    iotls_conn_callbacks_t cb = {on_connected, on_received, on_sent, on_disconnected, on_error};
    st.conn = iotls_conn_connect(st.loop, host, port, &cfg, &cb, &st, &err);
    if (!st.conn) {
        cli_print_error(CMD, &err);
    } else {
        iotls_loop_run(st.loop);
        rc = st.exit_code;
    }
    iotls_timer_free(st.linger);
    iotls_loop_free(st.loop);
out:
    iotls_trust_free(trust);
    iotls_creds_free(creds);
    return rc;
}
