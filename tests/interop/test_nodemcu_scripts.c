/* NodeMCU scripts as whole programs (`iotls lua`, Lua 5.1 and 5.3): the
 * seed's examples (examples/nodemcu/), scripts in the shapes real NodeMCU
 * code has (tests/interop/nodemcu/: an HTTPS GET assembled from receive
 * chunks, an MQTT exchange in hand-built bytes against mosquitto, 2.x
 * static timers with createConnection(net.TCP, 1), a GPIO-triggered
 * request, the file module), real scripts from public repositories
 * (tests/realapps/nodemcu/), and `require "nodemcu"` from stock lua5.1 and
 * lua5.3. Servers: openssl s_server, mosquitto, iotls listen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "lua_run.h"
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;
/* A second PKI made with the iotls tool: a server named example.com. */
static char ex_dir[600], ex_ca[700], ex_cert[700], ex_key[700];
static iotls_test_cred_t ex_cred;

static int run_tool(const char *const *argv)
{
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 60000};
    iotls_test_result_t r;
    int ok = iotls_test_run_cmd(&cmd, &r) == 0 && iotls_test_result_ok(&r);
    if (!ok)
        iotls_test_result_dump("setup", &r);
    iotls_test_result_free(&r);
    return ok ? 0 : -1;
}

static int group_setup(void **state)
{
    (void)state;
    pki = iotls_test_pki();
    if (pki == NULL || iotls_test_tmp_mkdir(ex_dir, sizeof ex_dir, "example-pki") == NULL)
        return -1;
    snprintf(ex_ca, sizeof ex_ca, "%s/ca.pem", ex_dir);
    snprintf(ex_cert, sizeof ex_cert, "%s/server.pem", ex_dir);
    snprintf(ex_key, sizeof ex_key, "%s/server.key", ex_dir);
    const char *ca[] = {iotls_test_tool(), "cert", "ca", "--force", "--out", ex_dir, NULL};
    const char *srv[] = {
        iotls_test_tool(), "cert",    "server", "--ca", ex_dir, "--cn", "example.com", "--san",
        "DNS:example.com", "--force", "--out",  ex_dir, NULL};
    if (run_tool(ca) < 0 || run_tool(srv) < 0)
        return -1;
    ex_cred = (iotls_test_cred_t){"example", ex_cert, ex_cert, ex_key, NULL};

    /* Files the servers hand out. */
    char path[800];
    snprintf(path, sizeof path, "%s/info", iotls_test_www_dir());
    if (iotls_test_write_file(path, "info body\n", 10) < 0)
        return -1;
    /* A GitHub-shaped git tree, as the sjson-streaming scripts request it. */
    char tree[700];
    if (iotls_test_tmp_mkdir(tree, sizeof tree, "www/repos/nodemcu/nodemcu-firmware/git/trees") ==
        NULL)
        return -1;
    char json[8192];
    size_t n = (size_t)snprintf(json, sizeof json,
                                "{\"sha\":\"0123\",\"url\":\"https://api/t\","
                                "\"tree\":[");
    for (int i = 1; i <= 20; i++)
        n += (size_t)snprintf(json + n, sizeof json - n,
                              "%s{\"path\":\"file%02d.lua\",\"mode\":\"100644\",\"type\":\"blob\","
                              "\"sha\":\"%040d\",\"url\":\"https://api.github.com/blobs/%d\"}",
                              i > 1 ? "," : "", i, i, i);
    n += (size_t)snprintf(json + n, sizeof json - n, "],\"truncated\":false}\n");
    snprintf(path, sizeof path, "%s/master", tree);
    return iotls_test_write_file(path, json, n);
}

static void start_www(iotls_test_peer_t *srv, const iotls_test_cred_t *cred)
{
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_WWW, .cred = cred};
    assert_int_equal(iotls_test_s_server_start(&o, srv), 0);
}

static void start_listen(iotls_test_peer_t *p)
{
    assert_int_equal(iotls_test_listen_start(NULL, NULL, NULL, p), 0);
}

static const char *connect_to(const char *from, uint16_t port)
{
    static char bufs[4][300];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s:127.0.0.1:%u", from, port);
    return b;
}

static const char *tmp(const char *fmt, const char *a)
{
    static char bufs[6][700];
    static int next;
    char rel[200], *b = bufs[next++ % 6];
    snprintf(rel, sizeof rel, fmt, a);
    iotls_test_tmp_path(b, sizeof bufs[0], rel);
    return b;
}

