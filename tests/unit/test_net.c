/*
 * test_net.c — connections and listeners over real loopback sockets, both
 * ends in one event loop. Servers bind 127.0.0.1 only.
 *
 * No timed assertions: timeouts are provoked by peers that never answer,
 * and the only timer used for ordering is hold/unhold (asserting that a held
 * connection delivered nothing, which holds however slow the machine is).
 * alarm(60) kills a hung test program, so a hang fails instead of blocking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iotls/net.h"
#include "iotls/trust.h"
#include "net/loop_internal.h"
#include "pattern.h"
#include "peer.h"
#include "pki.h"
#include "tls_fixture.h"

static const iotls_test_pki_t *pki;
static iotls_trust_t *trust;
static iotls_creds_t *creds;

/* ---- shared harness --------------------------------------------------------- */

typedef struct {
    iotls_loop_t *loop;
    iotls_listener_t *listener;
    int clients_expected;
    int clients_done;
} harness_t;

/* Per-side statistics; one per client, one shared by all server conns. */
typedef struct side {
    harness_t *h;
    int connected, disconnected, errors, sent_cbs, accepted;
    iotls_err_t last_error;
    char last_text[IOTLS_ERROR_TEXT_MAX];
    size_t pattern_base; /* this side's bytes are pattern[base ..] */
    size_t to_send, queued;
    size_t expect, got; /* bytes expected / received (pattern-checked) */
    bool bad_data;
    bool echo;            /* server: send back what arrives */
    bool close_when_done; /* close once `expect` bytes arrived */
    bool retried;
    iotls_conn_t *conn;
    /* test-specific hooks */
    bool abort_on_connect;
    bool abort_on_receive;
    bool close_after_send;
    const char *greeting; /* sent on connect, then close */
} side_t;

static void harness_init(harness_t *h)
{
    memset(h, 0, sizeof(*h));
    iotls_error_t err;
    iotls_error_clear(&err);
    h->loop = iotls_loop_new(&err);
    assert_non_null(h->loop);
    alarm(60); /* SIGALRM ends a hung test program: a failure, not a hang */
}

/* Runs until no connection, listener or timer is left. */
static void harness_run(harness_t *h)
{
    assert_int_equal(iotls_loop_run(h->loop), 0);
    assert_int_equal(h->clients_done, h->clients_expected);
}

static void harness_free(harness_t *h)
{
    iotls_loop_free(h->loop);
    alarm(0);
}

static void client_config(iotls_conn_config_t *cfg, size_t buffer)
{
    iotls_conn_config_init(cfg);
    cfg->tls.trust = trust;
    cfg->tls.buffer_size = buffer;
}

static void server_config(iotls_conn_config_t *cfg)
{
    iotls_conn_config_init(cfg);
    cfg->tls.creds = creds;
}

static void side_init(side_t *s, harness_t *h)
{
    memset(s, 0, sizeof(*s));
    s->h = h;
}

static void record_error(side_t *s, const iotls_error_t *err)
{
    s->errors++;
    s->last_error = err->code;
    snprintf(s->last_text, sizeof(s->last_text), "%s", err->text);
}

/* Queue as much of the pattern as fits; assert the all-or-nothing rule on
 * the way: a chunk one byte larger than the free space is refused whole. */
static void side_pump(iotls_conn_t *c, side_t *s)
{
    uint8_t buf[4096];
    while (s->queued < s->to_send) {
        size_t space = iotls_conn_send_space(c);
        size_t left = s->to_send - s->queued;
        if (space < left && space + 1 <= sizeof(buf)) {
            iotls_error_t err;
            iotls_error_clear(&err);
            iotls_test_pattern_fill(buf, s->pattern_base + s->queued, space + 1);
            assert_int_equal(iotls_conn_send(c, buf, space + 1, &err), -1);
            assert_int_equal(err.code, IOTLS_ERR_QUEUE_FULL);
            assert_int_equal(iotls_conn_send_space(c), space); /* nothing queued */
        }
        size_t n = left < space ? left : space;
        if (n > sizeof(buf))
            n = sizeof(buf);
        if (n == 0)
            return;
        iotls_test_pattern_fill(buf, s->pattern_base + s->queued, n);
        assert_int_equal(iotls_conn_send(c, buf, n, NULL), (int)n);
        s->queued += n;
    }
}

static void client_finished(side_t *s)
{
    harness_t *h = s->h;
    h->clients_done++;
    if (h->clients_done == h->clients_expected && h->listener != NULL) {
        iotls_listener_free(h->listener); /* live server conns finish on their own */
        h->listener = NULL;
    }
}

