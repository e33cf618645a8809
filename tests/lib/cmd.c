/* tests/lib/cmd.c — see cmd.h. */
#include "cmd.h"

#include "tmpdir.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

long long iotls_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

char **iotls_test_env_build(const char *const *extra)
{
    size_t n_env = 0, n_extra = 0;
    while (environ != NULL && environ[n_env] != NULL)
        n_env++;
    while (extra != NULL && extra[n_extra] != NULL)
        n_extra++;
    char **out = calloc(n_env + n_extra + 1, sizeof *out);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n_env; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t nlen = eq != NULL ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        int replaced = 0;
        for (size_t j = 0; j < n_extra; j++)
            if (strncmp(extra[j], environ[i], nlen) == 0 && extra[j][nlen] == '=')
                replaced = 1;
        if (!replaced)
            out[k++] = environ[i];
    }
    for (size_t j = 0; j < n_extra; j++)
        out[k++] = (char *)(uintptr_t)extra[j]; /* exec's API is not const-correct */
    out[k] = NULL;
    return out;
}

/* Child side between fork and exec: only async-signal-safe calls. */
static void child_exec(const iotls_test_spawn_t *sp, char **envp, int status_fd, pid_t parent)
{
    int err;
    int devnull = -1;
    int fds[3] = {sp->stdin_fd, sp->stdout_fd, sp->stderr_fd};

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(126);
    for (int i = 0; i < 3; i++) {
        if (fds[i] < 0) {
            if (devnull < 0)
                devnull = open("/dev/null", i == 0 ? O_RDONLY : O_RDWR);
            fds[i] = devnull;
        }
    }
    /* Move the source descriptors above 2 first so dup2 cannot clobber one
     * that is still needed. */
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0 && fds[i] <= 2) {
            int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
            if (moved < 0)
                goto fail;
            fds[i] = moved;
        }
    }
    for (int i = 0; i < 3; i++)
        if (fds[i] < 0 || dup2(fds[i], i) < 0)
            goto fail;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP)
            sigaction(s, &sa, NULL);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);

    /* Descriptors the test opened without O_CLOEXEC (e.g. a listening socket
     * of the library under test) must not leak into peers: a leaked listener
     * would keep accepting after the test closed it. */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

    if (sp->cwd != NULL && chdir(sp->cwd) != 0)
        goto fail;
    execvpe(sp->argv[0], (char *const *)(uintptr_t)sp->argv, envp);
fail:
    err = errno;
    if (write(status_fd, &err, sizeof err) < 0) {
        /* nothing more we can do */
    }
    _exit(127);
}

pid_t iotls_test_spawn(const iotls_test_spawn_t *sp)
{
    int st[2];
    if (sp == NULL || sp->argv == NULL || sp->argv[0] == NULL)
        return -1;
    char **envp = iotls_test_env_build(sp->env);
    if (envp == NULL)
        return -1;
    if (pipe2(st, O_CLOEXEC) != 0) {
        fprintf(stderr, "iotls test: pipe: %s\n", strerror(errno));
        free(envp);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "iotls test: fork: %s\n", strerror(errno));
        close(st[0]);
        close(st[1]);
        free(envp);
        return -1;
    }
    if (pid == 0) {
        close(st[0]);
        child_exec(sp, envp, st[1], parent);
    }
    close(st[1]);
    free(envp);
    int child_err = 0;
    ssize_t r;
    do {
        r = read(st[0], &child_err, sizeof child_err);
    } while (r < 0 && errno == EINTR);
    close(st[0]);
    if (r > 0) {
        /* exec failed: the child has exited with 127; reap it. */
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        fprintf(stderr, "iotls test: cannot run %s: %s\n", sp->argv[0],
                r == (ssize_t)sizeof child_err ? strerror(child_err) : "setup failed");
        return -1;
    }
    return pid;
}

int iotls_test_wait_pid(pid_t pid, int timeout_ms, int *status)
{
    long long deadline = iotls_test_now_ms() + timeout_ms;
    for (;;) {
        int stt;
        pid_t r = waitpid(pid, &stt, WNOHANG);
        if (r == pid) {
            if (status != NULL)
                *status = stt;
            return 1;
        }
        if (r < 0 && errno != EINTR)
            return -1;
        if (iotls_test_now_ms() >= deadline)
            return 0;
        sleep_ms(10);
    }
}

