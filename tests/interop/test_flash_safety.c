/* `iotls flash write` loses nothing: a blob whose erase would wipe another
 * intact blob is refused (naming it) unless --force, and `inspect --expect`
 * then reports the victim missing; concurrent writers to one image all
 * land; a writer SIGKILLed at every modifying system call (strace -e
 * inject, nothing in the program) leaves the image exactly as before or
 * exactly as after, for an existing image and for a new one; a one-bit
 * flip in a blob's magic is flagged. Blobs come from `iotls cert` and
 * `iotls flash pack`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "tmpdir.h"

static char dir[512];

static const char *in_dir(const char *name)
{
    return iotls_test_path_in(dir, name);
}

static int run(const char *const *argv, iotls_test_result_t *r)
{
    /* LeakSanitizer cannot run under ptrace (strace): in the sanitizer
     * build it would turn every traced exit into a failure. */
    static const char *const env[] = {"ASAN_OPTIONS=detect_leaks=0", NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .env = env, .timeout_ms = 20000};
    if (iotls_test_run_cmd(&cmd, r) != 0)
        return -1;
    return r->exited ? r->exit_code : 128 + r->signal;
}

static int run_quiet(const char *const *argv)
{
    iotls_test_result_t r;
    int rc = run(argv, &r);
    if (rc != 0)
        iotls_test_result_dump("command", &r);
    iotls_test_result_free(&r);
    return rc;
}

/* ca.blob: one sector; big.blob: credentials of two sectors (RSA-4096
 * chain of three certificates). */