static const char *tmpdir_for(const char *fmt, const char *a)
{
    static char bufs[4][700];
    static int next;
    char rel[200], *b = bufs[next++ % 4];
    snprintf(rel, sizeof rel, fmt, a);
    iotls_test_tmp_mkdir(b, sizeof bufs[0], rel);
    return b;
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = iotls_test_read_file(from, &len);
    assert_non_null(data);
    assert_int_equal(iotls_test_write_file(to, data, len), 0);
    free(data);
}

static void lua(const char *version, const char *const *opts, const char *script,
                const char *const *args, iotls_test_result_t *res)
{
    iotls_test_lua_t run = {.version = version, .opts = opts, .script = script, .args = args};
    assert_int_equal(iotls_test_lua_run(&run, res), 0);
}

/* A flash image provisioned with the iotls tool: CA at 0x70, optionally
 * client credentials at 0x78 (the sectors tls.cert.verify/auth(true) read). */
static void provision(const char *img, const char *ca, const iotls_test_cred_t *client)
{
    char blob[800];
    snprintf(blob, sizeof blob, "%s.ca", img);
    unlink(img);
    const char *pack[] = {iotls_test_tool(), "flash", "pack", "ca", ca, "-o", blob, NULL};
    const char *write[] = {iotls_test_tool(), "flash", "write", img,
                           "--sector",        "0x70",  blob,    NULL};
    assert_int_equal(run_tool(pack), 0);
    assert_int_equal(run_tool(write), 0);
    if (client) {
        snprintf(blob, sizeof blob, "%s.creds", img);
        const char *packc[] = {
            iotls_test_tool(), "flash",     "pack", "creds", "--cert", client->chain,
            "--key",           client->key, "-o",   blob,    NULL};
        const char *writec[] = {iotls_test_tool(), "flash", "write", img,
                                "--sector",        "0x78",  blob,    NULL};
        assert_int_equal(run_tool(packc), 0);
        assert_int_equal(run_tool(writec), 0);
    }
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

/* ---- the seed's examples ------------------------------------------------------ */

static void test_seed_examples(void **state)
{
    (void)state;
    iotls_test_peer_t local, example;
    start_www(&local, NULL);
    start_www(&example, &ex_cred);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        iotls_test_result_t r;

        lua(ver, NULL, iotls_test_src("examples/nodemcu/create_connection.lua"), NULL, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        iotls_test_result_free(&r);

        /* google.com:443 is the local s_server; verification is off (the boot default). */
        const char *google[] = {"--connect-to", connect_to("google.com:443", local.port), NULL};
        lua(ver, google, iotls_test_src("examples/nodemcu/socket_on.lua"), NULL, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "HTTP/1.0 ") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "certificate verification is OFF") != NULL);
        iotls_test_result_free(&r);

        /* verify(true) with the CA the tool put in flash; example.com checked by name. */
        const char *img = tmp("seed-verify-%s.img", ver);
        provision(img, ex_ca, NULL);
        const char *ex[] = {"--flash", img, "--connect-to",
                            connect_to("example.com:443", example.port), NULL};
        lua(ver, ex, iotls_test_src("examples/nodemcu/verify_http_get.lua"), NULL, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "200\tinfo body\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "WARNING") == NULL);
        iotls_test_result_free(&r);

        /* The same server under a name its certificate does not carry. */
        const char *wrong[] = {"--flash", img, "--connect-to",
                               connect_to("example.com:443", local.port), NULL};
        lua(ver, wrong, iotls_test_src("examples/nodemcu/verify_http_get.lua"), NULL, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "-1\tnil") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "SSL handshake failed: certificate") != NULL);
        iotls_test_result_free(&r);

        /* DST Root CA X3 is stored; it does not vouch for the local server. */
        const char *le_img = tmp("seed-le-%s.img", ver);
        unlink(le_img);
        const char *le[] = {"--flash", le_img, "--connect-to",
                            connect_to("letsencrypt.org:443", local.port), NULL};
        lua(ver, le, iotls_test_src("examples/nodemcu/verify_letsencrypt.lua"), NULL, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "-1\tnil") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "SSL handshake failed") != NULL);
        iotls_test_result_free(&r);
        char *shown = inspect(le_img);
        assert_non_null(strstr(shown, "0x70  CA bundle blob, 1 entries"));
        assert_non_null(strstr(shown, "CN=DST Root CA X3"));
        free(shown);

        /* auth(true) + verify(true) read the flash; then an MQTT client object. */
        const char *mq_img = tmp("seed-mqtt-%s.img", ver);
        provision(mq_img, pki->ca_pem, &pki->client);
        const char *mq[] = {"--flash", mq_img, NULL};
        lua(ver, mq, iotls_test_src("examples/nodemcu/auth_mqtt.lua"), NULL, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        iotls_test_result_free(&r);

        /* The placeholder PEM strings: the documented error. */
        lua(ver, NULL, iotls_test_src("examples/nodemcu/auth_placeholder.lua"), NULL, &r);
        IOTLS_TEST_CHECK(&r, r.exited && r.exit_code == 1);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "tls.cert.auth: argument #1: invalid PEM") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&example);
    iotls_test_peer_stop(&local);
}

