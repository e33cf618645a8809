/*
 * test_http_parse.c — the HTTP wire format (src/http/parse.c): request and
 * response heads with their limits, body framing (smuggling guards),
 * chunked decoding fed in every split, URLs, percent and base64 decoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/parse.h"
#include "iotls/http.h"

static int parse_req(const char *text, http_head_t *h, http_field_t *f, unsigned nf, char *buf,
                     size_t cap)
{
    size_t len = strlen(text);
    assert_true(len < cap);
    memcpy(buf, text, len + 1);
    long end = http_head_scan(buf, len, 1024, cap);
    if (end <= 0)
        return (int)-end;
    return http_head_parse_request(buf, (size_t)end, f, nf, h);
}

static void test_request_head(void **state)
{
    char buf[1024];
    http_field_t f[8];
    http_head_t h;
    assert_int_equal(parse_req("GET /a/b?x=1 HTTP/1.1\r\nHost: dev\r\nX-Y:  spaced value \t\r\n"
                               "\r\nBODY",
                               &h, f, 8, buf, sizeof buf),
                     0);
    assert_string_equal(h.method, "GET");
    assert_string_equal(h.target, "/a/b?x=1");
    assert_int_equal(h.version_minor, 1);
    assert_int_equal(h.field_count, 2);
    assert_string_equal(http_head_field(&h, "host"), "dev");
    assert_string_equal(http_head_field(&h, "x-y"), "spaced value");
    assert_null(http_head_field(&h, "absent"));
    /* Bare LF line endings are accepted. */
    assert_int_equal(parse_req("HEAD / HTTP/1.0\nA: b\n\n", &h, f, 8, buf, sizeof buf), 0);
    assert_int_equal(h.version_minor, 0);
}

