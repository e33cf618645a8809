/*
 * test_http_client.c — the iotls HTTP client (`iotls get`) against the iotls
 * server, against `openssl s_server -WWW`, and against a Go HTTPS server
 * that ignores max_fragment_length: verification, keep-alive reuse, session
 * resumption, client certificates, bodies and exit codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "peer.h"
#include "pki.h"
#include "serve.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

static void serve_start(iotls_test_peer_t *p, const char *const *extra)
{
    assert_int_equal(iotls_test_serve_start(p, extra), 0);
}

/* iotls get ARGS...; returns its result (caller frees). */
static iotls_test_result_t get(const char *const *args)
{
    const char *argv[32] = {iotls_test_tool(), "get"};
    size_t n = 2;
    for (size_t i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 20000};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    return r;
}

static void expect_ok(iotls_test_result_t *r)
{
    if (!iotls_test_result_ok(r))
        iotls_test_result_dump("iotls get", r);
    assert_true(iotls_test_result_ok(r));
}

static void test_get_from_iotls_server(void **state)
{
    iotls_test_peer_t p;
    serve_start(&p, NULL);
    /* Two URLs: verified once, the second on the kept-alive connection. */
    iotls_test_result_t r =
        get((const char *[]){"-v", "--ca", pki->ca_pem, iotls_test_https_url(p.port, "/api/status"),
                             iotls_test_https_url(p.port, "/api/whoami"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.err, "verified: chain + host name"));
    assert_non_null(strstr(r.err, "reused the kept-alive connection"));
    assert_non_null(strstr(r.err, "< HTTP/1.1 200 OK"));
    assert_non_null(strstr(r.out, "\"accepted\":1,"));
    assert_non_null(strstr(r.out, "no client certificate"));
    iotls_test_result_free(&r);

    /* PUT with a body; then the status shows it. */
    r = get((const char *[]){"--ca", pki->ca_pem, "-X", "PUT", "-d", "{\"on\":true}",
                             iotls_test_https_url(p.port, "/api/led/2"), NULL});
    expect_ok(&r);
    assert_string_equal(r.out, "{\"id\":2,\"on\":true}\n");
    iotls_test_result_free(&r);

    /* A chunked download through the client's decoder. */
    r = get((const char *[]){"--ca", pki->ca_pem,
                             iotls_test_https_url(p.port, "/api/stream?bytes=100000"), NULL});
    expect_ok(&r);
    assert_int_equal(r.out_len, 100000);
    assert_memory_equal(r.out + 99984, "0123456789abcdef", 16);
    iotls_test_result_free(&r);

    /* Saved session: the next process resumes (no public-key operations). */
    char sess[512];
    iotls_test_tmp_path(sess, sizeof sess, "http.session");
    r = get((const char *[]){"--ca", pki->ca_pem, "--session-out", sess,
                             iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_ok(&r);
    iotls_test_result_free(&r);
    r = get((const char *[]){"-v", "--ca", pki->ca_pem, "--session-in", sess,
                             iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.err, "handshake:       resumed"));
    assert_non_null(strstr(r.out, "\"resumed\":1}"));
    iotls_test_result_free(&r);

    /* The server closes after each answer (asked to): the client's next
     * connection in the same process resumes the session it saved. */
    r = get((const char *[]){"-v", "--ca", pki->ca_pem, "-H", "Connection: close",
                             iotls_test_https_url(p.port, "/api/whoami"),
                             iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.err, "handshake:       full"));
    assert_non_null(strstr(r.err, "handshake:       resumed"));
    assert_null(strstr(r.err, "reused the kept-alive connection"));
    iotls_test_result_free(&r);

    /* 4xx: the body is printed, the exit status is 22. */
    r = get((const char *[]){"--ca", pki->ca_pem, iotls_test_https_url(p.port, "/nothing"), NULL});
    assert_true(r.exited);
    assert_int_equal(r.exit_code, 22);
    assert_string_equal(r.out, "404 Not Found\n");
    iotls_test_result_free(&r);

    /* Wrong CA: a certificate error, nothing sent. */
    r = get((const char *[]){"--ca", pki->other_ca_pem, iotls_test_https_url(p.port, "/api/status"),
                             NULL});
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "error (certificate)"));
    assert_int_equal(r.out_len, 0);
    iotls_test_result_free(&r);
    /* No trust at all: refused before connecting, with advice. */
    r = get((const char *[]){iotls_test_https_url(p.port, "/api/status"), NULL});
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "IOTLS_ERR_NO_TRUST"));
    iotls_test_result_free(&r);
    /* A bad URL. */
    r = get((const char *[]){"--ca", pki->ca_pem, "https://localhost:99999/", NULL});
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "bad URL"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&p);
}

