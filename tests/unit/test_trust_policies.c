/* Trust policies (issue 3), in-memory pair: pins (SPKI and certificate,
 * with and without a CA), pin parsing, self-signed servers, time policies,
 * no host name check, ALPN, SNI-selected credentials, cipher suite lists.
 * Expected digests are computed with the openssl CLI, not by iotls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cmd.h"
#include "iotls/tls.h"
#include "pair.h"
#include "pki.h"
#include "pki_cases.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;
static const iotls_test_pki_cases_t *cases;

static int setup(void **state)
{
    pki = iotls_test_pki();
    cases = pki ? iotls_test_pki_cases() : NULL;
    return cases ? 0 : -1;
}

/* 2020-06-01 00:00:00 UTC: inside server_expired's validity, before every
 * other test certificate's. */
#define T_2020_06 1590969600LL
/* 2200-01-01: after every test certificate. */
#define T_2200 7258118400LL

/* Run the pair to the end (EOF to a side left waiting). */
static void run(iotls_test_pair_t *p, const char *host)
{
    if (!iotls_test_pair_start(p, host))
        fail_msg("start: client '%s' server '%s'", p->cerr.text, p->serr.text);
    iotls_test_pair_finish(p);
}

static void expect_ok(iotls_test_pair_t *p)
{
    const iotls_error_t *ce = iotls_session_error(p->client);
    const iotls_error_t *se = iotls_session_error(p->server);
    if (ce->code != IOTLS_OK || se->code != IOTLS_OK)
        fail_msg("client %s: %s / server %s: %s", iotls_error_code_name(ce->code), ce->text,
                 iotls_error_code_name(se->code), se->text);
    assert_true(iotls_session_state(p->client) & IOTLS_HANDSHAKE_DONE);
    assert_true(iotls_session_state(p->server) & IOTLS_HANDSHAKE_DONE);
}

static void expect_client_error(iotls_test_pair_t *p, iotls_err_t code, const char *text)
{
    const iotls_error_t *e = iotls_session_error(p->client);
    if (e->code != code || !strstr(e->text, text))
        fail_msg("expected %s '%s', got %s: %s", iotls_error_code_name(code), text,
                 iotls_error_code_name(e->code), e->text);
    assert_false(iotls_session_state(p->client) & IOTLS_HANDSHAKE_DONE);
}

static const iotls_report_t *crep(iotls_test_pair_t *p)
{
    return iotls_session_report(p->client);
}

/* ---- pins ------------------------------------------------------------------ */

static iotls_pin_t spki_pin(const char *cert)
{
    iotls_pin_t pin = {.kind = IOTLS_PIN_SPKI_SHA256};
    assert_int_equal(iotls_test_spki_sha256(cert, pin.sha256), 0);
    return pin;
}

static void test_spki_pin_with_trust(void **state)
{
    iotls_pin_t pin = spki_pin(pki->server_ec.cert);
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.pins = &pin;
    p.ccfg.pin_count = 1;
    run(&p, "localhost");
    expect_ok(&p);
    assert_true(crep(&p)->verified);
    assert_string_equal(crep(&p)->auth, "chain + host name + pin");
    iotls_test_pair_free(&p);

    /* With a CA, the chain still has to verify: a pinned key behind an
     * untrusted chain is refused for the chain. */
    iotls_pin_t other = spki_pin(pki->server_otherca.cert);
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_otherca.chain, pki->server_otherca.key,
                          2048);
    p.ccfg.pins = &other;
    p.ccfg.pin_count = 1;
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_UNTRUSTED, "unknown CA");
    iotls_test_pair_free(&p);
}

