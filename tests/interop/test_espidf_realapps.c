/* Real ESP-IDF programs, unchanged (tests/realapps/esp-idf/, each with its
 * SOURCE note and licence), built against libiotls-espidf and run against
 * openssl s_server on 127.0.0.1. */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
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
#include "pki.h"

static const char *build_dir(void)
{
    const char *b = getenv("IOTLS_BUILD");
    return b != NULL ? b : "build";
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Espressif's https_request (examples/protocols/https_request) with its
 * session-ticket CI configuration: a local server given on stdin (its own
 * self-signed certificate, host name check skipped as the program asks),
 * once with a full handshake and once resuming the saved session, then
 * "www.howsmyssl.com" (a local s_server with a certificate from the CA the
 * build embedded as server_root_cert.pem) with the CA buffer and with the
 * global CA store. Four verified connections, the second one resumed. */
static void test_https_request(void **state)
{
    char pki[PATH_MAX], tmp[PATH_MAX], prog[PATH_MAX];
    char app[PATH_MAX], lcert[PATH_MAX + 64], lkey[PATH_MAX + 64];
    char cert[PATH_MAX + 16], key[PATH_MAX + 16];
    snprintf(tmp, sizeof tmp, "%s/espidf-pki", build_dir());
    assert_non_null(realpath(tmp, pki));
    assert_non_null(realpath("tests/realapps/esp-idf/https_request/main", app));
    snprintf(lcert, sizeof lcert, "%s/local_server_cert.pem", app);
    snprintf(lkey, sizeof lkey, "%s/local_server_key.pem", app);
    snprintf(cert, sizeof cert, "%s/server.pem", pki);
    snprintf(key, sizeof key, "%s/server.key", pki);
    snprintf(prog, sizeof prog, "%s/realapps/esp-idf/https_request/https_request", build_dir());

    iotls_test_cred_t local = {.name = "local", .cert = lcert, .chain = lcert, .key = lkey};
    iotls_test_cred_t howsmyssl = {.name = "howsmyssl", .cert = cert, .chain = cert, .key = key};
    iotls_test_s_server_opts_t lo = {.mode = IOTLS_TEST_S_SERVER_STATUS, .cred = &local};
    iotls_test_s_server_opts_t ho = {.mode = IOTLS_TEST_S_SERVER_STATUS, .cred = &howsmyssl};
    iotls_test_peer_t lp, hp;
    assert_int_equal(iotls_test_s_server_start(&lo, &lp), 0);
    assert_int_equal(iotls_test_s_server_start(&ho, &hp), 0);

    char url[64], map[96];
    snprintf(url, sizeof url, "https://127.0.0.1:%u\n", lp.port);
    snprintf(map, sizeof map, "IOTLS_ESPIDF_HOSTS=www.howsmyssl.com=127.0.0.1:%u", hp.port);
    const char *env[] = {map, NULL};
    const char *argv[] = {prog, NULL};
    /* Each request ends with the program's own 10-second countdown. */
    iotls_test_cmd_t cmd = {
        .argv = argv, .env = env, .input = url, .input_len = strlen(url), .timeout_ms = 120000};
    iotls_test_result_t res;
    assert_int_equal(iotls_test_run_cmd(&cmd, &res), 0);
    int ok = iotls_test_result_ok(&res) && count(res.out, "Connection established...") == 4 &&
             count(res.out, "Connection failed") == 0 && count(res.out, "Reused, TLSv1.2") == 1 &&
             count(res.out, "New, TLSv1.2") == 3 &&
             strstr(res.out, "Finish https_request example") != NULL;
    if (!ok)
        iotls_test_result_dump("https_request", &res);
    iotls_test_result_free(&res);
    iotls_test_peer_stop(&lp);
    iotls_test_peer_stop(&hp);
    assert_true(ok);
}

/* Runs a program that loops for ever like firmware until its stdout holds
 * `needle` (60 s at most: it waits for the state, not for a fixed time, so
 * a slow sanitizer build on busy cores passes too), then stops it. 1 when
 * the needle came while the program was still running. */
static int run_until(const iotls_test_cmd_t *cmd, const char *needle, iotls_test_result_t *res)
{
    iotls_test_cmd_t c = *cmd;
    c.timeout_ms = 120000;
    iotls_test_job_t job;
    assert_int_equal(iotls_test_cmd_start(&c, &job), 0);
    int seen = iotls_test_cmd_wait_stdout(&job, needle, 60000);
    int running = !iotls_test_cmd_finished(&job);
    kill(job.pid, SIGKILL);
    assert_int_equal(iotls_test_cmd_wait(&job, res), 0);
    return seen && running;
}

/* Espressif's https_x509_bundle: esp_crt_bundle_attach for two sites, the
 * bundle being an iotls anchor set (IOTLS_CRT_BUNDLE). It loops forever
 * like firmware; it is stopped after its first round. */
static void test_https_x509_bundle(void **state)
{
    char pki[PATH_MAX], tmp[PATH_MAX], prog[PATH_MAX];
    char cert[PATH_MAX + 16], key[PATH_MAX + 16], bundle[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s/espidf-pki", build_dir());
    assert_non_null(realpath(tmp, pki));
    snprintf(cert, sizeof cert, "%s/server.pem", pki);
    snprintf(key, sizeof key, "%s/server.key", pki);
    snprintf(bundle, sizeof bundle, "IOTLS_CRT_BUNDLE=%s/ca.pem", pki);
    snprintf(prog, sizeof prog, "%s/realapps/esp-idf/https_x509_bundle/https_x509_bundle",
             build_dir());
    iotls_test_cred_t sites = {.name = "sites", .cert = cert, .chain = cert, .key = key};
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_STATUS, .cred = &sites};
    iotls_test_peer_t p;
    assert_int_equal(iotls_test_s_server_start(&o, &p), 0);
    char map[128];
    snprintf(map, sizeof map,
             "IOTLS_ESPIDF_HOSTS=letsencrypt.org=127.0.0.1:%u,espressif.com=127.0.0.1:%u", p.port,
             p.port);
    const char *env[] = {map, bundle, NULL};
    const char *argv[] = {prog, NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .env = env};
    iotls_test_result_t res;
    int ok = run_until(&cmd, "Completed 2 connections", &res) &&
             strstr(res.out, "Connection established to https://letsencrypt.org") != NULL &&
             strstr(res.out, "Connection established to https://espressif.com") != NULL &&
             strstr(res.out, "Could not connect") == NULL;
    if (!ok)
        iotls_test_result_dump("https_x509_bundle", &res);
    iotls_test_result_free(&res);

    /* Without the test CA in the bundle (the system's CAs), both fail. */
    const char *sys_env[] = {map, NULL};
    cmd.env = sys_env;
    int refused = run_until(&cmd, "Completed 0 connections", &res) &&
                  strstr(res.out, "Could not connect to https://letsencrypt.org") != NULL;
    if (!refused)
        iotls_test_result_dump("https_x509_bundle (system CAs)", &res);
    iotls_test_result_free(&res);
    iotls_test_peer_stop(&p);
    assert_true(ok);
    assert_true(refused);
}

/* Espressif's https_server/simple: its own certificates, a client
 * certificate required (cacert_pem set). curl and iotls get with the
 * example's client certificate get the page; without one the handshake is
 * refused and the server logs why and keeps serving. */
static void test_https_server_simple(void **state)
{
    char prog[PATH_MAX], certs[PATH_MAX];
    char ca[PATH_MAX + 16], cc[PATH_MAX + 32], ck[PATH_MAX + 32], url[64];
    snprintf(prog, sizeof prog, "%s/realapps/esp-idf/https_server_simple/https_server_simple",
             build_dir());
    assert_non_null(realpath("tests/realapps/esp-idf/https_server_simple/main/certs", certs));
    snprintf(ca, sizeof ca, "%s/cacert.pem", certs);
    snprintf(cc, sizeof cc, "%s/client_cert.pem", certs);
    snprintf(ck, sizeof ck, "%s/client_key.pem", certs);
    iotls_test_job_t job;
    uint16_t port;
    assert_int_equal(iotls_test_idf_server_start(prog, 8443, NULL, &job, &port), 0);
    snprintf(url, sizeof url, "https://localhost:%u/", port);

    iotls_test_result_t with, without, get;
    const char *a1[] = {"-sS", "--cacert", ca, "--cert", cc, "--key", ck, url, NULL};
    assert_int_equal(iotls_test_curl_run(a1, 10000, &with), 0);
    const char *a2[] = {"-sS", "--cacert", ca, url, NULL};
    assert_int_equal(iotls_test_curl_run(a2, 10000, &without), 0);
    const char *g[] = {iotls_test_tool(), "get", "--ca", ca, "--cert", cc, "--key", ck, url, NULL};
    iotls_test_cmd_t cmd = {.argv = g, .timeout_ms = 10000};
    assert_int_equal(iotls_test_run_cmd(&cmd, &get), 0);
    iotls_test_result_t srv;
    iotls_test_idf_server_stop(&job, &srv);

    int ok = iotls_test_result_ok(&with) && strstr(with.out, "<h1>Hello Secure World!</h1>") &&
             !iotls_test_result_ok(&without) && iotls_test_result_ok(&get) &&
             strstr(get.out, "<h1>Hello Secure World!</h1>") &&
             strstr(srv.out, "client did not send the required certificate");
    if (!ok) {
        iotls_test_result_dump("curl with client certificate", &with);
        iotls_test_result_dump("curl without", &without);
        iotls_test_result_dump("iotls get", &get);
        iotls_test_result_dump("https_server_simple", &srv);
    }
    iotls_test_result_free(&with);
    iotls_test_result_free(&without);
    iotls_test_result_free(&get);
    iotls_test_result_free(&srv);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_https_request),
        cmocka_unit_test(test_https_x509_bundle),
        cmocka_unit_test(test_https_server_simple),
    };
    return cmocka_run_group_tests(tests, NULL, iotls_test_pki_teardown);
}
