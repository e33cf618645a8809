/* The IDF-style client programs of examples/esp-idf/ run as processes
 * against real servers: the saved-session client against openssl s_server
 * -www (which reports New, then Reused), the async client and the
 * mutual-TLS client against `iotls serve` (its /api/whoami names the client
 * certificate it verified). */
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
#include "peer.h"
#include "tmpdir.h"

static char pki[PATH_MAX];
static char ca[PATH_MAX + 16], cert[PATH_MAX + 16], key[PATH_MAX + 16];

static const char *build_dir(void)
{
    const char *b = getenv("IOTLS_BUILD");
    return b != NULL ? b : "build";
}

static int setup(void **state)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/espidf-pki", build_dir());
    if (realpath(tmp, pki) == NULL)
        return -1;
    snprintf(ca, sizeof ca, "%s/ca.pem", pki);
    snprintf(cert, sizeof cert, "%s/server.pem", pki);
    snprintf(key, sizeof key, "%s/server.key", pki);
    return 0;
}

/* Runs examples/esp-idf/<name> with localhost mapped to port. */
static void run_example(const char *name, uint16_t port, iotls_test_result_t *res)
{
    char prog[PATH_MAX], map[96];
    snprintf(prog, sizeof prog, "%s/examples/esp-idf/%s", build_dir(), name);
    snprintf(map, sizeof map, "IOTLS_ESPIDF_HOSTS=localhost=127.0.0.1:%u", port);
    const char *env[] = {map, NULL};
    const char *argv[] = {prog, NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .env = env, .timeout_ms = 20000};
    assert_int_equal(iotls_test_run_cmd(&cmd, res), 0);
}

static void start_serve(const char *const *extra, iotls_test_peer_t *p)
{
    const char *argv[16] = {iotls_test_tool(), "serve", "--cert", cert, "--key", key};
    size_t n = 6;
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 14; i++)
        argv[n++] = extra[i];
    argv[n++] = "127.0.0.1:0";
    argv[n] = NULL;
    iotls_test_peer_spec_t spec = {.name = "iotls-serve", .argv = argv};
    assert_int_equal(iotls_test_peer_start(&spec, p), 0);
}

static void check(const iotls_test_result_t *res, const char *what, int ok)
{
    if (!ok)
        iotls_test_result_dump(what, res);
    assert_true(ok);
}

static void test_saved_session_resumes(void **state)
{
    iotls_test_cred_t own = {.name = "espidf", .cert = cert, .chain = cert, .key = key};
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_STATUS, .cred = &own};
    iotls_test_peer_t p;
    assert_int_equal(iotls_test_s_server_start(&o, &p), 0);
    iotls_test_result_t res;
    run_example("https_get_session", p.port, &res);
    iotls_test_peer_stop(&p);
    const char *first = strstr(res.out, "New, TLSv1.2");
    const char *second = first ? strstr(first, "Reused, TLSv1.2") : NULL;
    check(&res, "https_get_session",
          iotls_test_result_ok(&res) && second != NULL &&
              strstr(res.out, "second (saved session): connected") != NULL);
    iotls_test_result_free(&res);
}

static void test_async_client(void **state)
{
    iotls_test_peer_t p;
    start_serve(NULL, &p);
    iotls_test_result_t res;
    run_example("https_async", p.port, &res);
    iotls_test_peer_stop(&p);
    check(&res, "https_async",
          iotls_test_result_ok(&res) && strstr(res.out, "connected after ") &&
              strstr(res.out, "\"handshakes\"") && strstr(res.out, "https_async: done"));
    iotls_test_result_free(&res);
}

static void test_mutual_tls_client(void **state)
{
    const char *extra[] = {"--client-ca", ca, "--require-client-cert", NULL};
    iotls_test_peer_t p;
    start_serve(extra, &p);
    iotls_test_result_t res;
    run_example("https_mtls_client", p.port, &res);
    check(&res, "https_mtls_client",
          iotls_test_result_ok(&res) && strstr(res.out, "client certificate: CN=esp32-client") &&
              strstr(res.out, "verified: yes"));
    iotls_test_result_free(&res);

    /* The CA-only client is refused by this server: a clear failure. */
    run_example("https_get_cacert", p.port, &res);
    iotls_test_peer_stop(&p);
    check(&res, "https_get_cacert without a client certificate",
          strstr(res.out, "Connection failed") != NULL &&
              strstr(res.out, "client certificate") != NULL);
    iotls_test_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_session_resumes),
        cmocka_unit_test(test_async_client),
        cmocka_unit_test(test_mutual_tls_client),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_tmpdir_teardown);
}