static void test_pin_only_without_trust(void **state)
{
    iotls_pin_t pins[2] = {spki_pin(pki->server_rsa.cert), spki_pin(pki->server_otherca.cert)};
    iotls_test_pair_t p;
    /* Unknown CA and no trust store: the pin (second in the list) is the
     * identity. */
    iotls_test_pair_setup(&p, NULL, pki->server_otherca.chain, pki->server_otherca.key, 2048);
    p.ccfg.pins = pins;
    p.ccfg.pin_count = 2;
    run(&p, "localhost");
    expect_ok(&p);
    assert_true(crep(&p)->verified);
    assert_false(crep(&p)->insecure);
    assert_string_equal(crep(&p)->auth, "pin");
    assert_non_null(strstr(crep(&p)->peer_subject, "CN=localhost"));
    iotls_test_pair_free(&p);

    /* Pin-only checks neither the name nor the dates: pinned
     * server_wrongname for "localhost" and an expired pinned certificate
     * are accepted (documented: the pin IS the identity). */
    iotls_pin_t wn = spki_pin(pki->server_wrongname.cert);
    iotls_test_pair_setup(&p, NULL, pki->server_wrongname.chain, pki->server_wrongname.key, 2048);
    p.ccfg.pins = &wn;
    p.ccfg.pin_count = 1;
    run(&p, "localhost");
    expect_ok(&p);
    iotls_test_pair_free(&p);
    iotls_pin_t ex = spki_pin(pki->server_expired.cert);
    iotls_test_pair_setup(&p, NULL, pki->server_expired.chain, pki->server_expired.key, 2048);
    p.ccfg.pins = &ex;
    p.ccfg.pin_count = 1;
    run(&p, "localhost");
    expect_ok(&p);
    iotls_test_pair_free(&p);
}

static void test_wrong_pin(void **state)
{
    iotls_pin_t pin = spki_pin(pki->server_rsa.cert); /* another key */
    for (int with_trust = 0; with_trust < 2; with_trust++) {
        iotls_test_pair_t p;
        iotls_test_pair_setup(&p, with_trust ? pki->ca_pem : NULL, pki->server_ec.chain,
                              pki->server_ec.key, 2048);
        p.ccfg.pins = &pin;
        p.ccfg.pin_count = 1;
        run(&p, "localhost");
        expect_client_error(&p, IOTLS_ERR_CERT_PIN_MISMATCH,
                            "certificate 'CN=localhost' of 'localhost' matches none of the "
                            "pinned keys");
        assert_int_equal(iotls_error_class(iotls_session_error(p.client)->code),
                         IOTLS_CLASS_CERTIFICATE);
        /* the client told the server why with an alert */
        assert_int_equal(iotls_session_error(p.server)->code, IOTLS_ERR_ALERT_RECEIVED);
        assert_int_equal(iotls_session_error(p.server)->alert, 42);
        iotls_test_pair_free(&p);
    }
}

static void test_certificate_fingerprint_pin(void **state)
{
    iotls_pin_t pin = {.kind = IOTLS_PIN_CERT_SHA256};
    assert_int_equal(iotls_test_cert_sha256(pki->server_ec.cert, pin.sha256), 0);
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, NULL, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.pins = &pin;
    p.ccfg.pin_count = 1;
    run(&p, "localhost");
    expect_ok(&p);
    assert_string_equal(crep(&p)->auth, "pin");
    /* the report's fingerprint is openssl's */
    assert_memory_equal(crep(&p)->peer_sha256, pin.sha256, 32);
    iotls_test_pair_free(&p);

    /* The certificate pin does not survive a new certificate for the same
     * key; the SPKI pin would. server_ec's SPKI hash used as a certificate
     * hash matches nothing. */
    iotls_pin_t wrong = spki_pin(pki->server_ec.cert);
    wrong.kind = IOTLS_PIN_CERT_SHA256;
    iotls_test_pair_setup(&p, NULL, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.pins = &wrong;
    p.ccfg.pin_count = 1;
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_PIN_MISMATCH, "matches none of the pinned keys");
    iotls_test_pair_free(&p);
}

static char *openssl_base64(const uint8_t *data, size_t len)
{
    const char *argv[] = {"openssl", "base64", "-A", NULL};
    iotls_test_cmd_t c = {.argv = argv, .input = data, .input_len = len};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&c, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    char *out = strdup(r.out);
    iotls_test_result_free(&r);
    out[strcspn(out, "\r\n")] = '\0';
    return out;
}

