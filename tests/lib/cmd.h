/*
 * tests/lib/cmd.h — run a program to completion, without a shell.
 *
 * fork + execvpe: arguments are passed as they are (no quoting, no shell
 * injection from paths). The child gets the given stdin bytes (then EOF), its
 * stdout and stderr are collected in memory, and it is killed (SIGKILL) and
 * reaped if it outlives the timeout. Every child is reaped before return.
 */
#ifndef IOTLS_TEST_CMD_H
#define IOTLS_TEST_CMD_H

#include <stddef.h>
#include <sys/types.h>

#define IOTLS_TEST_CMD_TIMEOUT_MS 10000       /* used when timeout_ms is 0 */
#define IOTLS_TEST_CMD_MAX_OUTPUT (16u << 20) /* per stream; excess is dropped */

typedef struct {
    const char *const *argv; /* NULL-terminated; argv[0] is looked up in PATH */
    const char *const *env;  /* extra "NAME=value" entries added to (or
                                 replacing in) the inherited environment,
                                 NULL-terminated; NULL for none */
    const char *cwd;         /* working directory of the child, NULL = ours */
    const void *input;       /* bytes written to the child's stdin, then EOF */
    size_t input_len;
    int timeout_ms; /* 0 = IOTLS_TEST_CMD_TIMEOUT_MS */
} iotls_test_cmd_t;

typedef struct {
    int exited; /* 1: exited normally, exit_code is valid */
    int exit_code;
    int signal;    /* signal that ended it, when !exited (SIGKILL on timeout) */
    int timed_out; /* 1: we killed it because of the timeout */
    char *out;     /* stdout, NUL-terminated (never NULL after success) */
    size_t out_len;
    char *err; /* stderr, NUL-terminated (never NULL after success) */
    size_t err_len;
} iotls_test_result_t;

/* Runs cmd and fills *res. Returns 0 when the program ran, whatever its exit
 * status (check res); -1 when it could not be started (pipe/fork failure, or
 * exec failure such as "program not found"): a message is printed on stderr
 * and *res is left zeroed. Free res with iotls_test_result_free either way. */
int iotls_test_run_cmd(const iotls_test_cmd_t *cmd, iotls_test_result_t *res);

/* The same, in the background: for a client (s_client, curl) that must run
 * while the test process itself serves, e.g. an in-process iotls server. The
 * input is staged in a file that becomes the child's stdin; stdout and stderr
 * go to files in the temp dir (tmpdir.h), readable while it runs. */
typedef struct {
    pid_t pid;             /* 0 once waited for */
    long long deadline_ms; /* iotls_test_now_ms() value of the timeout */
    char in_path[512], out_path[512], err_path[512];
} iotls_test_job_t;

/* Starts cmd (its timeout counts from now). 0 or -1 (message on stderr). */
int iotls_test_cmd_start(const iotls_test_cmd_t *cmd, iotls_test_job_t *job);

/* 1 when the job's program has exited (it is then reaped by cmd_wait), 0
 * while it runs. Never blocks. */
int iotls_test_cmd_finished(iotls_test_job_t *job);

/* Waits until the job's stdout contains needle: 1, or 0 when it exited or
 * timeout_ms passed first. */
int iotls_test_cmd_wait_stdout(iotls_test_job_t *job, const char *needle, int timeout_ms);

/* Waits for the program to exit, killing it (SIGKILL) at the job's deadline;
 * reaps it, fills *res like iotls_test_run_cmd, removes the job's files.
 * Returns 0, or -1 if job was not running. */
int iotls_test_cmd_wait(iotls_test_job_t *job, iotls_test_result_t *res);

/* Runs argv to completion (at most 20 s) with `input` (a string, or NULL)
 * on stdin, output in *r (free it either way). Its exit status, or -1 when
 * it could not start or did not exit normally. */
int iotls_test_run_status(const char *const *argv, const char *input, iotls_test_result_t *r);

/* A setup step: iotls_test_run_status without input, whose output is
 * printed only when the status is not 0. Returns the status. */
int iotls_test_run_setup(const char *const *argv);

/* 1 when the program exited normally with status 0. */
int iotls_test_result_ok(const iotls_test_result_t *res);

void iotls_test_result_free(iotls_test_result_t *res);

/* Prints argv, status, stdout and stderr of a finished command on stderr
 * (for failing tests). */
void iotls_test_result_dump(const char *what, const iotls_test_result_t *res);

/* In a cmocka test (expand it after <cmocka.h>): unless cond holds, print
 * the command's result (iotls_test_result_dump) and fail naming cond. */
#define IOTLS_TEST_CHECK(res, cond)                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            iotls_test_result_dump(#cond, (res));                                                  \
            fail_msg("%s", #cond);                                                                 \
        }                                                                                          \
    } while (0)

/* 1 when name is an executable found in PATH (e.g. "go", "curl"). */
int iotls_test_have_program(const char *name);

/* Path of the built iotls tool: $IOTLS_BUILD/iotls (default build/iotls). */
const char *iotls_test_tool(void);

/* Lower level, shared with peer.c: start argv with stdin/stdout/stderr
 * connected to the given descriptors (-1 = /dev/null), in cwd (NULL = ours),
 * with env added to the environment. The child is killed when this thread of
 * the test process dies (PR_SET_PDEATHSIG), so a crashing test leaves no
 * peers behind. Returns the child's PID, or -1 (with a message on stderr) when
 * fork or exec failed; an exec failure is detected before return. */
typedef struct {
    const char *const *argv;
    const char *const *env;
    const char *cwd;
    int stdin_fd, stdout_fd, stderr_fd;
} iotls_test_spawn_t;
pid_t iotls_test_spawn(const iotls_test_spawn_t *sp);

/* Waits up to timeout_ms for pid to exit; stores its wait status. Returns 1
 * when it was reaped, 0 on timeout (still running), -1 on error. */
int iotls_test_wait_pid(pid_t pid, int timeout_ms, int *status);

/* Stops pid: SIGTERM, up to grace_ms for it to exit, then SIGKILL; always
 * reaps it. Returns its wait status (or -1 if it was not our child). */
int iotls_test_kill_reap(pid_t pid, int grace_ms);

/* Builds a NULL-terminated environment array: environ with the entries of
 * extra (NAME=value) added or replacing. Returns a malloc'd array of pointers
 * into environ/extra (free the array only), NULL on allocation failure. Used
 * before fork so the child does not allocate. */
char **iotls_test_env_build(const char *const *extra);

/* Milliseconds from a monotonic clock. */
long long iotls_test_now_ms(void);

#endif