/* Trust and the saved session from a flash image, as a device keeps them. */
static void run_tool(const char *const *args)
{
    const char *argv[16] = {iotls_test_tool()};
    size_t n = 1;
    for (size_t i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    iotls_test_cmd_t cmd = {.argv = argv};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    expect_ok(&r);
    iotls_test_result_free(&r);
}

static void test_get_with_flash_trust_and_session(void **state)
{
    char blob[512], img[512];
    iotls_test_tmp_path(blob, sizeof blob, "ca.blob");
    iotls_test_tmp_path(img, sizeof img, "device.img");
    remove(img);
    run_tool((const char *[]){"flash", "pack", "ca", pki->ca_pem, "-o", blob, NULL});
    run_tool((const char *[]){"flash", "write", img, "--sector", "0x3B", blob, NULL});
    iotls_test_peer_t p;
    serve_start(&p, NULL);
    for (int i = 0; i < 2; i++) {
        iotls_test_result_t r =
            get((const char *[]){"-v", "--flash", img, "--ca-sector", "0x3B", "--session-sector",
                                 "0x3C", iotls_test_https_url(p.port, "/api/status"), NULL});
        expect_ok(&r);
        assert_non_null(
            strstr(r.err, i == 0 ? "handshake:       full" : "handshake:       resumed"));
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&p);
}

static void test_get_with_client_certificate(void **state)
{
    iotls_test_peer_t p;
    serve_start(&p, (const char *[]){"--client-ca", pki->ca_pem, "--require-client-cert", NULL});
    iotls_test_result_t r =
        get((const char *[]){"--ca", pki->ca_pem, "--cert", pki->client.chain, "--key",
                             pki->client.key, iotls_test_https_url(p.port, "/api/whoami"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.out, "CN=iotls test client"));
    iotls_test_result_free(&r);
    r = get(
        (const char *[]){"--ca", pki->ca_pem, iotls_test_https_url(p.port, "/api/whoami"), NULL});
    assert_int_equal(r.exit_code, 1);
    assert_int_equal(r.out_len, 0);
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&p);
}

static void test_get_from_openssl_www(void **state)
{
    iotls_test_peer_t s;
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_WWW};
    assert_int_equal(iotls_test_s_server_start(&o, &s), 0);
    /* HTTP/1.0 answer without Content-Length: the body ends at close. */
    iotls_test_result_t r = get((const char *[]){"--ca", pki->ca_pem, "--buffer", "2048",
                                                 iotls_test_https_url(s.port, "/hello.txt"), NULL});
    expect_ok(&r);
    assert_string_equal(r.out, "hello from s_server\n");
    iotls_test_result_free(&r);
    r = get((const char *[]){"-v", "--ca", pki->ca_pem, "--buffer", "1024",
                             iotls_test_https_url(s.port, IOTLS_TEST_WWW_FILE), NULL});
    expect_ok(&r);
    assert_int_equal(r.out_len, IOTLS_TEST_WWW_FILE_SIZE);
    if (!strstr(r.err, "max fragment:    asked 1024 bytes, agreed 1024 bytes"))
        iotls_test_result_dump("iotls get", &r);
    assert_non_null(strstr(r.err, "max fragment:    asked 1024 bytes, agreed 1024 bytes"));
    assert_non_null(strstr(r.err, "< HTTP/1.0 200 ok"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&s);
}

static void test_get_from_server_ignoring_mfl(void **state)
{
    char bin[512];
    int rc = iotls_test_go_build("https_mfl_ignoring_server", bin, sizeof bin);
    if (rc == 1)
        skip();
    assert_int_equal(rc, 0);
    const char *argv[] = {bin, pki->server_ec.chain, pki->server_ec.key, NULL};
    iotls_test_peer_spec_t spec = {.name = "https-mfl-ignoring", .argv = argv};
    iotls_test_peer_t p;
    assert_int_equal(iotls_test_peer_start(&spec, &p), 0);

    /* Asked for 1024-byte records, the server ignores it: a clear error. */
    iotls_test_result_t r = get((const char *[]){"--ca", pki->ca_pem, "--buffer", "1024",
                                                 iotls_test_https_url(p.port, "/big"), NULL});
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "max_fragment_length"));
    iotls_test_result_free(&r);
    /* With the retry policy: one reconnect with a full buffer, then the body. */
    r = get((const char *[]){"-v", "--ca", pki->ca_pem, "--buffer", "1024", "--mfl-retry",
                             iotls_test_https_url(p.port, "/big"), NULL});
    expect_ok(&r);
    assert_int_equal(r.out_len, 20000);
    assert_non_null(strstr(r.err, "buffer retry:    yes"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&p);
}

