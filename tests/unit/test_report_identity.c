/* cfg.report_peer_identity: the peer's names and fingerprint are kept in
 * the session block only when asked for. Without it the block is smaller
 * and the report says nothing of who the peer is, but verification and
 * every error text are the same: each case runs both ways and compares
 * the texts byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/tls.h"
#include "pair.h"
#include "pki.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

typedef struct {
    iotls_err_t code;
    char text[IOTLS_ERROR_TEXT_MAX];
    bool verified, present;
    char subject[256];
    bool have_sha;
    size_t size;
} outcome_t;

/* One handshake of a client verifying `cred` against `ca`, by `host`. */
static void run(const char *ca, const iotls_test_cred_t *cred, const char *host, bool identity,
                outcome_t *o)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, ca, cred->chain, cred->key, 2048);
    p.ccfg.half_duplex = true;
    p.ccfg.report_peer_identity = identity;
    assert_true(iotls_test_pair_start(&p, host));
    iotls_test_pair_finish(&p);
    const iotls_error_t *e = iotls_session_error(p.client);
    const iotls_report_t *r = iotls_session_report(p.client);
    o->code = e->code;
    memcpy(o->text, e->text, sizeof o->text);
    o->verified = r->verified;
    o->present = r->peer_cert_present;
    snprintf(o->subject, sizeof o->subject, "%s", r->peer_subject);
    o->have_sha = r->peer_sha256 != NULL;
    o->size = iotls_session_size(&p.ccfg);
    iotls_test_pair_free(&p);
}

static void same_texts(const char *ca, const iotls_test_cred_t *cred, const char *host,
                       iotls_err_t code, const char *needle)
{
    outcome_t with, without;
    run(ca, cred, host, true, &with);
    run(ca, cred, host, false, &without);
    print_message("[ text ] %s\n", without.text);
    assert_int_equal(with.code, code);
    assert_int_equal(without.code, code);
    assert_string_equal(with.text, without.text);
    if (needle)
        assert_non_null(strstr(without.text, needle));
    assert_true(without.size < with.size);
}

static void verified_without_identity(void **state)
{
    outcome_t with, without;
    run(pki->ca_pem, &pki->server_ec, "localhost", true, &with);
    run(pki->ca_pem, &pki->server_ec, "localhost", false, &without);
    assert_int_equal(with.code, IOTLS_OK);
    assert_int_equal(without.code, IOTLS_OK);
    /* A successful handshake leaves no text behind (the walker's verdict
     * storage is the error text). */
    assert_string_equal(with.text, "");
    assert_string_equal(without.text, "");
    assert_true(with.verified && without.verified);
    assert_true(with.present && without.present);
    assert_non_null(strstr(with.subject, "CN=localhost"));
    assert_true(with.have_sha);
    assert_string_equal(without.subject, "");
    assert_false(without.have_sha);
    /* The names and the fingerprint are the difference in size. */
    assert_true(with.size - without.size >= 32 + (IOTLS_REPORT_NAMES ? 704 : 0) - 512);
    print_message("[ size ] client block at 2048 half duplex: %lu B, %lu B with the identity\n",
                  (unsigned long)without.size, (unsigned long)with.size);
}

static void error_texts_do_not_depend_on_it(void **state)
{
    same_texts(pki->ca_pem, &pki->server_expired, "localhost", IOTLS_ERR_CERT_EXPIRED,
               IOTLS_ERROR_TEXT ? "(depth 0) expired on" : NULL);
    same_texts(pki->ca_pem, &pki->server_notyet, "localhost", IOTLS_ERR_CERT_NOT_YET_VALID,
               IOTLS_ERROR_TEXT ? "is not valid before" : NULL);
    same_texts(pki->ca_pem, &pki->server_wrongname, "localhost", IOTLS_ERR_CERT_NAME_MISMATCH,
               IOTLS_ERROR_TEXT ? "does not match host 'localhost'" : NULL);
    same_texts(pki->ca_pem, &pki->server_ec, "127.0.0.2", IOTLS_ERR_CERT_NAME_MISMATCH,
               IOTLS_ERROR_TEXT ? "does not match IP address '127.0.0.2'" : NULL);
    /* A chain whose second certificate is not the leaf's issuer: the text
     * names both (the leaf's issuer is kept for it without the report). */
    static char path[512];
    snprintf(path, sizeof path, "%s/wrong-second.pem", pki->dir);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    const char *parts[] = {pki->server_ec.cert, pki->other_ca_pem};
    for (size_t i = 0; i < 2; i++) {
        FILE *in = fopen(parts[i], "r");
        assert_non_null(in);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            assert_int_equal(fwrite(buf, 1, n, out), n);
        fclose(in);
    }
    fclose(out);
    iotls_test_cred_t wrong = pki->server_ec;
    wrong.chain = path;
    same_texts(pki->ca_pem, &wrong, "localhost", IOTLS_ERR_CERT_INVALID,
               IOTLS_ERROR_TEXT ? "is not the issuer ('O=iotls test, CN=iotls test intermediate "
                                  "CA') of the one before it"
                                : NULL);
    /* The issuer named is the intermediate's (depth 1), not the leaf's. */
    same_texts(pki->other_ca_pem, &pki->server_ec, "localhost", IOTLS_ERR_CERT_UNTRUSTED,
               IOTLS_ERROR_TEXT ? "ends at issuer 'O=iotls test, CN=iotls test root CA'" : NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verified_without_identity),
        cmocka_unit_test(error_texts_do_not_depend_on_it),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