static void test_request_head_malformed(void **state)
{
    static const struct {
        const char *text;
        int status;
    } cases[] = {
        {"GET  / HTTP/1.1\r\n\r\n", 400},                        /* two spaces */
        {"GET / HTTP/1.1 x\r\n\r\n", 400},                       /* extra token */
        {"G(T / HTTP/1.1\r\n\r\n", 400},                         /* not a token */
        {"GET a HTTP/1.1\r\n\r\n", 400},                         /* not origin-form */
        {"GET / HTTP/2.0\r\n\r\n", 505},                         /* other version */
        {"GET / FTP/1.1\r\n\r\n", 400},                          /* not HTTP */
        {"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},              /* field without colon */
        {"GET / HTTP/1.1\r\n: v\r\n\r\n", 400},                  /* empty name */
        {"GET / HTTP/1.1\r\nA b: v\r\n\r\n", 400},               /* space in name */
        {"GET / HTTP/1.1\r\nA: v\r\n x\r\n\r\n", 400},           /* obsolete folding */
        {"GET / HTTP/1.1\r\nA: v\x01w\r\n\r\n", 400},            /* control character */
        {"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431}, /* > 2 fields */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[256];
        http_field_t f[2];
        http_head_t h;
        int rc = parse_req(cases[i].text, &h, f, 2, buf, sizeof buf);
        if (rc != cases[i].status)
            fprintf(stderr, "case %zu: got %d\n", i, rc);
        assert_int_equal(rc, cases[i].status);
    }
}

static void test_head_scan_limits(void **state)
{
    const char *req = "GET /0123456789 HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t len = strlen(req);
    assert_int_equal(http_head_scan(req, len, 100, 100), (long)len);
    /* Incomplete, within limits: wait. */
    assert_int_equal(http_head_scan(req, len - 1, 100, 100), 0);
    /* Request line longer than the limit: 414 even before the head ends. */
    assert_int_equal(http_head_scan(req, 20, 16, 100), -414);
    /* Head longer than the limit: 431. */
    assert_int_equal(http_head_scan(req, len, 100, len - 1), -431);
    assert_int_equal(http_head_scan(req, 30, 100, 30), -431);
    /* Binary first bytes are refused without waiting for a line end. */
    assert_int_equal(http_head_scan("\x16\x03\x01", 3, 100, 100), -400);
    assert_int_equal(http_head_scan("GE", 2, 100, 100), 0);
}

static void test_response_head(void **state)
{
    char buf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n";
    http_field_t f[4];
    http_head_t h;
    assert_int_equal(http_head_parse_response(buf, strlen(buf), f, 4, &h), 0);
    assert_int_equal(h.status, 404);
    assert_string_equal(h.reason, "Not Found");
    http_body_kind_t k;
    uint64_t len;
    assert_int_equal(http_body_framing(&h, false, &k, &len), 0);
    assert_int_equal(k, HTTP_BODY_LENGTH);
    assert_int_equal(len, 3);
    char bad[] = "HTTP/1.1 20 OK\r\n\r\n";
    assert_int_equal(http_head_parse_response(bad, strlen(bad), f, 4, &h), 400);
    char nolen[] = "HTTP/1.0 200 OK\r\n\r\n";
    assert_int_equal(http_head_parse_response(nolen, strlen(nolen), f, 4, &h), 0);
    assert_int_equal(http_body_framing(&h, false, &k, &len), 0);
    assert_int_equal(k, HTTP_BODY_UNTIL_CLOSE);
}

static int framing_of(const char *text, http_body_kind_t *k, uint64_t *len)
{
    char buf[512];
    http_field_t f[8];
    http_head_t h;
    assert_int_equal(parse_req(text, &h, f, 8, buf, sizeof buf), 0);
    return http_body_framing(&h, true, k, len);
}

static void test_body_framing(void **state)
{
    http_body_kind_t k;
    uint64_t len;
    assert_int_equal(framing_of("PUT / HTTP/1.1\r\nContent-Length: 12\r\n\r\n", &k, &len), 0);
    assert_int_equal(k, HTTP_BODY_LENGTH);
    assert_int_equal(len, 12);
    assert_int_equal(framing_of("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &k, &len),
                     0);
    assert_int_equal(k, HTTP_BODY_CHUNKED);
    assert_int_equal(framing_of("GET / HTTP/1.1\r\n\r\n", &k, &len), 0);
    assert_int_equal(k, HTTP_BODY_NONE);
    /* Smuggling guards: both framings, two different lengths, junk. */
    assert_int_equal(framing_of("PUT / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: "
                                "chunked\r\n\r\n",
                                &k, &len),
                     400);
    assert_int_equal(
        framing_of("PUT / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", &k, &len),
        400);
    assert_int_equal(
        framing_of("PUT / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", &k, &len),
        0);
    assert_int_equal(framing_of("PUT / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", &k, &len), 400);
    assert_int_equal(
        framing_of("PUT / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", &k, &len),
        400);
    assert_int_equal(framing_of("PUT / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", &k, &len),
                     501);
}

/* Decode `in` fed in pieces of `step` bytes; returns the body length or -1. */
static long dechunk(const char *in, size_t step, char *out, size_t cap, size_t *consumed)
{
    http_chunked_t c;
    http_chunked_init(&c);
    size_t len = strlen(in), pos = 0, o = 0;
    bool done = false;
    while (pos < len && !done) {
        size_t n = len - pos < step ? len - pos : step;
        size_t used = 0;
        while (used < n && !done) {
            size_t off, dl;
            long r =
                http_chunked_step(&c, (const uint8_t *)in + pos + used, n - used, &off, &dl, &done);
            if (r < 0)
                return -1;
            assert_true(o + dl <= cap);
            memcpy(out + o, in + pos + used + off, dl);
            o += dl;
            used += (size_t)r;
            if (r == 0)
                break;
        }
        pos += used;
    }
    *consumed = pos;
    return done ? (long)o : -2;
}

static void test_chunked_every_split(void **state)
{
    const char *in = "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    for (size_t step = 1; step <= strlen(in); step++) {
        char out[64];
        size_t consumed;
        long n = dechunk(in, step, out, sizeof out, &consumed);
        assert_int_equal(n, 16);
        assert_memory_equal(out, "hello 0123456789", 16);
        assert_int_equal(consumed, strlen(in) - 4); /* "NEXT" is the next message */
    }
}

static void test_chunked_malformed(void **state)
{
    static const char *bad[] = {
        "x\r\n",                /* not hex */
        "\r\n",                 /* no size */
        "5\r\nhelloXX",         /* no CRLF after data */
        "1000000000000000\r\n", /* 16 hex digits: too large */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[64];
        size_t consumed;
        assert_int_equal(dechunk(bad[i], 1, out, sizeof out, &consumed), -1);
    }
    /* Endless trailers are cut off. */
    char trailers[8192] = "0\r\n";
    for (size_t i = strlen(trailers); i < sizeof trailers - 1; i++)
        trailers[i] = 'a';
    char out[8];
    size_t consumed;
    assert_int_equal(dechunk(trailers, 100, out, sizeof out, &consumed), -1);
}

static void test_url(void **state)
{
    http_url_t u;
    assert_int_equal(http_url_parse("https://dev.local:8443/api/x?y=1#frag", &u), 0);
    assert_string_equal(u.scheme, "https");
    assert_string_equal(u.host, "dev.local");
    assert_int_equal(u.port, 8443);
    assert_string_equal(u.target, "/api/x?y=1");
    assert_int_equal(http_url_parse("HTTPS://[::1]/", &u), 0);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 443);
    assert_int_equal(http_url_parse("https://h?q", &u), 0);
    assert_string_equal(u.target, "/?q");
    assert_int_equal(http_url_parse("http://h", &u), 0);
    assert_int_equal(u.port, 80);
    assert_int_equal(http_url_parse("ftp://h/", &u), -1);
    assert_int_equal(http_url_parse("https://user:pw@h/", &u), -1);
    assert_int_equal(http_url_parse("https://h:0/", &u), -1);
    assert_int_equal(http_url_parse("https://h:65536/", &u), -1);
    assert_int_equal(http_url_parse("https://h/a b", &u), -1);
    assert_int_equal(http_url_parse("https:///x", &u), -1);
    assert_int_equal(http_url_parse("h/x", &u), -1);
}

static void test_decoders(void **state)
{
    char out[32];
    assert_int_equal(http_pct_decode("a%20b+c", 7, true, out, sizeof out), 5);
    assert_string_equal(out, "a b c");
    assert_int_equal(http_pct_decode("a+b", 3, false, out, sizeof out), 3);
    assert_string_equal(out, "a+b");
    assert_int_equal(http_pct_decode("%2", 2, false, out, sizeof out), -1);
    assert_int_equal(http_pct_decode("%zz", 3, false, out, sizeof out), -1);
    assert_int_equal(http_pct_decode("%00", 3, false, out, sizeof out), -1);
    assert_int_equal(http_pct_decode("abcd", 4, false, out, 4), -1); /* no room for NUL */

    uint8_t b[32];
    assert_int_equal(http_base64_decode("dXNlcjpwYXNz", 12, b, sizeof b), 9);
    assert_memory_equal(b, "user:pass", 9);
    assert_int_equal(http_base64_decode("YQ==", 4, b, sizeof b), 1);
    assert_int_equal(http_base64_decode("YQ=", 3, b, sizeof b), -1);
    assert_int_equal(http_base64_decode("Y=Q=", 4, b, sizeof b), -1);
    assert_int_equal(http_base64_decode("YQ==YQ==", 8, b, sizeof b), -1);
    assert_int_equal(http_base64_decode("!!!!", 4, b, sizeof b), -1);

    assert_int_equal(iotls_http_query_value("a=1&bb=x%20y&c", "bb", out, sizeof out), 3);
    assert_string_equal(out, "x y");
    assert_int_equal(iotls_http_query_value("a=1&bb=2&c", "c", out, sizeof out), 0);
    assert_int_equal(iotls_http_query_value("a=1", "b", out, sizeof out), -1);
    assert_int_equal(iotls_http_query_value("", "a", out, sizeof out), -1);

    assert_true(http_value_has_token("keep-alive, Upgrade", "upgrade"));
    assert_true(http_value_has_token("close", "close"));
    assert_false(http_value_has_token("closed", "close"));
    assert_false(http_value_has_token(NULL, "close"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_head),      cmocka_unit_test(test_request_head_malformed),
        cmocka_unit_test(test_head_scan_limits),  cmocka_unit_test(test_response_head),
        cmocka_unit_test(test_body_framing),      cmocka_unit_test(test_chunked_every_split),
        cmocka_unit_test(test_chunked_malformed), cmocka_unit_test(test_url),
        cmocka_unit_test(test_decoders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
