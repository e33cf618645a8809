/* Session resumption (issue 3): a server session cache and client sessions
 * saved as bytes. In memory (both sides iotls), against openssl s_server
 * (iotls client resumes), and openssl s_client -sess_out/-sess_in against an
 * in-process iotls server. Also prints what a resumed handshake costs next
 * to a full one (CPU time and bytes; figures only, no timing asserts). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "client_run.h"
#include "iotls/net.h"
#include "pair.h"
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

/* ---- in memory ---------------------------------------------------------------- */

/* Start and run one handshake of p; returns the bytes both sides sent. */
static size_t handshake(iotls_test_pair_t *p, const char *host)
{
    if (!iotls_test_pair_start(p, host))
        fail_msg("start: client '%s' server '%s'", p->cerr.text, p->serr.text);
    size_t bytes = iotls_test_pair_pump(p);
    const iotls_error_t *ce = iotls_session_error(p->client);
    const iotls_error_t *se = iotls_session_error(p->server);
    if (ce->code != IOTLS_OK || se->code != IOTLS_OK)
        fail_msg("client %s / server %s", ce->text, se->text);
    assert_true(iotls_session_state(p->client) & IOTLS_HANDSHAKE_DONE);
    assert_true(iotls_session_state(p->server) & IOTLS_HANDSHAKE_DONE);
    return bytes;
}

/* A pair with the test server (server_ec, 2048-byte records) whose
 * server keeps its sessions in `cache`. */
static void pair_with_cache(iotls_test_pair_t *p, iotls_session_cache_t *cache)
{
    iotls_test_pair_setup(p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p->scfg.session_cache = cache;
}

/* The client offers blob (len bytes) from its next handshake on. */
static void offer(iotls_test_pair_t *p, const uint8_t *blob, size_t len)
{
    p->ccfg.resume = blob;
    p->ccfg.resume_len = len;
}

/* Saves the client's session into blob (IOTLS_SAVED_SESSION_MAX bytes) and
 * offers it; returns its length. */
static size_t save_and_offer(iotls_test_pair_t *p, uint8_t *blob)
{
    size_t n = iotls_session_save(p->client, blob, IOTLS_SAVED_SESSION_MAX);
    assert_true(n > 0);
    offer(p, blob, n);
    return n;
}

static void exchange(iotls_test_pair_t *p)
{
    static const char msg[] = "after resumption";
    assert_int_equal(iotls_session_write(p->client, msg, sizeof msg), sizeof msg);
    iotls_session_flush(p->client);
    iotls_test_pair_pump(p);
    char got[64];
    assert_int_equal(iotls_session_read(p->server, got, sizeof got), sizeof msg);
    assert_string_equal(got, msg);
}

static void test_resume_in_memory(void **state)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_session_cache_t *cache = iotls_session_cache_new(4096, &err);
    assert_non_null(cache);

    iotls_test_pair_t p;
    pair_with_cache(&p, cache);
    /* Nothing to save before a handshake, nor on a server. */
    assert_true(iotls_test_pair_start(&p, "localhost"));
    uint8_t blob[IOTLS_SAVED_SESSION_MAX];
    assert_int_equal(iotls_session_save(p.client, blob, sizeof blob), 0);

    size_t full = handshake(&p, "localhost");
    const iotls_report_t *cr = iotls_session_report(p.client);
    const iotls_report_t *sr = iotls_session_report(p.server);
    assert_false(cr->resumed);
    assert_false(sr->resumed);
    assert_true(cr->peer_cert_present);
    assert_int_equal(iotls_session_save(p.server, blob, sizeof blob), 0);
    size_t n = iotls_session_save(p.client, blob, sizeof blob);
    assert_true(n > 48 && n <= IOTLS_SAVED_SESSION_MAX);
    assert_int_equal(iotls_session_save(p.client, blob, n - 1), 0); /* does not fit */
    uint16_t suite = cr->cipher_suite;
    char first_subject[256];
    uint8_t first_sha[32];
    memcpy(first_subject, cr->peer_subject, sizeof first_subject);
    memcpy(first_sha, cr->peer_sha256, sizeof first_sha);

    offer(&p, blob, n);
    size_t resumed = handshake(&p, "localhost");
    cr = iotls_session_report(p.client);
    sr = iotls_session_report(p.server);
    assert_true(cr->resumed);
    assert_true(sr->resumed);
    /* No certificate on the wire: the identity is the one verified when the
     * session was made. */
    assert_false(cr->peer_cert_present);
    assert_true(cr->verified);
    /* ...which the saved session recorded, so the report still names it. */
    assert_true(cr->peer_from_saved_session);
    assert_string_equal(cr->peer_subject, first_subject);
    assert_memory_equal(cr->peer_sha256, first_sha, 32);
    assert_int_equal(cr->cipher_suite, suite);
    assert_string_equal(sr->server_name, "localhost");
    char text[2048];
    iotls_report_format(cr, "", text, sizeof text);
    assert_non_null(strstr(text, "resumed"));
    assert_non_null(strstr(text, "(verified when the session was created)"));
    exchange(&p);
    print_message("[ info ] full handshake %zu bytes, resumed %zu bytes\n", full, resumed);
    assert_true(resumed * 2 < full); /* no certificates, no key exchange */

    /* The resumed session can be saved and resumed again. */
    n = iotls_session_save(p.client, blob, sizeof blob);
    assert_true(n > 0);
    handshake(&p, "localhost");
    assert_true(iotls_session_report(p.client)->resumed);
    assert_true(iotls_session_report(p.server)->resumed);
    iotls_test_pair_free(&p);
    iotls_session_cache_free(cache);
}

