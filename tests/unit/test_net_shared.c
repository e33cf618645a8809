/*
 * test_net_shared.c — connections whose record buffers live in the loop's
 * shared workspace, over real loopback sockets, servers and clients in one
 * loop (so every one of them takes the same two buffers in turn). Streams
 * in random-sized pieces, connections held and released while data is in
 * flight, and a spill pool too small for one connection's bytes: that
 * connection fails with IOTLS_ERR_SPILL_FULL, the others are untouched.
 * No timed assertions; alarm(60) turns a hang into a failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iotls/net.h"
#include "iotls/trust.h"
#include "pattern.h"
#include "pki.h"
#include "tls_fixture.h"

static const iotls_test_pki_t *pki;
static iotls_trust_t *trust;
static iotls_creds_t *creds;

#define CLIENTS 12
#define STREAM 60000

typedef struct peer peer_t;
typedef struct {
    iotls_loop_t *loop;
    iotls_listener_t *listener;
    int clients_left;
    int server_errors;
    iotls_err_t server_error;
    int server_closed;
    iotls_conn_t *forward_to; /* spill test: where server conns forward */
    int forwards;
} world_t;

struct peer {
    world_t *w;
    size_t base; /* this client's stream is pattern[base ..] */
    size_t queued, got;
    bool bad, done, errored;
    char text[IOTLS_ERROR_TEXT_MAX];
    unsigned hold_every; /* hold after this many `received`, release via timer */
    unsigned received_calls;
    iotls_timer_t *unhold;
    iotls_conn_t *conn;
};

static uint32_t rng = 777;
static size_t rnd(size_t n)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 8) % n;
}

/* ---- clients: send STREAM pattern bytes in random pieces, expect them back */

static void client_pump(iotls_conn_t *c, peer_t *p)
{
    uint8_t buf[5000];
    while (p->queued < STREAM) {
        size_t n = 1 + rnd(sizeof buf);
        if (n > STREAM - p->queued)
            n = STREAM - p->queued;
        if (n > iotls_conn_send_space(c))
            return; /* the rest after `sent` */
        iotls_test_pattern_fill(buf, p->base + p->queued, n);
        assert_int_equal(iotls_conn_send(c, buf, n, NULL), (int)n);
        p->queued += n;
    }
}

static void on_unhold(iotls_timer_t *t, void *user)
{
    peer_t *p = user;
    iotls_conn_unhold(p->conn);
}

static void c_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    peer_t *p = user;
    p->conn = c;
    client_pump(c, p);
}

static void c_received(iotls_conn_t *c, const uint8_t *d, size_t n, void *user)
{
    peer_t *p = user;
    if (p->got + n > STREAM || iotls_test_pattern_check(d, p->base + p->got, n) != n)
        p->bad = true;
    p->got += n;
    if (p->got == STREAM) {
        iotls_conn_close(c);
        return;
    }
    /* Hold now and then: the server's records wait unread in the
     * session (and in the workspace's spill pool) meanwhile. */
    if (p->hold_every && ++p->received_calls % p->hold_every == 0) {
        iotls_conn_hold(c);
        iotls_timer_arm(p->unhold, 1 + rnd(5), 0);
    }
}

static void c_sent(iotls_conn_t *c, void *user)
{
    client_pump(c, user);
}

static void client_end(peer_t *p)
{
    p->done = true;
    if (--p->w->clients_left == 0 && p->w->listener) {
        iotls_listener_free(p->w->listener);
        p->w->listener = NULL;
    }
    if (p->unhold) {
        iotls_timer_free(p->unhold);
        p->unhold = NULL;
    }
}

static void c_disconnected(iotls_conn_t *c, void *user)
{
    client_end(user);
}

static void c_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    peer_t *p = user;
    p->errored = true;
    snprintf(p->text, sizeof p->text, "%s", err->text);
    client_end(p);
}

static const iotls_conn_callbacks_t client_cb = {c_connected, c_received, c_sent, c_disconnected,
                                                 c_error};

/* ---- server: echo (or, in the spill test, forward) ------------------------ */

static void s_received(iotls_conn_t *c, const uint8_t *d, size_t n, void *user)
{
    world_t *w = user;
    if (w->forward_to != NULL && w->forward_to != c) {
        /* Writing into another connection's session takes the shared
         * buffers away from this one while its record is half read. */
        w->forwards++;
        iotls_conn_send(w->forward_to, d, n, NULL);
        return;
    }
    if (w->forward_to == NULL && iotls_conn_send(c, d, n, NULL) != (int)n)
        fail_msg("echo queue full");
}