/* ---- callbacks (shared by client and server sides) ------------------------------ */

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    side_t *s = user;
    s->connected++;
    s->conn = c;
    assert_int_equal(r->version, 0x0303);
    if (s->abort_on_connect) {
        iotls_conn_abort(c);
        client_finished(s);
        return;
    }
    if (s->greeting != NULL) {
        size_t len = strlen(s->greeting);
        assert_int_equal(iotls_conn_send(c, s->greeting, len, NULL), (int)len);
        iotls_conn_close(c);
        /* after close, send is refused */
        iotls_error_t err;
        iotls_error_clear(&err);
        assert_int_equal(iotls_conn_send(c, "x", 1, &err), -1);
        assert_int_equal(err.code, IOTLS_ERR_BAD_STATE);
        return;
    }
    side_pump(c, s);
    if (s->close_after_send && s->queued == s->to_send)
        iotls_conn_close(c);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    side_t *s = user;
    assert_true(s->connected > 0 || s->accepted > 0);
    if (s->abort_on_receive) {
        iotls_conn_abort(c);
        client_finished(s);
        return;
    }
    if (s->echo) {
        int rc = iotls_conn_send(c, data, len, NULL);
        if (rc != (int)len)
            s->bad_data = true;
        return;
    }
    if (s->expect > 0) {
        if (s->got + len > s->expect ||
            iotls_test_pattern_check(data, s->pattern_base + s->got, len) != len)
            s->bad_data = true;
    }
    s->got += len;
    if (s->close_when_done && s->got == s->expect)
        iotls_conn_close(c);
}

static void on_sent(iotls_conn_t *c, void *user)
{
    side_t *s = user;
    s->sent_cbs++;
    side_pump(c, s);
    if (s->close_after_send && s->queued == s->to_send)
        iotls_conn_close(c);
}

static void on_client_disconnected(iotls_conn_t *c, void *user)
{
    side_t *s = user;
    s->disconnected++;
    s->retried = iotls_conn_retried_full_buffer(c);
    client_finished(s);
}

static void on_client_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    side_t *s = user;
    record_error(s, err);
    s->retried = iotls_conn_retried_full_buffer(c);
    /* the sticky error is the one the callback gets */
    assert_int_equal(iotls_conn_error(c)->code, err->code);
    client_finished(s);
}

static void on_server_disconnected(iotls_conn_t *c, void *user)
{
    side_t *s = user;
    (void)c;
    s->disconnected++;
}

static void on_server_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    side_t *s = user;
    (void)c;
    record_error(s, err);
}

static void *on_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    side_t *s = user;
    (void)l;
    (void)c;
    s->accepted++;
    return s;
}

static const iotls_conn_callbacks_t client_cb = {
    on_connected, on_received, on_sent, on_client_disconnected, on_client_error,
};

