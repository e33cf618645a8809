/* The ESP8266 SDK examples (examples/espconn/ssl_client.c, ssl_server.c),
 * built against the compat layer, run as real programs: provisioned with
 * `iotls cert` + `iotls flash` (and the SDK's esp_cert_private_key.bin
 * layout for the server's own certificate), against openssl s_server
 * -Verify / s_client -cert and against each other; misprovisioned flash
 * gives the documented failures and log lines, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "esp_flash.h"
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

static char dir[512], image[600], bad_image[600];
static char port_env[32];

static const char *in_dir(const char *name)
{
    return iotls_test_path_in(dir, name);
}

static const char *example(const char *name)
{
    static char paths[2][512];
    const char *b = getenv("IOTLS_BUILD");
    char *p = paths[name[4] == 'c'];
    snprintf(p, sizeof paths[0], "%s/examples/espconn/%s", b ? b : "build", name);
    return p;
}

static int run_ok(const char *const *argv)
{
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 60000};
    iotls_test_result_t r;
    if (iotls_test_run_cmd(&cmd, &r) != 0 || !iotls_test_result_ok(&r)) {
        iotls_test_result_dump("setup", &r);
        iotls_test_result_free(&r);
        return -1;
    }
    iotls_test_result_free(&r);
    return 0;
}

/* The SDK list of a PEM certificate (+ PKCS#8 key) at `sector`. */
static int put_esp_list(const char *img, unsigned sector, const char *cert_pem, const char *key_pem,
                        const char *cert_name)
{
    size_t cn = 0, kn = 0, len;
    uint8_t *c = iotls_test_der_of(cert_pem, IOTLS_TEST_DER_CERT, &cn);
    uint8_t *k = key_pem ? iotls_test_der_of(key_pem, IOTLS_TEST_DER_PKCS8, &kn) : NULL;
    iotls_test_esp_entry_t e[2] = {{cert_name, c, cn}, {"private_key", k, kn}};
    uint8_t *list = c && (k || !key_pem) ? iotls_test_esp_list(e, key_pem ? 2 : 1, &len) : NULL;
    int rc = list ? iotls_test_flash_put(img, sector, list, len) : -1;
    free(c), free(k), free(list);
    return rc;
}

/*
 * Image layout (the examples' default sectors):
 *   0x39 server certificate + key, SDK esp_cert_private_key.bin layout
 *   0x3A client credentials, iotls blob (iotls flash pack creds)
 *   0x3B CA, iotls blob (iotls flash pack ca)
 *   0x30 CA, SDK esp_ca_cert.bin layout
 *   0x31 client certificate + key, SDK layout
 *   0x32 the test PKI's unrelated "other CA", SDK layout
 * bad_image: the same with a flipped byte in the CA blob's payload.
 */
