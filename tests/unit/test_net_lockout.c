/* A listener must not be locked out by clients that take a slot and do
 * nothing: silent TCP sockets (never a ClientHello) and idle TLS clients.
 * At the cap the oldest connection still in its handshake is evicted for
 * the newcomer; when every slot has completed its handshake the newcomer
 * is refused, until the idle timeout frees slots; an optional per-address
 * cap; one rate-limited log line while full. Client, listener and the
 * flood share one loop on 127.0.0.1; every outcome is counted exactly. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "iotls/net.h"
#include "pki.h"
#include "tls_fixture.h"

#define CAP 8
#define FLOOD 60
#define IDLE_MS 3000

static iotls_trust_t *trust;
static iotls_creds_t *creds;

typedef struct {
    int log_lines;
    char last_log[512];
    int server_connected, server_evicted, server_other_errors;
    int clients_connected, clients_echoed, clients_failed;
    char client_error[IOTLS_ERROR_TEXT_MAX];
} world_t;

static void capture_log(void *ctx, const char *line)
{
    world_t *w = ctx;
    if (strstr(line, "is full")) {
        w->log_lines++;
        snprintf(w->last_log, sizeof w->last_log, "%s", line);
    }
}

/* ---- server: echo ---- */

static void *srv_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    return user;
}

static void srv_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    ((world_t *)user)->server_connected++;
}

static void srv_received(iotls_conn_t *c, const uint8_t *d, size_t n, void *user)
{
    iotls_conn_send(c, d, n, NULL);
}

static void srv_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    world_t *w = user;
    if (err->code == IOTLS_ERR_TOO_MANY_CONNECTIONS && strstr(err->text, "evicted: "))
        w->server_evicted++;
    else
        w->server_other_errors++;
}

/* ---- clients: `echo` ones send a line and close on its echo; idle ones
 * complete the handshake and then do nothing ---- */

typedef struct {
    world_t *w;
    bool echo;
    bool done;
} client_t;

static void cl_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    client_t *cl = user;
    cl->w->clients_connected++;
    if (cl->echo)
        assert_int_equal(iotls_conn_send(c, "ping\n", 5, NULL), 5);
}

static void cl_received(iotls_conn_t *c, const uint8_t *d, size_t n, void *user)
{
    client_t *cl = user;
    assert_int_equal(n, 5);
    assert_memory_equal(d, "ping\n", 5);
    cl->w->clients_echoed++;
    iotls_conn_close(c);
}

static void cl_disconnected(iotls_conn_t *c, void *user)
{
    ((client_t *)user)->done = true;
}

static void cl_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    client_t *cl = user;
    cl->done = true;
    cl->w->clients_failed++;
    snprintf(cl->w->client_error, sizeof cl->w->client_error, "%s", err->text);
}

static iotls_conn_t *client_start(iotls_loop_t *loop, uint16_t port, client_t *cl)
{
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = trust;
    cfg.verify_name = "localhost";
    iotls_conn_callbacks_t cb = {cl_connected, cl_received, NULL, cl_disconnected, cl_error};
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_conn_t *c = iotls_conn_connect(loop, "127.0.0.1", port, &cfg, &cb, cl, &err);
    assert_non_null(c);
    return c;
}

/* Runs the loop until *flag is set (or `ms` pass). */
static void run_until(iotls_loop_t *loop, const bool *flag, int ms)
{
    for (int i = 0; i < ms / 10 && !(flag && *flag); i++)
        iotls_loop_run_once(loop, 10);
}

static int silent_socket(uint16_t port, const char *from)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    if (from) {
        inet_pton(AF_INET, from, &sa.sin_addr);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    }
    sa.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static iotls_listener_t *listener_start(iotls_loop_t *loop, world_t *w, uint32_t idle_ms)
{
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = creds;
    cfg.tls.log = capture_log;
    cfg.tls.log_ctx = w;
    cfg.idle_timeout_ms = idle_ms;
    iotls_listener_callbacks_t cb = {srv_accepted,
                                     {srv_connected, srv_received, NULL, NULL, srv_error}};
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_listener_t *l = iotls_listener_new(loop, "127.0.0.1", 0, CAP, &cfg, &cb, w, &err);
    if (!l)
        fail_msg("listener: %s", err.text);
    return l;
}

/* 60 silent sockets against 8 slots: they cycle through the slots by
 * eviction, and a real client arriving after them completes an echo. */
