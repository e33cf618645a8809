/*
 * test_http_server.c — the HTTP server over its plain TCP transport (the
 * same request code as over TLS), on a loop thread, driven by raw sockets:
 * routes, parameters, queries, pipelining, streamed and deferred handlers,
 * and hostile clients (oversized heads, slowloris, closing mid-request and
 * mid-response, 200 connections beyond the limit). After each test every
 * connection is gone and no descriptor is left open; sanitizer and valgrind
 * runs check the memory.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
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

#include "http_tserver.h"
#include "iotls/http.h"

typedef struct {
    iotls_test_http_tserver_t t;
    uint16_t port;
    iotls_timer_t *deferred_timer;
    iotls_http_req_t *deferred_req;
} server_t;

static size_t big_size = 4u << 20;

/* ---- handlers ----------------------------------------------------------- */

static void h_hello(iotls_http_req_t *req, void *user)
{
    char out[256];
    char q[32] = "";
    iotls_http_query_value(iotls_http_req_query(req), "q", q, sizeof q);
    int n = snprintf(out, sizeof out, "%s %s q=%s\n", iotls_http_req_method(req),
                     iotls_http_req_path(req), q);
    iotls_http_resp_send(req, 200, "text/plain", out, (size_t)n);
}

/* Counts the requests of its connection (a per-connection context). */
static atomic_int conn_ctx_freed;
static void free_counter(void *ctx)
{
    free(ctx);
    atomic_fetch_add(&conn_ctx_freed, 1);
}

static void h_count(iotls_http_req_t *req, void *user)
{
    int *n = iotls_http_req_conn_ctx(req);
    if (!n) {
        n = calloc(1, sizeof *n);
        assert_non_null(n);
        iotls_http_req_set_conn_ctx(req, n, free_counter);
    }
    char out[32];
    int len = snprintf(out, sizeof out, "count=%d\n", ++*n);
    iotls_http_resp_send(req, 200, "text/plain", out, (size_t)len);
}

static void h_item(iotls_http_req_t *req, void *user)
{
    char out[256];
    int n = snprintf(out, sizeof out, "group=%s item=%s\n", iotls_http_req_param(req, "group"),
                     iotls_http_req_param(req, "item"));
    iotls_http_resp_send(req, 200, "text/plain", out, (size_t)n);
}

/* Streams the request body back as a chunked response, piece by piece. */
static void h_stream_echo(iotls_http_req_t *req, void *user)
{
    if (!iotls_http_req_ctx(req)) {
        iotls_http_req_set_ctx(req, req);
        iotls_http_resp_start(req, 200, "application/octet-stream", -1);
    }
    uint8_t buf[1000];
    long n;
    while ((n = iotls_http_req_read(req, buf, sizeof buf)) > 0)
        iotls_http_resp_write(req, buf, (size_t)n);
    if (n == 0)
        iotls_http_resp_end(req);
}

/* A streaming route that refuses at once, without reading the body. */
static void h_refuse(iotls_http_req_t *req, void *user)
{
    iotls_http_resp_send(req, 403, "text/plain", "no\n", 3);
}

static void deferred_fire(iotls_timer_t *t, void *user)
{
    server_t *s = user;
    if (s->deferred_req)
        iotls_http_resp_send(s->deferred_req, 202, "text/plain", "later\n", 6);
    s->deferred_req = NULL;
}

static void deferred_closed(iotls_http_req_t *req, void *user)
{
    server_t *s = user;
    s->deferred_req = NULL;
}

/* Answers 50 ms later, from a timer (an asynchronous handler). */
static void h_deferred(iotls_http_req_t *req, void *user)
{
    server_t *s = user;
    s->deferred_req = req;
    iotls_http_req_on_closed(req, deferred_closed, s);
    iotls_timer_arm(s->deferred_timer, 50, 0);
}

/* ---- server lifecycle ------------------------------------------------------ */

