/* Clear verdicts from the iotls tool: an encrypted private key is refused
 * by every command that reads keys, with one sentence and never a pass
 * phrase prompt; a directory given as a file says so; `cert ca --days 0`
 * explains itself; `flash inspect` reads the 16 MiB images `flash write`
 * creates. Keys are made by openssl in three encrypted encodings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "pki.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;
static char dir[512];

#define ENCRYPTED_TEXT "is encrypted (pass phrase protected); iotls never asks for a pass phrase"

static const char *in_dir(const char *name)
{
    return iotls_test_path_in(dir, name);
}

static int setup(void **state)
{
    pki = iotls_test_pki();
    if (!pki || !iotls_test_tmp_mkdir(dir, sizeof dir, "verdicts"))
        return -1;
    const char *const cmds[][16] = {
        {"openssl", "pkcs8", "-topk8", "-in", pki->server_ec.key, "-v2", "aes256", "-passout",
         "pass:secret", "-out", in_dir("pkcs8.key"), NULL},
        {"openssl", "ec", "-in", pki->server_ec.key, "-aes256", "-passout", "pass:secret", "-out",
         in_dir("sec1.key"), NULL},
        {"openssl", "pkcs8", "-topk8", "-in", pki->server_ec.key, "-v2", "aes256", "-passout",
         "pass:secret", "-outform", "DER", "-out", in_dir("pkcs8.der"), NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        iotls_test_result_t r;
        int rc = iotls_test_run_status(cmds[i], NULL, &r);
        if (rc != 0)
            iotls_test_result_dump("openssl", &r);
        iotls_test_result_free(&r);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static void expect_refused(const char *const *argv, const char *key)
{
    iotls_test_result_t r;
    int rc = iotls_test_run_status(argv, NULL, &r);
    char want[600];
    snprintf(want, sizeof want, "'%s' " ENCRYPTED_TEXT, key);
    if (rc != 1 || !strstr(r.err, want))
        iotls_test_result_dump("encrypted key", &r);
    assert_int_equal(rc, 1);
    assert_false(r.timed_out);
    assert_non_null(strstr(r.err, want));
    assert_null(strstr(r.err, "Enter")); /* no prompt text either */
    iotls_test_result_free(&r);
}

static void test_encrypted_keys_are_refused_everywhere(void **state)
{
    const char *t = iotls_test_tool(), *cert = pki->server_ec.cert;
    const char *keys[] = {in_dir("pkcs8.key"), in_dir("sec1.key"), in_dir("pkcs8.der")};
    for (size_t i = 0; i < 3; i++) {
        const char *k = keys[i];
        const char *pack[] = {t,       "flash", "pack", "creds",          "--cert", cert,
                              "--key", k,       "-o",   in_dir("c.blob"), NULL};
        const char *header[] = {t, "cert", "header", cert, "--key", k, NULL};
        const char *connect[] = {t,    "connect", "--ca", pki->ca_pem,   "--cert",
                                 cert, "--key",   k,      "127.0.0.1:1", NULL};
        const char *listen[] = {t, "listen", "--cert", cert, "--key", k, "127.0.0.1:0", NULL};
        expect_refused(pack, k);
        expect_refused(header, k);
        expect_refused(connect, k);
        expect_refused(listen, k);
    }
}

static void test_directory_as_a_file_says_so(void **state)
{
    const char *t = iotls_test_tool();
    const char *inspect[] = {t, "flash", "inspect", dir, NULL};
    const char *pack[] = {t, "flash", "pack", "ca", dir, "-o", in_dir("x.blob"), NULL};
    const char *const *cmds[] = {inspect, pack};
    char want[600];
    snprintf(want, sizeof want, "'%s' is a directory", dir);
    for (size_t i = 0; i < 2; i++) {
        iotls_test_result_t r;
        int rc = iotls_test_run_status(cmds[i], NULL, &r);
        if (rc != 1 || !strstr(r.err, want))
            iotls_test_result_dump("directory", &r);
        assert_int_equal(rc, 1);
        assert_non_null(strstr(r.err, want));
        iotls_test_result_free(&r);
    }
}

static void test_cert_days_zero_explains(void **state)
{
    const char *argv[] = {iotls_test_tool(), "cert",        "ca", "--days", "0",
                          "--out",           in_dir("ca0"), NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_status(argv, NULL, &r), 2);
    assert_non_null(strstr(r.err, "--days 0: a certificate must be valid for at least 1 day"));
    iotls_test_result_free(&r);
}

static void test_inspect_reads_16_mib_images(void **state)
{
    const char *t = iotls_test_tool(), *img = in_dir("big.img");
    const char *pack[] = {t, "flash", "pack", "ca", pki->ca_pem, "-o", in_dir("ca.blob"), NULL};
    const char *write[] = {t,       "flash",           "write",  img,        "--sector",
                           "0xFF0", in_dir("ca.blob"), "--size", "16777216", NULL};
    const char *inspect[] = {t, "flash", "inspect", img, NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_status(pack, NULL, &r), 0);
    iotls_test_result_free(&r);
    assert_int_equal(iotls_test_run_status(write, NULL, &r), 0);
    iotls_test_result_free(&r);
    int rc = iotls_test_run_status(inspect, NULL, &r);
    if (rc != 0)
        iotls_test_result_dump("inspect 16 MiB", &r);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(r.out, "16777216 bytes, 4096 sectors"));
    assert_non_null(strstr(r.out, "0xFF0  CA bundle blob, 1 entries"));
    iotls_test_result_free(&r);
}

/* Output that cannot be written is a failure with a sentence, for every
 * command (checked once in main): a full disk and a closed pipe. */
static void test_stdout_write_errors_fail(void **state)
{
    const char *t = iotls_test_tool();
    const char *pack[] = {t, "flash", "pack", "ca", pki->ca_pem, "-o", in_dir("out.blob"), NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_status(pack, NULL, &r), 0);
    iotls_test_result_free(&r);
    struct {
        const char *script, *want;
    } cases[] = {
        {"exec \"$0\" \"$@\" > /dev/full", "No space left on device"},
        /* The reader is gone before the writer starts (no race). */
        {"trap '' PIPE; { sleep 0.3; \"$0\" \"$@\"; } | true", "Broken pipe"},
    };
    const char *cmds[][4] = {{"cert", "show", pki->ca_pem, NULL},
                             {"flash", "inspect", in_dir("out.blob"), NULL}};
    for (size_t c = 0; c < 2; c++) {
        for (size_t i = 0; i < 2; i++) {
            const char *argv[] = {"sh",       "-c",       cases[c].script, t,
                                  cmds[i][0], cmds[i][1], cmds[i][2],      NULL};
            assert_int_equal(iotls_test_run_status(argv, NULL, &r),
                             c == 0 ? 1 : 0); /* `| true` hides the code */
            char want[128];
            snprintf(want, sizeof want, "cannot write to stdout: %s; the output is incomplete",
                     cases[c].want);
            if (!strstr(r.err, want))
                iotls_test_result_dump("stdout error", &r);
            assert_non_null(strstr(r.err, want));
            iotls_test_result_free(&r);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encrypted_keys_are_refused_everywhere),
        cmocka_unit_test(test_directory_as_a_file_says_so),
        cmocka_unit_test(test_cert_days_zero_explains),
        cmocka_unit_test(test_inspect_reads_16_mib_images),
        cmocka_unit_test(test_stdout_write_errors_fail),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_tmpdir_teardown);
}
