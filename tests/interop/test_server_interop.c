/* iotls server against real clients (openssl s_client, curl), and the
 * iotls command-line tool against itself. The in-process server runs its
 * own event loop on a thread while the test drives the client programs. */
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
#include "thread_server.h"

static const iotls_test_pki_t *pki;

/* ---- in-process server on a thread ---------------------------------------- */

static const char http_body[] = "hello from the iotls server\n";

struct server {
    iotls_test_tserver_t t;
    iotls_creds_t *creds;
    iotls_conn_config_t cfg;
};

/* `http`: curl gets http_body; otherwise s_client's line is echoed. */
static uint16_t server_start(struct server *s, const iotls_test_cred_t *cred, bool http,
                             size_t buffer)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    s->creds = iotls_creds_new();
    assert_int_equal(iotls_creds_load_files(s->creds, cred->chain, cred->key, &err), 0);
    iotls_conn_config_init(&s->cfg);
    s->cfg.tls.creds = s->creds;
    s->cfg.tls.buffer_size = buffer;
    return iotls_test_tserver_start(&s->t, &s->cfg, http ? http_body : NULL);
}

static void server_stop(struct server *s)
{
    iotls_test_tserver_stop(&s->t);
    iotls_creds_free(s->creds);
}

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

/* ---- openssl s_client -> iotls server ------------------------------------- */

