/* The provisioning flow with the real tool: `iotls cert` makes a PKI that
 * `openssl verify` accepts, refuses weak choices and overwrites, emits C
 * that compiles; `iotls flash` packs and writes it; the library loads it
 * back from the image and a verified handshake runs on it; damage is
 * reported by `flash inspect` and the loaders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cmd.h"
#include "iotls/store.h"
#include "iotls/tls.h"
#include "pair.h"
#include "tmpdir.h"

static char dir[512]; /* the PKI made once by setup */

static const char *in_dir(const char *name)
{
    return iotls_test_path_in(dir, name);
}

/* Run argv; returns the exit code, output in *r (caller frees). */
static int run(const char *const *argv, iotls_test_result_t *r)
{
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 60000};
    assert_int_equal(iotls_test_run_cmd(&cmd, r), 0);
    assert_true(r->exited);
    return r->exit_code;
}

static void run_ok(const char *const *argv)
{
    iotls_test_result_t r;
    if (run(argv, &r) != 0) {
        iotls_test_result_dump("expected success", &r);
        fail();
    }
    iotls_test_result_free(&r);
}

static int setup(void **state)
{
    if (!iotls_test_tmp_mkdir(dir, sizeof dir, "prov"))
        return -1;
    const char *t = iotls_test_tool();
    const char *ca[] = {t, "cert", "ca", "--out", dir, NULL};
    const char *srv[] = {
        t,       "cert",          "server", "--ca",         dir,     "--cn", "localhost",
        "--san", "DNS:localhost", "--san",  "IP:127.0.0.1", "--out", dir,    NULL};
    const char *cli[] = {t, "cert", "client", "--ca", dir, "--cn", "device-1", "--out", dir, NULL};
    iotls_test_result_t r;
    for (const char *const *const *a = (const char *const *const[]){ca, srv, cli, NULL}; *a; a++) {
        if (run(*a, &r) != 0) {
            iotls_test_result_dump("pki", &r);
            iotls_test_result_free(&r);
            return -1;
        }
        iotls_test_result_free(&r);
    }
    return 0;
}

static int file_mode(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (int)(st.st_mode & 0777);
}

static void expect_in_output(const char *const *argv, const char *text)
{
    iotls_test_result_t r;
    assert_int_equal(run(argv, &r), 0);
    if (!strstr(r.out, text)) {
        iotls_test_result_dump(text, &r);
        fail();
    }
    iotls_test_result_free(&r);
}

static void test_openssl_verifies_the_pki(void **state)
{
    run_ok((const char *const[]){"openssl", "verify", "-CAfile", in_dir("ca.pem"),
                                 in_dir("server.pem"), in_dir("client.pem"), NULL});
    run_ok((const char *const[]){"openssl", "verify", "-purpose", "sslserver", "-CAfile",
                                 in_dir("ca.pem"), in_dir("server.pem"), NULL});
    run_ok((const char *const[]){"openssl", "verify", "-purpose", "sslclient", "-CAfile",
                                 in_dir("ca.pem"), in_dir("client.pem"), NULL});
    assert_int_equal(file_mode(in_dir("ca.key")), 0600);
    assert_int_equal(file_mode(in_dir("server.key")), 0600);
    assert_int_equal(file_mode(in_dir("client.key")), 0600);
    assert_int_equal(file_mode(in_dir("server.pem")), 0644);
    const char *ext[] = {"openssl",
                         "x509",
                         "-noout",
                         "-in",
                         NULL,
                         "-ext",
                         "basicConstraints,keyUsage,extendedKeyUsage,subjectAltName",
                         NULL};
    ext[4] = in_dir("ca.pem");
    expect_in_output(ext, "critical\n    CA:TRUE");
    expect_in_output(ext, "Certificate Sign, CRL Sign");
    ext[4] = in_dir("server.pem");
    expect_in_output(ext, "TLS Web Server Authentication");
    expect_in_output(ext, "DNS:localhost, IP Address:127.0.0.1");
    ext[4] = in_dir("client.pem");
    expect_in_output(ext, "TLS Web Client Authentication");
    /* DER output is the same certificate. */
    expect_in_output((const char *const[]){"openssl", "x509", "-noout", "-subject", "-inform",
                                           "DER", "-in", in_dir("server.der"), NULL},
                     "CN = localhost");
}

static void test_rsa_server_key_usage(void **state)
{
    run_ok((const char *const[]){iotls_test_tool(), "cert", "server", "--ca", dir, "--cn",
                                 "rsa.example", "--key-type", "rsa-2048", "--name", "rsa", "--out",
                                 dir, NULL});
    expect_in_output(
        (const char *const[]){"openssl", "x509", "-noout", "-text", "-in", in_dir("rsa.pem"), NULL},
        "Digital Signature, Key Encipherment");
    expect_in_output(
        (const char *const[]){"openssl", "x509", "-noout", "-text", "-in", in_dir("rsa.pem"), NULL},
        "DNS:rsa.example");
}

