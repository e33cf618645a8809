/* iotls_session_spare: after the handshake the X.509 validator at the tail
 * of the session block goes back to the caller. Overwriting that memory
 * must not disturb the session (data both ways, clean close), under the
 * sanitizers too; before the handshake, and where there is no validator,
 * nothing is handed out. */
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

/* The spare region lies inside the session's block, at its end. */
static void check_inside(void *spare, size_t len, void *mem, size_t mem_len)
{
    uint8_t *p = spare, *m = mem;
    assert_true(p >= m && p + len <= m + mem_len);
    assert_true(m + mem_len - (p + len) < 64); /* only alignment slack after it */
    assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
}

static void exchange(iotls_test_pair_t *p)
{
    static const char ping[] = "after the handshake, with the validator's memory reused";
    char got[sizeof ping];
    assert_int_equal(iotls_session_write(p->client, ping, sizeof ping), sizeof ping);
    iotls_session_flush(p->client);
    iotls_test_pair_pump(p);
    assert_int_equal(iotls_session_read(p->server, got, sizeof got), sizeof ping);
    assert_memory_equal(got, ping, sizeof ping);
    assert_int_equal(iotls_session_write(p->server, got, sizeof got), sizeof got);
    iotls_session_flush(p->server);
    iotls_test_pair_pump(p);
    memset(got, 0, sizeof got);
    assert_int_equal(iotls_session_read(p->client, got, sizeof got), sizeof ping);
    assert_memory_equal(got, ping, sizeof ping);
}

static void spare_tail_is_reusable(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    iotls_test_pair_client_auth(&p, pki->ca_pem, IOTLS_CLIENT_AUTH_REQUIRE, pki->client.chain,
                                pki->client.key);
    assert_true(iotls_test_pair_start(&p, "localhost"));
    size_t len = 1;
    assert_null(iotls_session_spare(p.client, &len)); /* handshake not done */
    assert_int_equal(len, 0);
    iotls_test_pair_pump(&p);
    assert_true(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    assert_true(iotls_session_state(p.server) & IOTLS_HANDSHAKE_DONE);

    size_t clen, slen;
    void *cspare = iotls_session_spare(p.client, &clen);
    void *sspare = iotls_session_spare(p.server, &slen);
    assert_non_null(cspare);
    assert_non_null(sspare);
    assert_true(clen > 4000 && slen > 4000);
    check_inside(cspare, clen, p.cmem, iotls_session_size(&p.ccfg));
    check_inside(sspare, slen, p.smem, iotls_session_size(&p.scfg));
    memset(cspare, 0xA5, clen);
    memset(sspare, 0x5A, slen);
    assert_null(iotls_session_spare(p.client, &len)); /* handed out once */

    /* The report does not live there. */
    assert_true(iotls_session_report(p.client)->verified);
    assert_non_null(strstr(iotls_session_report(p.client)->peer_subject, "CN=localhost"));

    exchange(&p);
    exchange(&p);
    iotls_session_close(p.client);
    iotls_test_pair_finish(&p);
    assert_true(iotls_session_state(p.client) & IOTLS_CLOSED);
    assert_int_equal(iotls_session_error(p.client)->code, IOTLS_OK);
    assert_int_equal(iotls_session_error(p.server)->code, IOTLS_OK);
    iotls_test_pair_free(&p);
}

static void no_validator_no_spare(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_pump(&p);
    size_t len = 1;
    /* A server that asks for no client certificate has no validator. */
    assert_null(iotls_session_spare(p.server, &len));
    assert_int_equal(len, 0);
    iotls_test_pair_free(&p);

    /* A failed handshake gives nothing back. */
    iotls_test_pair_setup(&p, pki->other_ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_finish(&p);
    assert_int_equal(iotls_session_error(p.client)->code, IOTLS_ERR_CERT_UNTRUSTED);
    assert_null(iotls_session_spare(p.client, &len));
    iotls_test_pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spare_tail_is_reusable),
        cmocka_unit_test(no_validator_no_spare),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
