/* NodeMCU's tls module (`iotls lua`, Lua 5.1 and 5.3) against real servers:
 * openssl s_server (with and without -Verify) and `iotls listen`. Correct,
 * wrong and missing CAs in the three tls.cert.verify forms, flash state kept
 * across runs and visible to `iotls flash inspect`, client certificates,
 * hold/unhold with a 1 MiB reply, 100 consecutive sends, bad arguments,
 * an error inside a callback, and a hostile script. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "esp_flash.h"
#include "lua_run.h"
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;
static char ca_der[600];

#define HELLO_REQ "GET /hello.txt HTTP/1.0\\n\\n"

static int group_setup(void **state)
{
    (void)state;
    pki = iotls_test_pki();
    if (pki == NULL || iotls_test_tmp_path(ca_der, sizeof ca_der, "ca.der") == NULL)
        return -1;
    size_t len;
    uint8_t *der = iotls_test_der_of(pki->ca_pem, IOTLS_TEST_DER_CERT, &len);
    int rc = der ? iotls_test_write_file(ca_der, der, len) : -1;
    free(der);
    /* A 1 MiB file for the hold test, in s_server's web root. */
    char big[700];
    snprintf(big, sizeof big, "%s/big", iotls_test_www_dir());
    char *data = malloc(1u << 20);
    if (data == NULL)
        return -1;
    for (size_t i = 0; i < (1u << 20); i++)
        data[i] = (char)('a' + i % 26);
    if (iotls_test_write_file(big, data, 1u << 20) < 0)
        rc = -1;
    free(data);
    return rc;
}

/* A fresh flash image path per test and version. */
static const char *image(const char *name, const char *version)
{
    static char paths[4][600];
    static int next;
    char rel[128], *p = paths[next++ % 4];
    snprintf(rel, sizeof rel, "flash-%s-%s.img", name, version);
    iotls_test_tmp_path(p, sizeof paths[0], rel);
    return p;
}

/* tls_probe.lua: one request, configured by arguments. */
static void probe(const char *version, const char *flash, uint16_t port, const char *host,
                  const char *verify, const char *auth, iotls_test_result_t *res)
{
    char ports[16];
    snprintf(ports, sizeof ports, "%u", port);
    const char *opts[] = {"--flash", flash, NULL};
    const char *args[] = {ports, host, verify, auth, HELLO_REQ, NULL};
    iotls_test_lua_t run = {.version = version,
                            .opts = flash ? opts : NULL,
                            .script = iotls_test_src("tests/interop/nodemcu/tls_probe.lua"),
                            .args = args};
    assert_int_equal(iotls_test_lua_run(&run, res), 0);
}

static char *inspect(const char *img)
{
    const char *argv[] = {iotls_test_tool(), "flash", "inspect", img, NULL};
    iotls_test_cmd_t cmd = {.argv = argv};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    char *out = strdup(r.out ? r.out : "");
    iotls_test_result_free(&r);
    return out;
}

static char *spec(const char *kind, const char *a, const char *b)
{
    static char bufs[4][1400];
    static int next;
    char *p = bufs[next++ % 4];
    snprintf(p, sizeof bufs[0], "%s:%s%s%s", kind, a, b ? "," : "", b ? b : "");
    return p;
}

static void start_www(iotls_test_peer_t *srv, const iotls_test_cred_t *cred, int verify_client)
{
    iotls_test_s_server_opts_t o = {
        .mode = IOTLS_TEST_S_SERVER_WWW, .cred = cred, .verify_client = verify_client};
    assert_int_equal(iotls_test_s_server_start(&o, srv), 0);
}

static void start_listen(iotls_test_peer_t *p)
{
    assert_int_equal(iotls_test_listen_start(NULL, NULL, NULL, p), 0);
}

/* tests/interop/nodemcu/<name> under Lua `version` with the arguments most
 * scripts here take: the server's port and the root CA. */
static void run_port_ca(const char *version, const char *name, uint16_t port, int timeout_ms,
                        iotls_test_result_t *r)
{
    char p[16], script[128];
    snprintf(p, sizeof p, "%u", port);
    snprintf(script, sizeof script, "tests/interop/nodemcu/%s", name);
    const char *args[] = {p, pki->ca_pem, NULL};
    iotls_test_lua_t run = {.version = version,
                            .script = iotls_test_src(script),
                            .args = args,
                            .timeout_ms = timeout_ms};
    assert_int_equal(iotls_test_lua_run(&run, r), 0);
}

