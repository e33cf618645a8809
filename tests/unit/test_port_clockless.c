/* A device without a clock, on a PC: this program defines the port's clock
 * and log hooks itself (include/iotls/port.h), so the linker takes these
 * and not src/port/posix/ — exactly how a firmware port plugs in. With the
 * default IOTLS_TIME_SYSTEM policy a clockless port gives a lower bound of
 * the time (e.g. the firmware build time) and sessions check expiry
 * against it; a port with no time at all makes sessions refuse to start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/port.h"
#include "iotls/tls.h"
#include "pair.h"
#include "pki.h"

/* 2020-06-01 00:00:00 UTC and 2022-06-01: before every test certificate
 * except server_expired (2020-01-01..2021-01-01), and after that one. */
#define T_2020_06 1590969600LL
#define T_2022_06 1654041600LL

static int64_t port_time;
static bool port_exact;
static char port_log[1024];

int64_t iotls_port_time(bool *exact)
{
    *exact = port_exact;
    return port_time;
}

void iotls_port_log(const char *line)
{
    size_t used = strlen(port_log);
    snprintf(port_log + used, sizeof port_log - used, "%s\n", line);
}

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

static void run(iotls_test_pair_t *p, const iotls_test_cred_t *server)
{
    iotls_test_pair_setup(p, pki->ca_pem, server->chain, server->key, 2048);
    if (!iotls_test_pair_start(p, "localhost"))
        fail_msg("start: client '%s' server '%s'", p->cerr.text, p->serr.text);
    iotls_test_pair_finish(p);
}

static void lower_bound_refuses_only_expired(void **state)
{
    port_exact = false;
    port_time = T_2020_06;
    iotls_test_pair_t p;
    /* Not valid yet by the bound (issued yesterday): the real time may be
     * later, so it passes and the report says how time was checked. */
    run(&p, &pki->server_ec);
    const iotls_error_t *e = iotls_session_error(p.client);
    if (e->code != IOTLS_OK)
        fail_msg("%s: %s", iotls_error_code_name(e->code), e->text);
    assert_true(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    assert_true(iotls_session_report(p.client)->verified);
    assert_string_equal(iotls_session_report(p.client)->time_check,
                        "lower bound from the port (no clock; expiry only)");
    iotls_test_pair_free(&p);

    /* Expired before the bound: refused, saying the time was a bound. */
    port_time = T_2022_06;
    run(&p, &pki->server_expired);
    e = iotls_session_error(p.client);
    assert_int_equal(e->code, IOTLS_ERR_CERT_EXPIRED);
    assert_non_null(strstr(e->text, "expired on 2021-01-01 00:00:00 UTC"));
    assert_non_null(strstr(e->text, "checked at no earlier than 2022-06-01 00:00:00 UTC"));
    assert_false(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    iotls_test_pair_free(&p);
}

static void exact_clock_checks_both_ends(void **state)
{
    port_exact = true;
    port_time = T_2020_06;
    iotls_test_pair_t p;
    run(&p, &pki->server_ec);
    const iotls_error_t *e = iotls_session_error(p.client);
    assert_int_equal(e->code, IOTLS_ERR_CERT_NOT_YET_VALID);
    assert_non_null(strstr(e->text, "checked at 2020-06-01 00:00:00 UTC"));
    assert_string_equal(iotls_session_report(p.client)->time_check, "system clock");
    iotls_test_pair_free(&p);
}

static void no_time_at_all_refuses_to_start(void **state)
{
    port_exact = false;
    port_time = 0;
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    assert_false(iotls_test_pair_start(&p, "localhost"));
    assert_null(p.client);
    assert_int_equal(p.cerr.code, IOTLS_ERR_CONFIG);
    assert_non_null(strstr(p.cerr.text, "no clock"));
    iotls_test_pair_free(&p);

    /* A fixed time from the application still works without a clock. */
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.time_policy = IOTLS_TIME_FIXED;
    p.ccfg.now = T_2022_06 + 86400LL * 365 * 10;
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_finish(&p);
    assert_int_equal(iotls_session_error(p.client)->code, IOTLS_OK);
    iotls_test_pair_free(&p);
}

static void warnings_reach_the_port_log(void **state)
{
    port_exact = true;
    port_time = T_2022_06 + 86400LL * 365 * 10;
    port_log[0] = '\0';
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.no_name_check = true;
    p.ccfg.log = NULL; /* no callback: the port's sink gets the line */
    assert_true(iotls_test_pair_start(&p, "localhost"));
    assert_non_null(strstr(port_log, "iotls: WARNING: host name check is OFF"));
    iotls_test_pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lower_bound_refuses_only_expired),
        cmocka_unit_test(exact_clock_checks_both_ends),
        cmocka_unit_test(no_time_at_all_refuses_to_start),
        cmocka_unit_test(warnings_reach_the_port_log),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