static void test_pin_parse(void **state)
{
    uint8_t want[32];
    assert_int_equal(iotls_test_spki_sha256(pki->server_ec.cert, want), 0);
    iotls_pin_t pin;
    iotls_error_t err;

    /* curl's form */
    char *b64 = openssl_base64(want, 32);
    char text[128];
    snprintf(text, sizeof text, "sha256//%s", b64);
    free(b64);
    iotls_error_clear(&err);
    memset(&pin, 0xAA, sizeof pin);
    assert_int_equal(iotls_pin_parse(text, &pin, &err), 0);
    assert_int_equal(pin.kind, IOTLS_PIN_SPKI_SHA256);
    assert_memory_equal(pin.sha256, want, 32);

    /* hex: plain lower case, upper case with colons */
    char hex[65], colons[96];
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", want[i]);
    iotls_fingerprint_hex(want, colons);
    assert_int_equal(strlen(colons), 95);
    memset(&pin, 0, sizeof pin);
    assert_int_equal(iotls_pin_parse(hex, &pin, &err), 0);
    assert_memory_equal(pin.sha256, want, 32);
    memset(&pin, 0, sizeof pin);
    assert_int_equal(iotls_pin_parse(colons, &pin, &err), 0);
    assert_memory_equal(pin.sha256, want, 32);
    assert_int_equal(err.code, IOTLS_OK);

    /* The parsed pin works in a handshake. */
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, NULL, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.pins = &pin;
    p.ccfg.pin_count = 1;
    run(&p, "localhost");
    expect_ok(&p);
    iotls_test_pair_free(&p);

    char hex63[64], hex65[70], b64_nopad[64], b64_bad[128], b64_short[64];
    snprintf(hex63, sizeof hex63, "%.63s", hex);
    snprintf(hex65, sizeof hex65, "%s0", hex);
    snprintf(b64_nopad, sizeof b64_nopad, "%.51s", text); /* drop the '=' */
    snprintf(b64_bad, sizeof b64_bad, "%s", text);
    b64_bad[20] = '*';
    snprintf(b64_short, sizeof b64_short, "sha256//%s", "AAAA");
    const char *bad[] = {"",      "sha256//", hex63, hex65,     b64_nopad,
                         b64_bad, b64_short,  "zz",  "sha1//x", "g0" /* not hex */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        iotls_error_clear(&err);
        if (iotls_pin_parse(bad[i], &pin, &err) != -1)
            fail_msg("pin '%s' was accepted", bad[i]);
        assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
        assert_non_null(strstr(err.text, "neither sha256//BASE64 (44 characters) nor 64 hex"));
    }
    iotls_error_clear(&err);
    assert_int_equal(iotls_pin_parse(NULL, &pin, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    assert_non_null(strstr(err.text, "(null)"));
}

/* ---- self-signed servers ---------------------------------------------------------- */

static void pair_with_anchor(iotls_test_pair_t *p, const iotls_test_cred_t *server,
                             const char *anchor_cert, bool self_signed_api, int expect_added)
{
    iotls_test_pair_setup(p, NULL, server->chain, server->key, 2048);
    size_t len;
    char *pem = iotls_test_read_file(anchor_cert, &len);
    assert_non_null(pem);
    iotls_error_t err;
    iotls_error_clear(&err);
    int n = self_signed_api ? iotls_trust_add_self_signed(p->trust, pem, len, &err)
                            : iotls_trust_add_pem(p->trust, pem, len, &err);
    free(pem);
    if (n != expect_added)
        fail_msg("added %d anchors: %s", n, err.text);
    p->ccfg.trust = p->trust;
}

static void test_self_signed_server(void **state)
{
    iotls_test_pair_t p;
    pair_with_anchor(&p, &cases->selfsigned, cases->selfsigned.cert, true, 1);
    run(&p, "selfsigned.test");
    expect_ok(&p);
    assert_true(crep(&p)->verified);
    assert_string_equal(crep(&p)->auth, "chain + host name");
    assert_string_equal(crep(&p)->peer_issuer, "CN=selfsigned.test");
    iotls_test_pair_free(&p);

    /* Trusted directly, the name is still checked. */
    pair_with_anchor(&p, &cases->selfsigned, cases->selfsigned.cert, true, 1);
    run(&p, "other.test");
    expect_client_error(&p, IOTLS_ERR_CERT_NAME_MISMATCH,
                        "'CN=selfsigned.test' does not match host 'other.test'");
    iotls_test_pair_free(&p);

    /* The same certificate through iotls_trust_add_pem: it is not a CA, so
     * the store keeps it as a direct (non-CA) anchor too — accepted the
     * same way. */
    pair_with_anchor(&p, &cases->selfsigned, cases->selfsigned.cert, false, 1);
    run(&p, "selfsigned.test");
    expect_ok(&p);
    iotls_test_pair_free(&p);

    /* Without it: untrusted, and the text names the certificate. */
    iotls_test_pair_setup(&p, pki->ca_pem, cases->selfsigned.chain, cases->selfsigned.key, 2048);
    run(&p, "selfsigned.test");
    expect_client_error(&p, IOTLS_ERR_CERT_UNTRUSTED,
                        "'CN=selfsigned.test' is not trusted: its chain (1 certificate) ends "
                        "at issuer 'CN=selfsigned.test'");
    iotls_test_pair_free(&p);

    /* A CA certificate added with the self-signed API is trusted as that
     * one key, not as a CA: a server whose chain leads to it is refused. */
    pair_with_anchor(&p, &pki->server_otherca, pki->other_ca_pem, true, 1);
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_UNTRUSTED, "is not trusted");
    iotls_test_pair_free(&p);
}

/* ---- time policies --------------------------------------------------------------- */

static void pair_time(iotls_test_pair_t *p, const iotls_test_cred_t *cred,
                      iotls_time_policy_t policy, int64_t now)
{
    iotls_test_pair_setup(p, pki->ca_pem, cred->chain, cred->key, 2048);
    p->ccfg.time_policy = policy;
    p->ccfg.now = now;
}

static void test_time_fixed(void **state)
{
    iotls_test_pair_t p;
    /* In the past: the valid certificate is not valid yet, with its dates,
     * the leaf's subject and depth, and the time used. */
    pair_time(&p, &pki->server_ec, IOTLS_TIME_FIXED, T_2020_06);
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_NOT_YET_VALID,
                        "certificate 'CN=localhost' (depth 0) is not valid before ");
    expect_client_error(&p, IOTLS_ERR_CERT_NOT_YET_VALID,
                        "to 2049-12-31 23:59:59 UTC, checked at 2020-06-01 00:00:00 UTC");
    assert_string_equal(crep(&p)->time_check, "fixed time");
    iotls_test_pair_free(&p);

    /* ... and the certificate expired in 2021 is fine at that time. */
    pair_time(&p, &pki->server_expired, IOTLS_TIME_FIXED, T_2020_06);
    run(&p, "localhost");
    /* its chain's CAs start yesterday: the intermediate (depth 1) fails */
    expect_client_error(&p, IOTLS_ERR_CERT_NOT_YET_VALID,
                        "'O=iotls test, CN=iotls test intermediate CA' (depth 1) is not valid "
                        "before");
    iotls_test_pair_free(&p);

    /* In the future: expired, with the end date. */
    pair_time(&p, &pki->server_ec, IOTLS_TIME_FIXED, T_2200);
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_EXPIRED,
                        "certificate 'CN=localhost' (depth 0) expired on 2049-12-31 23:59:59 "
                        "UTC");
    expect_client_error(&p, IOTLS_ERR_CERT_EXPIRED, "checked at 2200-01-01 00:00:00 UTC");
    iotls_test_pair_free(&p);

    /* FIXED (and AT_LEAST) without a time is a configuration error. */
    iotls_time_policy_t needs_now[] = {IOTLS_TIME_FIXED, IOTLS_TIME_AT_LEAST};
    for (size_t i = 0; i < 2; i++) {
        pair_time(&p, &pki->server_ec, needs_now[i], 0);
        assert_false(iotls_test_pair_start(&p, "localhost"));
        assert_null(p.client);
        assert_int_equal(p.cerr.code, IOTLS_ERR_BAD_ARGUMENT);
        assert_non_null(strstr(p.cerr.text, "needs cfg.now (Unix seconds)"));
        iotls_test_pair_free(&p);
    }
}

