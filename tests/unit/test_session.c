/* The sans-IO session, driven as an in-memory client <-> server pair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/tls.h"
#include "pair.h"
#include "pattern.h"
#include "pki.h"

static const iotls_test_pki_t *pki;

static int setup_pki(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

/* Handshake a pair with the given server credential and host name. */
static bool handshake(iotls_test_pair_t *p, const iotls_test_cred_t *cred, const char *host,
                      size_t buffer)
{
    iotls_test_pair_setup(p, pki->ca_pem, cred->chain, cred->key, buffer);
    if (!iotls_test_pair_start(p, host))
        return false;
    iotls_test_pair_pump(p);
    return (iotls_session_state(p->client) & IOTLS_HANDSHAKE_DONE) &&
           (iotls_session_state(p->server) & IOTLS_HANDSHAKE_DONE);
}

/* Send len pattern bytes from one side, read them on the other. */
static void transfer(iotls_test_pair_t *p, iotls_session_t *from, iotls_session_t *to, size_t len)
{
    uint8_t *out = malloc(len), *in = malloc(len);
    iotls_test_pattern_fill(out, 0, len);
    size_t sent = 0, got = 0;
    while (got < len) {
        sent += iotls_session_write(from, out + sent, len - sent);
        iotls_session_flush(from);
        size_t moved = iotls_test_pair_pump(p);
        size_t n = iotls_session_read(to, in + got, len - got);
        got += n;
        assert_true(moved > 0 || n > 0);
    }
    assert_int_equal(got, len);
    assert_int_equal(iotls_test_pattern_check(in, 0, len), len);
    free(out);
    free(in);
}

static void test_handshake_and_data_all_buffer_sizes(void **state)
{
    static const size_t sizes[] = {512, 1024, 2048, 4096, 16384};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        iotls_test_pair_t p;
        assert_true(handshake(&p, &pki->server_ec, "localhost", sizes[i]));
        const iotls_report_t *cr = iotls_session_report(p.client);
        const iotls_report_t *sr = iotls_session_report(p.server);
        assert_int_equal(cr->version, 0x0303);
        assert_string_equal(cr->version_name, "TLS 1.2");
        assert_non_null(strstr(cr->cipher_suite_name, "ECDHE_ECDSA"));
        assert_int_equal(cr->buffer_payload, sizes[i]);
        unsigned expect_mfl = sizes[i] < 16384 ? (unsigned)sizes[i] : 0;
        assert_int_equal(cr->mfl_requested, expect_mfl);
        assert_int_equal(cr->mfl_agreed, expect_mfl);
        assert_int_equal(sr->mfl_requested, expect_mfl);
        assert_true(cr->verified);
        assert_true(cr->peer_cert_present);
        assert_non_null(strstr(cr->peer_subject, "CN=localhost"));
        assert_string_equal(sr->server_name, "localhost");
        assert_int_equal(cr->memory_bytes, iotls_session_size(&p.ccfg));

        transfer(&p, p.client, p.server, 70000);
        transfer(&p, p.server, p.client, 70000);

        iotls_session_close(p.client);
        iotls_test_pair_pump(&p);
        assert_true(iotls_session_state(p.client) & IOTLS_CLOSED);
        assert_true(iotls_session_state(p.server) & IOTLS_CLOSED);
        assert_int_equal(iotls_session_error(p.client)->code, IOTLS_OK);
        assert_int_equal(iotls_session_error(p.server)->code, IOTLS_OK);
        iotls_test_pair_free(&p);
    }
}

static void test_rsa_server_and_half_duplex(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_rsa.chain, pki->server_rsa.key, 1024);
    p.ccfg.half_duplex = true;
    p.scfg.half_duplex = true;
    p.scfg.buffer_size = 1024; /* enough: this client asks for 1024 */
    size_t full = iotls_session_size(&p.ccfg);
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_pump(&p);
    assert_true(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    assert_non_null(strstr(iotls_session_report(p.client)->cipher_suite_name, "ECDHE_RSA"));
    transfer(&p, p.client, p.server, 5000);
    transfer(&p, p.server, p.client, 5000);
    p.ccfg.half_duplex = false;
    assert_true(iotls_session_size(&p.ccfg) > full);
    iotls_test_pair_free(&p);
}