int iotls_test_kill_reap(pid_t pid, int grace_ms)
{
    int status = -1;
    if (pid <= 0)
        return -1;
    int r = iotls_test_wait_pid(pid, 0, &status);
    if (r != 0)
        return r == 1 ? status : -1;
    kill(pid, SIGTERM);
    r = iotls_test_wait_pid(pid, grace_ms, &status);
    if (r == 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR)
                return -1;
        }
        r = 1;
    }
    return r == 1 ? status : -1;
}

/* Growable, capped capture buffer. */
typedef struct {
    char *p;
    size_t len, cap;
} capbuf_t;

static int cap_append(capbuf_t *b, const char *data, size_t n)
{
    if (b->len + n > IOTLS_TEST_CMD_MAX_OUTPUT)
        n = IOTLS_TEST_CMD_MAX_OUTPUT - b->len;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->len + n + 1)
            nc *= 2;
        char *np = realloc(b->p, nc);
        if (np == NULL)
            return -1;
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* A reaped child's wait status into res: exit code, or the signal. */
static void result_set_status(iotls_test_result_t *res, int status)
{
    if (WIFEXITED(status)) {
        res->exited = 1;
        res->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signal = WTERMSIG(status);
    }
}

int iotls_test_run_cmd(const iotls_test_cmd_t *cmd, iotls_test_result_t *res)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    memset(res, 0, sizeof *res);
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        fprintf(stderr, "iotls test: pipe: %s\n", strerror(errno));
        for (int i = 0; i < 2; i++) {
            if (in[i] >= 0)
                close(in[i]);
            if (out[i] >= 0)
                close(out[i]);
            if (err[i] >= 0)
                close(err[i]);
        }
        return -1;
    }
    iotls_test_spawn_t sp = {cmd->argv, cmd->env, cmd->cwd, in[0], out[1], err[1]};
    pid_t pid = iotls_test_spawn(&sp);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        close(err[0]);
        return -1;
    }

    /* Writing to a child that has exited must not kill us with SIGPIPE. */
    struct sigaction ign, old;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);

    fcntl(in[1], F_SETFL, O_NONBLOCK);
    const char *inp = cmd->input;
    size_t in_left = cmd->input != NULL ? cmd->input_len : 0;
    if (in_left == 0) {
        close(in[1]);
        in[1] = -1;
    }

    capbuf_t cb[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    int fds[2] = {out[0], err[0]};
    int timeout = cmd->timeout_ms > 0 ? cmd->timeout_ms : IOTLS_TEST_CMD_TIMEOUT_MS;
    long long deadline = iotls_test_now_ms() + timeout;
    int status = 0, reaped = 0;

    while (fds[0] >= 0 || fds[1] >= 0 || in[1] >= 0) {
        long long left = deadline - iotls_test_now_ms();
        if (left <= 0) {
            res->timed_out = 1;
            break;
        }
        struct pollfd pf[3];
        int np = 0, idx[3];
        for (int i = 0; i < 2; i++) {
            if (fds[i] >= 0) {
                pf[np].fd = fds[i];
                pf[np].events = POLLIN;
                idx[np++] = i;
            }
        }
        if (in[1] >= 0) {
            pf[np].fd = in[1];
            pf[np].events = POLLOUT;
            idx[np++] = 2;
        }
        /* Once the child is reaped, only what is already in the pipes is
         * left to read: poll without waiting. */
        int pr = poll(pf, (nfds_t)np, reaped ? 0 : left > 100 ? 100 : (int)left);
        if (pr < 0 && errno != EINTR)
            break;
        for (int k = 0; pr > 0 && k < np; k++) {
            if (pf[k].revents == 0)
                continue;
            if (idx[k] == 2) {
                ssize_t w = write(in[1], inp, in_left);
                if (w > 0) {
                    inp += w;
                    in_left -= (size_t)w;
                }
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_left == 0) {
                    close(in[1]);
                    in[1] = -1;
                }
                continue;
            }
            char buf[16384];
            ssize_t r = read(fds[idx[k]], buf, sizeof buf);
            if (r > 0) {
                cap_append(&cb[idx[k]], buf, (size_t)r);
            } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(fds[idx[k]]);
                fds[idx[k]] = -1;
            }
        }
        /* A child that exited while a grandchild keeps our pipes open must
         * not make us wait for the timeout: once it is reaped, drain what is
         * already buffered and stop. The drain is a poll made after the
         * reap: the poll before it may have timed out just before the child
         * wrote its last lines and exited (a loaded machine preempting us
         * between the two), and stopping on that one lost those lines. */
        if (reaped && pr == 0)
            break;
        if (!reaped && waitpid(pid, &status, WNOHANG) == pid)
            reaped = 1;
    }
    if (!reaped) {
        if (res->timed_out) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        } else {
            /* Output closed; give it the rest of the timeout to exit. */
            long long left = deadline - iotls_test_now_ms();
            int r = iotls_test_wait_pid(pid, left > 0 ? (int)left : 0, &status);
            if (r == 0) {
                res->timed_out = 1;
                kill(pid, SIGKILL);
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                    ;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (in[1] >= 0)
        close(in[1]);
    sigaction(SIGPIPE, &old, NULL);

    for (int i = 0; i < 2; i++)
        if (cb[i].p == NULL)
            cap_append(&cb[i], "", 0);
    res->out = cb[0].p;
    res->out_len = cb[0].len;
    res->err = cb[1].p;
    res->err_len = cb[1].len;
    result_set_status(res, status);
    return 0;
}

int iotls_test_result_ok(const iotls_test_result_t *res)
{
    return res->exited && res->exit_code == 0 && !res->timed_out;
}

void iotls_test_result_free(iotls_test_result_t *res)
{
    free(res->out);
    free(res->err);
    memset(res, 0, sizeof *res);
}

void iotls_test_result_dump(const char *what, const iotls_test_result_t *res)
{
    fprintf(stderr, "---- %s: ", what != NULL ? what : "command");
    if (res->timed_out)
        fprintf(stderr, "timed out (killed)\n");
    else if (res->exited)
        fprintf(stderr, "exit code %d\n", res->exit_code);
    else
        fprintf(stderr, "killed by signal %d\n", res->signal);
    fprintf(stderr, "---- stdout (%zu bytes):\n%.*s\n", res->out_len,
            res->out_len > 8192 ? 8192 : (int)res->out_len, res->out ? res->out : "");
    fprintf(stderr, "---- stderr (%zu bytes):\n%.*s\n---- end\n", res->err_len,
            res->err_len > 8192 ? 8192 : (int)res->err_len, res->err ? res->err : "");
}

int iotls_test_have_program(const char *name)
{
    const char *path = getenv("PATH");
    if (name == NULL || name[0] == '\0')
        return 0;
    if (strchr(name, '/') != NULL)
        return access(name, X_OK) == 0;
    if (path == NULL)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path != '\0') {
        const char *end = strchr(path, ':');
        size_t dl = end != NULL ? (size_t)(end - path) : strlen(path);
        char full[4096];
        int n = snprintf(full, sizeof full, "%.*s/%s", (int)dl, dl ? path : ".", name);
        struct stat st;
        if (n > 0 && (size_t)n < sizeof full && stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
            access(full, X_OK) == 0)
            return 1;
        if (end == NULL)
            break;
        path = end + 1;
    }
    return 0;
}