static void server_start(server_t *s, const iotls_http_server_config_t *cfg)
{
    memset(s, 0, sizeof *s);
    assert_int_equal(iotls_test_http_tserver_init(&s->t, cfg), 0);
    iotls_http_server_t *srv = s->t.srv;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_http_server_route(srv, "GET", "/hello", 0, h_hello, NULL, &err), 0);
    assert_int_equal(
        iotls_http_server_route(srv, "GET", "/g/{group}/i/{item}", 0, h_item, NULL, &err), 0);
    assert_int_equal(iotls_http_server_route(srv, "POST", "/echo", IOTLS_HTTP_STREAM_BODY,
                                             h_stream_echo, NULL, &err),
                     0);
    assert_int_equal(iotls_http_server_route(srv, "PUT", "/refuse", IOTLS_HTTP_STREAM_BODY,
                                             h_refuse, NULL, &err),
                     0);
    assert_int_equal(iotls_http_server_route(srv, "GET", "/later", 0, h_deferred, s, &err), 0);
    assert_int_equal(iotls_http_server_route(srv, "GET", "/big", 0, iotls_test_http_big_handler,
                                             &big_size, &err),
                     0);
    assert_int_equal(iotls_http_server_route(srv, "GET", "/count", 0, h_count, NULL, &err), 0);
    /* Bad registrations are refused with a reason. */
    assert_int_equal(iotls_http_server_route(srv, "get", "/x", 0, h_hello, NULL, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    s->deferred_timer = iotls_timer_new(s->t.loop, deferred_fire, s);
    iotls_error_clear(&err);
    int port = iotls_http_server_listen_tcp(srv, "127.0.0.1", 0, &err);
    assert_true(port > 0);
    s->port = (uint16_t)port;
    assert_int_equal(iotls_test_http_tserver_run(&s->t), 0);
}

static void server_stats(server_t *s, iotls_http_server_stats_t *st)
{
    iotls_test_http_tserver_stats(&s->t, st);
}

/* Wait until the server has no connection left, then stop it. */
static void server_stop(server_t *s)
{
    /* The timer belongs to the loop: free it while the thread is paused. */
    iotls_test_http_tserver_pause(&s->t);
    iotls_timer_free(s->deferred_timer);
    assert_int_equal(iotls_test_http_tserver_run(&s->t), 0);
    assert_int_equal(iotls_test_http_tserver_stop(&s->t), 0);
}

/* ---- raw clients ----------------------------------------------------------- */

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

static void send_all(int fd, const char *s)
{
    size_t len = strlen(s);
    while (len) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        assert_true(n > 0);
        s += n;
        len -= (size_t)n;
    }
}

/* Read until `needle` appears (or EOF / timeout); returns what was read. */
static char *read_until(int fd, const char *needle, size_t *len_out)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    buf[0] = '\0';
    while (!needle || !strstr(buf, needle)) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
    }
    if (len_out)
        *len_out = len;
    return buf;
}

/* true when the server closed the connection (EOF within 3 s). */
static bool closed_by_server(int fd)
{
    char b[256];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (int i = 0; i < 30; i++) {
        if (poll(&p, 1, 100) > 0) {
            ssize_t n = recv(fd, b, sizeof b, 0);
            if (n <= 0)
                return true;
        }
    }
    return false;
}

