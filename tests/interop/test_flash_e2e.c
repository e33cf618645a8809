/* The device path end to end: a PKI made by `iotls cert`, packed and
 * written into a flash image by `iotls flash`, then `iotls connect` /
 * `iotls listen --flash ...` load trust and credentials from the image and
 * complete mutually authenticated handshakes with openssl s_server /
 * s_client. A damaged image is refused with the loader's error. */
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
#include "peer.h"
#include "tmpdir.h"

static char dir[512];

static const char *in_dir(const char *name)
{
    return iotls_test_path_in(dir, name);
}

/* PKI: CA, server (localhost), client (device-1); image: CA bundle at 0x3B,
 * client credentials at 0x3A, server credentials at 0x3C. */
static int setup(void **state)
{
    if (!iotls_test_tmp_mkdir(dir, sizeof dir, "flash-e2e"))
        return -1;
    const char *t = iotls_test_tool();
    const char *img = in_dir("flash.img");
    const char *const cmds[][16] = {
        {t, "cert", "ca", "--out", dir, NULL},
        {t, "cert", "server", "--ca", dir, "--cn", "localhost", "--san", "DNS:localhost", "--san",
         "IP:127.0.0.1", "--out", dir, NULL},
        {t, "cert", "client", "--ca", dir, "--cn", "device-1", "--out", dir, NULL},
        {t, "flash", "pack", "ca", in_dir("ca.pem"), "-o", in_dir("ca.blob"), NULL},
        {t, "flash", "pack", "creds", "--cert", in_dir("client.pem"), "--key", in_dir("client.key"),
         "-o", in_dir("client.blob"), NULL},
        {t, "flash", "pack", "creds", "--cert", in_dir("server.pem"), "--key", in_dir("server.key"),
         "-o", in_dir("server.blob"), NULL},
        {t, "flash", "write", img, "--sector", "0x3B", in_dir("ca.blob"), NULL},
        {t, "flash", "write", img, "--sector", "0x3A", in_dir("client.blob"), NULL},
        {t, "flash", "write", img, "--sector", "0x3C", in_dir("server.blob"), NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (iotls_test_run_setup(cmds[i]) != 0)
            return -1;
    return 0;
}

static void test_connect_from_flash_to_s_server_with_client_auth(void **state)
{
    iotls_test_cred_t server = {.name = "flash-server",
                                .cert = in_dir("server.pem"),
                                .chain = in_dir("server.pem"),
                                .key = in_dir("server.key")};
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_WWW,
                                     .cred = &server,
                                     .verify_client = 1,
                                     .ca_file = in_dir("ca.pem")};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);
    char addr[32];
    snprintf(addr, sizeof addr, "localhost:%u", srv.port);
    const char *img = in_dir("flash.img");

    /* Trust and the client certificate both come from the image. */
    const char *ok[] = {iotls_test_tool(),
                        "connect",
                        "--flash",
                        img,
                        "--ca-sector",
                        "0x3B",
                        "--creds-sector",
                        "0x3A",
                        "--linger",
                        "-1",
                        "-v",
                        addr,
                        NULL};
    iotls_test_result_t r;
    int rc = iotls_test_run_status(ok, "GET /hello.txt HTTP/1.0\r\n\r\n", &r);
    if (rc != 0)
        iotls_test_result_dump("iotls connect --flash", &r);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(r.out, "hello from s_server"));
    assert_non_null(strstr(r.err, "verified: chain + host name"));
    iotls_test_result_free(&r);

    /* Without the client credentials s_server refuses the handshake. */
    const char *no_cert[] = {iotls_test_tool(), "connect", "--flash", img,
                             "--ca-sector",     "0x3B",    addr,      NULL};
    rc = iotls_test_run_status(no_cert, "GET /hello.txt HTTP/1.0\r\n\r\n", &r);
    assert_int_equal(rc, 1);
    assert_null(strstr(r.out, "hello from s_server"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&srv);
}

static void test_listen_from_flash_requires_client_cert(void **state)
{
    /* Port 0: the listener says which port it took ("listening on"). */
    const char *argv[] = {iotls_test_tool(),       "listen", "--flash",     in_dir("flash.img"),
                          "--creds-sector",        "0x3C",   "--ca-sector", "0x3B",
                          "--require-client-cert", "-v",     "127.0.0.1:0", NULL};
    iotls_test_peer_spec_t spec = {
        .name = "iotls-listen-flash", .argv = argv, .port_line = "listening on "};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_peer_start(&spec, &srv), 0);
    uint16_t port = srv.port;

    static const char line[] = "from openssl with a device certificate\n";
    iotls_test_s_client_opts_t o = {.port = port,
                                    .ca_file = in_dir("ca.pem"),
                                    .verify_host = "localhost",
                                    .servername = "localhost",
                                    .cert = in_dir("client.pem"),
                                    .key = in_dir("client.key"),
                                    .close_at_eof = 1,
                                    .input = line,
                                    .input_len = sizeof line - 1};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_non_null(strstr(r.out, "Verify return code: 0 (ok)"));
    iotls_test_result_free(&r);

    /* No client certificate: the server refuses, and says why (its log
     * line may come a moment after s_client has given up). */
    o.cert = o.key = NULL;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    iotls_test_result_free(&r);
    size_t len;
    char *log = NULL;
    for (int i = 0; i < 300; i++) {
        free(log);
        log = iotls_test_peer_stderr(&srv, &len);
        if (log && strstr(log, "IOTLS_ERR_CERT_MISSING"))
            break;
        usleep(10000);
    }
    iotls_test_peer_stop(&srv);
    assert_non_null(log);
    assert_non_null(strstr(log, "peer subject:    CN=device-1"));
    assert_non_null(strstr(log, "verified: client certificate chain"));
    assert_non_null(strstr(log, "IOTLS_ERR_CERT_MISSING"));
    free(log);
}

static void test_damaged_image_is_refused(void **state)
{
    /* Copy the image and flip one bit inside the CA blob's payload. */
    size_t len;
    char *img = iotls_test_read_file(in_dir("flash.img"), &len);
    assert_non_null(img);
    img[0x3B000 + 100] ^= 0x10;
    const char *bad = in_dir("bad.img");
    assert_int_equal(iotls_test_write_file(bad, img, len), 0);
    free(img);

    const char *argv[] = {iotls_test_tool(), "connect", "--flash",     bad,
                          "--ca-sector",     "0x3B",    "127.0.0.1:1", NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_status(argv, "", &r), 1);
    assert_non_null(strstr(r.err, "sector 0x3B"));
    assert_non_null(strstr(r.err, "CRC"));
    iotls_test_result_free(&r);

    /* Wrong sector: what is there is not a CA bundle. */
    const char *wrong[] = {iotls_test_tool(), "connect", "--flash",     in_dir("flash.img"),
                           "--ca-sector",     "0x3A",    "127.0.0.1:1", NULL};
    assert_int_equal(iotls_test_run_status(wrong, "", &r), 1);
    assert_non_null(strstr(r.err, "sector 0x3A"));
    iotls_test_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_from_flash_to_s_server_with_client_auth),
        cmocka_unit_test(test_listen_from_flash_requires_client_cert),
        cmocka_unit_test(test_damaged_image_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_tmpdir_teardown);
}
