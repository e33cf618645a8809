/* iotls client against real peers: openssl s_server (ECDSA and RSA, every
 * buffer size), a Go server that ignores max_fragment_length, and servers
 * that refuse, reset, send garbage or stay silent. Each failure is pinned to
 * its exact error code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "badpeer.h"
#include "client_run.h"
#include "pattern.h"
#include "peer.h"
#include "pki.h"

static const iotls_test_pki_t *pki;
static iotls_trust_t *trust;

static int setup(void **state)
{
    pki = iotls_test_pki();
    if (!pki)
        return -1;
    trust = iotls_trust_new();
    iotls_error_t err;
    iotls_error_clear(&err);
    return iotls_trust_load_file(trust, pki->ca_pem, &err) == 1 ? 0 : -1;
}

static int teardown(void **state)
{
    iotls_trust_free(trust);
    iotls_test_pki_free();
    return 0;
}

static void verifying_config(iotls_conn_config_t *cfg, size_t buffer)
{
    iotls_conn_config_init(cfg);
    cfg->tls.trust = trust;
    cfg->tls.buffer_size = buffer;
    cfg->connect_timeout_ms = 5000;
    cfg->handshake_timeout_ms = 5000;
}

/* Fetch the 100 KiB file from s_server -WWW and check every byte. */
static void fetch_large_file(const iotls_test_cred_t *cred, size_t buffer, const char *suite)
{
    iotls_test_peer_t srv;
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_WWW, .cred = cred};
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);

    iotls_conn_config_t cfg;
    verifying_config(&cfg, buffer);
    iotls_test_client_result_t r;
    iotls_test_client_run("localhost", srv.port, &cfg, IOTLS_TEST_WWW_REQUEST,
                          strlen(IOTLS_TEST_WWW_REQUEST), 0, &r);
    iotls_test_peer_stop(&srv);
    if (r.errored)
        print_error("buffer %zu: %s\n", buffer, r.error.text);
    assert_true(r.connected);
    assert_true(r.disconnected); /* s_server -WWW ends with close_notify */
    assert_true(r.report.verified);
    assert_non_null(strstr(r.report.cipher_suite_name, suite));
    unsigned expect_mfl = buffer < 16384 ? (unsigned)buffer : 0;
    assert_int_equal(r.report.mfl_requested, expect_mfl);
    assert_int_equal(r.report.mfl_agreed, expect_mfl);

    size_t hdr = strlen(IOTLS_TEST_WWW_HEADER);
    assert_int_equal(r.len, hdr + IOTLS_TEST_WWW_FILE_SIZE);
    assert_memory_equal(r.data, IOTLS_TEST_WWW_HEADER, hdr);
    assert_int_equal(iotls_test_pattern_check(r.data + hdr, 0, IOTLS_TEST_WWW_FILE_SIZE),
                     IOTLS_TEST_WWW_FILE_SIZE);
    iotls_test_client_result_free(&r);
}

static void test_s_server_ecdsa_all_buffers(void **state)
{
    static const size_t sizes[] = {512, 1024, 2048, 4096, 16384};
    for (size_t i = 0; i < 5; i++)
        fetch_large_file(&pki->server_ec, sizes[i], "ECDHE_ECDSA");
}

static void test_s_server_rsa_all_buffers(void **state)
{
    static const size_t sizes[] = {512, 1024, 2048, 4096, 16384};
    for (size_t i = 0; i < 5; i++)
        fetch_large_file(&pki->server_rsa, sizes[i], "ECDHE_RSA");
}