static void test_time_at_least(void **state)
{
    /* A lower bound in the past (e.g. firmware build time): a certificate
     * that is not valid yet by it passes (the real time may be later)... */
    iotls_test_pair_t p;
    pair_time(&p, &pki->server_notyet, IOTLS_TIME_AT_LEAST, T_2020_06);
    run(&p, "localhost");
    expect_ok(&p);
    assert_true(crep(&p)->verified);
    assert_string_equal(crep(&p)->time_check, "lower bound (expiry only)");
    iotls_test_pair_free(&p);

    /* ...the normal one too... */
    pair_time(&p, &pki->server_ec, IOTLS_TIME_AT_LEAST, T_2020_06);
    run(&p, "localhost");
    expect_ok(&p);
    iotls_test_pair_free(&p);

    /* ...but one that expired before the bound cannot become valid again. */
    pair_time(&p, &pki->server_expired, IOTLS_TIME_AT_LEAST, (int64_t)time(NULL) - 86400 * 2);
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_EXPIRED,
                        "certificate 'CN=localhost' (depth 0) expired on 2021-01-01 00:00:00 UTC");
    expect_client_error(&p, IOTLS_ERR_CERT_EXPIRED, "checked at no earlier than ");
    iotls_test_pair_free(&p);

    /* A bound past the end of everything: expired. */
    pair_time(&p, &pki->server_ec, IOTLS_TIME_AT_LEAST, T_2200);
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_EXPIRED, "expired on 2049-12-31");
    iotls_test_pair_free(&p);
}

