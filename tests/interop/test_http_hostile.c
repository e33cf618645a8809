/*
 * test_http_hostile.c — the HTTP server over TLS (in process, on a loop
 * thread) against hostile clients while curl keeps being served: an
 * oversized head (431), a slowloris over TLS (one byte every 100 ms: 408
 * once header_timeout passes), clients that vanish mid-request and
 * mid-response, silent sockets that cannot lock curl out (net/ evicts the
 * oldest handshake at the cap), and, with every slot held by a verified
 * client, 200 connections beyond max_conns (each accepted and closed). Afterwards no connection is left, the descriptor count is
 * what it was, and the sanitizer build checks that nothing leaked.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "http_tserver.h"
#include "iotls/http.h"
#include "peer.h"
#include "pki.h"

static const iotls_test_pki_t *pki;

typedef struct {
    iotls_test_http_tserver_t t;
    iotls_creds_t *creds;
    uint16_t port;
} server_t;

static size_t big_size = 64u << 20;

static void h_hello(iotls_http_req_t *req, void *user)
{
    iotls_http_resp_send(req, 200, "text/plain", "hello\n", 6);
}

static void server_start(server_t *s)
{
    memset(s, 0, sizeof *s);
    iotls_error_t err;
    iotls_error_clear(&err);
    s->creds = iotls_creds_new();
    assert_int_equal(
        iotls_creds_load_files(s->creds, pki->server_ec.chain, pki->server_ec.key, &err), 0);
    iotls_http_server_config_t cfg;
    iotls_http_server_config_init(&cfg);
    cfg.max_conns = 8;
    cfg.max_header_bytes = 2048;
    cfg.header_timeout_ms = 600;
    /* Connections that hold a slot must keep it for as long as a test
     * needs it, however slow the machine: no idle close mid-test. */
    cfg.idle_timeout_ms = 600000;
    assert_int_equal(iotls_test_http_tserver_init(&s->t, &cfg), 0);
    iotls_http_server_t *srv = s->t.srv;
    assert_int_equal(iotls_http_server_route(srv, "GET", "/", 0, h_hello, NULL, &err), 0);
    assert_int_equal(iotls_http_server_route(srv, "GET", "/big", 0, iotls_test_http_big_handler,
                                             &big_size, &err),
                     0);
    iotls_conn_config_t ccfg;
    iotls_conn_config_init(&ccfg);
    ccfg.tls.creds = s->creds;
    /* Generous: eight handshakes at once under the sanitizers on two busy
     * cores must not time out (silent sockets are evicted or closed). */
    ccfg.handshake_timeout_ms = 60000;
    int port = iotls_http_server_listen_tls(srv, "127.0.0.1", 0, &ccfg, &err);
    assert_true(port > 0);
    s->port = (uint16_t)port;
    assert_int_equal(iotls_test_http_tserver_run(&s->t), 0);
}

static void server_stats(server_t *s, iotls_http_server_stats_t *st)
{
    iotls_test_http_tserver_stats(&s->t, st);
}

/* Waits (up to 60 s) until the server holds exactly n connections: tests
 * wait for the state they need instead of sleeping. */
static bool wait_open_conns(server_t *s, unsigned n)
{
    iotls_http_server_stats_t st;
    for (int i = 0; i < 3000; i++) {
        server_stats(s, &st);
        if (st.open_conns == n)
            return true;
        usleep(20000);
    }
    fprintf(stderr, "server holds %u connections, not %u\n", st.open_conns, n);
    return false;
}

static void server_stop(server_t *s)
{
    assert_int_equal(iotls_test_http_tserver_stop(&s->t), 0);
    iotls_creds_free(s->creds);
}

static void expect_served(server_t *s)
{
    char url[64];
    snprintf(url, sizeof url, "https://localhost:%u/", s->port);
    const char *args[] = {"-sS", "--cacert", pki->ca_pem, url, NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_curl_run(args, 20000, &r), 0);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("curl", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, "hello\n");
    iotls_test_result_free(&r);
}

static int tcp_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static int setup(void **state)
{
    pki = iotls_test_pki();
    signal(SIGPIPE, SIG_IGN);
    return pki ? 0 : -1;
}