static int group_setup(void **state)
{
    (void)state;
    const iotls_test_pki_t *pki = iotls_test_pki();
    if (pki == NULL || !iotls_test_tmp_mkdir(dir, sizeof dir, "espconn"))
        return -1;
    snprintf(image, sizeof image, "%s/flash.img", dir);
    snprintf(bad_image, sizeof bad_image, "%s/bad.img", dir);
    const char *t = iotls_test_tool();
    const char *const steps[][16] = {
        {t, "cert", "ca", "--out", dir, NULL},
        {t, "cert", "server", "--ca", dir, "--cn", "localhost", "--san", "DNS:localhost", "--san",
         "IP:127.0.0.1", "--out", dir, NULL},
        {t, "cert", "client", "--ca", dir, "--cn", "esp8266-device", "--out", dir, NULL},
        {t, "flash", "pack", "ca", in_dir("ca.pem"), "-o", in_dir("ca.blob"), NULL},
        {t, "flash", "pack", "creds", "--cert", in_dir("client.pem"), "--key", in_dir("client.key"),
         "-o", in_dir("creds.blob"), NULL},
        {t, "flash", "write", image, "--sector", "0x3B", in_dir("ca.blob"), NULL},
        {t, "flash", "write", image, "--sector", "0x3A", in_dir("creds.blob"), NULL},
        {t, "flash", "write", bad_image, "--sector", "0x3A", in_dir("creds.blob"), NULL},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (run_ok(steps[i]) != 0)
            return -1;
    if (put_esp_list(image, 0x39, in_dir("server.pem"), in_dir("server.key"), "certificate") ||
        put_esp_list(image, 0x30, in_dir("ca.pem"), NULL, "TLS.ca_x509") ||
        put_esp_list(image, 0x31, in_dir("client.pem"), in_dir("client.key"), "certificate") ||
        put_esp_list(image, 0x32, pki->other_ca_pem, NULL, "TLS.ca_x509") ||
        put_esp_list(bad_image, 0x39, in_dir("server.pem"), in_dir("server.key"), "certificate"))
        return -1;
    /* The CA blob with one payload byte flipped: its CRC no longer matches. */
    size_t n;
    char *blob = iotls_test_read_file(in_dir("ca.blob"), &n);
    if (blob == NULL)
        return -1;
    blob[n - 20] ^= 0x01;
    int rc = iotls_test_flash_put(bad_image, 0x3B, blob, n);
    free(blob);
    return rc;
}

/* The SDK server certificate as openssl s_server should present it. */
static iotls_test_cred_t server_cred(void)
{
    iotls_test_cred_t c = {"espconn-server", in_dir("server.pem"), in_dir("server.pem"),
                           in_dir("server.key"), NULL};
    return c;
}

static int s_server(iotls_test_s_server_mode_t mode, iotls_test_peer_t *p)
{
    static iotls_test_cred_t cred;
    cred = server_cred();
    iotls_test_s_server_opts_t o = {.mode = mode,
                                    .cred = &cred,
                                    .verify_client = 1,
                                    .ca_file = in_dir("ca.pem"),
                                    .extra = (const char *const[]){"-tls1_2", NULL}};
    return iotls_test_s_server_start(&o, p);
}

/* Runs the client example with IOTLS_FLASH=img and env additions. */
static void run_client(const char *img, uint16_t port, const char *const *env,
                       iotls_test_result_t *r)
{
    const char *e[16];
    size_t i = 0;
    static char flash_env[700];
    snprintf(flash_env, sizeof flash_env, "IOTLS_FLASH=%s", img);
    snprintf(port_env, sizeof port_env, "SSL_PORT=%u", port);
    e[i++] = flash_env;
    e[i++] = port_env;
    for (; env && *env && i < 15; env++)
        e[i++] = *env;
    e[i] = NULL;
    iotls_test_cmd_t cmd = {
        .argv = (const char *const[]){example("ssl_client"), NULL}, .env = e, .timeout_ms = 30000};
    assert_int_equal(iotls_test_run_cmd(&cmd, r), 0);
}

static void expect(const iotls_test_result_t *r, const char *out, const char *err)
{
    if ((out && !strstr(r->out, out)) || (err && !strstr(r->err, err))) {
        iotls_test_result_dump(out ? out : err, r);
        fail();
    }
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* ---- the client example against openssl s_server ------------------------- */

static void test_client_vs_s_server_verified(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    assert_int_equal(s_server(IOTLS_TEST_S_SERVER_WWW, &srv), 0);
    iotls_test_result_t r;
    run_client(image, srv.port,
               (const char *const[]){"SSL_MESSAGE=GET /hello.txt HTTP/1.0\r\n\r\n", NULL}, &r);
    iotls_test_peer_stop(&srv);
    assert_true(r.exited);
    assert_int_equal(r.exit_code, 0);
    expect(&r, "ssl_client: connected to 127.0.0.1:", "peer verified (chain + host name)");
    expect(&r, "hello from s_server", NULL);
    expect(&r, "ssl_client: disconnected after", NULL);
    assert_int_equal(count(r.err, "verification is OFF"), 0);
    iotls_test_result_free(&r);
}

static void test_client_sdk_lists_vs_s_server(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    assert_int_equal(s_server(IOTLS_TEST_S_SERVER_WWW, &srv), 0);
    iotls_test_result_t r;
    run_client(image, srv.port,
               (const char *const[]){"SSL_CA_SECTOR=0x30", "SSL_CERT_SECTOR=0x31",
                                     "SSL_MESSAGE=GET /hello.txt HTTP/1.0\r\n\r\n", NULL},
               &r);
    iotls_test_peer_stop(&srv);
    expect(&r, "hello from s_server", "from sector 0x30");
    iotls_test_result_free(&r);
}

static void test_client_bulk_split_into_records(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    assert_int_equal(s_server(IOTLS_TEST_S_SERVER_STDIO, &srv), 0);
    iotls_test_job_t job;
    static char flash_env[700];
    snprintf(flash_env, sizeof flash_env, "IOTLS_FLASH=%s", image);
    snprintf(port_env, sizeof port_env, "SSL_PORT=%u", srv.port);
    const char *env[] = {flash_env, port_env, "SSL_SEND_BYTES=30000", "SSL_SEND_COUNT=2", NULL};
    iotls_test_cmd_t cmd = {.argv = (const char *const[]){example("ssl_client"), NULL},
                            .env = env,
                            .timeout_ms = 30000};
    assert_int_equal(iotls_test_cmd_start(&cmd, &job), 0);
    int got = iotls_test_peer_wait_stdout(&srv, "END-OF-DATA", 20000);
    iotls_test_peer_stop(&srv); /* the client sees the connection end */
    iotls_test_result_t r;
    assert_int_equal(iotls_test_cmd_wait(&job, &r), 0);
    if (!got)
        iotls_test_peer_dump(&srv);
    assert_true(got);
    size_t n;
    char *out = iotls_test_peer_stdout(&srv, &n);
    assert_non_null(out);
    /* 2 x 30000 pattern bytes arrived (in 2048-byte records). */
    assert_non_null(strstr(out, "xyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"));
    size_t letters = 0;
    for (size_t i = 0; i < n; i++)
        letters += out[i] >= 'a' && out[i] <= 'z';
    assert_true(letters >= 60000);
    free(out);
    /* Each send went after the previous sent callback: three sends, no refusal. */
    assert_int_equal(count(r.out, "ssl_client: send 30000 bytes -> 0"), 2);
    assert_int_equal(count(r.out, "ssl_client: sent callback"), 3);
    assert_int_equal(count(r.err, "the previous send has not completed"), 0);
    assert_true(r.exited);
    iotls_test_result_free(&r);
}

static void test_client_without_cert_refused(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    assert_int_equal(s_server(IOTLS_TEST_S_SERVER_WWW, &srv), 0);
    iotls_test_result_t r;
    run_client(image, srv.port, (const char *const[]){"SSL_CERT_SECTOR=none", NULL}, &r);
    iotls_test_peer_stop(&srv);
    expect(&r, "ssl_client: reconnect callback, error -28",
           "-> reconnect callback with ESPCONN_HANDSHAKE (-28)");
    assert_int_equal(r.exit_code, 0);
    iotls_test_result_free(&r);
}

static void test_client_wrong_ca(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    assert_int_equal(s_server(IOTLS_TEST_S_SERVER_WWW, &srv), 0);
    iotls_test_result_t r;
    run_client(image, srv.port, (const char *const[]){"SSL_CA_SECTOR=0x32", NULL}, &r);
    iotls_test_peer_stop(&srv);
    expect(&r, "ssl_client: reconnect callback, error -28", "[IOTLS_ERR_CERT_UNTRUSTED]");
    iotls_test_result_free(&r);
}

/* Oversize records: the client asks for 512-byte records, the Go server
 * ignores max_fragment_length and sends 16384: the reconnect callback gets
 * ESPCONN_SSL_INVALID_DATA (manual 4.10), with the reason logged. */
static void test_client_oversize_record(void **state)
{
    (void)state;
    const iotls_test_pki_t *pki = iotls_test_pki();
    iotls_test_cred_t cred = *iotls_test_pki_cred("server-ec");
    iotls_test_peer_t srv;
    int rc = iotls_test_mfl_ignoring_server_start(&cred, &srv);
    if (rc == 1)
        skip();
    assert_int_equal(rc, 0);
    /* That server presents the test PKI's chain: trust its root (SDK list). */
    char ca_img[700];
    snprintf(ca_img, sizeof ca_img, "%s/mfl.img", dir);
    assert_int_equal(put_esp_list(ca_img, 0x3B, pki->ca_pem, NULL, "TLS.ca_x509"), 0);
    iotls_test_result_t r;
    run_client(ca_img, srv.port,
               (const char *const[]){"SSL_CERT_SECTOR=none", "SSL_BUFFER=512", NULL}, &r);
    iotls_test_peer_stop(&srv);
    expect(&r, "ssl_client: reconnect callback, error -61",
           "-> reconnect callback with ESPCONN_SSL_INVALID_DATA (-61)");
    expect(&r, NULL, "IOTLS_ERR_RECORD_TOO_LARGE");
    iotls_test_result_free(&r);
}

/* ---- the server example against openssl s_client -------------------------- */

static int start_server(const char *img, const char *max, iotls_test_peer_t *p)
{
    static char flash_env[700], max_env[64];
    snprintf(flash_env, sizeof flash_env, "IOTLS_FLASH=%s", img);
    snprintf(max_env, sizeof max_env, "SSL_MAX_CLIENTS=%s", max);
    iotls_test_peer_spec_t spec = {
        .name = "ssl_server",
        .argv = (const char *const[]){example("ssl_server"), NULL},
        .env = (const char *const[]){flash_env, max_env, "SSL_PORT=0", NULL},
    };
    return iotls_test_peer_start(&spec, p);
}

/* The server ends by itself once its last client went (SSL_MAX_CLIENTS). */
static int server_exit_status(iotls_test_peer_t *p)
{
    for (int i = 0; i < 200 && iotls_test_peer_alive(p); i++)
        usleep(50 * 1000);
    int alive = iotls_test_peer_alive(p);
    int st = iotls_test_peer_stop(p);
    return alive ? -1 : st;
}

static void test_server_vs_s_client(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    assert_int_equal(start_server(image, "2", &srv), 0);

    iotls_test_s_client_opts_t o = {.port = srv.port,
                                    .ca_file = in_dir("ca.pem"),
                                    .verify_host = "localhost",
                                    .cert = in_dir("client.pem"),
                                    .key = in_dir("client.key"),
                                    .input = "hello\n",
                                    .input_len = 6};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    expect(&r, "ok 6 bytes\n", NULL);
    iotls_test_result_free(&r);

    /* Without a client certificate: refused, the server logs why. */
    o.cert = o.key = NULL;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_null(strstr(r.out, "ok 6 bytes"));
    iotls_test_result_free(&r);

    int st = server_exit_status(&srv);
    size_t n;
    char *out = iotls_test_peer_stdout(&srv, &n);
    char *err = iotls_test_peer_stderr(&srv, &n);
    assert_non_null(out);
    assert_non_null(err);
    if (!strstr(out, "disconnected after 6 bytes") || !strstr(out, "failed, error -28") ||
        !strstr(err, "[IOTLS_ERR_CERT_MISSING]"))
        iotls_test_peer_dump(&srv);
    assert_non_null(strstr(out, "disconnected after 6 bytes"));
    assert_non_null(strstr(out, "failed, error -28"));
    assert_non_null(strstr(err, "[IOTLS_ERR_CERT_MISSING]"));
    assert_non_null(strstr(out, "last client served"));
    free(out);
    free(err);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- the two examples together ---------------------------------------------- */

static void test_client_vs_server(void **state)
{
    (void)state;
    iotls_test_peer_t srv;
    assert_int_equal(start_server(image, "2", &srv), 0);
    iotls_test_result_t r;
    run_client(image, srv.port, NULL, &r); /* verified, with its certificate */
    expect(&r, "ssl_client: recv 12 bytes: ok 34 bytes", "peer verified (chain + host name)");
    expect(&r, "ssl_client: disconnected after 12 bytes received", NULL);
    iotls_test_result_free(&r);

    /* The SDK default (no ca_enable) works but says so, once. */
    run_client(image, srv.port, (const char *const[]){"SSL_CA_SECTOR=none", NULL}, &r);
    expect(&r, "ok 34 bytes", "certificate verification is OFF");
    assert_int_equal(count(r.err, "certificate verification is OFF"), 1);
    iotls_test_result_free(&r);

    int st = server_exit_status(&srv);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- misprovisioned flash ------------------------------------------------------ */

static void test_missing_and_damaged_flash(void **state)
{
    (void)state;
    uint16_t port = iotls_test_free_port(); /* nothing listens there */
    iotls_test_result_t r;

    /* No image at all: ca_enable and cert_req_enable fail and say why. */
    iotls_test_cmd_t cmd = {.argv = (const char *const[]){example("ssl_client"), NULL},
                            .env = (const char *const[]){"IOTLS_FLASH=", "SSL_PORT=1", NULL},
                            .timeout_ms = 30000};
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    assert_true(r.exited);
    expect(&r, "espconn_secure_ca_enable failed", "no flash image attached: set IOTLS_FLASH");
    expect(&r, "espconn_secure_cert_req_enable failed", NULL);
    iotls_test_result_free(&r);

    /* A damaged CA blob: refused with the CRC named. */
    run_client(bad_image, port, NULL, &r);
    assert_true(r.exited);
    expect(&r, "espconn_secure_ca_enable failed", "CRC mismatch");
    expect(&r, "reconnect callback, error -9", NULL); /* refused: ESPCONN_RST */
    iotls_test_result_free(&r);

    /* An image that does not exist. */
    cmd.env = (const char *const[]){"IOTLS_FLASH=/nonexistent.img", NULL};
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    assert_true(r.exited);
    assert_int_equal(r.exit_code, 1); /* the runtime refuses to boot without its flash */
    expect(&r, NULL, "flash image '/nonexistent.img' cannot be attached");
    iotls_test_result_free(&r);

    /* The server without its certificate sector. */
    static char flash_env[700];
    snprintf(flash_env, sizeof flash_env, "IOTLS_FLASH=%s", image);
    cmd.argv = (const char *const[]){example("ssl_server"), NULL};
    cmd.env = (const char *const[]){flash_env, "SSL_KEY_SECTOR=0x50", NULL};
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    assert_true(r.exited);
    expect(&r, "certificate missing, private key missing", NULL);
    expect(&r, "no certificate and key, not starting", NULL);
    iotls_test_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_vs_s_server_verified),
        cmocka_unit_test(test_client_sdk_lists_vs_s_server),
        cmocka_unit_test(test_client_bulk_split_into_records),
        cmocka_unit_test(test_client_without_cert_refused),
        cmocka_unit_test(test_client_wrong_ca),
        cmocka_unit_test(test_client_oversize_record),
        cmocka_unit_test(test_server_vs_s_client),
        cmocka_unit_test(test_client_vs_server),
        cmocka_unit_test(test_missing_and_damaged_flash),
    };
    return cmocka_run_group_tests(tests, group_setup, iotls_test_pki_teardown);
}