static void test_time_unchecked(void **state)
{
    const iotls_test_cred_t *creds[] = {&pki->server_expired, &pki->server_notyet};
    for (size_t i = 0; i < 2; i++) {
        iotls_test_pair_t p;
        pair_time(&p, creds[i], IOTLS_TIME_UNCHECKED, 0);
        run(&p, "localhost");
        expect_ok(&p);
        assert_true(crep(&p)->verified);
        assert_string_equal(crep(&p)->time_check, "off");
        assert_non_null(strstr(p.log, "iotls: WARNING: certificate validity dates are NOT "
                                      "checked (time policy 'unchecked') for 'localhost'"));
        iotls_test_pair_free(&p);
    }
    /* Only the dates are off: the chain and the name still count. */
    iotls_test_pair_t p;
    pair_time(&p, &pki->server_wrongname, IOTLS_TIME_UNCHECKED, 0);
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_NAME_MISMATCH, "does not match host 'localhost'");
    iotls_test_pair_free(&p);
    pair_time(&p, &pki->server_otherca, IOTLS_TIME_UNCHECKED, 0);
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_UNTRUSTED, "unknown CA");
    iotls_test_pair_free(&p);

    /* The default policy is the system clock and logs nothing. */
    pair_time(&p, &pki->server_ec, IOTLS_TIME_SYSTEM, 0);
    run(&p, "localhost");
    expect_ok(&p);
    assert_string_equal(crep(&p)->time_check, "system clock");
    assert_string_equal(p.log, "");
    iotls_test_pair_free(&p);
}

/* The lower-bound and unchecked policies move the validator's clock when
 * the walker has read a certificate's notBefore. BearSSL reads certificates
 * in 256-byte pieces and compares notBefore as soon as it has it, so the
 * clock must be set by then wherever a piece ends: the sweep moves the dates
 * across offset 256 one byte at a time (serials of 1..20 bytes under a CA
 * with a long name). */