/* ---- verification ---------------------------------------------------------- */

/* verify(pem) stores the CA and verifies; a later run's verify(true) uses
 * what the image holds; `iotls flash inspect` shows the CA blob. */
static void test_verify_pem_then_stored(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL, 0);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        const char *img = image("stored", ver);
        iotls_test_result_t r;
        probe(ver, img, srv.port, "localhost", spec("pem", pki->ca_pem, NULL), "none", &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "verify(pem)\ttrue") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "dns\t127.0.0.1") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "disconnection\tnil") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "getpeer after end\tnil\tnil") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "WARNING") == NULL);
        iotls_test_result_free(&r);

        char *shown = inspect(img);
        assert_non_null(strstr(shown, "0x70  CA bundle blob, 1 entries"));
        assert_non_null(strstr(shown, "CN=iotls test root CA"));
        free(shown);

        probe(ver, img, srv.port, "localhost", "stored", "none", &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "verify(true)\ttrue") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
        iotls_test_result_free(&r);

        /* The server's IP address is checked against its IP SANs. */
        probe(ver, img, srv.port, "127.0.0.1", "stored", "none", &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

/* Several CAs all count: two PEM arguments, one PEM holding two, the
 * callback form (PEM and DER). */
static void test_verify_several_cas_and_callback(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL, 0);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        const char *cases[] = {
            spec("pem", pki->other_ca_pem, pki->ca_pem),
            spec("pem", pki->bundle_pem, NULL),
            spec("cb", pki->other_ca_pem, pki->ca_pem),
            spec("cbder", ca_der, NULL),
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            iotls_test_result_t r;
            probe(ver, image("several", ver), srv.port, "localhost", cases[i], "none", &r);
            IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
            IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
            IOTLS_TEST_CHECK(&r, strstr(r.err, "WARNING") == NULL);
            iotls_test_result_free(&r);
        }
    }
    iotls_test_peer_stop(&srv);
}

/* The wrong CA, the wrong name: "reconnection" with NodeMCU's words and
 * iotls's cause; nothing is received. */
static void test_verify_wrong_ca_and_name(void **state)
{
    (void)state;
    iotls_test_peer_t srv, wrong;
    start_www(&srv, NULL, 0);
    start_www(&wrong, &pki->server_wrongname, 0);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        iotls_test_result_t r;
        probe(ver, NULL, srv.port, "localhost", spec("pem", pki->other_ca_pem, NULL), "none", &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "reconnection\tSSL handshake failed: ") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "[IOTLS_ERR_CERT_UNTRUSTED]") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "connected\t") == NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello") == NULL);
        iotls_test_result_free(&r);

        probe(ver, NULL, wrong.port, "localhost", spec("pem", pki->ca_pem, NULL), "none", &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "[IOTLS_ERR_CERT_NAME_MISMATCH]") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello") == NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&wrong);
    iotls_test_peer_stop(&srv);

    /* The same against iotls listen: the wrong CA, and no CA at all. */
    iotls_test_peer_t echo;
    start_listen(&echo);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        iotls_test_result_t r;
        probe(ver, NULL, echo.port, "localhost", spec("pem", pki->other_ca_pem, NULL), "none", &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "[IOTLS_ERR_CERT_UNTRUSTED]") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "connected\t") == NULL);
        iotls_test_result_free(&r);

        probe(ver, image("listen-missing", ver), echo.port, "localhost", "stored", "none", &r);
        IOTLS_TEST_CHECK(&r, r.exited && r.exit_code == 1);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "no certificates found") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&echo);
}

/* No CA: verify(true) on an empty image throws NodeMCU's "no certificates
 * found"; verification off (the boot default) or a callback naming no CA
 * connects without verifying, and says so. */
static void test_verify_missing_ca_and_off(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL, 0);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        iotls_test_result_t r;
        probe(ver, image("missing", ver), srv.port, "localhost", "stored", "none", &r);
        IOTLS_TEST_CHECK(&r, r.exited && r.exit_code == 1);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "tls.cert.verify(true): no certificates found") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "stack traceback") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "connected") == NULL);
        iotls_test_result_free(&r);

        const char *insecure[] = {"off", "cbnone"};
        for (int i = 0; i < 2; i++) {
            probe(ver, NULL, srv.port, "localhost", insecure[i], "none", &r);
            IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
            IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
            IOTLS_TEST_CHECK(&r, strstr(r.err, "certificate verification is OFF") != NULL);
            iotls_test_result_free(&r);
        }
    }
    iotls_test_peer_stop(&srv);
}