/* A saved session is offered only to the server name it was made with; a
 * server that does not know it (no cache, another cache) answers with a
 * full handshake, verified as usual. */
static void test_resume_not_offered_or_not_known(void **state)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_session_cache_t *cache = iotls_session_cache_new(4096, &err);
    iotls_session_cache_t *other = iotls_session_cache_new(4096, &err);
    iotls_test_pair_t p;
    pair_with_cache(&p, cache);
    handshake(&p, "localhost");
    uint8_t blob[IOTLS_SAVED_SESSION_MAX];
    save_and_offer(&p, blob);

    /* another name (the certificate also lists 127.0.0.1) */
    handshake(&p, "127.0.0.1");
    assert_false(iotls_session_report(p.client)->resumed);
    assert_false(iotls_session_report(p.server)->resumed);
    assert_true(iotls_session_report(p.client)->peer_cert_present);
    assert_true(iotls_session_report(p.client)->verified);

    /* a server without a cache, and one with another cache */
    iotls_session_cache_t *servers[2] = {NULL, other};
    for (size_t i = 0; i < 2; i++) {
        p.scfg.session_cache = servers[i];
        handshake(&p, "localhost");
        assert_false(iotls_session_report(p.client)->resumed);
        assert_false(iotls_session_report(p.server)->resumed);
        assert_true(iotls_session_report(p.client)->peer_cert_present);
    }
    /* the original server still resumes it */
    p.scfg.session_cache = cache;
    handshake(&p, "localhost");
    assert_true(iotls_session_report(p.client)->resumed);
    iotls_test_pair_free(&p);
    iotls_session_cache_free(cache);
    iotls_session_cache_free(other);

    /* A cache too small to hold one session is a configuration error. */
    iotls_error_clear(&err);
    assert_null(iotls_session_cache_new(50, &err));
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    assert_non_null(strstr(err.text, "holds no session"));
}