static void test_no_trust_is_refused_with_advice(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, NULL, pki->server_ec.chain, pki->server_ec.key, 2048);
    assert_false(iotls_test_pair_start(&p, "localhost"));
    assert_null(p.client);
    assert_int_equal(p.cerr.code, IOTLS_ERR_NO_TRUST);
    assert_int_equal(iotls_error_class(p.cerr.code), IOTLS_CLASS_CONFIG);
    assert_non_null(strstr(p.cerr.text, "--ca"));
    iotls_test_pair_free(&p);
}

static void test_insecure_warns_and_reports(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, NULL, pki->server_otherca.chain, pki->server_otherca.key, 2048);
    p.ccfg.insecure = true;
    assert_true(iotls_test_pair_start(&p, "localhost"));
    assert_non_null(strstr(p.log, "WARNING"));
    assert_non_null(strstr(p.log, "verification is OFF"));
    iotls_test_pair_pump(&p);
    const iotls_report_t *r = iotls_session_report(p.client);
    assert_true(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    assert_false(r->verified);
    assert_true(r->insecure);
    assert_true(r->peer_cert_present);
    char text[2048];
    iotls_report_format(r, "", text, sizeof text);
    assert_non_null(strstr(text, "OFF (insecure"));
    iotls_test_pair_free(&p);
}

/* A handshake that the client must refuse, with the expected code. */
static void expect_client_failure(const iotls_test_cred_t *cred, const char *ca, const char *host,
                                  int64_t now, iotls_err_t code, const char *text_part)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, ca, cred->chain, cred->key, 2048);
    p.ccfg.now = now;
    assert_true(iotls_test_pair_start(&p, host));
    iotls_test_pair_pump(&p);
    assert_true(iotls_session_state(p.client) & IOTLS_CLOSED);
    assert_false(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    const iotls_error_t *e = iotls_session_error(p.client);
    if (e->code != code || !strstr(e->text, text_part))
        print_error("got %s: %s\n", iotls_error_code_name(e->code), e->text);
    assert_int_equal(e->code, code);
    assert_non_null(strstr(e->text, text_part));
    /* BearSSL's client closes without an alert on certificate failures:
     * the server is left waiting (its driver sees EOF), never crashed. */
    assert_false(iotls_session_state(p.server) & IOTLS_HANDSHAKE_DONE);
    iotls_test_pair_free(&p);
}

static void test_unknown_ca(void **state)
{
    expect_client_failure(&pki->server_otherca, pki->ca_pem, "localhost", 0,
                          IOTLS_ERR_CERT_UNTRUSTED, "unknown CA");
}

static void test_name_mismatch(void **state)
{
    expect_client_failure(&pki->server_wrongname, pki->ca_pem, "localhost", 0,
                          IOTLS_ERR_CERT_NAME_MISMATCH, "does not match host 'localhost'");
}

static void test_expired_and_not_yet_valid(void **state)
{
    expect_client_failure(&pki->server_expired, pki->ca_pem, "localhost", 0, IOTLS_ERR_CERT_EXPIRED,
                          "expired on");
    expect_client_failure(&pki->server_notyet, pki->ca_pem, "localhost", 0,
                          IOTLS_ERR_CERT_NOT_YET_VALID, "is not valid before");
    /* A caller-supplied clock: year 2200 is after every test certificate. */
    expect_client_failure(&pki->server_ec, pki->ca_pem, "localhost", 7258118400LL,
                          IOTLS_ERR_CERT_EXPIRED, "expired on");
}

static void test_ip_literals_use_ip_sans_and_no_sni(void **state)
{
    static const char *good[] = {"127.0.0.1", "::1"};
    for (size_t i = 0; i < 2; i++) {
        iotls_test_pair_t p;
        assert_true(handshake(&p, &pki->server_ec, good[i], 2048));
        assert_string_equal(iotls_session_report(p.server)->server_name, "");
        iotls_test_pair_free(&p);
    }
    expect_client_failure(&pki->server_ec, pki->ca_pem, "10.0.0.5", 0, IOTLS_ERR_CERT_NAME_MISMATCH,
                          "does not match IP address '10.0.0.5'");
}

