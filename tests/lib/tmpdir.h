/*
 * tests/lib/tmpdir.h — one temporary directory per test process.
 *
 * Everything the test infrastructure writes at run time (the PKI, s_server's
 * web root, peers' captured stdout/stderr, small scratch files) lives under one
 * directory made with mkdtemp() in $TMPDIR (default /tmp) on first use.
 *
 * Contract:
 *  - iotls_test_tmpdir() creates the directory on first call and returns the
 *    same absolute path afterwards; NULL (with a message on stderr) if it
 *    cannot be created.
 *  - The directory is removed, recursively, by iotls_test_tmpdir_free() or at
 *    process exit (atexit), whichever comes first — unless the environment
 *    variable IOTLS_KEEP_TMP is set to a non-empty value other than "0", in
 *    which case it is kept and its path is printed on stderr.
 *  - Forked children never remove it (the exit hook checks the PID).
 */
#ifndef IOTLS_TEST_TMPDIR_H
#define IOTLS_TEST_TMPDIR_H

#include <stddef.h>

/* Absolute path of this process's temp dir, created on first call. */
const char *iotls_test_tmpdir(void);

/* Writes "<tmpdir>/<name>" into buf (size n). Returns buf, or NULL when the
 * temp dir cannot be made or the path does not fit. Does not create the file. */
char *iotls_test_tmp_path(char *buf, size_t n, const char *name);

/* The same with a printf-style name ("jobs/job-%u.out"). */
char *iotls_test_tmp_pathf(char *buf, size_t n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* mkdir -p of "<tmpdir>/<name>" (one level below the temp dir is enough for
 * every user today; nested names are created level by level). Writes the path
 * into buf like iotls_test_tmp_path. Returns buf or NULL. */
char *iotls_test_tmp_mkdir(char *buf, size_t n, const char *name);

/* "<dir>/<name>" in one of IOTLS_TEST_PATH_SLOTS rotating static buffers:
 * enough for one table of commands naming files of a test's work dir. */
#define IOTLS_TEST_PATH_SLOTS 32
const char *iotls_test_path_in(const char *dir, const char *name);

/* Writes len bytes to path (created or truncated, mode 0644). 0 or -1. */
int iotls_test_write_file(const char *path, const void *data, size_t len);

/* Reads a whole file into a malloc'd, NUL-terminated buffer (the NUL is not
 * counted in *len). NULL on error. Caller frees. */
char *iotls_test_read_file(const char *path, size_t *len);

/* True when IOTLS_KEEP_TMP asks to keep temporary files. */
int iotls_test_keep_tmp(void);

/* Removes the temp dir now (unless kept) and forgets it; a later
 * iotls_test_tmpdir() makes a fresh one. Safe to call more than once. */
void iotls_test_tmpdir_free(void);

/* iotls_test_tmpdir_free as a cmocka group teardown (state unused). 0. */
int iotls_test_tmpdir_teardown(void **state);

/* rm -r of one path (file or directory tree). 0 or -1. Used by the PKI and
 * by the temp dir itself; refuses "" and "/". */
int iotls_test_rm_rf(const char *path);

#endif
