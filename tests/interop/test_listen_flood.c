/* `iotls listen` with its defaults (64 connections) under a small flood:
 * 10 idle TLS clients that completed their handshake and 200 TCP sockets
 * that never send a byte. A legitimate `iotls connect` must still get its
 * echo at once, and the server must say it is full in one log line, not
 * one per socket. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "iotls/net.h"
#include "peer.h"
#include "pki.h"

#define IDLE_CLIENTS 10
#define SILENT_SOCKETS 200

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

static void idle_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    (*(int *)user)++;
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void test_flood_and_idle_clients_do_not_lock_out(void **state)
{
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_listen_start(NULL, NULL, NULL, &srv), 0);
    uint16_t port = srv.port;
    char addr[32];

    /* Idle TLS clients: handshake done, then silence. */
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *loop = iotls_loop_new(&err);
    iotls_trust_t *trust = iotls_trust_new();
    assert_non_null(loop);
    assert_true(iotls_trust_load_file(trust, pki->ca_pem, &err) > 0);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = trust;
    cfg.verify_name = "localhost";
    iotls_conn_callbacks_t cb = {idle_connected, NULL, NULL, NULL, NULL};
    int connected = 0;
    for (int i = 0; i < IDLE_CLIENTS; i++)
        assert_non_null(iotls_conn_connect(loop, "127.0.0.1", port, &cfg, &cb, &connected, &err));
    for (int i = 0; i < 500 && connected < IDLE_CLIENTS; i++)
        iotls_loop_run_once(loop, 10);
    assert_int_equal(connected, IDLE_CLIENTS);

    /* Silent sockets: TCP only. */
    int fds[SILENT_SOCKETS];
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    for (int i = 0; i < SILENT_SOCKETS; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        assert_true(fds[i] >= 0);
        assert_int_equal(connect(fds[i], (struct sockaddr *)&sa, sizeof sa), 0);
    }

    snprintf(addr, sizeof addr, "localhost:%u", port);
    const char *argv[] = {iotls_test_tool(), "connect", "--ca", pki->ca_pem, addr, NULL};
    iotls_test_cmd_t cmd = {
        .argv = argv, .input = "still served\n", .input_len = 13, .timeout_ms = 10000};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("legitimate client", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, "still served\n");
    iotls_test_result_free(&r);

    for (int i = 0; i < SILENT_SOCKETS; i++)
        close(fds[i]);
    iotls_loop_free(loop);
    iotls_trust_free(trust);
    size_t len;
    char *log = iotls_test_peer_stderr(&srv, &len);
    iotls_test_peer_stop(&srv);
    assert_non_null(log);
    /* One rate-limited line for the whole flood, no line per eviction. */
    assert_int_equal(count(log, "is full (64 of 64 connections): evicted"), 1);
    assert_int_equal(count(log, "evicted: "), 0);
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flood_and_idle_clients_do_not_lock_out),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
