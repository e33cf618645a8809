/*
 * test_http_curl.c — `iotls serve` (the HTTP layer over iotls TLS
 * connections) against curl: GET/HEAD, bodies with Content-Length and
 * chunked, 100-continue, keep-alive reuse, client certificates, a wrong CA,
 * Basic auth, static files without traversal, and the 404/405/413/414/431
 * answers after which the server keeps serving.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* `iotls serve` with the test server certificate and extra options. */
static void serve_start(iotls_test_peer_t *p, const char *const *extra)
{
    assert_int_equal(iotls_test_serve_start(p, extra), 0);
}

/* curl with the test CA; returns its result (caller frees). */
static iotls_test_result_t curl(const char *const *args)
{
    const char *argv[40] = {"-sS", "--cacert", pki->ca_pem};
    size_t n = 3;
    for (size_t i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    iotls_test_result_t r;
    assert_int_equal(iotls_test_curl_run(argv, 20000, &r), 0);
    return r;
}

static void expect_ok(iotls_test_result_t *r)
{
    if (!iotls_test_result_ok(r))
        iotls_test_result_dump("curl", r);
    assert_true(iotls_test_result_ok(r));
}

static void test_get_head_and_keepalive_reuse(void **state)
{
    iotls_test_peer_t p;
    serve_start(&p, NULL);
    /* Two URLs in one run: the second request reuses the connection. */
    iotls_test_result_t r =
        curl((const char *[]){"-v", iotls_test_https_url(p.port, "/api/status"),
                              iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.err, "Re-using existing connection"));
    assert_non_null(strstr(r.out, "\"requests\":1,"));
    assert_non_null(strstr(r.out, "\"requests\":2,"));
    /* One connection, one full handshake, for both. */
    assert_non_null(strstr(r.out, "\"accepted\":1,"));
    iotls_test_result_free(&r);

    /* Two connections in one curl run: the second resumes the session
     * (resumption is on by default in the server). */
    r = curl((const char *[]){"-v", "--no-keepalive", "-H", "Connection: close",
                              iotls_test_https_url(p.port, "/api/status"),
                              iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.out, "\"resumed\":1}"));
    iotls_test_result_free(&r);

    r = curl((const char *[]){"-I", iotls_test_https_url(p.port, "/"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.out, "HTTP/1.1 200 OK"));
    assert_non_null(strstr(r.out, "Content-Type: text/html"));
    assert_non_null(strstr(r.out, "Content-Length: "));
    assert_null(strstr(r.out, "<html>"));
    iotls_test_result_free(&r);

    r = curl((const char *[]){iotls_test_https_url(p.port, "/"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.out, "<h1>iotls device status</h1>"));
    assert_non_null(strstr(r.out, "fetch('/api/status'"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&p);
}

static void write_pattern(const char *path, size_t len)
{
    char *buf = malloc(len);
    assert_non_null(buf);
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)((i * 7 + i / 251) & 0xff);
    assert_int_equal(iotls_test_write_file(path, buf, len), 0);
    free(buf);
}

static unsigned fnv1a_file(const char *path, size_t *len)
{
    char *d = iotls_test_read_file(path, len);
    assert_non_null(d);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < *len; i++)
        h = (h ^ (uint8_t)d[i]) * 16777619u;
    free(d);
    return h;
}

static void test_bodies_length_chunked_continue(void **state)
{
    iotls_test_peer_t p;
    serve_start(&p, NULL);
    /* PUT with a JSON body changes what status reports. */
    iotls_test_result_t r = curl((const char *[]){
        "-X", "PUT", "-d", "{\"on\": true}", iotls_test_https_url(p.port, "/api/led/5"), NULL});
    expect_ok(&r);
    assert_string_equal(r.out, "{\"id\":5,\"on\":true}\n");
    iotls_test_result_free(&r);
    r = curl((const char *[]){iotls_test_https_url(p.port, "/api/status"), NULL});
    assert_non_null(strstr(r.out, "\"leds\":[false,false,false,false,false,true,false,false]"));
    iotls_test_result_free(&r);

    /* A 300 KB upload, streamed: Content-Length (curl sends Expect:
     * 100-continue for it), then chunked. */
    char path[512], expect[96];
    iotls_test_tmp_path(path, sizeof path, "upload.bin");
    write_pattern(path, 300000);
    size_t len;
    unsigned h = fnv1a_file(path, &len);
    snprintf(expect, sizeof expect, "{\"bytes\":%zu,\"fnv1a\":\"%08x\"}\n", len, h);
    r = curl((const char *[]){"-v", "-H", "Expect: 100-continue", "-T", path,
                              iotls_test_https_url(p.port, "/api/upload"), NULL});
    expect_ok(&r);
    assert_string_equal(r.out, expect);
    assert_non_null(strstr(r.err, "HTTP/1.1 100 Continue"));
    iotls_test_result_free(&r);
    r = curl((const char *[]){"-H", "Transfer-Encoding: chunked", "-T", path,
                              iotls_test_https_url(p.port, "/api/upload"), NULL});
    expect_ok(&r);
    assert_string_equal(r.out, expect);
    iotls_test_result_free(&r);

    /* POST, buffered by the server, echoed back: Content-Length, chunked. */
    r = curl((const char *[]){"-H", "Content-Type: text/plain", "--data-binary", "ping body",
                              iotls_test_https_url(p.port, "/api/echo"), NULL});
    expect_ok(&r);
    assert_string_equal(r.out, "ping body");
    iotls_test_result_free(&r);
    r = curl((const char *[]){"-H", "Transfer-Encoding: chunked", "--data-binary", "chunky",
                              iotls_test_https_url(p.port, "/api/echo"), NULL});
    expect_ok(&r);
    assert_string_equal(r.out, "chunky");
    iotls_test_result_free(&r);

    /* A chunked download of 200000 bytes. */
    r = curl(
        (const char *[]){"-v", iotls_test_https_url(p.port, "/api/stream?bytes=200000"), NULL});
    expect_ok(&r);
    assert_int_equal(r.out_len, 200000);
    assert_non_null(strstr(r.err, "Transfer-Encoding: chunked"));
    assert_memory_equal(r.out + 199984, "0123456789abcdef", 16);
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&p);
}

static void expect_status(iotls_test_result_t *r, const char *status_line)
{
    if (!strstr(r->out, status_line))
        iotls_test_result_dump("curl", r);
    assert_non_null(strstr(r->out, status_line));
}

static void test_errors_then_still_serving(void **state)
{
    iotls_test_peer_t p;
    serve_start(&p, (const char *[]){"--max-body", "100000", NULL});
    iotls_test_result_t r =
        curl((const char *[]){"-i", iotls_test_https_url(p.port, "/no/such/page"), NULL});
    expect_status(&r, "HTTP/1.1 404 Not Found");
    iotls_test_result_free(&r);

    r = curl(
        (const char *[]){"-i", "-X", "DELETE", iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_status(&r, "HTTP/1.1 405 Method Not Allowed");
    assert_non_null(strstr(r.out, "Allow: GET, HEAD"));
    iotls_test_result_free(&r);

    /* 413: declared too large for the buffered echo (16384) and for any
     * body (--max-body); then a chunked body that grows past the limit. */
    char path[512];
    iotls_test_tmp_path(path, sizeof path, "big.bin");
    write_pattern(path, 200000);
    char at[520];
    snprintf(at, sizeof at, "@%s", path);
    r = curl((const char *[]){"-i", "--data-binary", at, iotls_test_https_url(p.port, "/api/echo"),
                              NULL});
    expect_status(&r, "HTTP/1.1 413 Content Too Large");
    iotls_test_result_free(&r);
    r = curl((const char *[]){"-i", "-T", path, iotls_test_https_url(p.port, "/api/upload"), NULL});
    expect_status(&r, "HTTP/1.1 413 Content Too Large");
    iotls_test_result_free(&r);
    r = curl((const char *[]){"-i", "-H", "Transfer-Encoding: chunked", "-T", path,
                              iotls_test_https_url(p.port, "/api/upload"), NULL});
    expect_status(&r, "HTTP/1.1 413 Content Too Large");
    iotls_test_result_free(&r);

    /* 431: one 9000-byte header; 414: a 3000-byte path. */
    char *big = malloc(9100);
    assert_non_null(big);
    memcpy(big, "X-Big: ", 7);
    memset(big + 7, 'a', 9000);
    big[9007] = '\0';
    r = curl((const char *[]){"-i", "-H", big, iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_status(&r, "HTTP/1.1 431 Request Header Fields Too Large");
    iotls_test_result_free(&r);
    char *longpath = malloc(3100);
    assert_non_null(longpath);
    longpath[0] = '/';
    memset(longpath + 1, 'p', 3000);
    longpath[3001] = '\0';
    r = curl((const char *[]){"-i", iotls_test_https_url(p.port, longpath), NULL});
    expect_status(&r, "HTTP/1.1 414 URI Too Long");
    iotls_test_result_free(&r);
    free(big);
    free(longpath);

    /* Unknown LED and bad JSON: the application's own answers. */
    r = curl((const char *[]){"-i", "-X", "PUT", "-d", "{\"on\":1}",
                              iotls_test_https_url(p.port, "/api/led/1"), NULL});
    expect_status(&r, "HTTP/1.1 400 Bad Request");
    iotls_test_result_free(&r);
    r = curl((const char *[]){"-i", "-X", "PUT", "-d", "{\"on\":true}",
                              iotls_test_https_url(p.port, "/api/led/99"), NULL});
    expect_status(&r, "HTTP/1.1 404 Not Found");
    iotls_test_result_free(&r);

    /* And it still serves. */
    r = curl((const char *[]){iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.out, "\"uptime_s\":"));
    iotls_test_result_free(&r);
    assert_int_equal(iotls_test_peer_alive(&p), 1);
    iotls_test_peer_stop(&p);
}

static void test_client_certificate_required(void **state)
{
    iotls_test_peer_t p;
    serve_start(&p, (const char *[]){"--client-ca", pki->ca_pem, "--require-client-cert", NULL});
    iotls_test_result_t r =
        curl((const char *[]){"--cert", pki->client.chain, "--key", pki->client.key,
                              iotls_test_https_url(p.port, "/api/whoami"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.out, "client certificate: O=iotls test, CN=iotls test client"));
    assert_non_null(strstr(r.out, "verified: yes"));
    assert_non_null(strstr(r.out, "sha256: "));
    iotls_test_result_free(&r);

    /* Without a certificate the handshake fails; no HTTP answer at all. */
    r = curl((const char *[]){iotls_test_https_url(p.port, "/api/whoami"), NULL});
    assert_false(iotls_test_result_ok(&r));
    assert_int_equal(r.out_len, 0);
    iotls_test_result_free(&r);
    /* The server is still there for the next, good client. */
    r = curl((const char *[]){"--cert", pki->client.chain, "--key", pki->client.key,
                              iotls_test_https_url(p.port, "/api/status"), NULL});
    expect_ok(&r);
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&p);
}

static void test_wrong_ca_refused_by_curl(void **state)
{
    iotls_test_peer_t p;
    serve_start(&p, NULL);
    const char *argv[] = {"-sS", "--cacert", pki->other_ca_pem,
                          iotls_test_https_url(p.port, "/api/status"), NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_curl_run(argv, 20000, &r), 0);
    assert_true(r.exited);
    assert_int_equal(r.exit_code, 60); /* peer certificate cannot be authenticated */
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&p);
}

static void test_basic_auth(void **state)
{
    iotls_test_peer_t p;
    serve_start(&p, (const char *[]){"--basic-auth", "admin:s3cret", NULL});
    iotls_test_result_t r =
        curl((const char *[]){"-i", iotls_test_https_url(p.port, "/api/whoami"), NULL});
    expect_status(&r, "HTTP/1.1 401 Unauthorized");
    assert_non_null(strstr(r.out, "WWW-Authenticate: Basic realm=\"iotls device\""));
    iotls_test_result_free(&r);
    r = curl((const char *[]){"-i", "-u", "admin:wrong",
                              iotls_test_https_url(p.port, "/api/whoami"), NULL});
    expect_status(&r, "HTTP/1.1 401 Unauthorized");
    iotls_test_result_free(&r);
    r = curl(
        (const char *[]){"-u", "admin:s3cret", iotls_test_https_url(p.port, "/api/whoami"), NULL});
    expect_ok(&r);
    assert_non_null(strstr(r.out, "user: admin"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&p);
}

static void test_static_files_no_traversal(void **state)
{
    char root[512], file[600], secret[600], link[600];
    assert_non_null(iotls_test_tmp_mkdir(root, sizeof root, "www-root"));
    snprintf(file, sizeof file, "%s/index.html", root);
    assert_int_equal(iotls_test_write_file(file, "<p>index</p>\n", 13), 0);
    snprintf(file, sizeof file, "%s/style.css", root);
    assert_int_equal(iotls_test_write_file(file, "p{}\n", 4), 0);
    snprintf(file, sizeof file, "%s/data.bin", root);
    write_pattern(file, 70000);
    /* A secret beside the root, and a symlink inside pointing at it. */
    iotls_test_tmp_path(secret, sizeof secret, "secret.txt");
    assert_int_equal(iotls_test_write_file(secret, "SECRET\n", 7), 0);
    snprintf(link, sizeof link, "%s/leak.txt", root);
    assert_int_equal(symlink(secret, link), 0);

    iotls_test_peer_t p;
    serve_start(&p, (const char *[]){"--root", root, NULL});
    iotls_test_result_t r =
        curl((const char *[]){"-i", iotls_test_https_url(p.port, "/style.css"), NULL});
    expect_status(&r, "HTTP/1.1 200 OK");
    assert_non_null(strstr(r.out, "Content-Type: text/css"));
    iotls_test_result_free(&r);
    r = curl((const char *[]){"-i", iotls_test_https_url(p.port, "/data.bin"), NULL});
    assert_non_null(strstr(r.out, "Content-Type: application/octet-stream"));
    assert_non_null(strstr(r.out, "Content-Length: 70000"));
    iotls_test_result_free(&r);
    r = curl((const char *[]){iotls_test_https_url(p.port, "/data.bin"), NULL});
    expect_ok(&r);
    assert_int_equal(r.out_len, 70000);
    char *want = iotls_test_read_file(file, NULL);
    assert_memory_equal(r.out, want, 70000);
    free(want);
    iotls_test_result_free(&r);
    /* The status page keeps "/"; the API stays the API. */
    r = curl((const char *[]){iotls_test_https_url(p.port, "/"), NULL});
    assert_non_null(strstr(r.out, "iotls device status"));
    iotls_test_result_free(&r);

    static const char *escapes[] = {"/../secret.txt", "/%2e%2e/secret.txt", "/a/../../secret.txt",
                                    "/leak.txt",      "/..%2fsecret.txt",   "/.%2e/secret.txt"};
    for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
        r = curl(
            (const char *[]){"-i", "--path-as-is", iotls_test_https_url(p.port, escapes[i]), NULL});
        if (!strstr(r.out, "HTTP/1.1 404"))
            fprintf(stderr, "escape %s:\n%s\n", escapes[i], r.out);
        assert_non_null(strstr(r.out, "HTTP/1.1 404 Not Found"));
        assert_null(strstr(r.out, "SECRET"));
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_head_and_keepalive_reuse),
        cmocka_unit_test(test_bodies_length_chunked_continue),
        cmocka_unit_test(test_errors_then_still_serving),
        cmocka_unit_test(test_client_certificate_required),
        cmocka_unit_test(test_wrong_ca_refused_by_curl),
        cmocka_unit_test(test_basic_auth),
        cmocka_unit_test(test_static_files_no_traversal),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