/* Connect to an s_server holding `cred` and expect `code` with `text`. */
static void expect_s_server_failure(const iotls_test_cred_t *cred, const char *host,
                                    iotls_err_t code, const char *text)
{
    iotls_test_peer_t srv;
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_WWW, .cred = cred};
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);
    iotls_conn_config_t cfg;
    verifying_config(&cfg, 2048);
    iotls_test_client_result_t r;
    iotls_test_client_run(host, srv.port, &cfg, NULL, 0, 0, &r);
    iotls_test_peer_stop(&srv);
    assert_false(r.connected);
    assert_true(r.errored);
    if (r.error.code != code || !strstr(r.error.text, text))
        print_error("got %s: %s\n", iotls_error_code_name(r.error.code), r.error.text);
    assert_int_equal(r.error.code, code);
    assert_non_null(strstr(r.error.text, text));
    iotls_test_client_result_free(&r);
}

static void test_unknown_ca(void **state)
{
    expect_s_server_failure(&pki->server_otherca, "localhost", IOTLS_ERR_CERT_UNTRUSTED,
                            "unknown CA");
}

static void test_host_name_mismatch(void **state)
{
    expect_s_server_failure(&pki->server_wrongname, "localhost", IOTLS_ERR_CERT_NAME_MISMATCH,
                            "does not match host 'localhost'");
}

/* Checking a name other than the one connected to (here an IP the
 * certificate does not list, while connecting to 127.0.0.1). */
static void test_verify_name_override(void **state)
{
    iotls_test_peer_t srv;
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_WWW, .cred = &pki->server_ec};
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);
    iotls_conn_config_t cfg;
    verifying_config(&cfg, 2048);
    cfg.verify_name = "10.0.0.5";
    iotls_test_client_result_t r;
    iotls_test_client_run("127.0.0.1", srv.port, &cfg, NULL, 0, 0, &r);
    assert_true(r.errored);
    assert_int_equal(r.error.code, IOTLS_ERR_CERT_NAME_MISMATCH);
    assert_non_null(strstr(r.error.text, "does not match IP address '10.0.0.5'"));
    iotls_test_client_result_free(&r);

    cfg.verify_name = "localhost"; /* listed: accepted over 127.0.0.1 */
    iotls_test_client_run("127.0.0.1", srv.port, &cfg, IOTLS_TEST_WWW_REQUEST,
                          strlen(IOTLS_TEST_WWW_REQUEST), 0, &r);
    iotls_test_peer_stop(&srv);
    assert_true(r.connected);
    assert_string_equal(r.report.server_name, "localhost");
    iotls_test_client_result_free(&r);
}

static void test_expired_certificate(void **state)
{
    expect_s_server_failure(&pki->server_expired, "localhost", IOTLS_ERR_CERT_EXPIRED,
                            "expired on");
}

static void test_connection_refused(void **state)
{
    uint16_t port = iotls_test_free_port();
    iotls_conn_config_t cfg;
    verifying_config(&cfg, 2048);
    iotls_test_client_result_t r;
    iotls_test_client_run("127.0.0.1", port, &cfg, NULL, 0, 0, &r);
    assert_true(r.errored);
    assert_int_equal(r.error.code, IOTLS_ERR_CONNECT_REFUSED);
    assert_int_equal(iotls_error_class(r.error.code), IOTLS_CLASS_IO);
    iotls_test_client_result_free(&r);
}

static void test_peer_reset_mid_handshake(void **state)
{
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_reset_server_start(&srv), 0);
    iotls_conn_config_t cfg;
    verifying_config(&cfg, 2048);
    iotls_test_client_result_t r;
    iotls_test_client_run("127.0.0.1", srv.port, &cfg, NULL, 0, 0, &r);
    iotls_test_peer_stop(&srv);
    assert_true(r.errored);
    assert_false(r.connected);
    assert_int_equal(r.error.code, IOTLS_ERR_PEER_RESET);
    iotls_test_client_result_free(&r);
}

static void test_peer_sends_garbage(void **state)
{
    static const char reply[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_garbage_server_start(reply, sizeof reply - 1, &srv), 0);
    iotls_conn_config_t cfg;
    verifying_config(&cfg, 2048);
    iotls_test_client_result_t r;
    iotls_test_client_run("127.0.0.1", srv.port, &cfg, NULL, 0, 0, &r);
    iotls_test_peer_stop(&srv);
    assert_true(r.errored);
    assert_int_equal(r.error.code, IOTLS_ERR_NOT_TLS);
    assert_non_null(strstr(r.error.text, "does not speak TLS"));
    iotls_test_client_result_free(&r);
}