static void test_truncation_and_close_during_handshake(void **state)
{
    iotls_test_pair_t p;
    assert_true(handshake(&p, &pki->server_ec, "localhost", 2048));
    iotls_session_feed_eof(p.client);
    assert_true(iotls_session_state(p.client) & IOTLS_CLOSED);
    assert_int_equal(iotls_session_error(p.client)->code, IOTLS_ERR_TRUNCATED);
    iotls_test_pair_free(&p);

    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_session_feed_eof(p.client);
    assert_int_equal(iotls_session_error(p.client)->code, IOTLS_ERR_PEER_CLOSED_HANDSHAKE);
    iotls_test_pair_free(&p);
}

static void test_garbage_is_not_tls(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    assert_true(iotls_test_pair_start(&p, "localhost"));
    static const char reply[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
    iotls_session_feed(p.client, reply, sizeof reply - 1);
    assert_true(iotls_session_state(p.client) & IOTLS_CLOSED);
    const iotls_error_t *e = iotls_session_error(p.client);
    assert_int_equal(e->code, IOTLS_ERR_NOT_TLS);
    assert_non_null(strstr(e->text, "\"HTTP/\""));
    iotls_test_pair_free(&p);
}

static void test_corrupted_record_fails_only_that_session(void **state)
{
    iotls_test_pair_t a, b;
    assert_true(handshake(&a, &pki->server_ec, "localhost", 2048));
    assert_true(handshake(&b, &pki->server_ec, "localhost", 2048));
    iotls_session_write(a.client, "hello", 5);
    iotls_session_flush(a.client);
    size_t len;
    const uint8_t *rec = iotls_session_send_buf(a.client, &len);
    assert_true(len > 10);
    uint8_t copy[256];
    memcpy(copy, rec, len);
    copy[len - 1] ^= 0x01; /* flip a bit in the MAC / tag */
    iotls_session_send_ack(a.client, len);
    iotls_session_feed(a.server, copy, len);
    assert_true(iotls_session_state(a.server) & IOTLS_CLOSED);
    assert_int_equal(iotls_session_error(a.server)->code, IOTLS_ERR_PROTOCOL);
    assert_non_null(strstr(iotls_session_error(a.server)->text, "MAC"));
    /* The other pair is untouched. */
    transfer(&b, b.client, b.server, 1000);
    iotls_test_pair_free(&a);
    iotls_test_pair_free(&b);
}

static void test_configuration_errors(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, NULL, NULL, 2048);
    assert_false(iotls_test_pair_start(&p, "localhost"));
    assert_int_equal(p.serr.code, IOTLS_ERR_NO_CREDENTIALS);

    size_t need = iotls_session_size(&p.ccfg);
    uint8_t small[64];
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_null(iotls_session_init(small, sizeof small, &p.ccfg, "localhost", &err));
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);
    assert_true(need > sizeof small);

    iotls_error_clear(&err);
    p.ccfg.buffer_size = 100;
    assert_int_equal(iotls_session_size(&p.ccfg), 0);
    assert_null(iotls_session_init(small, sizeof small, &p.ccfg, "localhost", &err));
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    iotls_test_pair_free(&p);

    iotls_creds_t *c = iotls_creds_new();
    iotls_error_clear(&err);
    assert_int_equal(iotls_creds_load_files(c, pki->server_ec.cert, pki->server_rsa.key, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_KEY_MISMATCH);
    iotls_error_clear(&err);
    assert_int_equal(iotls_creds_load_files(c, pki->server_ec.cert, pki->client.key, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_KEY_MISMATCH);
    iotls_creds_free(c);

    iotls_trust_t *t = iotls_trust_new();
    iotls_error_clear(&err);
    assert_int_equal(iotls_trust_add_pem(t, "not pem", 7, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_PEM);
    iotls_error_clear(&err);
    assert_int_equal(iotls_trust_load_file(t, "/nonexistent/ca.pem", &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_FILE);
    assert_int_equal(iotls_trust_load_file(t, pki->bundle_pem, &err), 2);
    assert_int_equal(iotls_trust_count(t), 2);
    iotls_trust_free(t);
}

static void test_buffer_rounding(void **state)
{
    assert_int_equal(iotls_buffer_effective(0), 16384);
    assert_int_equal(iotls_buffer_effective(512), 512);
    assert_int_equal(iotls_buffer_effective(513), 1024);
    assert_int_equal(iotls_buffer_effective(3000), 4096);
    assert_int_equal(iotls_buffer_effective(8192), 16384);
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_CLIENT);
    size_t prev = 0;
    static const size_t sizes[] = {512, 1024, 2048, 4096, 16384};
    for (size_t i = 0; i < 5; i++) {
        cfg.buffer_size = sizes[i];
        size_t n = iotls_session_size(&cfg);
        assert_true(n > prev);
        prev = n;
    }
}

/* RAM per connection is a published number (docs/tls.md): these budgets
 * fail the build when the session block grows past them. The buffers are
 * exactly payload + BearSSL's record overhead per direction. */
static void test_memory_budget(void **state)
{
    iotls_config_t c;
    iotls_config_init(&c, IOTLS_ROLE_CLIENT);
    c.buffer_size = 512;
    size_t c512 = iotls_session_size(&c);
    c.buffer_size = 1024;
    size_t c1024 = iotls_session_size(&c);
    c.buffer_size = 16384;
    size_t c16k = iotls_session_size(&c);
    assert_int_equal(c1024 - c512, 2 * 512); /* both directions grow */
    assert_int_equal(c16k - c1024, 2 * (16384 - 1024));
    assert_true(c1024 <= 14 * 1024);
    assert_true(c16k <= 45 * 1024);
    c.buffer_size = 512;
    c.half_duplex = true;
    size_t half512 = iotls_session_size(&c);
    assert_true(half512 <= 12 * 1024 + 512);
    /* Issue 10's verifying client: 2048-byte half-duplex records, every
     * feature compiled in, no report identity (bench: session_block.c). */
    c.buffer_size = 2048;
    size_t half2048 = iotls_session_size(&c);
    assert_true(half2048 <= 11 * 1024);
    c.report_peer_identity = true;
    assert_true(iotls_session_size(&c) > half2048);
    c.report_peer_identity = false;
    c.buffer_size = 512;
    /* The output buffer BearSSL needs; the buffers end on a max_align_t
     * boundary (the X.509 validator follows them as the block's tail). */
    assert_true(c512 - half512 + 16 > 512 + 85 && c512 - half512 < 512 + 85 + 16);

    iotls_config_t s;
    iotls_config_init(&s, IOTLS_ROLE_SERVER);
    s.buffer_size = 2048;
    size_t s2048 = iotls_session_size(&s);
    assert_true(s2048 <= 11 * 1024);
    /* Asking for client certificates adds the X.509 validator. */
    s.client_auth = IOTLS_CLIENT_AUTH_REQUIRE;
    assert_true(iotls_session_size(&s) > s2048 + 3000);
    print_message("session bytes: client 512 %zu, 1024 %zu, 16384 %zu, half-duplex 512 %zu, "
                  "server 2048 %zu\n",
                  c512, c1024, c16k, half512, s2048);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_and_data_all_buffer_sizes),
        cmocka_unit_test(test_rsa_server_and_half_duplex),
        cmocka_unit_test(test_no_trust_is_refused_with_advice),
        cmocka_unit_test(test_insecure_warns_and_reports),
        cmocka_unit_test(test_unknown_ca),
        cmocka_unit_test(test_name_mismatch),
        cmocka_unit_test(test_expired_and_not_yet_valid),
        cmocka_unit_test(test_ip_literals_use_ip_sans_and_no_sni),
        cmocka_unit_test(test_truncation_and_close_during_handshake),
        cmocka_unit_test(test_garbage_is_not_tls),
        cmocka_unit_test(test_corrupted_record_fails_only_that_session),
        cmocka_unit_test(test_configuration_errors),
        cmocka_unit_test(test_buffer_rounding),
        cmocka_unit_test(test_memory_budget),
    };
    return cmocka_run_group_tests(tests, setup_pki, iotls_test_pki_teardown);
}