static void test_corrupt_saved_session(void **state)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_session_cache_t *cache = iotls_session_cache_new(4096, &err);
    iotls_test_pair_t p;
    pair_with_cache(&p, cache);
    handshake(&p, "localhost");
    uint8_t blob[IOTLS_SAVED_SESSION_MAX], bad[IOTLS_SAVED_SESSION_MAX];
    size_t n = iotls_session_save(p.client, blob, sizeof blob);
    assert_true(n > 0);

    /* every single flipped bit, a truncation, an extension, garbage */
    struct {
        size_t len;
        size_t flip; /* byte to flip, or SIZE_MAX */
    } cases[] = {{n, 0},
                 {n, 9},
                 {n, 20},
                 {n, n / 2},
                 {n, n - 1},
                 {n - 1, SIZE_MAX},
                 {n + 1, SIZE_MAX},
                 {8, SIZE_MAX},
                 {1, SIZE_MAX}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(bad, blob, n);
        bad[n] = 0;
        if (cases[i].flip != SIZE_MAX)
            bad[cases[i].flip] ^= 0x01;
        p.ccfg.resume = bad;
        p.ccfg.resume_len = cases[i].len;
        assert_false(iotls_test_pair_start(&p, "localhost"));
        assert_null(p.client);
        assert_int_equal(p.cerr.code, IOTLS_ERR_BAD_ARGUMENT);
        assert_non_null(strstr(p.cerr.text, "is corrupt or not an iotls saved session"));
    }
    memset(bad, 'A', sizeof bad);
    p.ccfg.resume = bad;
    p.ccfg.resume_len = 100;
    assert_false(iotls_test_pair_start(&p, "localhost"));
    assert_int_equal(p.cerr.code, IOTLS_ERR_BAD_ARGUMENT);
    /* resume_len 0 means "no saved session" */
    p.ccfg.resume_len = 0;
    handshake(&p, "localhost");
    assert_false(iotls_session_report(p.client)->resumed);
    iotls_test_pair_free(&p);
    iotls_session_cache_free(cache);
}

/* Mutual TLS and resumption: the resumed handshake carries no client
 * certificate, so the server's report cannot name the client. */
static void test_resume_with_client_certificate(void **state)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_session_cache_t *cache = iotls_session_cache_new(4096, &err);
    iotls_test_pair_t p;
    pair_with_cache(&p, cache);
    iotls_test_pair_client_auth(&p, pki->ca_pem, IOTLS_CLIENT_AUTH_REQUIRE, pki->client.chain,
                                pki->client.key);
    handshake(&p, "localhost");
    const iotls_report_t *sr = iotls_session_report(p.server);
    assert_true(sr->verified);
    assert_string_equal(sr->auth, "client certificate chain");
    uint8_t blob[IOTLS_SAVED_SESSION_MAX];
    save_and_offer(&p, blob);
    handshake(&p, "localhost");
    sr = iotls_session_report(p.server);
    assert_true(iotls_session_report(p.client)->resumed);
    assert_true(sr->resumed);
    assert_false(sr->peer_cert_present);
    /* Under REQUIRE the cached session exists only because its full
     * handshake verified a client certificate: the resumed client counts
     * as verified, but its identity (subject, SANs) is not carried over. */
    assert_true(sr->verified);
    assert_string_equal(sr->auth, "client certificate (verified in the session's full handshake)");
    assert_string_equal(sr->peer_subject, "");
    iotls_test_pair_free(&p);

    /* Under REQUEST a session may have been made without a certificate:
     * a resumed one is not counted as verified. */
    pair_with_cache(&p, cache);
    iotls_test_pair_client_auth(&p, pki->ca_pem, IOTLS_CLIENT_AUTH_REQUEST, pki->client.chain,
                                pki->client.key);
    handshake(&p, "localhost");
    assert_true(iotls_session_report(p.server)->verified);
    save_and_offer(&p, blob);
    handshake(&p, "localhost");
    sr = iotls_session_report(p.server);
    assert_true(sr->resumed);
    assert_false(sr->verified);
    assert_string_equal(sr->auth, "resumed: client identity unknown");
    iotls_test_pair_free(&p);
    iotls_session_cache_free(cache);
}

/* Sessions are bound to the client-auth setting they were made under
 * (issue 9 item 3): one cache shared by a server that asks for no client
 * certificate and one that requires it never lets a session made on the
 * first skip the certificate on the second. */
static void test_cache_shared_across_client_auth_settings(void **state)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_session_cache_t *cache = iotls_session_cache_new(4096, &err);
    iotls_test_pair_t p;
    pair_with_cache(&p, cache);
    handshake(&p, "localhost");
    uint8_t blob[IOTLS_SAVED_SESSION_MAX];
    size_t n = save_and_offer(&p, blob);
    /* Same setting: it resumes. */
    handshake(&p, "localhost");
    assert_true(iotls_session_report(p.server)->resumed);
    iotls_test_pair_free(&p);

    /* REQUIRE on the same cache, a client without a certificate offering
     * that session: no resumption, the certificate is demanded. */
    pair_with_cache(&p, cache);
    iotls_test_pair_client_auth(&p, pki->ca_pem, IOTLS_CLIENT_AUTH_REQUIRE, NULL, NULL);
    offer(&p, blob, n);
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_finish(&p);
    assert_false(iotls_session_report(p.server)->resumed);
    assert_int_equal(iotls_session_error(p.server)->code, IOTLS_ERR_CERT_MISSING);
    iotls_test_pair_free(&p);

    /* REQUEST: a full handshake that verifies the offered certificate. */
    pair_with_cache(&p, cache);
    iotls_test_pair_client_auth(&p, pki->ca_pem, IOTLS_CLIENT_AUTH_REQUEST, pki->client.chain,
                                pki->client.key);
    offer(&p, blob, n);
    handshake(&p, "localhost");
    assert_false(iotls_session_report(p.server)->resumed);
    assert_true(iotls_session_report(p.server)->verified);
    iotls_test_pair_free(&p);
    iotls_session_cache_free(cache);
}