/* A TLS server that answers with whatever bytes the test writes
 * (openssl s_server in STDIO mode): what iotls get makes of bad answers. */
static iotls_test_result_t get_answered_by(const char *answer, size_t len, bool then_kill)
{
    iotls_test_peer_t s;
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_STDIO};
    assert_int_equal(iotls_test_s_server_start(&o, &s), 0);
    const char *argv[] = {iotls_test_tool(),
                          "get",
                          "-v",
                          "--ca",
                          pki->ca_pem,
                          iotls_test_https_url(s.port, "/x"),
                          NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 20000};
    iotls_test_job_t job;
    assert_int_equal(iotls_test_cmd_start(&cmd, &job), 0);
    assert_true(iotls_test_peer_wait_stdout(&s, "GET /x HTTP/1.1", 10000));
    assert_int_equal(iotls_test_peer_write_stdin(&s, answer, len), 0);
    if (then_kill) {
        usleep(300000);
        iotls_test_peer_stop(&s);
    }
    iotls_test_result_t r;
    assert_int_equal(iotls_test_cmd_wait(&job, &r), 0);
    iotls_test_peer_stop(&s);
    return r;
}

/* --timeout MS is the idle limit, and nothing else: it once shared its
 * getopt code with --allow-weak-rsa, which it turned on instead. */
static void test_get_timeout_is_the_idle_limit(void **state)
{
    iotls_test_peer_t s;
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_STDIO};
    assert_int_equal(iotls_test_s_server_start(&o, &s), 0);
    /* The server takes the request and never answers: without --timeout
     * the client would wait 30 s, longer than the command may run. */
    const char *argv[] = {iotls_test_tool(),
                          "get",
                          "--ca",
                          pki->ca_pem,
                          "--timeout",
                          "500",
                          iotls_test_https_url(s.port, "/x"),
                          NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 20000};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    iotls_test_peer_stop(&s);
    if (r.exit_code != 1 || !strstr(r.err, "IOTLS_ERR_IDLE_TIMEOUT"))
        iotls_test_result_dump("iotls get", &r);
    assert_true(r.exited);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "IOTLS_ERR_IDLE_TIMEOUT"));
    assert_null(strstr(r.err, "allow_weak_rsa"));
    iotls_test_result_free(&r);
}

static void expect_failure(iotls_test_result_t *r, const char *text)
{
    if (r->exit_code != 1 || !strstr(r->err, text))
        iotls_test_result_dump("iotls get", r);
    assert_true(r->exited);
    assert_int_equal(r->exit_code, 1);
    assert_non_null(strstr(r->err, text));
    iotls_test_result_free(r);
}