static iotls_listener_t *start_server(harness_t *h, side_t *srv, const iotls_conn_config_t *cfg,
                                      unsigned max_conns)
{
    iotls_listener_callbacks_t cb;
    memset(&cb, 0, sizeof(cb));
    cb.accepted = on_accepted;
    cb.conn.connected = on_connected;
    cb.conn.received = on_received;
    cb.conn.sent = on_sent;
    cb.conn.disconnected = on_server_disconnected;
    cb.conn.error = on_server_error;
    iotls_conn_config_t def;
    if (cfg == NULL) {
        server_config(&def);
        cfg = &def;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_listener_t *l =
        iotls_listener_new(h->loop, "127.0.0.1", 0, max_conns, cfg, &cb, srv, &err);
    if (l == NULL)
        fail_msg("listener: %s", err.text);
    assert_int_not_equal(iotls_listener_port(l), 0);
    h->listener = l;
    return l;
}

static iotls_conn_t *start_client(harness_t *h, side_t *cl, const char *host, uint16_t port,
                                  const iotls_conn_config_t *cfg)
{
    iotls_conn_config_t def;
    if (cfg == NULL) {
        client_config(&def, 0);
        cfg = &def;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_conn_t *c = iotls_conn_connect(h->loop, host, port, cfg, &client_cb, cl, &err);
    if (c == NULL)
        fail_msg("connect: %s", err.text);
    cl->conn = c;
    h->clients_expected++;
    return c;
}

/* ---- raw (non-TLS) peers on the same loop ------------------------------------------ */

typedef enum { RAW_SILENT, RAW_GARBAGE, RAW_RESET_AFTER_HELLO } raw_mode_t;

typedef struct {
    iotls_loop_t *loop;
    raw_mode_t mode;
    int lfd, cfd;
    uint16_t port;
    iotls_loop_watch_t lw, cw;
    size_t hello_bytes;
} raw_server_t;

static int raw_listen(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 16), 0);
    socklen_t len = sizeof(a);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void rst_close(int fd)
{
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    close(fd);
}

static void raw_conn_cb(void *ctx, uint32_t events)
{
    raw_server_t *r = ctx;
    (void)events;
    uint8_t buf[4096];
    ssize_t n = recv(r->cfd, buf, sizeof(buf), 0);
    if (n > 0)
        r->hello_bytes += (size_t)n;
    if (r->mode == RAW_RESET_AFTER_HELLO && r->hello_bytes > 0) {
        iotls_loop_watch_remove(r->loop, &r->cw);
        rst_close(r->cfd);
        r->cfd = -1;
    } else if (n <= 0 && !(n < 0 && errno == EAGAIN)) {
        iotls_loop_watch_remove(r->loop, &r->cw);
    }
}

static void raw_accept_cb(void *ctx, uint32_t events)
{
    raw_server_t *r = ctx;
    (void)events;
    int fd = accept4(r->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    assert_int_equal(r->cfd, -1);
    r->cfd = fd;
    if (r->mode == RAW_GARBAGE) {
        static const char junk[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        assert_int_equal(send(fd, junk, sizeof(junk) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(junk) - 1);
    }
    if (r->mode != RAW_SILENT)
        assert_int_equal(iotls_loop_watch_set(r->loop, &r->cw, fd, EPOLLIN), 0);
}

static void raw_server_start(raw_server_t *r, iotls_loop_t *loop, raw_mode_t mode)
{
    memset(r, 0, sizeof(*r));
    r->loop = loop;
    r->mode = mode;
    r->cfd = -1;
    r->lfd = raw_listen(&r->port);
    iotls_loop_watch_init(&r->lw, raw_accept_cb, r);
    iotls_loop_watch_init(&r->cw, raw_conn_cb, r);
    assert_int_equal(iotls_loop_watch_set(loop, &r->lw, r->lfd, EPOLLIN), 0);
}

static void raw_server_stop(raw_server_t *r)
{
    iotls_loop_watch_remove(r->loop, &r->lw);
    iotls_loop_watch_remove(r->loop, &r->cw);
    close(r->lfd);
    if (r->cfd >= 0)
        close(r->cfd);
}

/* Blocking connect to 127.0.0.1:port (the kernel completes it from the
 * listen backlog, so it works while the loop is not running). */
static int raw_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_connect_refused_names_peer(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    uint16_t port;
    int fd = raw_listen(&port);
    close(fd); /* nothing listens there now */
    side_t cl;
    side_init(&cl, &h);
    iotls_conn_t *c = start_client(&h, &cl, "127.0.0.1", port, NULL);
    assert_string_equal(iotls_conn_peer(c), ""); /* connect() starts on the loop */
    harness_run(&h);
    assert_int_equal(cl.errors, 1);
    assert_int_equal(cl.connected, 0);
    assert_int_equal(cl.last_error, IOTLS_ERR_CONNECT_REFUSED);
    char want[64];
    snprintf(want, sizeof(want), "connection to 127.0.0.1:%u refused", (unsigned)port);
    assert_string_equal(cl.last_text, want);
    harness_free(&h);
}

static void test_connect_timeout_on_full_backlog(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    /* Linux drops SYNs to a listener whose accept queue is full: with
     * backlog 0 one connection fills it, so our SYN is never answered. */
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(l, 0), 0);
    socklen_t len = sizeof(a);
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &len), 0);
    int filler = raw_connect(ntohs(a.sin_port));

    iotls_conn_config_t cfg;
    client_config(&cfg, 0);
    cfg.connect_timeout_ms = 200;
    side_t cl;
    side_init(&cl, &h);
    start_client(&h, &cl, "127.0.0.1", ntohs(a.sin_port), &cfg);
    harness_run(&h);
    assert_int_equal(cl.errors, 1);
    assert_int_equal(cl.connected, 0);
    if (cl.last_error != IOTLS_ERR_CONNECT_TIMEOUT)
        fail_msg("expected a connect timeout: %s", cl.last_text);
    char want[80];
    snprintf(want, sizeof(want), "connection to 127.0.0.1:%u timed out after 200 ms",
             (unsigned)ntohs(a.sin_port));
    assert_string_equal(cl.last_text, want);
    close(filler);
    close(l);
    harness_free(&h);
}

static void test_unresolvable_host_reported_from_loop(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t cl;
    side_init(&cl, &h);
    /* .invalid never resolves (RFC 6761) */
    start_client(&h, &cl, "no-such-host.invalid", 443, NULL);
    assert_int_equal(cl.errors, 0); /* never from inside iotls_conn_connect */
    harness_run(&h);
    assert_int_equal(cl.errors, 1);
    assert_int_equal(cl.last_error, IOTLS_ERR_RESOLVE);
    assert_non_null(strstr(cl.last_text, "'no-such-host.invalid'"));
    harness_free(&h);
}

static void test_bad_arguments_fail_immediately(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    iotls_error_t err;
    iotls_conn_config_t cfg;

    iotls_error_clear(&err);
    iotls_conn_config_init(&cfg); /* no trust: the session refuses to start */
    assert_null(iotls_conn_connect(h.loop, "127.0.0.1", 4433, &cfg, &client_cb, NULL, &err));
    assert_int_equal(err.code, IOTLS_ERR_NO_TRUST);

    iotls_error_clear(&err);
    client_config(&cfg, 100); /* below IOTLS_BUFFER_MIN */
    assert_null(iotls_conn_connect(h.loop, "127.0.0.1", 4433, &cfg, &client_cb, NULL, &err));
    assert_int_equal(err.code, IOTLS_ERR_CONFIG);

    iotls_error_clear(&err);
    client_config(&cfg, 0);
    assert_null(iotls_conn_connect(h.loop, "", 4433, &cfg, &client_cb, NULL, &err));
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);

    iotls_error_clear(&err);
    iotls_conn_config_init(&cfg); /* a listener without credentials */
    iotls_listener_callbacks_t lcb;
    memset(&lcb, 0, sizeof(lcb));
    assert_null(iotls_listener_new(h.loop, "127.0.0.1", 0, 0, &cfg, &lcb, NULL, &err));
    assert_int_equal(err.code, IOTLS_ERR_NO_CREDENTIALS);
    harness_free(&h);
}