static void expect_served(uint16_t port)
{
    int fd = tcp_connect(port);
    send_all(fd, "GET /hello?q=ok HTTP/1.1\r\nHost: t\r\n\r\n");
    char *r = read_until(fd, "q=ok\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 200 OK"));
    free(r);
    close(fd);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_routes_params_query_pipelining(void **state)
{
    int fds = iotls_test_count_fds();
    server_t s;
    server_start(&s, NULL);
    int fd = tcp_connect(s.port);
    /* Three pipelined requests in one write; answers in order. */
    send_all(fd, "GET /hello?q=a%20b HTTP/1.1\r\nHost: t\r\n\r\n"
                 "GET /g/red/i/42 HTTP/1.1\r\nHost: t\r\n\r\n"
                 "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    char *r = read_until(fd, "Content-Length: 18\r\n\r\n", NULL);
    char *a = strstr(r, "GET /hello q=a b\n");
    char *b = strstr(r, "group=red item=42\n");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    free(r);
    /* 405 with Allow, 404, then a keep-alive request still works. */
    send_all(fd, "PUT /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
    r = read_until(fd, "Allowed\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 405 Method Not Allowed"));
    assert_non_null(strstr(r, "Allow: GET, HEAD\r\n"));
    free(r);
    send_all(fd, "GET /g/red HTTP/1.1\r\nHost: t\r\n\r\n");
    r = read_until(fd, "Found\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 404 Not Found"));
    free(r);
    /* A per-connection context lives across keep-alive requests. */
    send_all(fd, "GET /count HTTP/1.1\r\nHost: t\r\n\r\nGET /count HTTP/1.1\r\nHost: t\r\n\r\n");
    r = read_until(fd, "count=2\n", NULL);
    assert_non_null(strstr(r, "count=1\n"));
    assert_non_null(strstr(r, "count=2\n"));
    free(r);
    /* HTTP/1.1 without Host: 400 and close. */
    send_all(fd, "GET /hello HTTP/1.1\r\n\r\n");
    r = read_until(fd, "Request\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 400 Bad Request"));
    assert_non_null(strstr(r, "Connection: close"));
    free(r);
    assert_true(closed_by_server(fd));
    close(fd);
    /* HTTP/1.0 closes after the answer unless asked to keep alive. */
    fd = tcp_connect(s.port);
    send_all(fd, "GET /hello?q=10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    r = read_until(fd, "q=10\n", NULL);
    assert_non_null(strstr(r, "Connection: keep-alive\r\n"));
    free(r);
    send_all(fd, "GET /hello HTTP/1.0\r\n\r\n");
    r = read_until(fd, NULL, NULL);
    assert_non_null(strstr(r, "Connection: close"));
    free(r);
    close(fd);
    server_stop(&s);
    assert_int_equal(atomic_load(&conn_ctx_freed), 1); /* freed with its connection */
    assert_int_equal(iotls_test_count_fds(), fds);
}

static void test_streamed_and_deferred_handlers(void **state)
{
    server_t s;
    server_start(&s, NULL);
    int fd = tcp_connect(s.port);
    /* A chunked upload echoed as a chunked response, as it arrives. */
    send_all(fd, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                 "Expect: 100-continue\r\n\r\n");
    /* The interim answer, then the handler's response head, before any
     * body byte was sent. */
    char *r = read_until(fd, "chunked\r\n\r\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"));
    free(r);
    send_all(fd, "5\r\nhello\r\n");
    r = read_until(fd, "hello\r\n", NULL);
    assert_non_null(strstr(r, "5\r\nhello\r\n"));
    free(r);
    send_all(fd, "6\r\n world\r\n0\r\n\r\n");
    r = read_until(fd, "0\r\n\r\n", NULL);
    assert_non_null(strstr(r, " world\r\n"));
    free(r);
    /* A streaming handler that answers before the body: the body is read
     * and dropped, and the connection serves the next request. */
    char body[50001];
    memset(body, 'b', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    send_all(fd, "PUT /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 50000\r\n\r\n");
    r = read_until(fd, "no\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 403 Forbidden"));
    assert_null(strstr(r, "Connection: close"));
    free(r);
    send_all(fd, body);
    send_all(fd, "GET /hello?q=after HTTP/1.1\r\nHost: t\r\n\r\n");
    r = read_until(fd, "q=after\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 200 OK"));
    free(r);
    /* Deferred: the answer comes from a timer; the connection stays. */
    send_all(fd, "GET /later HTTP/1.1\r\nHost: t\r\n\r\n");
    r = read_until(fd, "later\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 202 Accepted") || strstr(r, "HTTP/1.1 202 "));
    free(r);
    send_all(fd, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    r = read_until(fd, NULL, NULL);
    assert_non_null(strstr(r, "GET /hello q=\n"));
    free(r);
    close(fd);
    /* A client that leaves while its deferred answer is pending. */
    fd = tcp_connect(s.port);
    send_all(fd, "GET /later HTTP/1.1\r\nHost: t\r\n\r\n");
    close(fd);
    usleep(100000);
    expect_served(s.port);
    server_stop(&s);
}

