/* esp_https_server / esp_http_server on iotls: the IDF-style server of
 * examples/esp-idf/https_server.c run as a program and driven by curl and
 * iotls get — handlers with query strings, headers, request bodies, JSON,
 * chunked responses, 404/405/HEAD, 413 over the body limit, connection
 * reuse. Client certificates: tests/interop/test_espidf_realapps.c
 * (Espressif's https_server example requires them). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "idf_app.h"
#include "peer.h"
#include "tmpdir.h"

static char pki[PATH_MAX];
static char ca[PATH_MAX + 16], ccert[PATH_MAX + 16], ckey[PATH_MAX + 16];
static char prog[PATH_MAX];
static iotls_test_job_t job;
static uint16_t port;

static int setup(void **state)
{
    const char *build = getenv("IOTLS_BUILD") ? getenv("IOTLS_BUILD") : "build";
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/espidf-pki", build);
    if (realpath(tmp, pki) == NULL)
        return -1;
    snprintf(ca, sizeof ca, "%s/ca.pem", pki);
    snprintf(ccert, sizeof ccert, "%s/client.pem", pki);
    snprintf(ckey, sizeof ckey, "%s/client.key", pki);
    snprintf(prog, sizeof prog, "%s/examples/esp-idf/https_server", build);
    return iotls_test_idf_server_start(prog, 8443, NULL, &job, &port);
}

static int teardown(void **state)
{
    iotls_test_result_t res;
    iotls_test_idf_server_stop(&job, &res);
    iotls_test_result_free(&res);
    iotls_test_tmpdir_free();
    return 0;
}

/* curl with the test CA; extra arguments, then the path. */
static void curl(const char *const *extra, const char *path, iotls_test_result_t *res)
{
    char url[128];
    snprintf(url, sizeof url, "https://localhost:%u%s", port, path);
    const char *args[24] = {"-sS", "--cacert", ca};
    size_t n = 3;
    for (size_t i = 0; extra && extra[i] && n < 22; i++)
        args[n++] = extra[i];
    args[n++] = url;
    args[n] = NULL;
    assert_int_equal(iotls_test_curl_run(args, 10000, res), 0);
}

static void expect_out(const iotls_test_result_t *res, const char *needle)
{
    if (strstr(res->out, needle) == NULL) {
        iotls_test_result_dump("curl", res);
        fail_msg("'%s' not in the answer", needle);
    }
}

static void test_get_query_and_headers(void **state)
{
    iotls_test_result_t res;
    const char *extra[] = {"-i", "-A", "idf-test", NULL};
    curl(extra, "/hello?name=iotls&x=1", &res);
    expect_out(&res, "HTTP/1.1 200 OK");
    expect_out(&res, "X-Served-By: esp_https_server on iotls");
    expect_out(&res, "Hello iotls (idf-test)");
    iotls_test_result_free(&res);
}

static void test_post_echo_chunked_and_put_json(void **state)
{
    char body[5000];
    for (size_t i = 0; i < sizeof body - 1; i++)
        body[i] = (char)('a' + i % 26);
    body[sizeof body - 1] = '\0';
    iotls_test_result_t res;
    const char *post[] = {"-i", "-X", "POST", "--data-binary", body, NULL};
    curl(post, "/echo", &res);
    expect_out(&res, "Transfer-Encoding: chunked");
    expect_out(&res, body);
    iotls_test_result_free(&res);

    /* A chunked request body reaches the handler whole as well. */
    const char *chunked[] = {
        "-X", "POST", "-H", "Transfer-Encoding: chunked", "--data-binary", "sent in chunks", NULL};
    curl(chunked, "/echo", &res);
    expect_out(&res, "sent in chunks");
    iotls_test_result_free(&res);

    const char *put[] = {"-X", "PUT", "-d", "{\"on\": true}", NULL};
    curl(put, "/api/led", &res);
    expect_out(&res, "{\"on\":true}");
    iotls_test_result_free(&res);
    curl(NULL, "/api/status", &res);
    expect_out(&res, "\"led\":true");
    iotls_test_result_free(&res);
    const char *bad[] = {"-i", "-X", "PUT", "-d", "nonsense", NULL};
    curl(bad, "/api/led", &res);
    expect_out(&res, "HTTP/1.1 400");
    expect_out(&res, "expected {\"on\"");
    iotls_test_result_free(&res);
}