/* tls.setDebug / --debug: level 1 logs a line per connection, level 2
 * iotls's handshake report; level 0 stays quiet. */
static void test_debug_levels(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL, 0);
    char port[16];
    snprintf(port, sizeof port, "%u", srv.port);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *levels[] = {"0", "1", "2"};
        for (int l = 0; l < 3; l++) {
            const char *opts[] = {"--debug", levels[l], NULL};
            const char *args[] = {port,   "localhost", spec("pem", pki->ca_pem, NULL),
                                  "none", HELLO_REQ,   NULL};
            iotls_test_lua_t run = {.version = iotls_test_lua_versions[v],
                                    .opts = opts,
                                    .script = iotls_test_src("tests/interop/nodemcu/tls_probe.lua"),
                                    .args = args};
            iotls_test_result_t r;
            assert_int_equal(iotls_test_lua_run(&run, &r), 0);
            IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
            IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
            bool line = strstr(r.err, "tls: connected to localhost (127.0.0.1:") != NULL;
            bool report = strstr(r.err, "tls:   ") != NULL;
            IOTLS_TEST_CHECK(&r, line == (l >= 1));
            IOTLS_TEST_CHECK(&r, report == (l >= 2));
            IOTLS_TEST_CHECK(&r, l < 1 || strstr(r.err, "chain + host name") != NULL);
            iotls_test_result_free(&r);
        }
    }
    iotls_test_peer_stop(&srv);
}

/* A server that ignores max_fragment_length (Go's crypto/tls): the socket
 * asked for NodeMCU's 4 KiB records, gets a 16 KiB one, and iotls
 * reconnects once with a full buffer instead of failing as the chip does. */
static void test_mfl_ignored_fallback(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    int rc = iotls_test_mfl_ignoring_server_start(NULL, &srv);
    if (rc == 1)
        skip(); /* go is not installed */
    assert_int_equal(rc, 0);
    char port[16], expect[64];
    snprintf(port, sizeof port, "%u", srv.port);
    snprintf(expect, sizeof expect, "disconnection\tnil\t%d\t", IOTLS_TEST_MFL_PAYLOAD);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *opts[] = {"--debug", "1", NULL};
        const char *args[] = {port,   "localhost",   spec("pem", pki->ca_pem, NULL),
                              "none", "one line\\n", NULL};
        iotls_test_lua_t run = {.version = iotls_test_lua_versions[v],
                                .opts = opts,
                                .script = iotls_test_src("tests/interop/nodemcu/tls_probe.lua"),
                                .args = args};
        iotls_test_result_t r;
        assert_int_equal(iotls_test_lua_run(&run, &r), 0);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, iotls_test_count(r.out, "connected\t127.0.0.1") == 1);
        IOTLS_TEST_CHECK(&r, strstr(r.out, expect) != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "ignores max_fragment_length") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "reconnecting once with a 16384-byte buffer") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

/* ---- client certificates: s_server -Verify --------------------------------- */

static void test_auth_against_s_server_verify(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL, 1);
    char ca[1400]; /* spec() buffers rotate */
    snprintf(ca, sizeof ca, "%s", spec("pem", pki->ca_pem, NULL));
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        const char *img = image("auth", ver);
        iotls_test_result_t r;
        probe(ver, img, srv.port, "localhost", ca, "none", &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "reconnection\t") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello") == NULL);
        iotls_test_result_free(&r);

        probe(ver, img, srv.port, "localhost", ca, spec("pem", pki->client.chain, pki->client.key),
              &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "auth(pem)\ttrue") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
        iotls_test_result_free(&r);

        char *shown = inspect(img);
        assert_non_null(strstr(shown, "0x78  credentials blob"));
        assert_non_null(strstr(shown, "CN=iotls test client"));
        free(shown);

        probe(ver, img, srv.port, "localhost", "stored", "stored", &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "auth(true)\ttrue") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
        iotls_test_result_free(&r);

        probe(ver, NULL, srv.port, "localhost", ca, spec("cb", pki->client.chain, pki->client.key),
              &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "auth(callback)\ttrue") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "hello from s_server") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