static void test_weak_choices_refused(void **state)
{
    iotls_test_result_t r;
    const char *rsa1024[] = {
        iotls_test_tool(), "cert",     "server", "--ca", dir,  "--cn", "w", "--name", "weak",
        "--key-type",      "rsa-1024", "--out",  dir,    NULL, NULL};
    assert_int_equal(run(rsa1024, &r), 1);
    assert_non_null(strstr(r.err, "refusing a 1024-bit RSA key"));
    assert_non_null(strstr(r.err, "--allow-weak"));
    iotls_test_result_free(&r);
    struct stat st;
    assert_int_equal(stat(in_dir("weak.key"), &st), -1);

    const char *sha1[] = {iotls_test_tool(), "cert", "client", "--ca", dir,     "--cn", "w",
                          "--name",          "weak", "--hash", "sha1", "--out", dir,    NULL};
    assert_int_equal(run(sha1, &r), 1);
    assert_non_null(strstr(r.err, "refusing SHA-1 signatures"));
    iotls_test_result_free(&r);

    rsa1024[13] = "--allow-weak";
    run_ok(rsa1024);
    expect_in_output(
        (const char *const[]){iotls_test_tool(), "cert", "show", in_dir("weak.pem"), NULL},
        "RSA 1024 bits");
}

static void test_no_key_overwrite_without_force(void **state)
{
    const char *again[] = {iotls_test_tool(), "cert",  "client", "--ca", dir,  "--cn", "x",
                           "--name",          "again", "--out",  dir,    NULL, NULL};
    run_ok(again);
    size_t len1, len2;
    char *before = iotls_test_read_file(in_dir("again.key"), &len1);
    iotls_test_result_t r;
    assert_int_equal(run(again, &r), 1);
    assert_non_null(strstr(r.err, "not overwriting a private key (use --force)"));
    iotls_test_result_free(&r);
    char *same = iotls_test_read_file(in_dir("again.key"), &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(before, same, len1);
    again[11] = "--force";
    chmod(in_dir("again.key"), 0644); /* --force must also restore 0600 */
    run_ok(again);
    char *after = iotls_test_read_file(in_dir("again.key"), &len2);
    assert_true(len1 != len2 || memcmp(before, after, len1));
    assert_int_equal(file_mode(in_dir("again.key")), 0600);
    free(before);
    free(same);
    free(after);
}

static void test_show(void **state)
{
    const char *show[] = {iotls_test_tool(), "cert", "show", in_dir("server.pem"), NULL};
    expect_in_output(show, "subject:     CN=localhost");
    expect_in_output(show, "issuer:      CN=iotls CA");
    expect_in_output(show, "SANs:        DNS:localhost, IP:127.0.0.1");
    expect_in_output(show, "key:         EC P-256 (256 bits)");
    expect_in_output(show, "pin:         sha256//");
    show[3] = in_dir("server.key");
    expect_in_output(show, "private key");
}

static void test_header_compiles_with_anchor(void **state)
{
    run_ok((const char *const[]){iotls_test_tool(), "cert", "header", in_dir("ca.pem"), "--key",
                                 in_dir("server.key"), "--name", "dev", "-o", in_dir("dev.h"),
                                 NULL});
    size_t len;
    char *h = iotls_test_read_file(in_dir("dev.h"), &len);
    assert_non_null(strstr(h, "static const iotls_anchor_t dev_anchors[1]"));
    assert_non_null(strstr(h, "IOTLS_ANCHOR_CA, IOTLS_ANCHOR_KEY_EC"));
    assert_non_null(strstr(h, "dev_key["));
    free(h);
    assert_int_equal(file_mode(in_dir("dev.h")), 0600); /* it holds a key */
    /* A unit that uses it: the point is uncompressed P-256 (65 bytes). */
    char use[1200];
    snprintf(
        use, sizeof use,
        "#include \"%s\"\n"
        "_Static_assert(sizeof dev_q0 == 65, \"uncompressed P-256 point\");\n"
        "const iotls_anchor_t *first(void);\n"
        "const iotls_anchor_t *first(void) { return dev_anchors_count ? &dev_anchors[0] : 0; }\n",
        in_dir("dev.h"));
    assert_int_equal(iotls_test_write_file(in_dir("use.c"), use, strlen(use)), 0);
    const char *src = getenv("IOTLS_SRCDIR");
    char inc[600];
    snprintf(inc, sizeof inc, "-I%s/include", src ? src : ".");
    run_ok((const char *const[]){"cc", "-std=c11", "-Wall", "-Wextra", "-Werror", inc, "-c",
                                 in_dir("use.c"), "-o", in_dir("use.o"), NULL});
}

/* pack -> write -> inspect -> load from the image -> handshake. */
static void test_flash_round_trip_and_handshake(void **state)
{
    const char *t = iotls_test_tool();
    run_ok((const char *const[]){t, "flash", "pack", "ca", in_dir("ca.pem"), "-o",
                                 in_dir("ca.blob"), NULL});
    run_ok((const char *const[]){t, "flash", "pack", "creds", "--cert", in_dir("server.pem"),
                                 "--key", in_dir("server.key"), "-o", in_dir("creds.blob"), NULL});
    assert_int_equal(file_mode(in_dir("creds.blob")), 0600);
    run_ok((const char *const[]){t, "flash", "write", in_dir("img.bin"), "--sector", "0x3B",
                                 in_dir("ca.blob"), NULL});
    run_ok((const char *const[]){t, "flash", "write", in_dir("img.bin"), "--sector", "58",
                                 in_dir("creds.blob"), NULL});
    struct stat st;
    assert_int_equal(stat(in_dir("img.bin"), &st), 0);
    assert_int_equal(st.st_size, 4 * 1024 * 1024);
    const char *inspect[] = {t, "flash", "inspect", in_dir("img.bin"), NULL};
    expect_in_output(inspect, "0x3A  credentials blob, 2 entries");
    expect_in_output(inspect, "0x3B  CA bundle blob, 1 entries");
    expect_in_output(inspect, "CN=iotls CA [EC P-256");
    run_ok((const char *const[]){t, "flash", "read", in_dir("img.bin"), "--sector", "0x3B", "-o",
                                 in_dir("back.blob"), NULL});
    size_t a, b;
    char *orig = iotls_test_read_file(in_dir("ca.blob"), &a);
    char *back = iotls_test_read_file(in_dir("back.blob"), &b);
    assert_int_equal(a, b);
    assert_memory_equal(orig, back, a);
    free(orig);
    free(back);

    iotls_flash_t f;
    iotls_error_t err;
    iotls_test_pair_t p;
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_open_file(&f, in_dir("img.bin"), false, &err), 0);
    iotls_test_pair_setup(&p, NULL, NULL, NULL, 2048);
    assert_int_equal(iotls_store_load_trust(&f, 0x3B, p.trust, &err), 1);
    assert_int_equal(iotls_store_load_creds(&f, 0x3A, p.creds, &err), 0);
    iotls_flash_close(&f);
    p.ccfg.trust = p.trust;
    p.scfg.creds = p.creds;
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_pump(&p);
    assert_true(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
    assert_true(iotls_session_report(p.client)->verified);
    iotls_test_pair_free(&p);
}

static void test_flash_damage_reported(void **state)
{
    /* Needs the image of the previous test. */
    size_t len;
    char *img = iotls_test_read_file(in_dir("img.bin"), &len);
    assert_non_null(img);
    img[0x3B000 + 100] ^= 0x08;
    assert_int_equal(iotls_test_write_file(in_dir("bad.bin"), img, len), 0);
    free(img);
    iotls_test_result_t r;
    assert_int_equal(
        run((const char *const[]){iotls_test_tool(), "flash", "inspect", in_dir("bad.bin"), NULL},
            &r),
        1);
    assert_non_null(strstr(r.out, "0x3B  DAMAGED: sector 0x3B: CA bundle blob CRC mismatch"));
    assert_non_null(strstr(r.out, "0x3A  credentials blob"));
    iotls_test_result_free(&r);

    iotls_flash_t f;
    iotls_error_t err;
    iotls_trust_t *t = iotls_trust_new();
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_open_file(&f, in_dir("bad.bin"), false, &err), 0);
    assert_int_equal(iotls_store_load_trust(&f, 0x3B, t, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_FILE);
    /* Wrong sector: the credentials where the CA bundle was expected. */
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_trust(&f, 0x3A, t, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_CONFIG);
    assert_string_equal(err.text, "sector 0x3A holds a credentials blob, not a CA bundle blob");
    iotls_flash_close(&f);
    iotls_trust_free(t);

    /* A truncated blob file is refused by inspect and by write. */
    char *blob = iotls_test_read_file(in_dir("ca.blob"), &len);
    assert_int_equal(iotls_test_write_file(in_dir("short.blob"), blob, len - 10), 0);
    free(blob);
    assert_int_equal(run((const char *const[]){iotls_test_tool(), "flash", "inspect",
                                               in_dir("short.blob"), NULL},
                         &r),
                     1);
    assert_non_null(strstr(r.out, "DAMAGED: blob: truncated CA bundle blob"));
    iotls_test_result_free(&r);
    assert_int_equal(
        run((const char *const[]){iotls_test_tool(), "flash", "write", in_dir("img.bin"),
                                  "--sector", "0x10", in_dir("short.blob"), NULL},
            &r),
        1);
    assert_non_null(strstr(r.err, "truncated CA bundle blob"));
    iotls_test_result_free(&r);
}

/* Firmware path without PEM parsing: the anchors `iotls cert header`
 * emits, added with iotls_trust_add_anchor(), verify the server in a real
 * (in-memory) handshake. */
static void test_header_anchors_verify_a_server(void **state)
{
    run_ok((const char *const[]){iotls_test_tool(), "cert", "header", in_dir("ca.pem"), "--name",
                                 "fw", "-o", in_dir("fw.h"), NULL});
    char prog[1600];
    snprintf(prog, sizeof prog,
             "#include <stdio.h>\n"
             "#include \"%s\"\n"
             "#include \"pair.h\"\n"
             "int main(int argc, char **argv)\n"
             "{\n"
             "    iotls_test_pair_t p;\n"
             "    iotls_error_t err;\n"
             "    iotls_error_clear(&err);\n"
             "    iotls_test_pair_setup(&p, NULL, argv[1], argv[2], 2048);\n"
             "    for (size_t i = 0; i < fw_anchors_count; i++)\n"
             "        if (iotls_trust_add_anchor(p.trust, &fw_anchors[i], &err) < 0)\n"
             "            return puts(err.text), 2;\n"
             "    p.ccfg.trust = p.trust;\n"
             "    if (!iotls_test_pair_start(&p, \"localhost\"))\n"
             "        return puts(p.cerr.text), 3;\n"
             "    iotls_test_pair_pump(&p);\n"
             "    const iotls_report_t *r = iotls_session_report(p.client);\n"
             "    int ok = r->verified;\n"
             "    printf(\"verified=%%d auth=%%s\\n\", r->verified, r->auth);\n"
             "    iotls_test_pair_free(&p);\n"
             "    return ok ? 0 : 1;\n"
             "}\n",
             in_dir("fw.h"));
    assert_int_equal(iotls_test_write_file(in_dir("fw.c"), prog, strlen(prog)), 0);
    const char *src = getenv("IOTLS_SRCDIR");
    const char *build = getenv("IOTLS_BUILD");
    char inc[600], lib_inc[600], pair_c[600], lib[600];
    snprintf(inc, sizeof inc, "-I%s/include", src ? src : ".");
    snprintf(lib_inc, sizeof lib_inc, "-I%s/tests/lib", src ? src : ".");
    snprintf(pair_c, sizeof pair_c, "%s/tests/lib/pair.c", src ? src : ".");
    snprintf(lib, sizeof lib, "%s/libiotls.a", build ? build : "build");
    /* A sanitizer build's library needs the same flags to link
     * (IOTLS_SANFLAGS, set by `make test SAN=1`). */
    const char *argv[24] = {"cc",   "-std=c11", "-D_GNU_SOURCE", inc,  lib_inc,     in_dir("fw.c"),
                            pair_c, lib,        "-lbearssl",     "-o", in_dir("fw")};
    size_t n = 11;
    char flags[256];
    snprintf(flags, sizeof flags, "%s", getenv("IOTLS_SANFLAGS") ? getenv("IOTLS_SANFLAGS") : "");
    for (char *save = NULL, *f = strtok_r(flags, " ", &save); f && n < 23;
         f = strtok_r(NULL, " ", &save))
        argv[n++] = f;
    argv[n] = NULL;
    run_ok(argv);
    iotls_test_result_t r;
    assert_int_equal(
        run((const char *const[]){in_dir("fw"), in_dir("server.pem"), in_dir("server.key"), NULL},
            &r),
        0);
    assert_non_null(strstr(r.out, "verified=1 auth=chain + host name"));
    iotls_test_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openssl_verifies_the_pki),
        cmocka_unit_test(test_rsa_server_key_usage),
        cmocka_unit_test(test_weak_choices_refused),
        cmocka_unit_test(test_no_key_overwrite_without_force),
        cmocka_unit_test(test_show),
        cmocka_unit_test(test_header_compiles_with_anchor),
        cmocka_unit_test(test_header_anchors_verify_a_server),
        cmocka_unit_test(test_flash_round_trip_and_handshake),
        cmocka_unit_test(test_flash_damage_reported),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_tmpdir_teardown);
}
