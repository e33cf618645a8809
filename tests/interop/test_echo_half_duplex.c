/* `iotls connect` against the `iotls listen` echo server with 20 MiB going
 * each way at once, with either or both ends in --half-duplex. The echo
 * server holds (stops reading) while its replies wait, which is exactly
 * what deadlocked a half-duplex client that kept sealing its own records
 * instead of reading the replies. stdin is a regular file (read as fast as
 * the queue drains) and, once, a pipe. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "pattern.h"
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

#define ECHO_BYTES (20u << 20)

static const iotls_test_pki_t *pki;
static char in_path[512];

static int setup(void **state)
{
    pki = iotls_test_pki();
    if (!pki || !iotls_test_tmp_path(in_path, sizeof in_path, "echo.in"))
        return -1;
    char *data = malloc(ECHO_BYTES);
    if (!data)
        return -1;
    iotls_test_pattern_fill(data, 0, ECHO_BYTES);
    int rc = iotls_test_write_file(in_path, data, ECHO_BYTES);
    free(data);
    return rc;
}

static void echo_20_mib(bool server_half, bool client_half, bool stdin_pipe)
{
    char addr[32], out_path[512], err_path[512];
    const char *const srv_extra[] = {server_half ? "--half-duplex" : "-v", NULL};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_listen_start(NULL, NULL, srv_extra, &srv), 0);

    snprintf(addr, sizeof addr, "localhost:%u", srv.port);
    const char *argv[10] = {iotls_test_tool(), "connect", "--ca", pki->ca_pem};
    size_t n = 4;
    if (client_half)
        argv[n++] = "--half-duplex";
    argv[n++] = addr;
    argv[n] = NULL;
    iotls_test_tmp_path(out_path, sizeof out_path, "echo.out");
    iotls_test_tmp_path(err_path, sizeof err_path, "echo.err");
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int errfd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int p[2] = {-1, -1}, in;
    if (stdin_pipe) {
        assert_int_equal(pipe(p), 0);
        in = p[0];
    } else {
        in = open(in_path, O_RDONLY);
    }
    assert_true(out >= 0 && errfd >= 0 && in >= 0);
    iotls_test_spawn_t sp = {.argv = argv, .stdin_fd = in, .stdout_fd = out, .stderr_fd = errfd};
    pid_t pid = iotls_test_spawn(&sp);
    assert_true(pid > 0);
    close(in);
    close(out);
    close(errfd);
    if (stdin_pipe) {
        /* Feed the pipe from here, in pieces, while the client runs. */
        size_t len;
        char *data = iotls_test_read_file(in_path, &len);
        assert_non_null(data);
        for (size_t off = 0; off < len;) {
            ssize_t w = write(p[1], data + off, len - off < 65536 ? len - off : 65536);
            assert_true(w > 0);
            off += (size_t)w;
        }
        free(data);
        close(p[1]);
    }
    int status = 0;
    int waited = iotls_test_wait_pid(pid, 60000, &status);
    if (waited != 1)
        iotls_test_kill_reap(pid, 0);
    iotls_test_peer_stop(&srv);
    size_t len = 0, elen;
    char *got = iotls_test_read_file(out_path, &len);
    char *errtext = iotls_test_read_file(err_path, &elen);
    if (waited != 1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || len != ECHO_BYTES)
        fprintf(stderr, "connect %s after %zu bytes; stderr: %s\n",
                waited != 1 ? "HUNG (killed)" : "ended", len, errtext ? errtext : "");
    assert_int_equal(waited, 1);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(len, ECHO_BYTES);
    assert_int_equal(iotls_test_pattern_check(got, 0, len), len);
    free(got);
    free(errtext);
}

static void test_half_duplex_client(void **state)
{
    echo_20_mib(false, true, false);
}

static void test_half_duplex_server(void **state)
{
    echo_20_mib(true, false, false);
}

static void test_half_duplex_both(void **state)
{
    echo_20_mib(true, true, false);
}

static void test_half_duplex_both_stdin_pipe(void **state)
{
    echo_20_mib(true, true, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_half_duplex_client),
        cmocka_unit_test(test_half_duplex_server),
        cmocka_unit_test(test_half_duplex_both),
        cmocka_unit_test(test_half_duplex_both_stdin_pipe),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_tmpdir_teardown);
}