static void test_handshake_timeouts_both_sides(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);

    /* Client side: TCP is accepted by the kernel, nobody ever answers. */
    raw_server_t r;
    raw_server_start(&r, h.loop, RAW_SILENT);
    iotls_conn_config_t ccfg;
    client_config(&ccfg, 0);
    ccfg.handshake_timeout_ms = 200;
    side_t cl;
    side_init(&cl, &h);
    start_client(&h, &cl, "127.0.0.1", r.port, &ccfg);

    /* Server side: a TCP client that connects and says nothing. */
    iotls_conn_config_t scfg;
    server_config(&scfg);
    scfg.handshake_timeout_ms = 200;
    side_t srv;
    side_init(&srv, &h);
    iotls_listener_t *l = start_server(&h, &srv, &scfg, 0);
    int quiet = raw_connect(iotls_listener_port(l));

    /* The client finishing frees the listener; its connection lives on
     * until its own timeout. */
    harness_run(&h);

    assert_int_equal(cl.last_error, IOTLS_ERR_HANDSHAKE_TIMEOUT);
    assert_non_null(strstr(cl.last_text, "127.0.0.1"));
    assert_int_equal(srv.accepted, 1);
    assert_int_equal(srv.errors, 1);
    assert_int_equal(srv.last_error, IOTLS_ERR_HANDSHAKE_TIMEOUT);
    close(quiet);
    raw_server_stop(&r);
    harness_free(&h);
}

static void test_echo_verified_by_name_and_address(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    srv.echo = true;
    iotls_listener_t *l = start_server(&h, &srv, NULL, 0);
    uint16_t port = iotls_listener_port(l);

    /* "localhost" checks the DNS SAN (and may try ::1 first, which nobody
     * listens on: the next address is tried); "127.0.0.1" the IP SAN. */
    static const char *const hosts[2] = {"localhost", "127.0.0.1"};
    side_t cl[2];
    iotls_conn_t *c[2];
    for (int i = 0; i < 2; i++) {
        side_init(&cl[i], &h);
        cl[i].pattern_base = 1000u * (size_t)i;
        cl[i].to_send = cl[i].expect = 3000;
        cl[i].close_when_done = true;
        c[i] = start_client(&h, &cl[i], hosts[i], port, NULL);
    }
    iotls_conn_t *check = c[1];
    size_t mem = iotls_conn_memory(check);
    iotls_config_t tcfg;
    iotls_config_init(&tcfg, IOTLS_ROLE_CLIENT);
    /* The session block at least; the send queue is taken on demand. */
    assert_true(mem > iotls_session_size(&tcfg));
    harness_run(&h);

    for (int i = 0; i < 2; i++) {
        if (cl[i].errors)
            fail_msg("client %d: %s", i, cl[i].last_text);
        assert_int_equal(cl[i].connected, 1);
        assert_int_equal(cl[i].got, 3000);
        assert_false(cl[i].bad_data);
        assert_int_equal(cl[i].disconnected, 1);
        assert_false(cl[i].retried);
    }
    assert_int_equal(srv.accepted, 2);
    assert_int_equal(srv.disconnected, 2);
    assert_int_equal(srv.errors, 0);
    harness_free(&h);
}

static void report_check_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    side_t *s = user;
    assert_true(r->verified);
    assert_true(r->peer_cert_present);
    assert_int_equal(r->buffer_payload, 2048);
    assert_int_equal(r->mfl_requested, 2048);
    assert_int_equal(r->mfl_agreed, 2048); /* iotls servers honour MFL */
    char want[32];
    snprintf(want, sizeof(want), "127.0.0.1:%u", (unsigned)s->expect);
    assert_string_equal(iotls_conn_peer(c), want);
    assert_ptr_equal(iotls_conn_report(c), r);
    assert_ptr_equal(iotls_conn_user(c), s);
    s->connected++;
    iotls_conn_close(c);
}

static void test_report_and_peer_after_connect(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    iotls_listener_t *l = start_server(&h, &srv, NULL, 0);
    side_t cl;
    side_init(&cl, &h);
    cl.expect = iotls_listener_port(l); /* the port the peer text must name */
    iotls_conn_callbacks_t cb = client_cb;
    cb.connected = report_check_connected;
    iotls_conn_config_t cfg;
    client_config(&cfg, 2048);
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_conn_t *c =
        iotls_conn_connect(h.loop, "127.0.0.1", iotls_listener_port(l), &cfg, &cb, &cl, &err);
    assert_non_null(c);
    h.clients_expected = 1;
    harness_run(&h);
    assert_int_equal(cl.connected, 1);
    assert_int_equal(cl.disconnected, 1);
    assert_int_equal(cl.errors, 0);
    harness_free(&h);
}