/* ---- background jobs ------------------------------------------------------ */

int iotls_test_cmd_start(const iotls_test_cmd_t *cmd, iotls_test_job_t *job)
{
    static unsigned seq;
    char dir[512];
    memset(job, 0, sizeof *job);
    if (iotls_test_tmp_mkdir(dir, sizeof dir, "jobs") == NULL)
        return -1;
    seq++;
    if (!iotls_test_tmp_pathf(job->in_path, sizeof job->in_path, "jobs/job-%u.in", seq) ||
        !iotls_test_tmp_pathf(job->out_path, sizeof job->out_path, "jobs/job-%u.out", seq) ||
        !iotls_test_tmp_pathf(job->err_path, sizeof job->err_path, "jobs/job-%u.err", seq))
        return -1;
    if (iotls_test_write_file(job->in_path, cmd->input != NULL ? cmd->input : "",
                              cmd->input != NULL ? cmd->input_len : 0) != 0)
        return -1;
    int in = open(job->in_path, O_RDONLY | O_CLOEXEC);
    int out = open(job->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = open(job->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_t pid = -1;
    if (in >= 0 && out >= 0 && err >= 0) {
        iotls_test_spawn_t sp = {cmd->argv, cmd->env, cmd->cwd, in, out, err};
        pid = iotls_test_spawn(&sp);
    } else {
        fprintf(stderr, "iotls test: cannot create job files: %s\n", strerror(errno));
    }
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (err >= 0)
        close(err);
    if (pid < 0) {
        unlink(job->in_path);
        unlink(job->out_path);
        unlink(job->err_path);
        memset(job, 0, sizeof *job);
        return -1;
    }
    job->pid = pid;
    int timeout = cmd->timeout_ms > 0 ? cmd->timeout_ms : IOTLS_TEST_CMD_TIMEOUT_MS;
    job->deadline_ms = iotls_test_now_ms() + timeout;
    return 0;
}

int iotls_test_cmd_finished(iotls_test_job_t *job)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (job->pid <= 0)
        return 1;
    /* WNOWAIT: look without reaping, so cmd_wait still gets the status. */
    if (waitid(P_PID, (id_t)job->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
        return 1;
    return si.si_pid == job->pid;
}

int iotls_test_cmd_wait_stdout(iotls_test_job_t *job, const char *needle, int timeout_ms)
{
    long long deadline = iotls_test_now_ms() + timeout_ms;
    for (;;) {
        char *o = iotls_test_read_file(job->out_path, NULL);
        int found = o != NULL && strstr(o, needle) != NULL;
        free(o);
        if (found)
            return 1;
        if (iotls_test_cmd_finished(job) || iotls_test_now_ms() >= deadline)
            return 0;
        sleep_ms(10);
    }
}

int iotls_test_cmd_wait(iotls_test_job_t *job, iotls_test_result_t *res)
{
    int status = 0;
    memset(res, 0, sizeof *res);
    if (job->pid <= 0)
        return -1;
    long long left = job->deadline_ms - iotls_test_now_ms();
    int r = iotls_test_wait_pid(job->pid, left > 0 ? (int)left : 0, &status);
    if (r != 1) {
        res->timed_out = 1;
        kill(job->pid, SIGKILL);
        while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    job->pid = 0;
    res->out = iotls_test_read_file(job->out_path, &res->out_len);
    res->err = iotls_test_read_file(job->err_path, &res->err_len);
    if (res->out == NULL) {
        res->out = calloc(1, 1);
        res->out_len = 0;
    }
    if (res->err == NULL) {
        res->err = calloc(1, 1);
        res->err_len = 0;
    }
    if (!iotls_test_keep_tmp()) {
        unlink(job->in_path);
        unlink(job->out_path);
        unlink(job->err_path);
    }
    result_set_status(res, status);
    return 0;
}

const char *iotls_test_tool(void)
{
    static char path[512];
    const char *b = getenv("IOTLS_BUILD");
    snprintf(path, sizeof path, "%s/iotls", b && *b ? b : "build");
    return path;
}

int iotls_test_run_status(const char *const *argv, const char *input, iotls_test_result_t *r)
{
    iotls_test_cmd_t cmd = {
        .argv = argv, .input = input, .input_len = input ? strlen(input) : 0, .timeout_ms = 20000};
    if (iotls_test_run_cmd(&cmd, r) != 0)
        return -1;
    return r->exited ? r->exit_code : -1;
}

int iotls_test_run_setup(const char *const *argv)
{
    iotls_test_result_t r;
    int rc = iotls_test_run_status(argv, NULL, &r);
    if (rc != 0)
        iotls_test_result_dump("setup command", &r);
    iotls_test_result_free(&r);
    return rc;
}
