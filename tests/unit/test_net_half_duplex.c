/* Half-duplex connections (one record buffer for both directions) with both
 * sides sending at once: 20 MiB each way, client and server on loopback in
 * one loop, for every mix of half- and full-duplex ends. Before the driver
 * drained incoming records ahead of sealing more plaintext, each side's
 * single buffer held an outgoing record while the peer's records filled
 * the socket, and both blocked for ever (alarm() turns a hang into a
 * failure). Every byte is checked against a position-revealing pattern. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "iotls/net.h"
#include "pattern.h"
#include "pki.h"
#include "tls_fixture.h"

#define STREAM_BYTES (20u << 20)
#define SERVER_BASE 0
#define CLIENT_BASE 7777 /* a different offset: a mixed-up direction shows */

static iotls_trust_t *trust;
static iotls_creds_t *creds;

typedef struct {
    size_t base_out, queued; /* what this end sends: pattern[base_out ..] */
    size_t base_in, got;     /* what it must receive */
    bool bad_data, closing;
    int errors, clean_ends;
    char error_text[IOTLS_ERROR_TEXT_MAX];
} stream_t;

typedef struct {
    stream_t client, server;
    iotls_listener_t *listener;
} pair_t;

static void stream_pump(iotls_conn_t *c, stream_t *s)
{
    uint8_t buf[4096];
    while (s->queued < STREAM_BYTES) {
        size_t n = iotls_conn_send_space(c);
        if (n > sizeof buf)
            n = sizeof buf;
        if (n > STREAM_BYTES - s->queued)
            n = STREAM_BYTES - s->queued;
        if (n == 0)
            return;
        iotls_test_pattern_fill(buf, s->base_out + s->queued, n);
        assert_int_equal(iotls_conn_send(c, buf, n, NULL), (int)n);
        s->queued += n;
    }
}

/* Both directions complete: close (each end does; close_notify crosses). */
static void stream_maybe_close(iotls_conn_t *c, stream_t *s)
{
    if (!s->closing && s->queued == STREAM_BYTES && s->got == STREAM_BYTES) {
        s->closing = true;
        iotls_conn_close(c);
    }
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    stream_pump(c, user);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    stream_t *s = user;
    if (s->got + len > STREAM_BYTES ||
        iotls_test_pattern_check(data, s->base_in + s->got, len) != len)
        s->bad_data = true;
    s->got += len;
    stream_maybe_close(c, s);
}

static void on_sent(iotls_conn_t *c, void *user)
{
    stream_pump(c, user);
    stream_maybe_close(c, user);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    ((stream_t *)user)->clean_ends++;
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    stream_t *s = user;
    s->errors++;
    snprintf(s->error_text, sizeof s->error_text, "%s", err->text);
}

static void on_client_end(iotls_conn_t *c, void *user);
static void on_client_error(iotls_conn_t *c, const iotls_error_t *err, void *user);

static pair_t *current;

static void client_done(void)
{
    if (current->listener) {
        iotls_listener_free(current->listener); /* the server end finishes alone */
        current->listener = NULL;
    }
}

static void on_client_end(iotls_conn_t *c, void *user)
{
    on_disconnected(c, user);
    client_done();
}

static void on_client_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    on_error(c, err, user);
    client_done();
}

static void *on_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    return user;
}

static void run_pair(bool client_half, bool server_half, size_t buffer)
{
    pair_t p;
    memset(&p, 0, sizeof p);
    current = &p;
    p.client = (stream_t){.base_out = CLIENT_BASE, .base_in = SERVER_BASE};
    p.server = (stream_t){.base_out = SERVER_BASE, .base_in = CLIENT_BASE};
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *loop = iotls_loop_new(&err);
    assert_non_null(loop);
    alarm(120);

    iotls_conn_config_t scfg, ccfg;
    iotls_conn_config_init(&scfg);
    scfg.tls.creds = creds;
    scfg.tls.half_duplex = server_half;
    scfg.tls.buffer_size = buffer;
    iotls_listener_callbacks_t lcb = {
        on_accepted, {on_connected, on_received, on_sent, on_disconnected, on_error}};
    p.listener = iotls_listener_new(loop, "127.0.0.1", 0, 4, &scfg, &lcb, &p.server, &err);
    assert_non_null(p.listener);

    iotls_conn_config_init(&ccfg);
    ccfg.tls.trust = trust;
    ccfg.tls.half_duplex = client_half;
    ccfg.tls.buffer_size = buffer;
    ccfg.verify_name = "localhost";
    iotls_conn_callbacks_t ccb = {on_connected, on_received, on_sent, on_client_end,
                                  on_client_error};
    assert_non_null(iotls_conn_connect(loop, "127.0.0.1", iotls_listener_port(p.listener), &ccfg,
                                       &ccb, &p.client, &err));
    assert_int_equal(iotls_loop_run(loop), 0);
    alarm(0);
    iotls_loop_free(loop);

    if (p.client.errors || p.server.errors)
        fail_msg("client: %s / server: %s", p.client.error_text, p.server.error_text);
    assert_int_equal(p.client.got, STREAM_BYTES);
    assert_int_equal(p.server.got, STREAM_BYTES);
    assert_false(p.client.bad_data);
    assert_false(p.server.bad_data);
    assert_int_equal(p.client.clean_ends, 1);
    assert_int_equal(p.server.clean_ends, 1);
}

static void test_half_duplex_client_full_duplex_server(void **state)
{
    run_pair(true, false, 0);
}

static void test_full_duplex_client_half_duplex_server(void **state)
{
    run_pair(false, true, 0);
}

static void test_half_duplex_both_ends(void **state)
{
    run_pair(true, true, 0);
}

/* A device-sized buffer: 2048-byte records (max_fragment_length). */
static void test_half_duplex_both_ends_small_records(void **state)
{
    run_pair(true, true, 2048);
}

static int setup(void **state)
{
    return iotls_test_tls_fixture(NULL, &trust, &creds);
}

static int teardown(void **state)
{
    iotls_test_tls_fixture_free(&trust, &creds);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_half_duplex_client_full_duplex_server),
        cmocka_unit_test(test_full_duplex_client_half_duplex_server),
        cmocka_unit_test(test_half_duplex_both_ends),
        cmocka_unit_test(test_half_duplex_both_ends_small_records),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