static void test_errors_and_head(void **state)
{
    iotls_test_result_t res;
    const char *head[] = {"-i", NULL};
    curl(head, "/missing", &res);
    expect_out(&res, "HTTP/1.1 404");
    expect_out(&res, "Nothing matches the given URI");
    iotls_test_result_free(&res);
    const char *del[] = {"-i", "-X", "DELETE", NULL};
    curl(del, "/hello", &res);
    expect_out(&res, "HTTP/1.1 405");
    iotls_test_result_free(&res);
    const char *hd[] = {"-I", NULL};
    curl(hd, "/hello", &res);
    expect_out(&res, "HTTP/1.1 200");
    expect_out(&res, "Content-Length: ");
    iotls_test_result_free(&res);
    /* Over the body limit (CONFIG_IOTLS_HTTPD_MAX_BODY): 413, the server lives on. */
    char big_path[PATH_MAX + 16];
    iotls_test_tmp_path(big_path, sizeof big_path, "big.bin");
    char *big = calloc(1, 70000);
    assert_int_equal(iotls_test_write_file(big_path, big, 70000), 0);
    free(big);
    char at[PATH_MAX + 32];
    snprintf(at, sizeof at, "@%s", big_path);
    const char *huge[] = {"-i", "-X", "POST", "--data-binary", at, NULL};
    curl(huge, "/echo", &res);
    expect_out(&res, "HTTP/1.1 413");
    iotls_test_result_free(&res);
    curl(NULL, "/api/status", &res);
    expect_out(&res, "\"requests\":");
    iotls_test_result_free(&res);
}

/* iotls get: two URLs on one kept-alive connection to the httpd server. */
static void test_iotls_get_keepalive(void **state)
{
    char u1[96], u2[96];
    snprintf(u1, sizeof u1, "https://localhost:%u/hello?name=a", port);
    snprintf(u2, sizeof u2, "https://localhost:%u/hello?name=b", port);
    const char *argv[] = {iotls_test_tool(), "get", "-v", "--ca", ca, u1, u2, NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 10000};
    iotls_test_result_t res;
    assert_int_equal(iotls_test_run_cmd(&cmd, &res), 0);
    int ok = iotls_test_result_ok(&res) && strstr(res.out, "Hello a") &&
             strstr(res.out, "Hello b") && strstr(res.err, "reused the kept-alive connection");
    if (!ok)
        iotls_test_result_dump("iotls get", &res);
    iotls_test_result_free(&res);
    assert_true(ok);
}

/* Session context across requests of one connection; trigger_close ends
 * it after the answer; work queued from app_main ran on the server task. */
static void test_sessions_close_and_queued_work(void **state)
{
    iotls_test_result_t res;
    char u1[96], u2[96];
    snprintf(u1, sizeof u1, "https://localhost:%u/visits", port);
    snprintf(u2, sizeof u2, "https://localhost:%u/visits", port);
    const char *two[] = {"-sS", "--cacert", ca, u1, u2, NULL};
    assert_int_equal(iotls_test_curl_run(two, 10000, &res), 0);
    expect_out(&res, "visit 1 on this connection\nvisit 2 on this connection");
    iotls_test_result_free(&res);
    const char *bye[] = {"-i", NULL};
    curl(bye, "/bye", &res);
    expect_out(&res, "Connection: close");
    expect_out(&res, "bye");
    iotls_test_result_free(&res);
    char *log = iotls_test_read_file(job.out_path, NULL);
    int ran = log != NULL && strstr(log, "queued work ran on the server task (from app_main)");
    free(log);
    assert_true(ran);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_query_and_headers),
        cmocka_unit_test(test_post_echo_chunked_and_put_json),
        cmocka_unit_test(test_errors_and_head),
        cmocka_unit_test(test_iotls_get_keepalive),
        cmocka_unit_test(test_sessions_close_and_queued_work),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