#define MANY_CLIENTS 120
#define MANY_BYTES 6000

static void test_many_concurrent_echo_clients(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    srv.echo = true;
    iotls_listener_t *l = start_server(&h, &srv, NULL, 2 * MANY_CLIENTS);
    uint16_t port = iotls_listener_port(l);
    side_t *cl = calloc(MANY_CLIENTS, sizeof(*cl));
    assert_non_null(cl);
    iotls_conn_config_t cfg;
    client_config(&cfg, 2048); /* small buffers: MFL with every connection */
    cfg.send_queue = 8192;
    for (int i = 0; i < MANY_CLIENTS; i++) {
        side_init(&cl[i], &h);
        cl[i].pattern_base = 977u * (size_t)i; /* every client's stream differs */
        cl[i].to_send = cl[i].expect = MANY_BYTES;
        cl[i].close_when_done = true;
        start_client(&h, &cl[i], "127.0.0.1", port, &cfg);
    }
    unsigned peak = 0;
    while (h.clients_done < MANY_CLIENTS) {
        if (h.listener != NULL && iotls_listener_active(h.listener) > peak)
            peak = iotls_listener_active(h.listener);
        assert_true(iotls_loop_run_once(h.loop, 1000) >= 0);
    }
    harness_run(&h);
    int ok = 0;
    for (int i = 0; i < MANY_CLIENTS; i++) {
        if (cl[i].errors)
            fail_msg("client %d: %s", i, cl[i].last_text);
        if (cl[i].connected == 1 && cl[i].got == MANY_BYTES && !cl[i].bad_data &&
            cl[i].disconnected == 1)
            ok++;
    }
    assert_int_equal(ok, MANY_CLIENTS);
    assert_int_equal(srv.accepted, MANY_CLIENTS);
    assert_int_equal(srv.disconnected, MANY_CLIENTS);
    assert_int_equal(srv.errors, 0);
    assert_false(srv.bad_data);
    /* Everyone connected before the first finished its 6000-byte echo? Not
     * guaranteed; but more than one was live at once in any schedule where
     * 120 connects were queued before the loop ran. */
    assert_true(peak > 1);
    free(cl);
    harness_free(&h);
}

static void test_max_conns_rejects_extra(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    srv.echo = true;
    iotls_listener_t *l = start_server(&h, &srv, NULL, 2);
    side_t cl[3];
    for (int i = 0; i < 3; i++) {
        side_init(&cl[i], &h);
        /* clients that never finish by themselves: they only wait */
        start_client(&h, &cl[i], "127.0.0.1", iotls_listener_port(l), NULL);
    }
    /* Two are served; the third either evicts the oldest one still in its
     * handshake (when it arrives before that completes) or is accepted and
     * closed at once (when both were past it): one of three fails. */
    while ((cl[0].connected + cl[1].connected + cl[2].connected < 2 ||
            cl[0].errors + cl[1].errors + cl[2].errors < 1))
        assert_true(iotls_loop_run_once(h.loop, 1000) >= 0);
    assert_int_equal(iotls_listener_active(l), 2);
    assert_int_equal(iotls_listener_rejected(l) + iotls_listener_evicted(l), 1);
    for (int i = 0; i < 3; i++) {
        if (cl[i].errors) {
            assert_int_equal(cl[i].connected, 0);
            assert_true(cl[i].last_error == IOTLS_ERR_PEER_CLOSED_HANDSHAKE ||
                        cl[i].last_error == IOTLS_ERR_PEER_RESET);
        } else {
            iotls_conn_close(cl[i].conn);
        }
    }
    harness_run(&h);
    assert_int_equal(srv.disconnected, 2);
    harness_free(&h);
}

