/*
 * Both crypto providers against the same real peers: an iotls client with
 * BearSSL's code and with the host provider (libiotls-hostcrypto) against
 * openssl s_server (ECDSA and RSA servers, X25519 and P-256 key exchange,
 * a required client certificate); an iotls server with each against
 * openssl s_client; and the iotls tool (`connect` / `listen --crypto`)
 * against itself with the providers crossed. The report names the
 * provider each time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client_run.h"
#include "cmd.h"
#include "iotls/hostcrypto.h"
#include "iotls/net.h"
#include "peer.h"
#include "pki.h"
#include "thread_server.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

static const char *expected_name(const iotls_crypto_provider_t *p)
{
    return p ? p->name : IOTLS_CRYPTO_BUILTIN_NAME;
}

/* ---- iotls client -> openssl s_server ---------------------------------- */

static void client_vs_s_server(const iotls_test_cred_t *cred, const char *group, bool mutual,
                               const iotls_crypto_provider_t *provider)
{
    const char *extra[] = {"-tls1_2", "-groups", group, NULL};
    iotls_test_s_server_opts_t so = {
        .mode = IOTLS_TEST_S_SERVER_WWW,
        .cred = cred,
        .verify_client = mutual,
        .extra = extra,
    };
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);

    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_trust_t *trust = iotls_trust_new();
    assert_true(iotls_trust_load_file(trust, pki->ca_pem, &err) > 0);
    iotls_creds_t *creds = NULL;
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = trust;
    cfg.tls.buffer_size = 2048;
    cfg.tls.crypto = provider;
    if (mutual) {
        creds = iotls_creds_new();
        assert_int_equal(iotls_creds_load_files(creds, pki->client.chain, pki->client.key, &err),
                         0);
        cfg.tls.creds = creds;
    }
    iotls_test_client_result_t r;
    iotls_test_client_run("localhost", srv.port, &cfg, IOTLS_TEST_WWW_REQUEST,
                          strlen(IOTLS_TEST_WWW_REQUEST), 0, &r);
    if (!r.connected || r.errored) {
        fprintf(stderr, "iotls client: %s\n", r.error.text);
        iotls_test_peer_dump(&srv);
    }
    assert_true(r.connected);
    assert_false(r.errored);
    assert_true(r.report.verified);
    assert_string_equal(r.report.crypto, expected_name(provider));
    assert_int_equal(r.len, strlen(IOTLS_TEST_WWW_HEADER) + IOTLS_TEST_WWW_FILE_SIZE);
    iotls_test_client_result_free(&r);
    iotls_test_peer_stop(&srv);
    iotls_creds_free(creds);
    iotls_trust_free(trust);
}

static void test_client_both_providers_vs_s_server(void **state)
{
    const iotls_crypto_provider_t *providers[] = {NULL, iotls_hostcrypto_provider()};
    for (int i = 0; i < 2; i++) {
        /* In TLS 1.2 the groups also name the curves of ECDSA keys a peer
         * takes: P-256 stays listed after X25519. */
        client_vs_s_server(&pki->server_ec, "X25519:P-256", false, providers[i]);
        client_vs_s_server(&pki->server_ec, "P-256", false, providers[i]);
        client_vs_s_server(&pki->server_rsa, "X25519", false, providers[i]);
        client_vs_s_server(&pki->server_ec, "P-256", true, providers[i]);
    }
}

/* ---- openssl s_client -> iotls server ---------------------------------- */

static void s_client_vs_server(const char *groups, const iotls_crypto_provider_t *provider)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_creds_t *creds = iotls_creds_new();
    assert_int_equal(iotls_creds_load_files(creds, pki->server_ec.chain, pki->server_ec.key, &err),
                     0);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = creds;
    cfg.tls.crypto = provider;
    iotls_test_tserver_t t;
    uint16_t port = iotls_test_tserver_start(&t, &cfg, NULL);

    static const char line[] = "ping through both providers\n";
    const char *extra[] = {"-groups", groups, NULL};
    iotls_test_s_client_opts_t o = {
        .port = port,
        .ca_file = pki->ca_pem,
        .verify_host = "localhost",
        .servername = "localhost",
        .extra = extra,
        .input = line,
        .input_len = sizeof line - 1,
    };
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    iotls_test_tserver_stop(&t);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("s_client", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_non_null(strstr(r.out, line));
    assert_string_equal(t.last_report.crypto, expected_name(provider));
    iotls_test_result_free(&r);
    iotls_creds_free(creds);
}

static void test_server_both_providers_vs_s_client(void **state)
{
    const iotls_crypto_provider_t *providers[] = {NULL, iotls_hostcrypto_provider()};
    for (int i = 0; i < 2; i++) {
        s_client_vs_server("X25519:P-256", providers[i]);
        s_client_vs_server("P-256", providers[i]);
    }
}

/* ---- the tool against itself, providers crossed -------------------------- */

static void tool_pair(const char *server_crypto, const char *client_crypto, const char *want)
{
    const char *tool = iotls_test_tool();
    const char *const srv_extra[] = {"--crypto", server_crypto, NULL};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_listen_start(NULL, NULL, srv_extra, &srv), 0);

    char target[32];
    snprintf(target, sizeof target, "localhost:%u", srv.port);
    const char *cargv[] = {tool,       "connect",     "-v",   "--ca", pki->ca_pem,
                           "--crypto", client_crypto, target, NULL};
    iotls_test_cmd_t cmd = {.argv = cargv, .input = "hello\n", .input_len = 6};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    iotls_test_peer_stop(&srv);
    if (!strstr(r.err, want) && !strstr(r.out, want)) {
        iotls_test_result_dump("iotls connect", &r);
        iotls_test_peer_dump(&srv);
    }
    assert_true(strstr(r.err, want) || strstr(r.out, want));
    assert_true(strstr(r.err, "public-key work:") || strstr(r.out, "public-key work:"));
    iotls_test_result_free(&r);
}

static void test_tool_providers_crossed(void **state)
{
    tool_pair("host", "bearssl", "public-key work: " IOTLS_CRYPTO_BUILTIN_NAME);
    tool_pair("bearssl", "host", "public-key work: OpenSSL");
    tool_pair("host", "host", "public-key work: OpenSSL");
}

static void test_tool_rejects_unknown_provider(void **state)
{
    const char *tool = iotls_test_tool();
    const char *argv[] = {tool, "connect", "--crypto", "hardware", "localhost:1", NULL};
    iotls_test_cmd_t cmd = {.argv = argv};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    assert_int_not_equal(r.exit_code, 0);
    assert_non_null(strstr(r.err, "--crypto takes 'host' or 'bearssl'"));
    iotls_test_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_both_providers_vs_s_server),
        cmocka_unit_test(test_server_both_providers_vs_s_client),
        cmocka_unit_test(test_tool_providers_crossed),
        cmocka_unit_test(test_tool_rejects_unknown_provider),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
