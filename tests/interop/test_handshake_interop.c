/* Handshake parameters against real peers (issue 9): no SHA-1 in
 * handshake signatures (RFC 9155). Peers: openssl s_client / s_server with
 * -trace (what each side lists), the iotls tool, an in-process server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "peer.h"
#include "pki.h"
#include "thread_server.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

static int teardown(void **state)
{
    iotls_test_pki_free();
    return 0;
}

/* `iotls listen` with the server-ec credentials plus `extra` arguments. */
static void start_listen(iotls_test_peer_t *p, const char *const *extra)
{
    uint16_t port = iotls_test_free_port();
    char addr[32];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", port);
    const char *argv[24] = {iotls_test_tool(),    "listen", "--cert",
                            pki->server_ec.chain, "--key",  pki->server_ec.key};
    size_t n = 6;
    for (size_t i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n++] = addr;
    argv[n] = NULL;
    iotls_test_peer_spec_t spec = {.name = "iotls-listen", .argv = argv, .port = port};
    assert_int_equal(iotls_test_peer_start(&spec, p), 0);
}

/* `iotls connect` to localhost:port verifying with the test root; waits. */
static void run_connect(uint16_t port, const char *const *extra, const char *input,
                        iotls_test_result_t *r)
{
    char addr[32];
    snprintf(addr, sizeof addr, "localhost:%u", port);
    const char *argv[24] = {iotls_test_tool(), "connect", "--ca", pki->ca_pem};
    size_t n = 4;
    for (size_t i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n++] = addr;
    argv[n] = NULL;
    iotls_test_cmd_t cmd = {
        .argv = argv, .input = input, .input_len = strlen(input), .timeout_ms = 15000};
    assert_int_equal(iotls_test_run_cmd(&cmd, r), 0);
}

/* The part of an `openssl -trace` dump that describes message `msg`
 * (from its name to the next blank line), copied into out. */
static void trace_section(const char *trace, const char *msg, char *out, size_t cap)
{
    out[0] = '\0';
    const char *p = strstr(trace, msg);
    if (!p)
        return;
    const char *end = strstr(p, "\n\n");
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static void assert_no_sha1(const char *section)
{
    if (!strstr(section, "signature_algorithms") || !strstr(section, "ecdsa_secp256r1_sha256") ||
        strstr(section, "_sha1 ") || strstr(section, "sha1 ("))
        fail_msg("expected SHA-2 signature algorithms only:\n%s", section);
}

/* RFC 9155: the ClientHello's signature_algorithms lists no SHA-1. */
static void test_client_hello_offers_no_sha1(void **state)
{
    iotls_test_peer_t srv;
    const char *const extra[] = {"-tls1_2", "-trace", NULL};
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_STDIO, .extra = extra};
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);
    iotls_test_result_t r;
    const char *const args[] = {"--linger", "300", NULL};
    run_connect(srv.port, args, "ping\n", &r);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("iotls connect", &r);
    assert_true(iotls_test_result_ok(&r));
    iotls_test_result_free(&r);
    assert_true(iotls_test_peer_wait_stdout(&srv, "ping", 5000));
    iotls_test_peer_stop(&srv);
    char *out = iotls_test_peer_stdout(&srv, NULL);
    static char section[8192];
    trace_section(out, "ClientHello, Length=", section, sizeof section);
    free(out);
    assert_no_sha1(section);
}

/* The CertificateRequest lists no SHA-1 either. */
static void test_certificate_request_offers_no_sha1(void **state)
{
    iotls_test_peer_t srv;
    const char *const extra[] = {"--client-ca", pki->ca_pem, NULL};
    start_listen(&srv, extra);
    const char *const args[] = {"-tls1_2", "-trace", NULL};
    static const char line[] = "ping\n";
    iotls_test_s_client_opts_t o = {
        .port = srv.port,
        .servername = "localhost",
        .cert = pki->client.cert,
        .key = pki->client.key,
        .cert_chain = pki->inter_pem,
        .close_at_eof = 1,
        .extra = args,
        .input = line,
        .input_len = sizeof line - 1,
    };
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    iotls_test_peer_stop(&srv);
    static char section[8192];
    trace_section(r.out, "CertificateRequest, Length=", section, sizeof section);
    if (!strstr(r.out, "New, TLSv1.2"))
        iotls_test_result_dump("s_client", &r);
    /* The handshake went through, the client signing with SHA-2. */
    assert_non_null(strstr(r.out, "New, TLSv1.2"));
    iotls_test_result_free(&r);
    assert_no_sha1(section);
}

/* Peers that can only sign with SHA-1 are refused in both roles. OpenSSL 3
 * needs security level 0 to offer SHA-1 at all. */
static void test_sha1_only_peers_are_refused(void **state)
{
    iotls_test_peer_t srv;
    start_listen(&srv, NULL);
    const char *const sha1_args[] = {"-tls1_2",  "-cipher",    "DEFAULT@SECLEVEL=0",
                                     "-sigalgs", "ECDSA+SHA1", NULL};
    static const char line[] = "ping\n";
    iotls_test_s_client_opts_t o = {
        .port = srv.port,
        .servername = "localhost",
        .close_at_eof = 1,
        .extra = sha1_args,
        .input = line,
        .input_len = sizeof line - 1,
    };
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_null(strstr(r.out, "New, TLSv1.2"));
    assert_non_null(strstr(r.err, "alert handshake failure"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&srv);

    const char *const extra[] = {"-tls1_2",  "-cipher",    "DEFAULT@SECLEVEL=0",
                                 "-sigalgs", "ECDSA+SHA1", NULL};
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_STDIO, .extra = extra};
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);
    run_connect(srv.port, NULL, "ping\n", &r);
    iotls_test_peer_stop(&srv);
    assert_int_equal(r.exit_code, 1);
    assert_null(strstr(r.out, "ping"));
    iotls_test_result_free(&r);
}

/* cfg.allow_sha1_signatures (old peers) brings SHA-1 back, loudly. */
static void test_sha1_allowed_explicitly(void **state)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_creds_t *creds = iotls_creds_new();
    assert_int_equal(iotls_creds_load_files(creds, pki->server_ec.chain, pki->server_ec.key, &err),
                     0);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = creds;
    cfg.tls.allow_sha1_signatures = true;
    iotls_test_tserver_t t;
    uint16_t port = iotls_test_tserver_start(&t, &cfg, NULL);
    const char *const sha1_args[] = {"-tls1_2",  "-cipher",    "DEFAULT@SECLEVEL=0",
                                     "-sigalgs", "ECDSA+SHA1", NULL};
    static const char line[] = "ping\n";
    iotls_test_s_client_opts_t o = {
        .port = port,
        .servername = "localhost",
        .close_at_eof = 1,
        .extra = sha1_args,
        .input = line,
        .input_len = sizeof line - 1,
    };
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    iotls_test_tserver_stop(&t);
    if (!strstr(r.out, "Peer signing digest: SHA1"))
        iotls_test_result_dump("s_client", &r);
    assert_non_null(strstr(r.out, "New, TLSv1.2"));
    assert_non_null(strstr(r.out, "Peer signing digest: SHA1"));
    iotls_test_result_free(&r);
    iotls_creds_free(creds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_hello_offers_no_sha1),
        cmocka_unit_test(test_certificate_request_offers_no_sha1),
        cmocka_unit_test(test_sha1_only_peers_are_refused),
        cmocka_unit_test(test_sha1_allowed_explicitly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