static void test_queue_full_then_nothing_lost(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    srv.expect = 300000;
    srv.close_when_done = true;
    iotls_listener_t *l = start_server(&h, &srv, NULL, 0);

    iotls_conn_config_t cfg;
    client_config(&cfg, 0);
    cfg.send_queue = 4096;
    side_t cl;
    side_init(&cl, &h);
    iotls_conn_t *c = start_client(&h, &cl, "127.0.0.1", iotls_listener_port(l), &cfg);

    /* Before the handshake: queued, not lost, flushed after `connected`. */
    uint8_t buf[4097];
    iotls_error_t err;
    iotls_test_pattern_fill(buf, 0, sizeof(buf));
    assert_int_equal(iotls_conn_send_space(c), 4096);
    assert_int_equal(iotls_conn_send(c, buf, 3000, NULL), 3000);
    iotls_error_clear(&err);
    assert_int_equal(iotls_conn_send(c, buf + 3000, 2000, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_QUEUE_FULL);
    assert_int_equal(iotls_conn_send_space(c), 1096);
    assert_int_equal(iotls_conn_send(c, buf + 3000, 1096, NULL), 1096);
    iotls_error_clear(&err);
    assert_int_equal(iotls_conn_send(c, buf + 4096, 1, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_QUEUE_FULL);
    cl.queued = 4096;
    cl.to_send = 300000; /* the rest goes from `sent` callbacks via side_pump */

    harness_run(&h);
    if (cl.errors)
        fail_msg("client: %s", cl.last_text);
    if (srv.errors)
        fail_msg("server: %s", srv.last_text);
    assert_int_equal(cl.queued, 300000);
    assert_true(cl.sent_cbs > 1);
    assert_int_equal(srv.got, 300000);
    assert_false(srv.bad_data);
    assert_int_equal(cl.disconnected, 1); /* the server closed once it had all */
    assert_int_equal(srv.disconnected, 1);
    harness_free(&h);
}

typedef struct {
    side_t *cl;
    size_t got_while_held;
    bool unheld;
} hold_ctx_t;

static void unhold_cb(iotls_timer_t *t, void *user)
{
    hold_ctx_t *hc = user;
    (void)t;
    hc->got_while_held = hc->cl->got;
    hc->unheld = true;
    iotls_conn_unhold(hc->cl->conn);
}

static void test_hold_delivers_nothing_until_unhold(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    srv.to_send = 50000;
    srv.close_after_send = true;
    iotls_conn_config_t scfg;
    server_config(&scfg);
    scfg.send_queue = 65536;
    iotls_listener_t *l = start_server(&h, &srv, &scfg, 0);

    side_t cl;
    side_init(&cl, &h);
    cl.expect = 50000;
    /* Held from the start: the handshake still runs (hold pauses
     * application data only), then nothing is delivered until unhold. */
    iotls_conn_t *c = start_client(&h, &cl, "127.0.0.1", iotls_listener_port(l), NULL);
    iotls_conn_hold(c);
    while (cl.connected == 0 && cl.errors == 0)
        assert_true(iotls_loop_run_once(h.loop, 1000) >= 0);
    assert_int_equal(cl.connected, 1);

    hold_ctx_t hc = {&cl, 1, false};
    iotls_timer_t *t = iotls_timer_new(h.loop, unhold_cb, &hc);
    iotls_timer_arm(t, 100, 0);
    harness_run(&h);
    assert_true(hc.unheld);
    assert_int_equal(hc.got_while_held, 0);
    if (cl.errors)
        fail_msg("client: %s", cl.last_text);
    assert_int_equal(cl.got, 50000);
    assert_false(cl.bad_data);
    assert_int_equal(cl.disconnected, 1);
    assert_int_equal(srv.disconnected, 1);
    iotls_timer_free(t);
    harness_free(&h);
}

static void test_graceful_close_both_directions(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    /* server -> client: the server greets and closes at once; the greeting
     * must arrive before `disconnected`. */
    side_t srv;
    side_init(&srv, &h);
    srv.greeting = "bye from server";
    iotls_listener_t *l = start_server(&h, &srv, NULL, 0);
    side_t cl;
    side_init(&cl, &h);
    cl.expect = 0;
    start_client(&h, &cl, "127.0.0.1", iotls_listener_port(l), NULL);
    harness_run(&h);
    assert_int_equal(cl.errors, 0);
    assert_int_equal(srv.errors, 0);
    assert_int_equal(cl.got, strlen("bye from server"));
    assert_int_equal(cl.disconnected, 1);
    assert_int_equal(srv.disconnected, 1);

    /* client -> server: send and close BEFORE the handshake completed; the
     * data is delivered after `connected`, then close_notify. */
    side_t srv2;
    side_init(&srv2, &h);
    l = start_server(&h, &srv2, NULL, 0);
    side_t cl2;
    side_init(&cl2, &h);
    iotls_conn_t *c = start_client(&h, &cl2, "127.0.0.1", iotls_listener_port(l), NULL);
    assert_int_equal(iotls_conn_send(c, "early", 5, NULL), 5);
    iotls_conn_close(c);
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_conn_send(c, "late", 4, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_STATE);
    assert_int_equal(iotls_conn_send_space(c), 0);
    harness_run(&h);
    assert_int_equal(cl2.errors, 0);
    assert_int_equal(srv2.errors, 0);
    assert_int_equal(cl2.connected, 1);
    assert_int_equal(srv2.got, 5);
    assert_int_equal(cl2.disconnected, 1);
    assert_int_equal(srv2.disconnected, 1);
    harness_free(&h);
}

static void test_garbage_peers_fail_alone(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    srv.echo = true;
    iotls_listener_t *l = start_server(&h, &srv, NULL, 0);
    uint16_t port = iotls_listener_port(l);

    /* A plain-text client on the iotls listener... */
    int junk = raw_connect(port);
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(send(junk, req, sizeof(req) - 1, 0), (ssize_t)sizeof(req) - 1);
    /* ...a plain-text server for an iotls client... */
    raw_server_t r;
    raw_server_start(&r, h.loop, RAW_GARBAGE);
    side_t bad;
    side_init(&bad, &h);
    start_client(&h, &bad, "127.0.0.1", r.port, NULL);
    /* ...and a good client next to them. */
    side_t good;
    side_init(&good, &h);
    good.to_send = good.expect = 10000;
    good.close_when_done = true;
    start_client(&h, &good, "127.0.0.1", port, NULL);

    harness_run(&h);
    assert_int_equal(bad.errors, 1);
    assert_int_equal(bad.last_error, IOTLS_ERR_NOT_TLS);
    if (strstr(bad.last_text, "HTTP/") == NULL)
        fail_msg("text: %s", bad.last_text);
    assert_int_equal(srv.errors, 1);
    assert_true(srv.last_error == IOTLS_ERR_NOT_TLS || srv.last_error == IOTLS_ERR_PROTOCOL);
    if (good.errors)
        fail_msg("good client: %s", good.last_text);
    assert_int_equal(good.got, 10000);
    assert_false(good.bad_data);
    assert_int_equal(good.disconnected, 1);
    assert_int_equal(srv.disconnected, 1);
    close(junk);
    raw_server_stop(&r);
    harness_free(&h);
}

typedef struct {
    side_t *srv;
    int rst_fd;
} rst_ctx_t;

static void *accepted_then_reset_client(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    rst_ctx_t *rc = user;
    (void)l;
    (void)c;
    rc->srv->accepted++;
    /* The partial hello is in the server's socket buffer; reset the client
     * now, once the server has the connection. */
    rst_close(rc->rst_fd);
    rc->rst_fd = -1;
    return rc->srv;
}

static void test_peer_reset_mid_handshake(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);

    /* Client side: the server reads our ClientHello and resets. */
    raw_server_t r;
    raw_server_start(&r, h.loop, RAW_RESET_AFTER_HELLO);
    side_t cl;
    side_init(&cl, &h);
    start_client(&h, &cl, "127.0.0.1", r.port, NULL);

    /* Server side: a client sends half a ClientHello, then resets. */
    side_t srv;
    side_init(&srv, &h);
    rst_ctx_t rc = {&srv, -1};
    iotls_listener_callbacks_t cb;
    memset(&cb, 0, sizeof(cb));
    cb.accepted = accepted_then_reset_client;
    cb.conn.disconnected = on_server_disconnected;
    cb.conn.error = on_server_error;
    iotls_conn_config_t scfg;
    server_config(&scfg);
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_listener_t *l = iotls_listener_new(h.loop, "127.0.0.1", 0, 0, &scfg, &cb, &rc, &err);
    assert_non_null(l);
    rc.rst_fd = raw_connect(iotls_listener_port(l));
    static const uint8_t half_hello[] = {0x16, 0x03, 0x01, 0x00, 0x80, 0x01, 0x00, 0x00,
                                         0x7c, 0x03, 0x03, 0x11, 0x22, 0x33, 0x44};
    assert_int_equal(send(rc.rst_fd, half_hello, sizeof(half_hello), 0),
                     (ssize_t)sizeof(half_hello));

    while ((cl.errors == 0 || srv.errors == 0))
        assert_true(iotls_loop_run_once(h.loop, 1000) >= 0);
    iotls_listener_free(l);
    harness_run(&h);
    assert_true(r.hello_bytes > 0);
    assert_int_equal(cl.errors, 1);
    assert_true(cl.last_error == IOTLS_ERR_PEER_RESET ||
                cl.last_error == IOTLS_ERR_PEER_CLOSED_HANDSHAKE);
    assert_int_equal(srv.accepted, 1);
    assert_int_equal(srv.errors, 1);
    assert_true(srv.last_error == IOTLS_ERR_PEER_RESET ||
                srv.last_error == IOTLS_ERR_PEER_CLOSED_HANDSHAKE);
    raw_server_stop(&r);
    harness_free(&h);
}

static void test_idle_timeout(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    iotls_conn_config_t scfg;
    server_config(&scfg);
    scfg.idle_timeout_ms = 150;
    iotls_listener_t *l = start_server(&h, &srv, &scfg, 0);
    side_t cl;
    side_init(&cl, &h);
    start_client(&h, &cl, "127.0.0.1", iotls_listener_port(l), NULL);
    harness_run(&h);
    assert_int_equal(cl.connected, 1);
    assert_int_equal(srv.errors, 1);
    assert_int_equal(srv.last_error, IOTLS_ERR_IDLE_TIMEOUT);
    /* the server sent close_notify before closing: a clean end for the
     * client, not a truncation */
    assert_int_equal(cl.errors, 0);
    assert_int_equal(cl.disconnected, 1);
    harness_free(&h);
}

static void test_abort_inside_callbacks(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    srv.echo = true;
    iotls_listener_t *l = start_server(&h, &srv, NULL, 0);
    side_t a, b;
    side_init(&a, &h);
    side_init(&b, &h);
    a.abort_on_connect = true;
    b.abort_on_receive = true;
    b.to_send = 100;
    start_client(&h, &a, "127.0.0.1", iotls_listener_port(l), NULL);
    start_client(&h, &b, "127.0.0.1", iotls_listener_port(l), NULL);
    harness_run(&h);
    /* no callback after abort */
    assert_int_equal(a.connected, 1);
    assert_int_equal(a.disconnected + a.errors, 0);
    assert_int_equal(b.connected, 1);
    assert_true(b.got == 0);
    assert_int_equal(b.disconnected + b.errors, 0);
    /* the server saw both go without close_notify */
    assert_int_equal(srv.errors, 2);
    assert_int_equal(srv.last_error, IOTLS_ERR_TRUNCATED);
    harness_free(&h);
}

static void test_loop_free_with_live_connections(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    side_t srv;
    side_init(&srv, &h);
    srv.echo = true;
    iotls_listener_t *l = start_server(&h, &srv, NULL, 0);
    side_t cl;
    side_init(&cl, &h);
    start_client(&h, &cl, "127.0.0.1", iotls_listener_port(l), NULL);
    while (cl.connected == 0 && cl.errors == 0)
        assert_true(iotls_loop_run_once(h.loop, 1000) >= 0);
    assert_int_equal(iotls_listener_active(l), 1);
    /* Closes the listener, the server conn and the client: no callbacks,
     * nothing leaked (LeakSanitizer). */
    harness_free(&h);
    assert_int_equal(cl.disconnected + cl.errors, 0);
}

static void capture_log(void *ctx, const char *line)
{
    char *log = ctx;
    size_t used = strlen(log);
    snprintf(log + used, 1024 - used, "%s\n", line);
}

static void test_mfl_ignoring_server(void **state)
{
    (void)state;
    iotls_test_peer_t peer;
    int rc = iotls_test_mfl_ignoring_server_start(NULL, &peer);
    if (rc == 1)
        skip();
    assert_int_equal(rc, 0);

    /* Each policy with the client's own buffers and with the loop's shared
     * ones (the retry then starts a second session in the workspace). */
    for (int run = 0; run < 4; run++) {
        int policy = run % 2;
        harness_t h;
        harness_init(&h);
        iotls_conn_config_t cfg;
        client_config(&cfg, 512);
        cfg.mfl_policy = policy ? IOTLS_MFL_RETRY_FULL : IOTLS_MFL_FAIL;
        cfg.buffers = run < 2 ? IOTLS_BUFFERS_OWN : IOTLS_BUFFERS_SHARED;
        char log[1024] = "";
        cfg.tls.log = capture_log;
        cfg.tls.log_ctx = log;
        side_t cl;
        side_init(&cl, &h);
        cl.expect = IOTLS_TEST_MFL_PAYLOAD;
        /* the server reads one line before it writes; queued before the
         * handshake, sent after `connected` (after the retry, if any) */
        iotls_conn_t *c = start_client(&h, &cl, "127.0.0.1", peer.port, &cfg);
        assert_int_equal(iotls_conn_send(c, "hello\n", 6, NULL), 6);
        harness_run(&h);
        if (policy == 0) {
            /* handshake fine, then the first 16384-byte record does not fit */
            if (cl.errors != 1 || cl.last_error != IOTLS_ERR_RECORD_TOO_LARGE)
                fail_msg("policy FAIL: errors %d connected %d got %zu: %s", cl.errors, cl.connected,
                         cl.got, cl.last_text);
            assert_non_null(strstr(cl.last_text, "ignored max_fragment_length"));
            assert_int_equal(cl.connected, 1);
            assert_int_equal(cl.got, 0);
            assert_false(cl.retried);
            assert_string_equal(log, "");
        } else {
            if (cl.errors)
                fail_msg("retry: %s", cl.last_text);
            assert_true(cl.retried);
            assert_int_equal(cl.connected, 1);
            assert_int_equal(cl.got, IOTLS_TEST_MFL_PAYLOAD);
            assert_false(cl.bad_data);
            assert_int_equal(cl.disconnected, 1);
            assert_non_null(strstr(log, "max_fragment_length"));
            assert_non_null(strstr(log, "127.0.0.1"));
        }
        harness_free(&h);
    }
    iotls_test_peer_stop(&peer);
}

static int setup(void **state)
{
    return iotls_test_tls_fixture(&pki, &trust, &creds);
}

static int teardown(void **state)
{
    iotls_test_tls_fixture_free(&trust, &creds);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_refused_names_peer),
        cmocka_unit_test(test_connect_timeout_on_full_backlog),
        cmocka_unit_test(test_unresolvable_host_reported_from_loop),
        cmocka_unit_test(test_bad_arguments_fail_immediately),
        cmocka_unit_test(test_handshake_timeouts_both_sides),
        cmocka_unit_test(test_echo_verified_by_name_and_address),
        cmocka_unit_test(test_report_and_peer_after_connect),
        cmocka_unit_test(test_many_concurrent_echo_clients),
        cmocka_unit_test(test_max_conns_rejects_extra),
        cmocka_unit_test(test_queue_full_then_nothing_lost),
        cmocka_unit_test(test_hold_delivers_nothing_until_unhold),
        cmocka_unit_test(test_graceful_close_both_directions),
        cmocka_unit_test(test_garbage_peers_fail_alone),
        cmocka_unit_test(test_peer_reset_mid_handshake),
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_abort_inside_callbacks),
        cmocka_unit_test(test_loop_free_with_live_connections),
        cmocka_unit_test(test_mfl_ignoring_server),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