static void s_disconnected(iotls_conn_t *c, void *user)
{
    ((world_t *)user)->server_closed++;
}

static void s_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    world_t *w = user;
    w->server_errors++;
    w->server_error = err->code;
}

static void *s_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    return user;
}

/* Echo listener, or (accepted = forward_accepted) one that forwards to
 * the first connection it accepted. */
static uint16_t start_listener_with(world_t *w, size_t send_queue,
                                    void *(*accepted)(iotls_listener_t *, iotls_conn_t *, void *))
{
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = creds;
    cfg.send_queue = send_queue;
    iotls_listener_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.accepted = accepted;
    cb.conn.received = s_received;
    cb.conn.disconnected = s_disconnected;
    cb.conn.error = s_error;
    iotls_error_t err;
    iotls_error_clear(&err);
    w->listener = iotls_listener_new(w->loop, "127.0.0.1", 0, 0, &cfg, &cb, w, &err);
    if (!w->listener)
        fail_msg("listener: %s", err.text);
    return iotls_listener_port(w->listener);
}

static uint16_t start_listener(world_t *w, size_t send_queue)
{
    return start_listener_with(w, send_queue, s_accepted); /* echo what one `received` brings */
}

static iotls_conn_t *start_client(world_t *w, peer_t *p, uint16_t port, size_t buffer,
                                  iotls_buffers_t buffers)
{
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = trust;
    cfg.tls.buffer_size = buffer;
    cfg.buffers = buffers;
    iotls_error_t err;
    iotls_error_clear(&err);
    p->w = w;
    iotls_conn_t *c = iotls_conn_connect(w->loop, "127.0.0.1", port, &cfg, &client_cb, p, &err);
    if (!c)
        fail_msg("connect: %s", err.text);
    p->conn = c;
    w->clients_left++;
    return c;
}

static void world_init(world_t *w)
{
    memset(w, 0, sizeof *w);
    iotls_error_t err;
    iotls_error_clear(&err);
    w->loop = iotls_loop_new(&err);
    assert_non_null(w->loop);
    alarm(60);
}

/* 12 clients (8 of them in the same workspace as the server connections)
 * stream 60 KB each through an echo server; some hold their connection now
 * and then. Every byte comes back in order; the pool ends empty. */
static void test_shared_echo_interleaved(void **state)
{
    world_t w;
    world_init(&w);
    uint16_t port = start_listener(&w, 64 * 1024);
    static peer_t peers[CLIENTS];
    static const size_t buffers[] = {512, 1024, 2048, 4096, 16384};
    memset(peers, 0, sizeof peers);
    for (int i = 0; i < CLIENTS; i++) {
        peers[i].base = 7919u * (size_t)i;
        peers[i].hold_every = i % 3 == 0 ? 3 : 0;
        peers[i].unhold = iotls_timer_new(w.loop, on_unhold, &peers[i]);
        start_client(&w, &peers[i], port, buffers[i % 5],
                     i < 8 ? IOTLS_BUFFERS_SHARED : IOTLS_BUFFERS_OWN);
    }
    assert_int_equal(iotls_loop_run(w.loop), 0);
    for (int i = 0; i < CLIENTS; i++) {
        if (peers[i].errored)
            fail_msg("client %d: %s", i, peers[i].text);
        assert_true(peers[i].done);
        assert_false(peers[i].bad);
        assert_int_equal(peers[i].got, STREAM);
    }
    assert_int_equal(w.server_errors, 0);
    iotls_workspace_stats_t st;
    iotls_workspace_stats(iotls_loop_workspace(w.loop), &st);
    print_message("workspace: %lu switches, %lu with bytes set aside, spill peak %zu bytes\n",
                  st.switches, st.spills, st.spill_peak);
    assert_true(st.switches > CLIENTS);
    assert_true(st.spills > 0);
    assert_int_equal(st.spill_failures, 0);
    assert_int_equal(st.spill_used, 0); /* every connection gave its bytes back */
    iotls_loop_free(w.loop);
    alarm(0);
}

/* A connection with shared buffers and nothing in flight holds only its
 * session block and struct: no record buffers, no send queue. */
static void report_memory(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    size_t *mem = user;
    *mem = iotls_conn_memory(c);
    iotls_conn_close(c);
}

static void quiet_end(iotls_conn_t *c, void *user)
{
}

static void quiet_error(iotls_conn_t *c, const iotls_error_t *e, void *user)
{
    fail_msg("%s", e->text);
}