static void test_time_policies_wherever_the_dates_fall(void **state)
{
    for (size_t i = 0; i < 20; i++) {
        struct {
            iotls_time_policy_t policy;
            int64_t now;
            iotls_err_t code;
        } rows[] = {
            {IOTLS_TIME_UNCHECKED, 0, IOTLS_OK},
            {IOTLS_TIME_AT_LEAST, T_2020_06, IOTLS_OK},
            {IOTLS_TIME_AT_LEAST, T_2200, IOTLS_ERR_CERT_EXPIRED},
            {IOTLS_TIME_FIXED, T_2020_06, IOTLS_ERR_CERT_NOT_YET_VALID},
            {IOTLS_TIME_SYSTEM, 0, IOTLS_OK},
        };
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
            iotls_test_pair_t p;
            iotls_test_pair_setup(&p, pki->ca_pem, cases->sweep_chain[i], cases->sweep_key, 2048);
            p.ccfg.time_policy = rows[r].policy;
            p.ccfg.now = rows[r].now;
            run(&p, "localhost");
            const iotls_error_t *e = iotls_session_error(p.client);
            if (e->code != rows[r].code)
                fail_msg("serial of %zu bytes, policy %d: expected %s, got %s: %s", i + 1,
                         (int)rows[r].policy, iotls_error_code_name(rows[r].code),
                         iotls_error_code_name(e->code), e->text);
            if (rows[r].code != IOTLS_OK)
                assert_non_null(strstr(e->text, "certificate 'CN=localhost' (depth 0)"));
            iotls_test_pair_free(&p);
        }
    }
}

/* ---- no host name check ------------------------------------------------------------ */

static void test_no_name_check(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_wrongname.chain, pki->server_wrongname.key,
                          2048);
    p.ccfg.no_name_check = true;
    run(&p, "localhost");
    expect_ok(&p);
    assert_true(crep(&p)->verified);
    assert_string_equal(crep(&p)->auth, "chain (no host name check)");
    assert_non_null(strstr(p.log, "iotls: WARNING: host name check is OFF"));
    assert_non_null(strstr(p.log, "for 'localhost'"));
    /* SNI is still sent. */
    assert_string_equal(iotls_session_report(p.server)->server_name, "localhost");
    assert_string_equal(crep(&p)->server_name, "localhost");
    iotls_test_pair_free(&p);

    /* The chain is still checked. */
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_otherca.chain, pki->server_otherca.key,
                          2048);
    p.ccfg.no_name_check = true;
    run(&p, "localhost");
    expect_client_error(&p, IOTLS_ERR_CERT_UNTRUSTED, "unknown CA");
    iotls_test_pair_free(&p);
}

/* ---- ALPN ------------------------------------------------------------------------ */

static void alpn_case(const char *const *cl, size_t cn, const char *const *sv, size_t sn,
                      const char *expect)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.alpn = cl;
    p.ccfg.alpn_count = cn;
    p.scfg.alpn = sv;
    p.scfg.alpn_count = sn;
    run(&p, "localhost");
    expect_ok(&p);
    assert_string_equal(crep(&p)->alpn, expect);
    assert_string_equal(iotls_session_report(p.server)->alpn, expect);
    char text[2048];
    iotls_report_format(crep(&p), "", text, sizeof text);
    if (expect[0])
        assert_non_null(strstr(text, expect));
    iotls_test_pair_free(&p);
}

static void test_alpn(void **state)
{
    static const char *const client[] = {"mqtt", "http/1.1"};
    static const char *const server[] = {"h2", "http/1.1", "mqtt"};
    static const char *const other[] = {"h2"};
    /* Both offer: BearSSL's server picks the first name of ITS OWN list
     * that the client also offers. */
    alpn_case(client, 2, server, 3, "http/1.1");
    alpn_case(client, 1, server, 3, "mqtt");
    alpn_case(server + 2, 1, client, 2, "mqtt");
    /* No overlap: BearSSL (without BR_OPT_FAIL_ON_ALPN_MISMATCH) goes on
     * without ALPN; both reports say "". */
    alpn_case(client, 2, other, 1, "");
    /* Only one side offers. */
    alpn_case(client, 2, NULL, 0, "");
    alpn_case(NULL, 0, server, 3, "");

    /* Bad names are configuration errors. */
    static const char *const empty[] = {""};
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.alpn = empty;
    p.ccfg.alpn_count = 1;
    assert_false(iotls_test_pair_start(&p, "localhost"));
    assert_int_equal(p.cerr.code, IOTLS_ERR_BAD_ARGUMENT);
    assert_non_null(strstr(p.cerr.text, "ALPN protocol name 1 is empty"));
    iotls_test_pair_free(&p);
}

