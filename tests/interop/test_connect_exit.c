/* `iotls connect` never loses data with exit 0: stdout refusing a write
 * (disk full, a closed pipe with SIGPIPE ignored), the server closing
 * before stdin was sent, and a --session-out that could not be written
 * each end with exit 1 and a sentence on stderr. Real openssl s_server. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
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
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

/* Runs `iotls connect --ca ROOT localhost:PORT` with the given stdin and
 * stdout descriptors; stderr goes to a file whose text is returned in
 * *errtext (caller frees). Returns the exit status, -1 if it did not exit. */
static int run_connect_as(bool ignore_sigpipe, uint16_t port, const char *const *extra, int in_fd,
                          int out_fd, char **errtext)
{
    char addr[32], errpath[512];
    snprintf(addr, sizeof addr, "localhost:%u", port);
    iotls_test_tmp_path(errpath, sizeof errpath, "connect.err");
    int err_fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(err_fd >= 0);
    const char *argv[20];
    size_t n = 0;
    if (ignore_sigpipe) {
        /* Our spawn helper resets every signal; a shell that ignores
         * SIGPIPE passes that on through exec, as an operator's would. */
        argv[n++] = "sh";
        argv[n++] = "-c";
        argv[n++] = "trap '' PIPE; exec \"$@\"";
        argv[n++] = "sh";
    }
    argv[n++] = iotls_test_tool();
    argv[n++] = "connect";
    argv[n++] = "--ca";
    argv[n++] = pki->ca_pem;
    for (size_t i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n++] = addr;
    argv[n] = NULL;
    iotls_test_spawn_t sp = {
        .argv = argv, .stdin_fd = in_fd, .stdout_fd = out_fd, .stderr_fd = err_fd};
    pid_t pid = iotls_test_spawn(&sp);
    close(err_fd);
    assert_true(pid > 0);
    int status = 0;
    if (iotls_test_wait_pid(pid, 20000, &status) != 1) {
        iotls_test_kill_reap(pid, 0);
        status = -1;
    }
    size_t len;
    *errtext = iotls_test_read_file(errpath, &len);
    assert_non_null(*errtext);
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int request_fd(const char *text)
{
    char path[512];
    iotls_test_tmp_path(path, sizeof path, "request.txt");
    assert_int_equal(iotls_test_write_file(path, text, strlen(text)), 0);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    return fd;
}

/* `iotls connect --linger -1 [more...]` fetching s_server -WWW's test
 * file, its stdout to out_fd: the exit status, its stderr in *errtext. */
static int fetch_www(bool ignore_sigpipe, const char *more, const char *more_arg, int out_fd,
                     char **errtext)
{
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(NULL, &srv), 0);
    int in = request_fd(IOTLS_TEST_WWW_REQUEST);
    const char *extra[] = {"--linger", "-1", more, more_arg, NULL};
    int rc = run_connect_as(ignore_sigpipe, srv.port, extra, in, out_fd, errtext);
    close(in);
    iotls_test_peer_stop(&srv);
    return rc;
}

static void expect_exit(int rc, int want, const char *errtext)
{
    if (rc != want)
        fprintf(stderr, "stderr: %s\n", errtext);
    assert_int_equal(rc, want);
}

static void test_disk_full_stdout_is_an_error(void **state)
{
    int out = open("/dev/full", O_WRONLY);
    assert_true(out >= 0);
    char *err;
    int rc = fetch_www(false, NULL, NULL, out, &err);
    close(out);
    expect_exit(rc, 1, err);
    assert_non_null(strstr(err, "cannot write received data to stdout: No space left on device"));
    free(err);
}

static void test_closed_pipe_with_sigpipe_ignored_is_an_error(void **state)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    close(p[0]); /* nobody reads: every write fails with EPIPE */
    char *err;
    int rc = fetch_www(true, NULL, NULL, p[1], &err);
    close(p[1]);
    expect_exit(rc, 1, err);
    assert_non_null(strstr(err, "cannot write received data to stdout: Broken pipe"));
    free(err);
}

/* s_server -rev closes the connection (close_notify) on a "CLOSE" line;
 * our stdin is a pipe that stays open with more to send. */
static void test_server_closing_before_stdin_ended_is_an_error(void **state)
{
    static const char *const rev[] = {"-naccept", "1", NULL};
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_REV, .extra = rev};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "hello\nCLOSE\n", 12), 12);
    char outpath[512];
    iotls_test_tmp_path(outpath, sizeof outpath, "rev.out");
    int out = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *err;
    int rc = run_connect_as(false, srv.port, NULL, p[0], out, &err);
    close(p[0]);
    close(p[1]);
    close(out);
    iotls_test_peer_stop(&srv);
    size_t len;
    char *got = iotls_test_read_file(outpath, &len);
    assert_non_null(got);
    assert_string_equal(got, "olleh\n"); /* what arrived was delivered */
    free(got);
    expect_exit(rc, 1, err);
    assert_non_null(strstr(err, "the server closed the connection before all of stdin was sent "
                                "(12 bytes read from stdin, stdin had not ended)"));
    free(err);
}

static void test_failed_session_out_is_an_error(void **state)
{
    char outpath[512];
    iotls_test_tmp_path(outpath, sizeof outpath, "www.out");
    int out = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *err;
    int rc = fetch_www(false, "--session-out", "/nonexistent-dir/session.bin", out, &err);
    close(out);
    expect_exit(rc, 1, err);
    assert_non_null(
        strstr(err, "cannot create '/nonexistent-dir/session.bin': No such file or directory"));
    free(err);
}

/* The control: the same download into a file exits 0 with every byte. */
static void test_complete_download_exits_zero(void **state)
{
    char outpath[512];
    iotls_test_tmp_path(outpath, sizeof outpath, "www.out");
    int out = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *err;
    int rc = fetch_www(false, NULL, NULL, out, &err);
    close(out);
    expect_exit(rc, 0, err);
    size_t len;
    char *got = iotls_test_read_file(outpath, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(IOTLS_TEST_WWW_HEADER) + IOTLS_TEST_WWW_FILE_SIZE);
    free(got);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_download_exits_zero),
        cmocka_unit_test(test_disk_full_stdout_is_an_error),
        cmocka_unit_test(test_closed_pipe_with_sigpipe_ignored_is_an_error),
        cmocka_unit_test(test_server_closing_before_stdin_ended_is_an_error),
        cmocka_unit_test(test_failed_session_out_is_an_error),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
