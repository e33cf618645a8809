/* `iotls listen`'s own limits take effect: --max-per-addr and
 * --handshake-timeout once shared their getopt codes with the TLS options
 * --alpn and --half-duplex, which took them first (the cap became an ALPN
 * list, the timeout a half-duplex buffer). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
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
#include "peer.h"

/* iotls listen with the test server's credentials and one option. */
static void listen_start(iotls_test_peer_t *srv, const char *opt, const char *value)
{
    const char *const extra[] = {opt, value, NULL};
    assert_int_equal(iotls_test_listen_start(NULL, NULL, extra, srv), 0);
}

/* A TCP connection that sends nothing; reads time out after timeout_ms. */
static int silent_socket(uint16_t port, int timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* 1 when the server closed the connection before the read timed out. */
static int closed_by_server(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static void test_max_per_addr_refuses_the_second_connection(void **state)
{
    iotls_test_peer_t srv;
    listen_start(&srv, "--max-per-addr", "1");
    /* (The server says when it listens: no probe connection to wait out.) */
    /* The first is accepted (and waits for its handshake)... */
    int first = silent_socket(srv.port, 10000);
    usleep(200000);
    /* ...a second one from the same address is refused at once. */
    int second = silent_socket(srv.port, 5000);
    int refused = closed_by_server(second);
    int logged =
        iotls_test_peer_wait_stderr(&srv, "(already 1 connections from that address)", 1, 5000);
    if (!refused || !logged)
        iotls_test_peer_dump(&srv);
    close(second);
    close(first);
    iotls_test_peer_stop(&srv);
    assert_true(refused);
    assert_true(logged);
}

static void test_handshake_timeout_ends_silent_clients(void **state)
{
    iotls_test_peer_t srv;
    listen_start(&srv, "--handshake-timeout", "300");
    /* The default is 15 s: a close within the 5 s read timeout is the
     * option's doing. */
    int fd = silent_socket(srv.port, 5000);
    int closed = closed_by_server(fd);
    if (!closed)
        iotls_test_peer_dump(&srv);
    close(fd);
    iotls_test_peer_stop(&srv);
    assert_true(closed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max_per_addr_refuses_the_second_connection),
        cmocka_unit_test(test_handshake_timeout_ends_silent_clients),
    };
    /* The PKI is made by the first listen_start; the temp dir goes at exit. */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