static int setup(void **state)
{
    if (!iotls_test_tmp_mkdir(dir, sizeof dir, "flash-safety"))
        return -1;
    const char *t = iotls_test_tool();
    const char *const cmds[][20] = {
        {t, "cert", "ca", "--out", dir, NULL},
        {t, "cert", "client", "--ca", dir, "--cn", "dev-a", "--key-type", "rsa-4096", "--name", "a",
         "--out", dir, NULL},
        {t, "cert", "client", "--ca", dir, "--cn", "dev-b", "--key-type", "rsa-4096", "--name", "b",
         "--out", dir, NULL},
        {t, "flash", "pack", "ca", in_dir("ca.pem"), "-o", in_dir("ca.blob"), NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (run_quiet(cmds[i]) != 0)
            return -1;
    size_t la, lb, lc;
    char *a = iotls_test_read_file(in_dir("a.pem"), &la);
    char *b = iotls_test_read_file(in_dir("b.pem"), &lb);
    char *c = iotls_test_read_file(in_dir("ca.pem"), &lc);
    char *chain = malloc(la + lb + lc);
    if (!a || !b || !c || !chain)
        return -1;
    memcpy(chain, a, la);
    memcpy(chain + la, b, lb);
    memcpy(chain + la + lb, c, lc);
    int rc = iotls_test_write_file(in_dir("chain.pem"), chain, la + lb + lc);
    free(a);
    free(b);
    free(c);
    free(chain);
    const char *pack[] = {t,        "flash",
                          "pack",   "creds",
                          "--cert", in_dir("chain.pem"),
                          "--key",  in_dir("a.key"),
                          "-o",     in_dir("big.blob"),
                          NULL};
    return rc == 0 ? run_quiet(pack) : -1;
}

static char *slurp(const char *path, size_t *len)
{
    char *d = iotls_test_read_file(path, len);
    assert_non_null(d);
    return d;
}

static bool same_file(const char *path, const char *data, size_t len)
{
    size_t n;
    char *d = iotls_test_read_file(path, &n);
    bool same = d && n == len && memcmp(d, data, len) == 0;
    free(d);
    return same;
}

static void write_blob(const char *img, const char *sector, const char *blob)
{
    const char *argv[] = {iotls_test_tool(), "flash", "write", img, "--sector", sector, blob, NULL};
    assert_int_equal(run_quiet(argv), 0);
}

static void test_overlap_refused_then_forced_is_reported_missing(void **state)
{
    const char *t = iotls_test_tool(), *img = in_dir("overlap.img");
    write_blob(img, "0x3B", in_dir("ca.blob"));
    size_t before_len;
    char *before = slurp(img, &before_len);

    const char *w[] = {t, "flash", "write", img, "--sector", "0x3A", in_dir("big.blob"), NULL};
    iotls_test_result_t r;
    assert_int_equal(run(w, &r), 1);
    assert_non_null(strstr(r.err, "sector 0x3A: writing "));
    assert_non_null(strstr(r.err, "erases sectors 0x3A..0x3B, destroying the intact CA bundle "
                                  "at sector 0x3B"));
    assert_non_null(strstr(r.err, "(--force writes it anyway)"));
    iotls_test_result_free(&r);
    assert_true(same_file(img, before, before_len)); /* untouched */

    const char *forced[] = {
        t, "flash", "write", img, "--sector", "0x3A", in_dir("big.blob"), "--force", NULL};
    assert_int_equal(run(forced, &r), 0);
    assert_non_null(strstr(r.err, "warning: sector 0x3A: writing "));
    assert_non_null(strstr(r.err, "destroying the intact CA bundle at sector 0x3B"));
    assert_non_null(strstr(r.err, "written anyway (--force)"));
    iotls_test_result_free(&r);
    const char *inspect[] = {t,      "flash",    "inspect", img, "--expect",
                             "0x3A", "--expect", "0x3B",    NULL};
    assert_int_equal(run(inspect, &r), 1);
    assert_non_null(strstr(r.out, "0x3B  MISSING: expected a blob here; the sector is inside "
                                  "the credentials blob at 0x3A (2 sectors), which overwrote it"));
    iotls_test_result_free(&r);
    free(before);
}

#define WRITERS 8

static void test_concurrent_writers_all_land(void **state)
{
    const char *img = in_dir("concurrent.img");
    static char sectors[WRITERS][8];
    iotls_test_job_t jobs[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        snprintf(sectors[i], sizeof sectors[i], "0x%02X", 0x10 + 2 * i);
        const char *argv[] = {iotls_test_tool(), "flash",    "write",           img,
                              "--sector",        sectors[i], in_dir("ca.blob"), NULL};
        iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 30000};
        assert_int_equal(iotls_test_cmd_start(&cmd, &jobs[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        iotls_test_result_t r;
        assert_int_equal(iotls_test_cmd_wait(&jobs[i], &r), 0);
        if (!iotls_test_result_ok(&r))
            iotls_test_result_dump("concurrent writer", &r);
        assert_true(iotls_test_result_ok(&r));
        assert_non_null(strstr(r.out, "read back and verified"));
        iotls_test_result_free(&r);
    }
    const char *argv[2 + 2 * WRITERS + 4] = {iotls_test_tool(), "flash", "inspect", img};
    size_t n = 4;
    for (int i = 0; i < WRITERS; i++) {
        argv[n++] = "--expect";
        argv[n++] = sectors[i];
    }
    argv[n] = NULL;
    iotls_test_result_t r;
    int rc = run(argv, &r);
    if (rc != 0)
        iotls_test_result_dump("inspect", &r);
    assert_int_equal(rc, 0);
    iotls_test_result_free(&r);
}

/* The system calls by which `flash write` changes anything on disk. */
static const char *const modifying[] = {"openat", "write",  "pwrite64", "fsync",
                                        "close",  "rename", "unlink",   "flock"};

/*
 * For each modifying system call and each N: SIGKILL `flash write` on
 * entering its N-th call of that kind (before it runs), until a run is not
 * killed. After every kill the image must be exactly `before` (or absent
 * when before is NULL) or exactly `after`, and a normal write must still
 * work. Returns the number of kills.
 */
static int kill_at_every_step(const char *img, const char *sector, const char *blob,
                              const char *before, size_t before_len, const char *after,
                              size_t after_len)
{
    int kills = 0;
    for (size_t s = 0; s < sizeof modifying / sizeof modifying[0]; s++) {
        int n;
        for (n = 1; n < 400; n++) {
            if (before)
                assert_int_equal(iotls_test_write_file(img, before, before_len), 0);
            else
                unlink(img);
            char inject[64];
            snprintf(inject, sizeof inject, "inject=%s:signal=KILL:when=%d", modifying[s], n);
            const char *argv[] = {
                "strace", "-o",    "/dev/null", "-e",       inject, iotls_test_tool(),
                "flash",  "write", img,         "--sector", sector, blob,
                NULL};
            iotls_test_result_t r;
            int rc = run(argv, &r);
            iotls_test_result_free(&r);
            if (rc == 0)
                break; /* fewer than n such calls: every one was tried */
            if (rc != 128 + 9 && rc != 137)
                fail_msg("flash write failed (%d) instead of dying at %s #%d", rc, modifying[s], n);
            kills++;
            struct stat st;
            bool absent = stat(img, &st) != 0;
            bool as_before = before ? same_file(img, before, before_len) : absent;
            bool as_after = !absent && same_file(img, after, after_len);
            if (!as_before && !as_after)
                fail_msg("killed at %s #%d: the image is neither the old nor the new one",
                         modifying[s], n);
        }
        if (n == 400)
            fail_msg("more than 399 %s calls: not every one was tried", modifying[s]);
    }
    /* A stale "<image>.new" from the last kill does not stop the next write. */
    write_blob(img, sector, blob);
    assert_true(same_file(img, after, after_len));
    return kills;
}

static void test_killed_writer_never_corrupts_an_image(void **state)
{
    if (!iotls_test_have_program("strace"))
        fail_msg("strace is needed (scripts/deps/robust.list)");
    const char *img = in_dir("kill.img"), *ref = in_dir("kill-ref.img");
    write_blob(img, "0x3B", in_dir("ca.blob"));
    size_t before_len, after_len;
    char *before = slurp(img, &before_len);
    assert_int_equal(iotls_test_write_file(ref, before, before_len), 0);
    write_blob(ref, "0x30", in_dir("big.blob"));
    char *after = slurp(ref, &after_len);

    int kills =
        kill_at_every_step(img, "0x30", in_dir("big.blob"), before, before_len, after, after_len);
    fprintf(stderr, "existing image: %d kills, each left the old or the new image\n", kills);
    assert_true(kills > 10);
    free(before);
    free(after);
}

static void test_killed_creator_leaves_no_short_image(void **state)
{
    const char *img = in_dir("new.img"), *ref = in_dir("new-ref.img");
    unlink(ref);
    write_blob(ref, "0x3B", in_dir("ca.blob"));
    size_t after_len;
    char *after = slurp(ref, &after_len);
    int kills = kill_at_every_step(img, "0x3B", in_dir("ca.blob"), NULL, 0, after, after_len);
    fprintf(stderr, "new image: %d kills, each left no image or the whole new one\n", kills);
    assert_true(kills > 10);
    free(after);
}

static void test_magic_bit_flip_flagged(void **state)
{
    const char *img = in_dir("flip.img");
    write_blob(img, "0x3B", in_dir("ca.blob"));
    size_t len;
    char *d = slurp(img, &len);
    d[0x3B000] ^= 0x01; /* 'I' -> 'H' */
    assert_int_equal(iotls_test_write_file(img, d, len), 0);
    free(d);
    const char *argv[] = {iotls_test_tool(), "flash", "inspect", img, NULL};
    iotls_test_result_t r;
    assert_int_equal(run(argv, &r), 1);
    assert_non_null(strstr(r.out, "0x3B  DAMAGED: sector 0x3B: damaged blob header: magic 48 4f "
                                  "54 42 is 1 bit off \"IOTB\""));
    iotls_test_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlap_refused_then_forced_is_reported_missing),
        cmocka_unit_test(test_concurrent_writers_all_land),
        cmocka_unit_test(test_killed_writer_never_corrupts_an_image),
        cmocka_unit_test(test_killed_creator_leaves_no_short_image),
        cmocka_unit_test(test_magic_bit_flip_flagged),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_tmpdir_teardown);
}