/* ---- cost figures (printed, never asserted) ------------------------------------ */

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cost_row(const char *label, const iotls_test_cred_t *cred)
{
    enum { N = 20 };
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_session_cache_t *cache = iotls_session_cache_new(8192, &err);
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, cred->chain, cred->key, 2048);
    p.scfg.session_cache = cache;
    uint8_t blob[IOTLS_SAVED_SESSION_MAX];
    size_t blob_len = 0, full_bytes = 0, res_bytes = 0;
    double full_cpu = 0, res_cpu = 0;
    for (int i = 0; i < N; i++) {
        p.ccfg.resume = NULL;
        p.ccfg.resume_len = 0;
        double t0 = cpu_now();
        full_bytes = handshake(&p, "localhost");
        full_cpu += cpu_now() - t0;
        assert_false(iotls_session_report(p.client)->resumed);
        blob_len = iotls_session_save(p.client, blob, sizeof blob);
        assert_true(blob_len > 0);

        p.ccfg.resume = blob;
        p.ccfg.resume_len = blob_len;
        t0 = cpu_now();
        res_bytes = handshake(&p, "localhost");
        res_cpu += cpu_now() - t0;
        assert_true(iotls_session_report(p.client)->resumed);
        assert_true(iotls_session_report(p.server)->resumed);
    }
    print_message("[ cost ] %-22s | %9.3f ms | %9.3f ms | %5.1f %% | %6zu | %6zu\n", label,
                  full_cpu * 1000 / N, res_cpu * 1000 / N, 100.0 * res_cpu / full_cpu, full_bytes,
                  res_bytes);
    iotls_test_pair_free(&p);
    iotls_session_cache_free(cache);
}

static void test_resumption_cost_figures(void **state)
{
    print_message("[ cost ] client+server CPU per handshake, in memory, mean of 20 each\n");
    print_message("[ cost ] %-22s | %12s | %12s | %7s | %6s | %6s\n", "server key", "full",
                  "resumed", "ratio", "bytes", "bytes");
    cost_row("ECDSA P-256", &pki->server_ec);
    cost_row("RSA-2048", &pki->server_rsa);
}

/* ---- iotls client -> openssl s_server ----------------------------------------- */

static void test_resume_against_s_server(void **state)
{
    static const char *const tls12[] = {"-tls1_2", NULL};
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_WWW, .extra = tls12};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);
    iotls_trust_t *trust = iotls_trust_new();
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_trust_load_file(trust, pki->ca_pem, &err), 1);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = trust;
    cfg.connect_timeout_ms = 5000;
    cfg.handshake_timeout_ms = 5000;
    static const char req[] = "GET /hello.txt HTTP/1.0\r\n\r\n";

    iotls_test_client_result_t first, second;
    iotls_test_client_run("localhost", srv.port, &cfg, req, sizeof req - 1, 0, &first);
    if (!first.connected)
        fail_msg("first: %s", first.error.text);
    assert_false(first.report.resumed);
    assert_true(first.report.peer_cert_present);
    assert_true(first.session_len > 0);

    cfg.tls.resume = first.session;
    cfg.tls.resume_len = first.session_len;
    iotls_test_client_run("localhost", srv.port, &cfg, req, sizeof req - 1, 0, &second);
    iotls_test_peer_stop(&srv);
    if (!second.connected)
        fail_msg("second: %s", second.error.text);
    assert_true(second.report.resumed);
    assert_true(second.report.verified);
    assert_false(second.report.peer_cert_present);
    assert_non_null(memmem(second.data, second.len, "hello from s_server", 19));
    iotls_test_client_result_free(&first);
    iotls_test_client_result_free(&second);
    iotls_trust_free(trust);
}