static void test_idle_shared_connection_memory(void **state)
{
    world_t w;
    world_init(&w);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = creds;
    iotls_listener_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    size_t server_mem = 0, client_mem = 0;
    cb.accepted = s_accepted; /* each server conn gets &server_mem */
    cb.conn.connected = report_memory;
    cb.conn.disconnected = quiet_end;
    cb.conn.error = quiet_error;
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_listener_t *l =
        iotls_listener_new(w.loop, "127.0.0.1", 0, 1, &cfg, &cb, &server_mem, &err);
    assert_non_null(l);
    iotls_conn_config_t ccfg;
    iotls_conn_config_init(&ccfg);
    ccfg.tls.trust = trust;
    ccfg.buffers = IOTLS_BUFFERS_SHARED;
    iotls_conn_callbacks_t ccb = {report_memory, NULL, NULL, quiet_end, quiet_error};
    assert_non_null(iotls_conn_connect(w.loop, "127.0.0.1", iotls_listener_port(l), &ccfg, &ccb,
                                       &client_mem, &err));
    while (client_mem == 0 || server_mem == 0)
        iotls_loop_run_once(w.loop, 1000);
    /* Record buffers (33 KiB) and the 16 KiB queue are not in there. A
     * client also carries its certificate validator. */
    print_message("idle connection: server %zu bytes, client %zu bytes\n", server_mem, client_mem);
    assert_true(server_mem < 8 * 1024);
    assert_true(client_mem < 16 * 1024);
    iotls_listener_free(l);
    assert_int_equal(iotls_loop_run(w.loop), 0);
    iotls_loop_free(w.loop);
    alarm(0);
}

/* Spill pool of 4 KiB. Client B connects and waits; client A sends one
 * 16 KiB record. Server conn A forwards each piece it reads to B: writing
 * into B's session takes the buffers while A still has 14 KiB of that
 * record unread, which does not fit: A fails with IOTLS_ERR_SPILL_FULL.
 * B is untouched and receives what was forwarded, intact. */
typedef struct {
    world_t *w;
    peer_t *a;
    uint16_t port;
    size_t got;
    bool bad;
} waiter_t;

static void a_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    static uint8_t big[16384];
    peer_t *p = user;
    iotls_test_pattern_fill(big, 0, sizeof big);
    assert_int_equal(iotls_conn_send(c, big, sizeof big, NULL), (int)sizeof big);
    p->queued = sizeof big;
}

static void a_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    peer_t *p = user;
    p->errored = true;
    snprintf(p->text, sizeof p->text, "%s", err->text);
    p->done = true;
}

static void a_disconnected(iotls_conn_t *c, void *user)
{
    ((peer_t *)user)->done = true;
}

static const iotls_conn_callbacks_t a_cb = {a_connected, NULL, NULL, a_disconnected, a_error};

static void b_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    waiter_t *wt = user;
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = trust;
    cfg.buffers = IOTLS_BUFFERS_OWN;
    iotls_error_t err;
    iotls_error_clear(&err);
    wt->a->w = wt->w;
    assert_non_null(
        iotls_conn_connect(wt->w->loop, "127.0.0.1", wt->port, &cfg, &a_cb, wt->a, &err));
}

static void b_received(iotls_conn_t *c, const uint8_t *d, size_t n, void *user)
{
    waiter_t *wt = user;
    if (iotls_test_pattern_check(d, wt->got, n) != n)
        wt->bad = true;
    wt->got += n;
}

static void b_end(iotls_conn_t *c, void *user)
{
}

static void b_error(iotls_conn_t *c, const iotls_error_t *e, void *user)
{
    fail_msg("client B: %s", e->text);
}

static void *forward_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    world_t *w = user;
    if (w->forward_to == NULL)
        w->forward_to = c; /* the first accepted is B's */
    return w;
}

/* Forwarding with room in the pool: server conn A writes each piece it
 * reads into conn B's session (the buffers change hands mid-record, A's
 * rest of the record is set aside and put back); B's client gets all 60 KB
 * in order. */
static void fwd_a_sent(iotls_conn_t *c, void *user)
{
    peer_t *p = user;
    client_pump(c, p);
    if (p->queued == STREAM)
        iotls_conn_close(c);
}

static void fwd_a_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    fwd_a_sent(c, user);
}

static const iotls_conn_callbacks_t fwd_a_cb = {fwd_a_connected, NULL, fwd_a_sent, a_disconnected,
                                                a_error};

static void fwd_b_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    waiter_t *wt = user;
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = trust; /* 16 KiB records: read in 2 KiB pieces, forwarded mid-record */
    cfg.buffers = IOTLS_BUFFERS_SHARED;
    iotls_error_t err;
    iotls_error_clear(&err);
    wt->a->w = wt->w;
    assert_non_null(
        iotls_conn_connect(wt->w->loop, "127.0.0.1", wt->port, &cfg, &fwd_a_cb, wt->a, &err));
}