/* ---- SNI-selected credentials ------------------------------------------------------ */

static iotls_creds_t *creds_of(const iotls_test_cred_t *c)
{
    iotls_creds_t *cr = iotls_creds_new();
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_creds_load_files(cr, c->chain, c->key, &err) != 0)
        fail_msg("%s: %s", c->name, err.text);
    return cr;
}

static void sni_case(const iotls_test_cred_t *dflt, const iotls_sni_creds_t *sni, size_t n,
                     const char *host, iotls_err_t code, const char *subject_or_text,
                     const char *suite)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, dflt->chain, dflt->key, 2048);
    p.scfg.sni_creds = sni;
    p.scfg.sni_creds_count = n;
    run(&p, host);
    if (code != IOTLS_OK) {
        expect_client_error(&p, code, subject_or_text);
    } else {
        expect_ok(&p);
        assert_true(crep(&p)->verified);
        if (!strstr(crep(&p)->peer_subject, subject_or_text))
            fail_msg("%s: got '%s'", host, crep(&p)->peer_subject);
        /* SNI for names only (none for IP literals). */
        bool ip = host[0] >= '0' && host[0] <= '9';
        assert_string_equal(iotls_session_report(p.server)->server_name, ip ? "" : host);
        if (suite)
            assert_non_null(strstr(crep(&p)->cipher_suite_name, suite));
    }
    iotls_test_pair_free(&p);
}

static void test_sni_credentials(void **state)
{
    iotls_creds_t *b = creds_of(&cases->sni_b), *wild = creds_of(&cases->wildcard);
    iotls_creds_t *rsa = creds_of(&pki->server_rsa);
    const iotls_sni_creds_t sni[] = {{"b.test", b}, {"*.example.test", wild}};
    sni_case(&pki->server_ec, sni, 2, "b.test", IOTLS_OK, "CN=b.test", NULL);
    sni_case(&pki->server_ec, sni, 2, "B.TEST", IOTLS_OK, "CN=b.test", NULL);
    sni_case(&pki->server_ec, sni, 2, "a.example.test", IOTLS_OK, "CN=*.example.test", NULL);
    sni_case(&pki->server_ec, sni, 2, "localhost", IOTLS_OK, "CN=localhost", NULL);
    /* No SNI (IP literal): the default. */
    sni_case(&pki->server_ec, sni, 2, "127.0.0.1", IOTLS_OK, "CN=localhost", NULL);
    /* The wildcard entry covers one label only: the default answers, and
     * its certificate does not fit the name. */
    sni_case(&pki->server_ec, sni, 2, "a.b.example.test", IOTLS_ERR_CERT_NAME_MISMATCH,
             "'CN=localhost' does not match host 'a.b.example.test'", NULL);
    sni_case(&pki->server_ec, sni, 2, "c.test", IOTLS_ERR_CERT_NAME_MISMATCH,
             "'CN=localhost' does not match host 'c.test'", NULL);
    /* An RSA certificate selected by SNI behind an EC default: the key
     * exchange follows the selected key. */
    const iotls_sni_creds_t mixed[] = {{"localhost", rsa}};
    sni_case(&cases->sni_b, mixed, 1, "localhost", IOTLS_OK, "CN=localhost", "ECDHE_RSA");
    sni_case(&cases->sni_b, mixed, 1, "b.test", IOTLS_OK, "CN=b.test", "ECDHE_ECDSA");
    /* ... and the other way round. */
    const iotls_sni_creds_t to_ec[] = {{"b.test", b}};
    sni_case(&pki->server_rsa, to_ec, 1, "b.test", IOTLS_OK, "CN=b.test", "ECDHE_ECDSA");
    sni_case(&pki->server_rsa, to_ec, 1, "localhost", IOTLS_OK, "CN=localhost", "ECDHE_RSA");

    /* An entry without credentials is refused at start. */
    const iotls_sni_creds_t broken[] = {{"b.test", NULL}};
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.scfg.sni_creds = broken;
    p.scfg.sni_creds_count = 1;
    assert_false(iotls_test_pair_start(&p, "b.test"));
    assert_int_equal(p.serr.code, IOTLS_ERR_NO_CREDENTIALS);
    assert_non_null(strstr(p.serr.text, "SNI credentials entry 1"));
    iotls_test_pair_free(&p);

    iotls_creds_free(b);
    iotls_creds_free(wild);
    iotls_creds_free(rsa);
}