/* ---- openssl s_client -> in-process iotls server -------------------------------- */

struct server {
    iotls_loop_t *loop;
    iotls_listener_t *listener;
    iotls_creds_t *creds;
    iotls_session_cache_t *cache;
    pthread_t thread;
    atomic_bool stop;
    atomic_int connected, resumed;
};

static void *srv_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    return user;
}

static void srv_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    struct server *s = user;
    atomic_fetch_add(&s->connected, 1);
    if (r->resumed)
        atomic_fetch_add(&s->resumed, 1);
}

static void srv_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    iotls_conn_send(c, data, len, NULL);
    if (len > 0 && data[len - 1] == '\n')
        iotls_conn_close(c);
}

static void srv_closed(iotls_conn_t *c, void *user)
{
}

static void srv_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
}

static void *server_thread(void *arg)
{
    struct server *s = arg;
    while (!atomic_load(&s->stop))
        iotls_loop_run_once(s->loop, 20);
    return NULL;
}

static void test_s_client_resumes_with_iotls_server(void **state)
{
    struct server s;
    memset(&s, 0, sizeof s);
    iotls_error_t err;
    iotls_error_clear(&err);
    s.creds = iotls_creds_new();
    assert_int_equal(
        iotls_creds_load_files(s.creds, pki->server_ec.chain, pki->server_ec.key, &err), 0);
    s.cache = iotls_session_cache_new(4096, &err);
    s.loop = iotls_loop_new(&err);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = s.creds;
    cfg.tls.session_cache = s.cache;
    iotls_listener_callbacks_t cb = {srv_accepted,
                                     {srv_connected, srv_received, NULL, srv_closed, srv_error}};
    s.listener = iotls_listener_new(s.loop, "127.0.0.1", 0, 16, &cfg, &cb, &s, &err);
    if (!s.listener)
        fail_msg("listener: %s", err.text);
    uint16_t port = iotls_listener_port(s.listener);
    assert_int_equal(pthread_create(&s.thread, NULL, server_thread, &s), 0);

    char sess[512];
    assert_non_null(iotls_test_tmp_path(sess, sizeof sess, "s_client.sess"));
    static const char line[] = "resume me\n";
    const char *out_args[] = {"-tls1_2", "-sess_out", sess, NULL};
    const char *in_args[] = {"-tls1_2", "-sess_in", sess, NULL};
    const char *const *args[2] = {out_args, in_args};
    for (int i = 0; i < 2; i++) {
        iotls_test_s_client_opts_t o = {
            .port = port,
            .ca_file = pki->ca_pem,
            .verify_host = "localhost",
            .servername = "localhost",
            .close_at_eof = 1, /* not -quiet: stdout has "New," / "Reused," */
            .extra = args[i],
            .input = line,
            .input_len = sizeof line - 1,
        };
        iotls_test_result_t r;
        assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
        const char *want = i == 0 ? "New, TLSv1.2" : "Reused, TLSv1.2";
        if (!strstr(r.out, want)) {
            iotls_test_result_dump("s_client", &r);
            fail_msg("s_client run %d: no '%s'", i + 1, want);
        }
        iotls_test_result_free(&r);
    }
    atomic_store(&s.stop, true);
    pthread_join(s.thread, NULL);
    assert_int_equal(atomic_load(&s.connected), 2);
    assert_int_equal(atomic_load(&s.resumed), 1);
    iotls_listener_free(s.listener);
    iotls_loop_free(s.loop);
    iotls_creds_free(s.creds);
    iotls_session_cache_free(s.cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resume_in_memory),
        cmocka_unit_test(test_resume_not_offered_or_not_known),
        cmocka_unit_test(test_corrupt_saved_session),
        cmocka_unit_test(test_resume_with_client_certificate),
        cmocka_unit_test(test_cache_shared_across_client_auth_settings),
        cmocka_unit_test(test_resumption_cost_figures),
        cmocka_unit_test(test_resume_against_s_server),
        cmocka_unit_test(test_s_client_resumes_with_iotls_server),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