static void fwd_b_received(iotls_conn_t *c, const uint8_t *d, size_t n, void *user)
{
    waiter_t *wt = user;
    b_received(c, d, n, user);
    if (wt->got == STREAM)
        iotls_conn_close(c);
}

static void test_forwarding_between_shared_connections(void **state)
{
    world_t w;
    world_init(&w);
    iotls_error_t err;
    iotls_error_clear(&err);
    /* B's queue takes whatever A brings. */
    uint16_t port = start_listener_with(&w, 128 * 1024, forward_accepted);
    peer_t a;
    memset(&a, 0, sizeof a);
    waiter_t wt = {&w, &a, port, 0, false};
    iotls_conn_config_t bcfg;
    iotls_conn_config_init(&bcfg);
    bcfg.tls.trust = trust;
    bcfg.buffers = IOTLS_BUFFERS_SHARED;
    iotls_conn_callbacks_t bcb = {fwd_b_connected, fwd_b_received, NULL, b_end, b_error};
    assert_non_null(iotls_conn_connect(w.loop, "127.0.0.1", wt.port, &bcfg, &bcb, &wt, &err));
    while (wt.got < STREAM && !a.errored)
        assert_true(iotls_loop_run_once(w.loop, 5000) >= 0);
    if (a.errored)
        fail_msg("client A: %s", a.text);
    assert_int_equal(wt.got, STREAM);
    assert_false(wt.bad);
    assert_true(w.forwards > 1);
    iotls_listener_free(w.listener);
    w.listener = NULL;
    assert_int_equal(iotls_loop_run(w.loop), 0);
    assert_int_equal(w.server_errors, 0);
    iotls_workspace_stats_t st;
    iotls_workspace_stats(iotls_loop_workspace(w.loop), &st);
    assert_true(st.spills > 0); /* A's unread rest of a record was set aside */
    assert_int_equal(st.spill_failures, 0);
    assert_int_equal(st.spill_used, 0);
    iotls_loop_free(w.loop);
    alarm(0);
}

static void test_spill_pool_exhaustion_fails_one_connection(void **state)
{
    world_t w;
    world_init(&w);
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_loop_set_spill_pool(w.loop, 4096, &err), 0);
    uint16_t port = start_listener_with(&w, 16384, forward_accepted);
    peer_t a;
    memset(&a, 0, sizeof a);
    waiter_t wt = {&w, &a, port, 0, false};
    iotls_conn_config_t bcfg;
    iotls_conn_config_init(&bcfg);
    bcfg.tls.trust = trust;
    iotls_conn_callbacks_t bcb = {b_connected, b_received, NULL, b_end, b_error};
    iotls_conn_t *b = iotls_conn_connect(w.loop, "127.0.0.1", wt.port, &bcfg, &bcb, &wt, &err);
    assert_non_null(b);
    while (!a.done)
        assert_true(iotls_loop_run_once(w.loop, 5000) >= 0);
    /* Let B's forwarded bytes arrive. */
    for (int i = 0; i < 50 && wt.got == 0; i++)
        iotls_loop_run_once(w.loop, 100);

    assert_int_equal(w.server_errors, 1);
    assert_int_equal(w.server_error, IOTLS_ERR_SPILL_FULL);
    assert_true(a.errored); /* A's client sees its connection end */
    assert_true(w.forwards >= 1);
    assert_true(wt.got > 0);
    assert_false(wt.bad);
    iotls_workspace_stats_t st;
    iotls_workspace_stats(iotls_loop_workspace(w.loop), &st);
    assert_int_equal(st.spill_failures, 1);

    /* B still works: close it cleanly. */
    iotls_conn_close(b);
    iotls_listener_free(w.listener);
    w.listener = NULL;
    assert_int_equal(iotls_loop_run(w.loop), 0);
    assert_int_equal(w.server_errors, 1);
    assert_int_equal(w.server_closed, 1); /* B's server side ended cleanly */
    iotls_error_clear(&err);
    assert_int_equal(iotls_loop_set_spill_pool(w.loop, 8192, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_STATE);
    iotls_loop_free(w.loop);
    alarm(0);
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
        cmocka_unit_test(test_idle_shared_connection_memory),
        cmocka_unit_test(test_shared_echo_interleaved),
        cmocka_unit_test(test_spill_pool_exhaustion_fails_one_connection),
        cmocka_unit_test(test_forwarding_between_shared_connections),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
