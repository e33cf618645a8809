/* Two-slot (A/B) blobs through the tools, end to end: `iotls flash write
 * --sector 0x3B,0x3D` puts each new version in the slot without the newest
 * copy, `iotls connect --ca-sector 0x3B,0x3D` trusts the newest intact one,
 * and when that one is damaged (a torn update on a device) it falls back
 * to the previous copy by itself. Checked against openssl s_server: the
 * newest bundle holds an unrelated CA (the handshake must fail), the older
 * one the right CA (it must then succeed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "peer.h"
#include "tmpdir.h"

static char dir[512], other[600];

static const char *in_dir(const char *name)
{
    return iotls_test_path_in(dir, name);
}

static int setup(void **state)
{
    if (!iotls_test_tmp_mkdir(dir, sizeof dir, "flash-ab"))
        return -1;
    snprintf(other, sizeof other, "%s/other", dir);
    const char *t = iotls_test_tool();
    const char *const cmds[][16] = {
        {t, "cert", "ca", "--out", dir, NULL},
        {t, "cert", "ca", "--cn", "unrelated CA", "--out", other, NULL},
        {t, "cert", "server", "--ca", dir, "--cn", "localhost", "--out", dir, NULL},
        {t, "flash", "pack", "ca", in_dir("ca.pem"), "-o", in_dir("right.blob"), NULL},
        {t, "flash", "pack", "ca", in_dir("other/ca.pem"), "-o", in_dir("wrong.blob"), NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (iotls_test_run_setup(cmds[i]) != 0)
            return -1;
    return 0;
}

static void write_ab(const char *img, const char *blob, const char *want)
{
    const char *argv[] = {iotls_test_tool(), "flash",     "write", img,
                          "--sector",        "0x3B,0x3D", blob,    NULL};
    iotls_test_result_t r;
    int rc = iotls_test_run_status(argv, NULL, &r);
    if (rc != 0 || !strstr(r.out, want))
        iotls_test_result_dump("flash write A/B", &r);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(r.out, want));
    iotls_test_result_free(&r);
}

static int connect_with_flash(uint16_t port, const char *img, iotls_test_result_t *r)
{
    char addr[32];
    snprintf(addr, sizeof addr, "localhost:%u", port);
    const char *argv[] = {iotls_test_tool(), "connect",  "--flash", img,  "--ca-sector",
                          "0x3B,0x3D",       "--linger", "-1",      addr, NULL};
    return iotls_test_run_status(argv, "GET /hello.txt HTTP/1.0\r\n\r\n", r);
}

static void test_newest_copy_used_and_damage_falls_back(void **state)
{
    const char *img = in_dir("ab.img");
    write_ab(img, in_dir("right.blob"), "slot A of 0x3B,0x3D, sequence 0");
    write_ab(img, in_dir("wrong.blob"), "slot B of 0x3B,0x3D, sequence 1");

    iotls_test_cred_t server = {.name = "ab-server",
                                .cert = in_dir("server.pem"),
                                .chain = in_dir("server.pem"),
                                .key = in_dir("server.key")};
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_WWW, .cred = &server};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);

    /* Newest = slot B = the unrelated CA: the server is not trusted. */
    iotls_test_result_t r;
    assert_int_equal(connect_with_flash(srv.port, img, &r), 1);
    assert_non_null(strstr(r.err, "IOTLS_ERR_CERT_UNTRUSTED"));
    iotls_test_result_free(&r);

    /* Damage slot B as a torn update would: the loader takes slot A. */
    size_t len;
    char *d = iotls_test_read_file(img, &len);
    assert_non_null(d);
    d[0x3D000 + 100] ^= 0x40;
    assert_int_equal(iotls_test_write_file(img, d, len), 0);
    free(d);
    int rc = connect_with_flash(srv.port, img, &r);
    if (rc != 0)
        iotls_test_result_dump("connect after damage", &r);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(r.out, "hello from s_server"));
    iotls_test_result_free(&r);

    /* The next update goes over the damaged slot, keeping A. */
    write_ab(img, in_dir("right.blob"), "slot B of 0x3B,0x3D, sequence 1");
    const char *inspect[] = {iotls_test_tool(), "flash", "inspect", img, NULL};
    assert_int_equal(iotls_test_run_status(inspect, NULL, &r), 0);
    assert_non_null(strstr(r.out, "0x3B  CA bundle blob, 1 entries"));
    assert_non_null(strstr(r.out, "sequence 0: OK"));
    assert_non_null(strstr(r.out, "sequence 1: OK"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newest_copy_used_and_damage_falls_back),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_tmpdir_teardown);
}
