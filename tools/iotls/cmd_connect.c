/* iotls connect — like `openssl s_client -quiet`: stdin goes over TLS,
 * received data goes to stdout, verified by default. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_session.h"
#include "cli_tls.h"
#include "prov.h"
#include "commands.h"

#define CMD "connect"

struct connect_state {
    iotls_loop_t *loop;
    iotls_conn_t *conn;
    iotls_fd_watch_t *in_watch;
    iotls_timer_t *linger;
    bool stdin_is_file; /* regular file: read it whenever there is room */
    bool stdin_eof;
    bool unsent; /* stdin bytes queued that `sent` has not confirmed yet */
    unsigned long long stdin_bytes;
    bool verbose;
    bool output_failed; /* stdout refused a write: nothing more is written */
    long linger_ms;
    int exit_code;
    const cli_session_opts_t *session;
    const char *flash; /* --flash image, for --session-sector */
    const char *host;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: iotls connect [OPTIONS] HOST:PORT\n"
            "\n"
            "Open a TLS connection, send stdin, write what arrives to stdout.\n"
            "The server certificate is verified (chain, validity, host name) unless\n"
            "--insecure is given. Exit status 0 on a clean close after all of stdin was\n"
            "sent; 1 on any error, including data lost on the way: stdout refusing a\n"
            "write, the server closing before stdin was sent, a session not saved.\n"
            "\n"
            "Trust (who the server may be):\n"
            "  --ca FILE             trust anchors: PEM/DER file with one or more CA\n"
            "                        certificates (repeatable: old and new root side by side)\n"
            "  --trust-self-signed FILE  trust this certificate's own key (a self-signed\n"
            "                        device certificate), not as a CA\n"
            "  --pin PIN             pin the server's public key: SHA-256 of its\n"
            "                        SubjectPublicKeyInfo as sha256//BASE64 (curl's form) or\n"
            "                        64 hex digits (`iotls cert show` prints it); repeatable.\n"
            "                        With --ca both must pass; without, the pin alone\n"
            "                        authenticates the server\n"
            "  --servername NAME     name to send as SNI and check in the certificate\n"
            "                        (default: HOST; IP literals are checked against IP SANs\n"
            "                        and send no SNI)\n"
            "  --no-name-check       do not check the host name (warns; SNI is still sent)\n"
            "%s"
            "Credentials (who we are, if the server asks):\n"
            "  --cert FILE           client certificate chain (PEM), sent if the server asks\n"
            "  --key FILE            private key for --cert (PEM: PKCS#8, SEC1 or PKCS#1)\n"
            "%s"
            "Session:\n"
            "  --session-out FILE    save the session (mode 0600: it holds the master secret)\n"
            "  --session-in FILE     offer a saved session for resumption\n"
            "  --session-sector N    with --flash: resume from the session saved in that\n"
            "                        sector (if any) and save the new one there\n"
            "  --buffer BYTES        record buffer, 512..16384 (default 16384); below 16384\n"
            "                        the client asks for max_fragment_length\n"
            "  --half-duplex         one buffer for both directions (less RAM)\n"
            "  --mfl-retry           if the server ignores max_fragment_length, reconnect\n"
            "                        once with a 16384-byte buffer (default: fail)\n"
            "  --insecure            DO NOT verify the server (testing only; warns)\n"
            "  --connect-timeout MS  TCP connect timeout (default 10000)\n"
            "  --handshake-timeout MS  TLS handshake timeout (default 15000)\n"
            "  --send-queue BYTES    plaintext waiting for the wire, 256..1048576 (default\n"
            "                        16384; a device keeps it small)\n"
            "  --linger MS           after stdin ends, close once the server has been\n"
            "                        silent this long (default 1000; -1 = wait for the\n"
            "                        server to close)\n"
            "  -v, --verbose         print the handshake report on stderr\n"
            "  -h, --help            this text\n",
            cli_tls_help_time, cli_tls_help_flash);
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
        st->stdin_bytes += (unsigned long long)n;
        st->unsent = true;
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
    const cli_session_opts_t *s = st->session;
    if (s->out || s->sector >= 0) {
        uint8_t saved[IOTLS_SAVED_SESSION_MAX];
        size_t n = iotls_conn_session_save(c, saved, sizeof saved);
        /* The caller asked for the session: not getting it is a failure
         * (exit 1) even though the connection goes on. */
        if (n == 0) {
            fprintf(stderr, "iotls connect: the server gave no session to save; nothing was "
                            "saved\n");
            st->exit_code = 1;
        } else if (s->out && !prov_write_file(CMD, s->out, saved, n, 0600, false)) {
            st->exit_code = 1;
        }
        if (n && s->sector >= 0 &&
            !cli_session_flash_save(CMD, st->flash, (unsigned)s->sector, saved, n, st->host))
            st->exit_code = 1;
        memset(saved, 0, sizeof saved);
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    st->in_watch = iotls_loop_watch_readable(st->loop, STDIN_FILENO, on_stdin, st, &err);
    if (!st->in_watch) {
        /* Regular files (and /dev/null) cannot be watched: always readable. */
        st->stdin_is_file = true;
        pump_stdin(st);
    }
    /* A watched pipe or terminal is read only when epoll says so: a read
     * now could block the loop (and every incoming byte) until the writer
     * on the other side of the pipe wakes up. */
}