/* ---- scripts in real NodeMCU shapes ------------------------------------------- */

static void test_https_get_from_chunks(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        const char *fs = tmpdir_for("fs-get-%s", ver);
        char ca[800];
        snprintf(ca, sizeof ca, "%s/ca.pem", fs);
        copy_file(pki->ca_pem, ca);
        const char *opts[] = {"--fs", fs, "--connect-to", connect_to("localhost:443", srv.port),
                              NULL};
        const char *args[] = {"localhost", IOTLS_TEST_WWW_FILE, NULL};
        iotls_test_result_t r;
        lua(ver, opts, iotls_test_src("tests/interop/nodemcu/https_get_chunks.lua"), args, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(
            &r, strstr(r.out, "status\t200\tbody\t102400\tchunks\ttrue\tbad lines\t0\terr\tnil") !=
                    NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

static void test_mqtt_binary_with_mosquitto(void **state)
{
    (void)state;
    if (!iotls_test_have_program("mosquitto")) {
        /* Listed in scripts/deps/nodemcu.list: its absence is a setup error. */
        fail_msg("mosquitto is not installed (scripts/install-deps.sh)");
    }
    uint16_t port = iotls_test_free_port();
    char conf[700], text[2048];
    iotls_test_tmp_path(conf, sizeof conf, "mosquitto.conf");
    int n = snprintf(text, sizeof text,
                     "listener %u 127.0.0.1\ncertfile %s\nkeyfile %s\nallow_anonymous true\n"
                     "persistence false\nuser root\nlog_dest stderr\n",
                     port, pki->server_ec.chain, pki->server_ec.key);
    assert_int_equal(iotls_test_write_file(conf, text, (size_t)n), 0);
    const char *argv[] = {"mosquitto", "-c", conf, NULL};
    iotls_test_peer_spec_t spec = {.name = "mosquitto", .argv = argv, .port = port};
    iotls_test_peer_t broker;
    assert_int_equal(iotls_test_peer_start(&spec, &broker), 0);
    char ports[16];
    snprintf(ports, sizeof ports, "%u", port);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        const char *fs = tmpdir_for("fs-mqtt-%s", ver);
        char ca[800];
        snprintf(ca, sizeof ca, "%s/ca.pem", fs);
        copy_file(pki->ca_pem, ca);
        const char *opts[] = {"--fs", fs, NULL};
        const char *args[] = {"localhost", ports, NULL};
        iotls_test_result_t r;
        lua(ver, opts, iotls_test_src("tests/interop/nodemcu/mqtt_binary.lua"), args, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "connack\t0") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "suback\t0") != NULL);
        IOTLS_TEST_CHECK(
            &r, strstr(r.out, "publish on\tiotls/nodemcu/test\tpayload intact\ttrue\t311") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "mqtt ended\tnil") != NULL);
        iotls_test_result_free(&r);

        /* The same broker through the mqtt module (QoS 1, a will, a clean close). */
        lua(ver, opts, iotls_test_src("tests/interop/nodemcu/mqtt_module.lua"), args, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(
            &r, strstr(r.out, "connected\nsubscribed\nmessage\tiotls/module\thello over mqtt\n"
                              "offline\n") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&broker);
}

static void test_legacy_static_timers(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_listen(&srv);
    char port[16];
    snprintf(port, sizeof port, "%u", srv.port);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *args[] = {port, NULL};
        iotls_test_result_t r;
        lua(iotls_test_lua_versions[v], NULL,
            iotls_test_src("tests/interop/nodemcu/legacy_tmr.lua"), args, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "IP 127.0.0.1") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "reply 3: ping 3") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "closed after 3 replies") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "gave up") == NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