static void test_get_refuses_bad_answers(void **state)
{
    char *big = malloc(10000);
    assert_non_null(big);
    int n = snprintf(big, 10000, "HTTP/1.1 200 OK\r\nX-Big: ");
    memset(big + n, 'a', 9000);
    memcpy(big + n + 9000, "\r\n\r\n", 4);
    iotls_test_result_t r = get_answered_by(big, (size_t)n + 9004, false);
    expect_failure(&r, "response head larger than the client's limit");
    free(big);

    static const char chunks[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
    r = get_answered_by(chunks, sizeof chunks - 1, false);
    expect_failure(&r, "malformed chunked body");

    static const char both[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n";
    r = get_answered_by(both, sizeof both - 1, false);
    expect_failure(&r, "conflicting or unknown body framing");

    static const char notes[] = "HTTQ/1.1 200 OK\r\n\r\n";
    r = get_answered_by(notes, sizeof notes - 1, false);
    expect_failure(&r, "malformed HTTP response head");

    /* 10 of 100 bytes, then the server dies (no close_notify). */
    static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
    r = get_answered_by(cut, sizeof cut - 1, true);
    assert_int_equal(r.exit_code, 1);
    assert_string_equal(r.out, "0123456789");
    assert_non_null(strstr(r.err, "error (I/O)"));
    iotls_test_result_free(&r);

    /* Redirects are not followed: the 302 is the answer. */
    static const char moved[] = "HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/\r\n"
                                "Content-Length: 6\r\n\r\nmoved\n";
    r = get_answered_by(moved, sizeof moved - 1, false);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("iotls get", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, "moved\n");
    assert_non_null(strstr(r.err, "< HTTP/1.1 302 Found"));
    assert_null(strstr(r.err, "elsewhere.example/\n>"));
    iotls_test_result_free(&r);
}

/* The README's `make demo-https` (scripts/demo-https.sh). */
static void test_demo_https_script(void **state)
{
    const char *b = getenv("IOTLS_BUILD");
    const char *src = getenv("IOTLS_SRCDIR");
    char script[512];
    snprintf(script, sizeof script, "%s/scripts/demo-https.sh", src && *src ? src : ".");
    const char *argv[] = {"sh", script, b && *b ? b : "build", NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 30000};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    expect_ok(&r);
    assert_non_null(strstr(r.out, "{\"id\":1,\"on\":true}"));
    assert_non_null(strstr(r.out, "handshake:       resumed"));
    assert_non_null(strstr(r.out, "reused the kept-alive connection"));
    assert_non_null(strstr(r.out, "\"leds\":[false,true,"));
    iotls_test_result_free(&r);
}

/* examples/https_device: server and client in one loop, as documented. */
static void test_example_https_device(void **state)
{
    const char *b = getenv("IOTLS_BUILD");
    char prog[512];
    snprintf(prog, sizeof prog, "%s/examples/https_device", b && *b ? b : "build");
    const char *argv[] = {
        prog, "--ca", pki->ca_pem, "--cert", pki->server_ec.chain, "--key", pki->server_ec.key,
        NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 20000};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    expect_ok(&r);
    assert_non_null(strstr(r.out, "client: 204 No Content"));
    assert_non_null(strstr(r.out, "verified by chain + host name"));
    assert_non_null(strstr(r.out, "client: 200 OK (kept-alive connection reused)"));
    assert_non_null(strstr(r.out, "client: body {\"on\":true}"));
    assert_non_null(strstr(r.out, "server: 2 requests, 1 full handshake(s)"));
    iotls_test_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_from_iotls_server),
        cmocka_unit_test(test_get_with_client_certificate),
        cmocka_unit_test(test_get_with_flash_trust_and_session),
        cmocka_unit_test(test_get_from_openssl_www),
        cmocka_unit_test(test_get_from_server_ignoring_mfl),
        cmocka_unit_test(test_get_refuses_bad_answers),
        cmocka_unit_test(test_get_timeout_is_the_idle_limit),
        cmocka_unit_test(test_example_https_device),
        cmocka_unit_test(test_demo_https_script),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