static void test_oversized_head_and_slowloris_over_tls(void **state)
{
    int fds = iotls_test_count_fds();
    server_t s;
    server_start(&s);
    expect_served(&s);

    char url[64];
    snprintf(url, sizeof url, "https://localhost:%u/", s.port);
    char *big = malloc(3000);
    assert_non_null(big);
    memcpy(big, "X-Big: ", 7);
    memset(big + 7, 'b', 2900);
    big[2907] = '\0';
    const char *args[] = {"-sS", "-i", "--cacert", pki->ca_pem, "-H", big, url, NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_curl_run(args, 20000, &r), 0);
    assert_non_null(strstr(r.out, "HTTP/1.1 431 Request Header Fields Too Large"));
    iotls_test_result_free(&r);
    free(big);

    /* Slowloris over TLS: openssl s_client forwards what we trickle in. */
    char connect_to[32];
    snprintf(connect_to, sizeof connect_to, "127.0.0.1:%u", s.port);
    const char *argv[] = {"openssl", "s_client", "-connect",  connect_to,
                          "-quiet",  "-CAfile",  pki->ca_pem, "-verify_return_error",
                          NULL};
    iotls_test_peer_spec_t spec = {.name = "slowloris", .argv = argv, .port = s.port};
    iotls_test_peer_t slow;
    assert_int_equal(iotls_test_peer_start(&spec, &slow), 0);
    static const char head[] = "GET / HTTP/1.1\r\nHost: slow\r\nX-Padding: 0123456789\r\n";
    int got408 = 0;
    for (size_t i = 0; i < sizeof head - 1 && !got408; i++) {
        iotls_test_peer_write_stdin(&slow, head + i, 1);
        if (i == 5)
            expect_served(&s); /* others are served meanwhile */
        got408 = iotls_test_peer_wait_stdout(&slow, "408 Request Timeout", 100);
    }
    if (!got408)
        got408 = iotls_test_peer_wait_stdout(&slow, "408 Request Timeout", 3000);
    if (!got408)
        iotls_test_peer_dump(&slow);
    assert_true(got408);
    iotls_test_peer_stop(&slow);

    /* Vanishing clients: mid-request (half a head, then killed) and
     * mid-response (a 64 MiB download, killed after it started). */
    iotls_test_peer_t half;
    spec.name = "half-request";
    assert_int_equal(iotls_test_peer_start(&spec, &half), 0);
    iotls_test_peer_write_stdin(&half, "GET / HT", 8);
    usleep(200000);
    iotls_test_peer_stop(&half);
    char big_url[64];
    snprintf(big_url, sizeof big_url, "https://localhost:%u/big", s.port);
    const char *dl[] = {"-sS", "--cacert", pki->ca_pem, "-o", "/dev/null", big_url, NULL};
    iotls_test_job_t job;
    assert_int_equal(iotls_test_curl_start(dl, 20000, &job), 0);
    usleep(300000);
    kill(job.pid, SIGKILL);
    iotls_test_cmd_wait(&job, &r);
    iotls_test_result_free(&r);
    expect_served(&s);

    server_stop(&s);
    assert_int_equal(iotls_test_count_fds(), fds);
}

static void count_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    (*(int *)user)++;
}

static void count_failed(iotls_conn_t *c, const iotls_error_t *e, void *user)
{
    fprintf(stderr, "held client: %s\n", e->text);
    (*(int *)user) += 1000;
}

static void test_200_connections_beyond_the_limit(void **state)
{
    int fds = iotls_test_count_fds();
    server_t s;
    server_start(&s);
    /* Silent sockets cannot lock the server: at the cap the oldest one
     * still in its handshake is evicted for a real client (net/ policy). */
    int silent[8];
    for (int i = 0; i < 8; i++)
        silent[i] = tcp_connect(s.port);
    assert_true(wait_open_conns(&s, 8)); /* every slot holds a silent socket */
    expect_served(&s);
    for (int i = 0; i < 8; i++)
        close(silent[i]);
    assert_true(wait_open_conns(&s, 0)); /* the closed silent sockets and curl are gone */

    /* Eight verified TLS clients (iotls, on a loop of this thread) hold
     * every slot with completed handshakes... */
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *cloop = iotls_loop_new(&err);
    assert_non_null(cloop);
    iotls_trust_t *trust = iotls_trust_new();
    assert_true(iotls_trust_load_file(trust, pki->ca_pem, &err) > 0);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = trust;
    iotls_conn_callbacks_t cb = {count_connected, NULL, NULL, NULL, count_failed};
    int connected = 0;
    for (int i = 0; i < 8; i++)
        assert_non_null(
            iotls_conn_connect(cloop, "localhost", s.port, &cfg, &cb, &connected, &err));
    for (int i = 0; i < 3000 && connected < 8; i++)
        iotls_loop_run_once(cloop, 20);
    assert_int_equal(connected, 8);
    assert_true(wait_open_conns(&s, 8));

    /* ...so 200 more are each accepted and closed at once, no bytes (a
     * socket left open until SO_RCVTIMEO is not refused: stop there). */
    int refused = 0;
    for (int i = 0; i < 200 && refused == i; i++) {
        int fd = tcp_connect(s.port);
        char b[16];
        ssize_t n = recv(fd, b, sizeof b, 0);
        refused += n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        close(fd);
    }
    assert_int_equal(refused, 200);
    iotls_http_server_stats_t st;
    server_stats(&s, &st);
    assert_int_equal(st.rejected, 200);
    assert_true(st.evicted >= 1);
    assert_int_equal(st.open_conns, 8);

    /* Slots come back when the holders go; curl is served again. */
    iotls_loop_free(cloop);
    iotls_trust_free(trust);
    assert_true(wait_open_conns(&s, 0));
    expect_served(&s);
    server_stop(&s);
    assert_int_equal(iotls_test_count_fds(), fds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oversized_head_and_slowloris_over_tls),
        cmocka_unit_test(test_200_connections_beyond_the_limit),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