static void on_done(struct connect_state *st)
{
    finish_input(st);
    if (st->linger)
        iotls_timer_disarm(st->linger);
    st->conn = NULL;
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    struct connect_state *st = user;
    if (st->output_failed)
        return;
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
        /* Disk full, a closed pipe (SIGPIPE ignored): what the server sends
         * is lost from here on, so stop and say so instead of exiting 0. */
        int e = errno;
        fprintf(stderr,
                "iotls connect: cannot write received data to stdout: %s; closing the "
                "connection, received data was lost\n",
                strerror(e));
        st->output_failed = true;
        st->exit_code = 1;
        iotls_conn_abort(c);
        on_done(st);
        return;
    }
    arm_linger(st);
}

static void on_sent(iotls_conn_t *c, void *user)
{
    struct connect_state *st = user;
    st->unsent = false;
    if (st->in_watch)
        iotls_fd_watch_pause(st->in_watch, false);
    else
        pump_stdin(st);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    struct connect_state *st = user;
    if (!st->stdin_eof || st->unsent) {
        /* The server ended the session while stdin still had (or may have
         * had) bytes for it: an upload from stdin must not look complete. */
        fprintf(stderr,
                "iotls connect: the server closed the connection before all of stdin was "
                "sent (%llu bytes read from stdin%s)\n",
                st->stdin_bytes,
                st->stdin_eof ? ", not all of them written to the connection"
                              : ", stdin had not ended");
        st->exit_code = 1;
    } else if (st->verbose) {
        fprintf(stderr, "iotls connect: closed cleanly\n");
    }
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
        CLI_CLIENT_LONG_OPTIONS,
        {"linger", required_argument, NULL, 'L'},
        CLI_SEND_QUEUE_OPTION,
        CLI_SESSION_LONG_OPTIONS,
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_session_opts_t session;
    cli_session_opts_init(&session);
    struct connect_state st = {.linger_ms = 1000, .session = &session};
    cli_tls_t tls;
    cli_tls_init(&tls);
    int rc = 2;
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    size_t v;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        int shared = cli_client_option(&tls, &cfg, CMD, opt, optarg);
        if (shared == 0)
            shared = cli_session_option(&session, opt, optarg);
        if (shared < 0)
            goto out;
        if (shared > 0)
            continue;
        switch (opt) {
        case 'L':
            if (!strcmp(optarg, "-1"))
                st.linger_ms = -1;
            else if (cli_parse_size(optarg, "--linger", 0, 3600000, &v))
                st.linger_ms = (long)v;
            else
                goto out;
            break;
        case 'v': st.verbose = true; break;
        case 'h':
            rc = 0;
            usage(stdout);
            goto out;
        default: usage(stderr); goto out;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        goto out;
    }
    char host[256];
    uint16_t port;
    if (!cli_parse_hostport(argv[optind], false, host, sizeof host, &port))
        goto out;

    rc = 1;
    if (!cli_tls_load(&tls, CMD))
        goto out;
    cli_tls_apply(&tls, &cfg.tls);
    const char *servername = cfg.verify_name;
    st.flash = tls.flash;
    st.host = servername ? servername : host;
    if (!cli_session_resume(&session, CMD, tls.flash, &cfg.tls, st.verbose))
        goto out;

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
    cli_tls_free(&tls);
    return rc;
}