/* ---- cipher suites ----------------------------------------------------------------- */

static void test_suite_override(void **state)
{
    static const uint16_t only_c02b[] = {0xC02B};
    static const uint16_t chacha[] = {0xCCA9};   /* ECDHE_ECDSA_WITH_CHACHA20_POLY1305 */
    static const uint16_t rsa_only[] = {0xC02F}; /* ECDHE_RSA_WITH_AES_128_GCM_SHA256 */
    struct {
        const uint16_t *c, *s;
        size_t cn, sn;
        uint16_t expect;
        const char *name;
    } rows[] = {
        {only_c02b, NULL, 1, 0, 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
        {chacha, NULL, 1, 0, 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
        {NULL, chacha, 0, 1, 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        iotls_test_pair_t p;
        iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
        p.ccfg.suites = rows[i].c;
        p.ccfg.suite_count = rows[i].cn;
        p.scfg.suites = rows[i].s;
        p.scfg.suite_count = rows[i].sn;
        run(&p, "localhost");
        expect_ok(&p);
        assert_int_equal(crep(&p)->cipher_suite, rows[i].expect);
        assert_string_equal(crep(&p)->cipher_suite_name, rows[i].name);
        assert_int_equal(iotls_session_report(p.server)->cipher_suite, rows[i].expect);
        iotls_test_pair_free(&p);
    }
    /* An EC server and a client that offers only an RSA suite: nothing in
     * common. The server refuses with handshake_failure. */
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.suites = rsa_only;
    p.ccfg.suite_count = 1;
    run(&p, "localhost");
    const iotls_error_t *ce = iotls_session_error(p.client);
    const iotls_error_t *se = iotls_session_error(p.server);
    if (ce->code != IOTLS_ERR_ALERT_RECEIVED || se->code != IOTLS_ERR_ALERT_SENT)
        fail_msg("client %s: %s / server %s: %s", iotls_error_code_name(ce->code), ce->text,
                 iotls_error_code_name(se->code), se->text);
    assert_int_equal(ce->alert, 40);
    /* Refused before any ServerHello; the server knows its default list
     * has that suite, but not for its EC key. */
    assert_non_null(strstr(ce->text, "handshake_failure (40): it found nothing it accepts in "
                                     "our ClientHello: no TLS 1.2 cipher suite"));
    assert_non_null(strstr(se->text, "the client offers one of our cipher suites, but none for "
                                     "an EC key"));
    iotls_test_pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spki_pin_with_trust),
        cmocka_unit_test(test_pin_only_without_trust),
        cmocka_unit_test(test_wrong_pin),
        cmocka_unit_test(test_certificate_fingerprint_pin),
        cmocka_unit_test(test_pin_parse),
        cmocka_unit_test(test_self_signed_server),
        cmocka_unit_test(test_time_fixed),
        cmocka_unit_test(test_time_at_least),
        cmocka_unit_test(test_time_unchecked),
        cmocka_unit_test(test_time_policies_wherever_the_dates_fall),
        cmocka_unit_test(test_no_name_check),
        cmocka_unit_test(test_alpn),
        cmocka_unit_test(test_sni_credentials),
        cmocka_unit_test(test_suite_override),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