/* ---- flow: hold/unhold, consecutive sends ------------------------------------ */

static long field_after(const char *out, const char *label)
{
    const char *p = strstr(out, label);
    return p ? strtol(p + strlen(label), NULL, 10) : -1;
}

static void test_hold_unhold_1mib(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL, 0);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        char port[16];
        snprintf(port, sizeof port, "%u", srv.port);
        const char *args[] = {port, pki->ca_pem, "/big", "1500", NULL};
        iotls_test_lua_t run = {.version = iotls_test_lua_versions[v],
                                .script = iotls_test_src("tests/interop/nodemcu/hold_1mib.lua"),
                                .args = args};
        iotls_test_result_t r;
        assert_int_equal(iotls_test_lua_run(&run, &r), 0);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        long held = field_after(r.out, "held at\t");
        long still = field_after(r.out, "still held\t");
        long grew = field_after(r.out, "grew\t");
        long total = field_after(r.out, "total\t");
        /* Nothing was delivered while held... */
        IOTLS_TEST_CHECK(&r, held > 0 && held == still);
        /* ...the process did not take in the rest of the reply meanwhile... */
        IOTLS_TEST_CHECK(&r, grew >= 0 && grew < 512);
        /* ...and after unhold everything arrived: header + 1 MiB. */
        IOTLS_TEST_CHECK(&r, total == (long)strlen(IOTLS_TEST_WWW_HEADER) + (1L << 20));
        iotls_test_result_free(&r);

        run_port_ca(run.version, "close_held.lua", srv.port, 20000, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, iotls_test_count(r.out, "closed while held") == 1);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

static void test_100_sends_to_iotls_listen(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_listen(&srv);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        iotls_test_result_t r;
        run_port_ca(iotls_test_lua_versions[v], "sends_100.lua", srv.port, 0, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "echo in order\t1200") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "sent callbacks\t100\terr\tnil") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

/* ---- errors ------------------------------------------------------------------ */

static void test_error_in_callback(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_listen(&srv);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        iotls_test_result_t r;
        run_port_ca(iotls_test_lua_versions[v], "callback_error.lua", srv.port, 0, &r);
        /* The error is reported with its traceback and makes the exit status 1... */
        IOTLS_TEST_CHECK(&r, r.exited && r.exit_code == 1);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "error in tls socket 'receive' callback") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "boom in receive for 9 bytes") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "stack traceback") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "inner_failure") != NULL);
        /* ...and the other connection carried on to its end. */
        IOTLS_TEST_CHECK(&r, strstr(r.out, "B got\tB ping 3") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "B done\ttrue\ttrue") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "A ended") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *args[] = {pki->client.cert, pki->server_ec.key, pki->ca_pem, NULL};
        iotls_test_lua_t run = {.version = iotls_test_lua_versions[v],
                                .script = iotls_test_src("tests/interop/nodemcu/bad_args.lua"),
                                .args = args};
        iotls_test_result_t r;
        assert_int_equal(iotls_test_lua_run(&run, &r), 0);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "FAIL") == NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "checked\t43\tfailed\t0") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "s2 ended:\tNo callbacks") != NULL);
        iotls_test_result_free(&r);
    }
}

static void test_hostile_script(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_listen(&srv);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        iotls_test_result_t r;
        run_port_ca(iotls_test_lua_versions[v], "hostile.lua", srv.port, 0, &r);
        /* Errors, reported, exit status 1 — never a signal. */
        IOTLS_TEST_CHECK(&r, r.exited && r.exit_code == 1);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "good connection ended\t100000") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "stack overflow") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "dns callback raises") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "timer raises") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "nesting deeper than the depth limit") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_pem_then_stored),
        cmocka_unit_test(test_verify_several_cas_and_callback),
        cmocka_unit_test(test_verify_wrong_ca_and_name),
        cmocka_unit_test(test_verify_missing_ca_and_off),
        cmocka_unit_test(test_debug_levels),
        cmocka_unit_test(test_mfl_ignored_fallback),
        cmocka_unit_test(test_auth_against_s_server_verify),
        cmocka_unit_test(test_hold_unhold_1mib),
        cmocka_unit_test(test_100_sends_to_iotls_listen),
        cmocka_unit_test(test_error_in_callback),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_hostile_script),
    };
    return cmocka_run_group_tests(tests, group_setup, iotls_test_pki_teardown);
}