static void test_silent_flood_does_not_lock_out(void **state)
{
    world_t w = {0};
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *loop = iotls_loop_new(&err);
    alarm(60);
    iotls_listener_t *l = listener_start(loop, &w, 0);
    uint16_t port = iotls_listener_port(l);
    int fds[FLOOD];
    for (int i = 0; i < FLOOD; i++)
        fds[i] = silent_socket(port, NULL);
    run_until(loop, NULL, 300); /* all accepted */
    assert_int_equal(iotls_listener_active(l), CAP);
    assert_int_equal(iotls_listener_evicted(l), FLOOD - CAP);
    assert_int_equal(w.server_evicted, FLOOD - CAP);
    assert_int_equal(iotls_listener_rejected(l), 0);

    client_t cl = {.w = &w, .echo = true};
    client_start(loop, port, &cl);
    run_until(loop, &cl.done, 10000);
    if (w.clients_failed)
        fail_msg("legitimate client: %s", w.client_error);
    assert_int_equal(w.clients_echoed, 1);
    assert_int_equal(iotls_listener_evicted(l), FLOOD - CAP + 1);
    /* Rate-limited: one line for the whole flood, naming an eviction. */
    assert_int_equal(w.log_lines, 1);
    assert_non_null(strstr(w.last_log, "is full (8 of 8 connections): evicted 127.0.0.1:"));
    for (int i = 0; i < FLOOD; i++)
        close(fds[i]);
    iotls_listener_free(l);
    iotls_loop_free(loop);
    alarm(0);
}

/* Idle TLS clients hold every slot: a newcomer is refused (nothing is in
 * its handshake to evict) until the idle timeout ends them; then it gets
 * through. */
static void test_idle_tls_clients_are_timed_out(void **state)
{
    world_t w = {0};
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *loop = iotls_loop_new(&err);
    alarm(60);
    /* Long enough that all eight handshakes finish before the first idle
     * timeout even on a loaded machine under the sanitizers. */
    iotls_listener_t *l = listener_start(loop, &w, IDLE_MS);
    uint16_t port = iotls_listener_port(l);
    client_t idle[CAP];
    for (int i = 0; i < CAP; i++) {
        idle[i] = (client_t){.w = &w};
        client_start(loop, port, &idle[i]);
    }
    for (int i = 0; i < 2000 && w.server_connected < CAP; i++)
        iotls_loop_run_once(loop, 10);
    assert_int_equal(w.server_connected, CAP);
    assert_int_equal(iotls_listener_active(l), CAP);

    int fd = silent_socket(port, NULL);
    for (int i = 0; i < 100 && iotls_listener_rejected(l) == 0; i++)
        iotls_loop_run_once(loop, 10);
    assert_int_equal(iotls_listener_rejected(l), 1);
    assert_int_equal(iotls_listener_evicted(l), 0);
    assert_non_null(strstr(w.last_log, "every connection is past its handshake"));
    close(fd);

    /* The idle timeout (IDLE_MS here; 120 s by default) frees the slots. */
    bool all_done = false;
    for (int i = 0; i < 3000 && !all_done; i++) {
        iotls_loop_run_once(loop, 10);
        all_done = true;
        for (int j = 0; j < CAP; j++)
            all_done &= idle[j].done;
    }
    assert_true(all_done);
    assert_int_equal(iotls_listener_active(l), 0);
    client_t cl = {.w = &w, .echo = true};
    client_start(loop, port, &cl);
    run_until(loop, &cl.done, 10000);
    assert_int_equal(w.clients_echoed, 1);
    iotls_listener_free(l);
    iotls_loop_free(loop);
    alarm(0);
}

/* At most 3 from 127.0.0.1; 127.0.0.2 is still served. */
static void test_per_address_cap(void **state)
{
    world_t w = {0};
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *loop = iotls_loop_new(&err);
    alarm(60);
    iotls_listener_t *l = listener_start(loop, &w, 0);
    iotls_listener_set_max_per_address(l, 3);
    uint16_t port = iotls_listener_port(l);
    int fds[5];
    for (int i = 0; i < 5; i++)
        fds[i] = silent_socket(port, "127.0.0.1");
    run_until(loop, NULL, 200);
    assert_int_equal(iotls_listener_active(l), 3);
    assert_int_equal(iotls_listener_rejected(l), 2);
    assert_non_null(strstr(w.last_log, "(already 3 connections from that address)"));
    int other = silent_socket(port, "127.0.0.2");
    run_until(loop, NULL, 100);
    assert_int_equal(iotls_listener_active(l), 4);
    assert_int_equal(iotls_listener_rejected(l), 2);
    for (int i = 0; i < 5; i++)
        close(fds[i]);
    close(other);
    iotls_listener_free(l);
    iotls_loop_free(loop);
    alarm(0);
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
        cmocka_unit_test(test_silent_flood_does_not_lock_out),
        cmocka_unit_test(test_idle_tls_clients_are_timed_out),
        cmocka_unit_test(test_per_address_cap),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