static void test_gpio_button(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL);
    char port[16];
    snprintf(port, sizeof port, "%u", srv.port);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        /* The hook reads the runner's stdin here: release, then press. */
        const char *opts[] = {"--gpio-in", "0", "--gpio-trace", NULL};
        const char *args[] = {port, NULL};
        iotls_test_lua_t run = {.version = iotls_test_lua_versions[v],
                                .opts = opts,
                                .script = iotls_test_src("tests/interop/nodemcu/gpio_button.lua"),
                                .args = args,
                                .input = "5 0\n5 1\n",
                                .input_len = 8};
        iotls_test_result_t r;
        assert_int_equal(iotls_test_lua_run(&run, &r), 0);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, iotls_test_count(r.out, "pressed, level 1") == 1);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "reply: hello from s_server") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "no press") == NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "gpio: pin 4 = HIGH") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "gpio: pin 4 = LOW") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

static void test_file_module(void **state)
{
    (void)state;
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        const char *opts[] = {"--fs", tmpdir_for("fs-files-%s", ver), NULL};
        iotls_test_result_t r;
        lua(ver, opts, iotls_test_src("tests/interop/nodemcu/files.lua"), NULL, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "exists\ttrue\tfalse\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "roundtrip\thome\t8883\tb.example\ttrue\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "read\tline one\n\tline two\n\tnil\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "listed\ttrue\t18\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "stat\t18\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "rename\ttrue\tfalse\ttrue\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "removed\tfalse\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "put/get\ttrue\t3\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "missing\tnil\tnil\n") != NULL);
        iotls_test_result_free(&r);
    }
}

/* Mutated JSON into sjson.decode and the streaming decoder: decoded or a
 * Lua error, never a crash (the sanitizer build runs this too). */
static void test_sjson_mutations(void **state)
{
    (void)state;
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *args[] = {"50000", NULL};
        iotls_test_result_t r;
        lua(iotls_test_lua_versions[v], NULL,
            iotls_test_src("tests/interop/nodemcu/sjson_mutate.lua"), args, &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(
            &r, strstr(r.out, "mutations\t50000\tdecoded\ttrue\trejected\ttrue\ttrue") != NULL);
        iotls_test_result_free(&r);
    }
}

/* ---- real scripts from public repositories ------------------------------------ */

static void test_realapps_sjson_streaming(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_www(&srv, NULL);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        const char *opts[] = {"--connect-to", connect_to("api.github.com:443", srv.port), NULL};
        iotls_test_result_t r;
        lua(ver, opts,
            iotls_test_src("tests/realapps/nodemcu/nodemcu-firmware/sjson-streaming.lua"), NULL,
            &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "file04.lua\tis at\thttps://api.github.com/blobs/4\n") !=
                                 NULL);
        iotls_test_result_free(&r);

        lua(ver, opts,
            iotls_test_src("tests/realapps/nodemcu/zuzu59-NodeMCU_Lua/a_sjson-streaming.lua"), NULL,
            &r);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "sjson-streaming.lua zf190302.1642") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "file04.lua\tis at\thttps://api.github.com/blobs/4\n") !=
                                 NULL);
        IOTLS_TEST_CHECK(
            &r, strstr(r.out, "file16.lua\tis at\thttps://api.github.com/blobs/16\n") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "\n44000\n") !=
                                 NULL); /* node.heap() once the socket is gone */
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

/* HTTP_OTA.lua downloads an LFS image: net.dns.resolve, TLS on port 80,
 * Content-Length, hold/unhold every 4th chunk, file writes, flashreload. */