static void test_handshake_timeout(void **state)
{
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_silent_server_start(&srv), 0);
    iotls_conn_config_t cfg;
    verifying_config(&cfg, 2048);
    cfg.handshake_timeout_ms = 300;
    iotls_test_client_result_t r;
    iotls_test_client_run("127.0.0.1", srv.port, &cfg, NULL, 0, 0, &r);
    iotls_test_peer_stop(&srv);
    assert_true(r.errored);
    assert_int_equal(r.error.code, IOTLS_ERR_HANDSHAKE_TIMEOUT);
    iotls_test_client_result_free(&r);
}

static void test_server_ignoring_mfl(void **state)
{
    iotls_test_peer_t srv;
    int rc = iotls_test_mfl_ignoring_server_start(&pki->server_ec, &srv);
    if (rc == 1)
        fail_msg("go is not installed: scripts/install-deps.sh installs golang-go");
    assert_int_equal(rc, 0);
    static const char line[] = "send\n";

    /* Policy "fail": the exact error, naming the record and the buffer. */
    iotls_conn_config_t cfg;
    verifying_config(&cfg, 1024);
    iotls_test_client_result_t r;
    iotls_test_client_run("localhost", srv.port, &cfg, line, sizeof line - 1, 0, &r);
    assert_true(r.errored);
    if (r.error.code != IOTLS_ERR_RECORD_TOO_LARGE)
        print_error("got %s: %s\n", iotls_error_code_name(r.error.code), r.error.text);
    assert_int_equal(r.error.code, IOTLS_ERR_RECORD_TOO_LARGE);
    assert_non_null(strstr(r.error.text, "exceeds the 1024-byte buffer (server ignored "
                                         "max_fragment_length)"));
    assert_false(r.retried_full_buffer);
    iotls_test_client_result_free(&r);

    /* Policy "retry once with a full buffer": the data arrives, and the
     * connection says it retried. The loop remembers the server: the next
     * connection to it starts with a full buffer at once. */
    cfg.mfl_policy = IOTLS_MFL_RETRY_FULL;
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *loop = iotls_loop_new(&err);
    assert_non_null(loop);
    for (int round = 0; round < 2; round++) {
        iotls_test_client_run_on(loop, "localhost", srv.port, &cfg, line, sizeof line - 1, 0, &r);
        if (r.errored)
            print_error("retry round %d: %s\n", round, r.error.text);
        assert_true(r.connected);
        assert_int_equal(r.mfl_outcome,
                         round == 0 ? IOTLS_MFL_OUTCOME_RETRIED : IOTLS_MFL_OUTCOME_REMEMBERED);
        assert_int_equal(r.retried_full_buffer, round == 0);
        assert_int_equal(r.report.buffer_payload, 16384);
        assert_int_equal(r.report.mfl_requested, 0); /* full buffer: nothing to ask */
        assert_int_equal(r.len, IOTLS_TEST_MFL_PAYLOAD);
        assert_int_equal(iotls_test_pattern_check(r.data, 0, r.len), r.len);
        iotls_test_client_result_free(&r);
    }
    iotls_loop_free(loop);
    iotls_test_peer_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s_server_ecdsa_all_buffers),
        cmocka_unit_test(test_s_server_rsa_all_buffers),
        cmocka_unit_test(test_unknown_ca),
        cmocka_unit_test(test_host_name_mismatch),
        cmocka_unit_test(test_verify_name_override),
        cmocka_unit_test(test_expired_certificate),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_peer_reset_mid_handshake),
        cmocka_unit_test(test_peer_sends_garbage),
        cmocka_unit_test(test_handshake_timeout),
        cmocka_unit_test(test_server_ignoring_mfl),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