static void s_client_echo(const iotls_test_cred_t *cred, int maxfraglen)
{
    struct server s;
    uint16_t port = server_start(&s, cred, false, 16384);
    static const char line[] = "ping over TLS from openssl\n";
    iotls_test_s_client_opts_t o = {
        .port = port,
        .ca_file = pki->ca_pem,
        .verify_host = "localhost",
        .servername = "localhost",
        .maxfraglen = maxfraglen,
        .verbose = 1,
        .close_at_eof = 0,
        .input = line,
        .input_len = sizeof line - 1,
    };
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    server_stop(&s);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("s_client", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_non_null(strstr(r.out, "Verify return code: 0 (ok)"));
    assert_non_null(strstr(r.out, line));
    /* Our server honoured the request: no application record above it
     * (ciphertext adds at most 16 bytes of tag + 8 of explicit nonce). */
    if (maxfraglen) {
        long max = iotls_test_s_client_max_record(r.out, 23);
        assert_true(max > 0);
        assert_true(max <= maxfraglen + 64);
    }
    assert_int_equal(atomic_load(&s.t.connected), 1);
    assert_string_equal(s.t.last_report.server_name, "localhost");
    assert_int_equal(s.t.last_report.mfl_requested, (unsigned)maxfraglen);
    iotls_test_result_free(&r);
}

static void test_s_client_ecdsa_and_mfl(void **state)
{
    s_client_echo(&pki->server_ec, 0);
    static const int mfl[] = {512, 1024, 2048, 4096};
    for (size_t i = 0; i < 4; i++)
        s_client_echo(&pki->server_ec, mfl[i]);
}

static void test_s_client_rsa(void **state)
{
    s_client_echo(&pki->server_rsa, 1024);
}

/* ---- curl -> iotls server -------------------------------------------------- */

static void test_curl_verified_https(void **state)
{
    struct server s;
    uint16_t port = server_start(&s, &pki->server_ec, true, 16384);
    char url[64];
    snprintf(url, sizeof url, "https://localhost:%u/", port);
    const char *args[] = {"-sS", "--cacert", pki->ca_pem, "--tlsv1.2", url, NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_curl_run(args, 10000, &r), 0);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("curl", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, http_body);
    iotls_test_result_free(&r);

    /* By IP address: matched against the certificate's IP SAN. */
    snprintf(url, sizeof url, "https://127.0.0.1:%u/", port);
    const char *args_ip[] = {"-sS", "--cacert", pki->ca_pem, url, NULL};
    assert_int_equal(iotls_test_curl_run(args_ip, 10000, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, http_body);
    iotls_test_result_free(&r);
    server_stop(&s);
    assert_int_equal(atomic_load(&s.t.connected), 2);
    assert_int_equal(atomic_load(&s.t.errors), 0);
}

/* ---- hostile clients do not disturb others --------------------------------- */

static int raw_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static void test_garbage_and_reset_clients_leave_others_alone(void **state)
{
    struct server s;
    uint16_t port = server_start(&s, &pki->server_ec, true, 16384);

    int garbage = raw_connect(port);
    static const char junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(write(garbage, junk, sizeof junk - 1), (ssize_t)(sizeof junk - 1));
    int resetter = raw_connect(port);
    assert_int_equal(write(resetter, "\x16\x03\x01\x00\x80", 5), 5);
    struct linger lg = {1, 0};
    setsockopt(resetter, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(resetter);
    int idle = raw_connect(port); /* holds a slot, says nothing */

    char url[64];
    snprintf(url, sizeof url, "https://localhost:%u/", port);
    const char *args[] = {"-sS", "--cacert", pki->ca_pem, url, NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_curl_run(args, 10000, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, http_body);
    iotls_test_result_free(&r);

    /* The garbage client was answered with nothing TLS and dropped. */
    char buf[64];
    ssize_t n = read(garbage, buf, sizeof buf);
    assert_true(n <= 0 || (buf[0] == 0x15)); /* EOF, reset, or a TLS alert */
    close(garbage);
    close(idle);
    server_stop(&s);
    assert_true(atomic_load(&s.t.errors) >= 2);
    assert_int_equal(atomic_load(&s.t.connected), 1);
}

/* ---- the iotls tool against itself ----------------------------------------- */

static void start_listen(iotls_test_peer_t *p, const char *buffer)
{
    const char *const extra[] = {"--buffer", buffer, NULL};
    assert_int_equal(iotls_test_listen_start(NULL, NULL, extra, p), 0);
}

static void run_connect(const char *const *argv, const char *input, iotls_test_result_t *r)
{
    iotls_test_cmd_t cmd = {
        .argv = argv, .input = input, .input_len = strlen(input), .timeout_ms = 15000};
    assert_int_equal(iotls_test_run_cmd(&cmd, r), 0);
}

static void test_cli_connect_to_cli_listen(void **state)
{
    iotls_test_peer_t srv;
    start_listen(&srv, "16384");
    char addr[32];
    snprintf(addr, sizeof addr, "localhost:%u", srv.port);

    /* Verified, small buffer, verbose report. */
    const char *ok[] = {iotls_test_tool(), "connect", "--ca", pki->ca_pem, "--buffer", "1024",
                        "--linger",        "300",     "-v",   addr,        NULL};
    iotls_test_result_t r;
    run_connect(ok, "hello iotls\n", &r);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("iotls connect", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, "hello iotls\n");
    assert_non_null(strstr(r.err, "version:         TLS 1.2"));
    assert_non_null(strstr(r.err, "max fragment:    asked 1024 bytes, agreed 1024 bytes"));
    assert_non_null(strstr(r.err, "session memory:"));
    assert_non_null(strstr(r.err, "connection memory:"));
    iotls_test_result_free(&r);

    /* No trust configured: refused, and the message says how to fix it. */
    const char *no_ca[] = {iotls_test_tool(), "connect", addr, NULL};
    run_connect(no_ca, "x", &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "--ca FILE"));
    assert_non_null(strstr(r.err, "IOTLS_ERR_NO_TRUST"));
    iotls_test_result_free(&r);

    /* Wrong CA: one line naming the reason; exit status 1. */
    const char *wrong_ca[] = {iotls_test_tool(), "connect", "--ca", pki->other_ca_pem, addr, NULL};
    run_connect(wrong_ca, "x", &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "unknown CA"));
    assert_null(strchr(strchr(r.err, '\n') + 1, '\n')); /* exactly one line */
    iotls_test_result_free(&r);

    /* Insecure is explicit and warns. */
    const char *insecure[] = {
        iotls_test_tool(), "connect", "--insecure", "--linger", "300", addr, NULL};
    run_connect(insecure, "y\n", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, "y\n");
    assert_non_null(strstr(r.err, "WARNING"));
    iotls_test_result_free(&r);

    iotls_test_peer_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s_client_ecdsa_and_mfl),
        cmocka_unit_test(test_s_client_rsa),
        cmocka_unit_test(test_curl_verified_https),
        cmocka_unit_test(test_garbage_and_reset_clients_leave_others_alone),
        cmocka_unit_test(test_cli_connect_to_cli_listen),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