static void test_hostile_heads(void **state)
{
    int fds = iotls_test_count_fds();
    iotls_http_server_config_t cfg;
    iotls_http_server_config_init(&cfg);
    cfg.max_header_bytes = 1024;
    cfg.max_request_line = 256;
    cfg.max_headers = 8;
    cfg.header_timeout_ms = 400;
    server_t s;
    server_start(&s, &cfg);

    static const struct {
        const char *req;
        const char *status;
    } cases[] = {
        {"GET /hello HTTP/1.1\r\nHost: t\r\nX: %01000d\r\n\r\n", "431"},
        {"GET /%0300d HTTP/1.1\r\nHost: t\r\n\r\n", "414"},
        {"GET /hello HTTP/1.1\r\nHost: t\r\nA:1\r\nB:1\r\nC:1\r\nD:1\r\nE:1\r\nF:1\r\nG:1\r\nH:1"
         "\r\n\r\n%d",
         "431"},
        {"GET /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n%d",
         "400"},
        {"GET /hello HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n%d", "501"},
        {"GET /hello HTTP/3.0\r\nHost: t\r\n\r\n%d", "505"},
        {"\x16\x03\x01\x02\x01\x01\x01\x01\xfc\x03\x03%d", "400"}, /* a TLS hello */
        {"GET /hello HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n%d", "400"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char req[2048];
        snprintf(req, sizeof req, cases[i].req, 0);
        int fd = tcp_connect(s.port);
        send_all(fd, req);
        char *r = read_until(fd, NULL, NULL); /* to the server's close */
        char want[32];
        snprintf(want, sizeof want, "HTTP/1.1 %s ", cases[i].status);
        if (!strstr(r, want))
            fprintf(stderr, "case %zu: %s\n", i, r);
        assert_non_null(strstr(r, want));
        free(r);
        assert_true(closed_by_server(fd));
        close(fd);
    }
    /* A head that never ends: 431 once it passes the limit. */
    int fd = tcp_connect(s.port);
    send_all(fd, "GET /hello HTTP/1.1\r\n");
    for (int i = 0; i < 200; i++)
        send_all(fd, "X-Fill: aaaaaaaa\r\n");
    char *r = read_until(fd, "\r\n\r\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 431 "));
    free(r);
    close(fd);

    /* Slowloris: one byte every 50 ms never completes the head; 408 after
     * header_timeout while another client is served meanwhile. */
    int slow = tcp_connect(s.port);
    const char *head = "GET /hello HTTP/1.1\r\nHost: slow\r\nX-Slow: 1234567890\r\n\r\n";
    long long start = 0;
    struct timeval tv0;
    gettimeofday(&tv0, NULL);
    start = tv0.tv_sec * 1000LL + tv0.tv_usec / 1000;
    bool refused = false;
    for (size_t i = 0; head[i] && !refused; i++) {
        if (send(slow, head + i, 1, MSG_NOSIGNAL) != 1)
            refused = true;
        if (i == 3)
            expect_served(s.port);
        struct pollfd p = {.fd = slow, .events = POLLIN};
        if (poll(&p, 1, 50) > 0)
            refused = true;
    }
    struct timeval tv1;
    gettimeofday(&tv1, NULL);
    long long elapsed = tv1.tv_sec * 1000LL + tv1.tv_usec / 1000 - start;
    assert_true(refused);
    assert_true(elapsed >= 350);
    r = read_until(slow, "\r\n\r\n", NULL);
    assert_non_null(strstr(r, "HTTP/1.1 408 Request Timeout"));
    free(r);
    close(slow);

    /* A connection that says nothing is closed after the idle timeout... */
    /* ...and clients that close mid-request or mid-response leave no trace. */
    fd = tcp_connect(s.port);
    send_all(fd, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly");
    close(fd);
    fd = tcp_connect(s.port);
    send_all(fd, "GET /hel");
    close(fd);
    fd = tcp_connect(s.port);
    send_all(fd, "GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
    r = read_until(fd, "200 OK", NULL);
    free(r);
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd); /* reset in the middle of 4 MiB */
    expect_served(s.port);
    server_stop(&s);
    assert_int_equal(iotls_test_count_fds(), fds);
}

static void test_connection_limit(void **state)
{
    int fds = iotls_test_count_fds();
    iotls_http_server_config_t cfg;
    iotls_http_server_config_init(&cfg);
    cfg.max_conns = 8;
    cfg.idle_timeout_ms = 600000; /* the holders keep their slots, however slow the machine */
    server_t s;
    server_start(&s, &cfg);
    /* Seven idle keep-alive clients plus one that is served throughout. */
    int held[7];
    for (int i = 0; i < 7; i++) {
        held[i] = tcp_connect(s.port);
        send_all(held[i], "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
        free(read_until(held[i], "q=\n", NULL));
    }
    int worker = tcp_connect(s.port);
    /* 200 more: each accepted and closed at once (EOF, no answer). */
    for (int i = 0; i < 200; i++) {
        int fd = tcp_connect(s.port);
        send(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", 33, MSG_NOSIGNAL);
        char b[64];
        ssize_t n = recv(fd, b, sizeof b, 0);
        /* closed (EOF or reset), not left open until SO_RCVTIMEO */
        assert_true(n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK));
        close(fd);
        if (i % 50 == 0) {
            send_all(worker, "GET /hello?q=w HTTP/1.1\r\nHost: t\r\n\r\n");
            char *r = read_until(worker, "q=w\n", NULL);
            assert_non_null(strstr(r, "200 OK"));
            free(r);
        }
    }
    iotls_http_server_stats_t st;
    server_stats(&s, &st);
    assert_int_equal(st.rejected, 200);
    assert_int_equal(st.open_conns, 8);
    /* The held ones still work. */
    for (int i = 0; i < 7; i++) {
        send_all(held[i], "GET /hello?q=again HTTP/1.1\r\nHost: t\r\n\r\n");
        char *r = read_until(held[i], "q=again\n", NULL);
        assert_non_null(strstr(r, "200 OK"));
        free(r);
        close(held[i]);
    }
    close(worker);
    /* Slots come back: a new client is served (once the server has seen
     * every holder leave: waiting for that state, not for a fixed time). */
    for (int i = 0; i < 3000; i++) {
        server_stats(&s, &st);
        if (st.open_conns == 0)
            break;
        usleep(20000);
    }
    assert_int_equal(st.open_conns, 0);
    expect_served(s.port);
    server_stop(&s);
    assert_int_equal(iotls_test_count_fds(), fds);
}

static void test_idle_keepalive_timeout(void **state)
{
    iotls_http_server_config_t cfg;
    iotls_http_server_config_init(&cfg);
    cfg.idle_timeout_ms = 300;
    server_t s;
    server_start(&s, &cfg);
    int fd = tcp_connect(s.port);
    send_all(fd, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    free(read_until(fd, "q=\n", NULL));
    /* Nothing more: closed after the idle timeout (without an answer). */
    char b[64];
    ssize_t n = recv(fd, b, sizeof b, 0);
    assert_int_equal(n, 0);
    close(fd);
    server_stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_params_query_pipelining),
        cmocka_unit_test(test_streamed_and_deferred_handlers),
        cmocka_unit_test(test_hostile_heads),
        cmocka_unit_test(test_connection_limit),
        cmocka_unit_test(test_idle_keepalive_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