static void test_realapp_http_ota(void **state)
{
    (void)state;
    enum { BODY = 50000 };
    char *body = malloc(BODY);
    assert_non_null(body);
    for (int i = 0; i < BODY; i++)
        body[i] = (char)(i * 7 + i / 251);
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_STDIO};
        iotls_test_peer_t srv;
        assert_int_equal(iotls_test_s_server_start(&o, &srv), 0);
        const char *fs = tmpdir_for("fs-ota-%s", ver);
        const char *opts[] = {"--fs", fs, "--connect-to", connect_to("127.0.0.1:80", srv.port),
                              NULL};
        const char *args[] = {"localhost", "/ota/", "lfs.img", NULL};
        iotls_test_lua_t run = {
            .version = ver,
            .opts = opts,
            .script = iotls_test_src("tests/realapps/nodemcu/nodemcu-firmware/HTTP_OTA.lua"),
            .args = args};
        iotls_test_job_t job;
        assert_int_equal(iotls_test_lua_start(&run, &job), 0);
        assert_int_equal(iotls_test_peer_wait_stdout(&srv, "GET /ota/lfs.img HTTP/1.1", 20000), 1);
        char head[128];
        int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", BODY);
        assert_int_equal(iotls_test_peer_write_stdin(&srv, head, (size_t)hn), 0);
        assert_int_equal(iotls_test_peer_write_stdin(&srv, body, BODY), 0);
        iotls_test_result_t r;
        assert_int_equal(iotls_test_cmd_wait(&job, &r), 0);
        iotls_test_peer_stop(&srv);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        char progress[64];
        snprintf(progress, sizeof progress, "%d of %d, ", BODY, BODY);
        IOTLS_TEST_CHECK(&r, strstr(r.out, progress) != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "Invalid save") == NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.err, "node.flashreload('lfs.img')") != NULL);
        char img[800];
        snprintf(img, sizeof img, "%s/lfs.img", fs);
        size_t len;
        char *saved = iotls_test_read_file(img, &len);
        IOTLS_TEST_CHECK(&r, saved != NULL && len == BODY && memcmp(saved, body, BODY) == 0);
        free(saved);
        iotls_test_result_free(&r);
    }
    free(body);
}

/* ---- require "nodemcu" from the stock interpreters ----------------------------- */

/* Sanitizer builds: the module needs the sanitizer runtimes preloaded into
 * the (uninstrumented) interpreter. */
static const char *sanitizer_preload(void)
{
    static char preload[1200];
    const char *san = getenv("IOTLS_SANFLAGS");
    if (san == NULL || strstr(san, "address") == NULL)
        return NULL;
    const char *libs[] = {"libasan.so", "libubsan.so"};
    char *p = preload + snprintf(preload, sizeof preload, "LD_PRELOAD=");
    for (int i = 0; i < 2; i++) {
        char opt[64];
        snprintf(opt, sizeof opt, "-print-file-name=%s", libs[i]);
        const char *argv[] = {"cc", opt, NULL};
        iotls_test_cmd_t cmd = {.argv = argv};
        iotls_test_result_t r;
        if (iotls_test_run_cmd(&cmd, &r) == 0 && r.out) {
            r.out[strcspn(r.out, "\n")] = '\0';
            p += snprintf(p, sizeof preload - (size_t)(p - preload), "%s%s", i ? " " : "", r.out);
        }
        iotls_test_result_free(&r);
    }
    return preload;
}

static void test_require_from_stock_lua(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    start_listen(&srv);
    char port[16];
    snprintf(port, sizeof port, "%u", srv.port);
    const char *build = getenv("IOTLS_BUILD") ? getenv("IOTLS_BUILD") : "build";
    for (int v = 0; v < IOTLS_TEST_LUA_VERSION_COUNT; v++) {
        const char *ver = iotls_test_lua_versions[v];
        char interp[16], cpath[700];
        snprintf(interp, sizeof interp, "lua%s", ver);
        snprintf(cpath, sizeof cpath, "LUA_CPATH=%s/lua%s/?.so;;", build, ver);
        const char *env[] = {cpath, "ASAN_OPTIONS=detect_leaks=0", sanitizer_preload(), NULL};
        const char *argv[] = {interp, iotls_test_src("tests/interop/nodemcu/require_nodemcu.lua"),
                              port, pki->ca_pem, NULL};
        iotls_test_cmd_t cmd = {.argv = argv, .env = env, .timeout_ms = 30000};
        iotls_test_result_t r;
        assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
        IOTLS_TEST_CHECK(&r, iotls_test_result_ok(&r));
        IOTLS_TEST_CHECK(&r, strstr(r.out, "echo: hello from require") != NULL);
        IOTLS_TEST_CHECK(&r, strstr(r.out, "loop done\tfalse\t1\t0") != NULL);
        iotls_test_result_free(&r);
    }
    iotls_test_peer_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_examples),
        cmocka_unit_test(test_https_get_from_chunks),
        cmocka_unit_test(test_mqtt_binary_with_mosquitto),
        cmocka_unit_test(test_legacy_static_timers),
        cmocka_unit_test(test_gpio_button),
        cmocka_unit_test(test_file_module),
        cmocka_unit_test(test_sjson_mutations),
        cmocka_unit_test(test_realapps_sjson_streaming),
        cmocka_unit_test(test_realapp_http_ota),
        cmocka_unit_test(test_require_from_stock_lua),
    };
    return cmocka_run_group_tests(tests, group_setup, iotls_test_pki_teardown);
}
