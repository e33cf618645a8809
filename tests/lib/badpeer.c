/* tests/lib/badpeer.c — see badpeer.h. */
#include "badpeer.h"

#include "tmpdir.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

typedef enum { BAD_GARBAGE, BAD_RESET, BAD_SILENT } bad_kind_t;

#define GARBAGE_MAX 4096
#define SILENT_MAX_CONNS 64
#define WAIT_MS 2000

static const char default_garbage[] = "HTTP/1.1 400 Bad Request\r\n\r\n";

/* ---- child side: system calls only ---------------------------------------- */

static void log_event(const char *what, long n)
{
    char line[64];
    size_t k = 0;
    while (*what != '\0' && k < 40)
        line[k++] = *what++;
    if (n >= 0) {
        char digits[24];
        size_t d = 0;
        line[k++] = ' ';
        do {
            digits[d++] = (char)('0' + n % 10);
            n /= 10;
        } while (n > 0 && d < sizeof digits);
        while (d > 0)
            line[k++] = digits[--d];
    }
    line[k++] = '\n';
    if (write(STDOUT_FILENO, line, k) < 0) {
        /* the log is best effort */
    }
}

/* Waits for readability up to ms; then one read. Returns bytes read, 0 on
 * EOF or timeout, -1 on error. */
static ssize_t read_within(int fd, char *buf, size_t n, int ms)
{
    struct pollfd pf = {fd, POLLIN, 0};
    int r;
    do {
        r = poll(&pf, 1, ms);
    } while (r < 0 && errno == EINTR);
    if (r <= 0)
        return r;
    ssize_t got;
    do {
        got = read(fd, buf, n);
    } while (got < 0 && errno == EINTR);
    return got;
}

static void serve_garbage(int c, const char *garbage, size_t glen)
{
    char buf[4096];
    ssize_t r = read_within(c, buf, sizeof buf, WAIT_MS);
    log_event("read", r < 0 ? 0 : (long)r);
    size_t off = 0;
    while (off < glen) {
        ssize_t w = send(c, garbage + off, glen - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    log_event("wrote", (long)off);
    shutdown(c, SHUT_WR);
    /* Drain until the client closes so our close() sends FIN, not RST
     * (unread data at close would reset the connection). */
    while (read_within(c, buf, sizeof buf, WAIT_MS) > 0)
        ;
    log_event("close", -1);
}

static void serve_reset(int c)
{
    char buf[5];
    size_t got = 0;
    while (got < sizeof buf) {
        ssize_t r = read_within(c, buf + got, sizeof buf - got, WAIT_MS);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    log_event("read", (long)got);
    struct linger lg = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    log_event("reset", -1);
}

static void serve_silent(int ls)
{
    struct pollfd pf[1 + SILENT_MAX_CONNS];
    int nconn = 0;
    pf[0].fd = ls;
    pf[0].events = POLLIN;
    for (;;) {
        int r = poll(pf, (nfds_t)(1 + nconn), -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            _exit(1);
        for (int i = 1; i <= nconn; i++) {
            if (pf[i].revents == 0)
                continue;
            char buf[4096];
            ssize_t got = read(pf[i].fd, buf, sizeof buf);
            if (got > 0) {
                log_event("read", (long)got);
                continue;
            }
            if (got < 0 && errno == EINTR)
                continue;
            close(pf[i].fd);
            log_event("close", -1);
            pf[i] = pf[nconn--];
            i--;
        }
        if ((pf[0].revents & POLLIN) && nconn < SILENT_MAX_CONNS) {
            int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                log_event("accept", -1);
                nconn++;
                pf[nconn].fd = c;
                pf[nconn].events = POLLIN;
                pf[nconn].revents = 0;
            }
        }
    }
}

static void child_main(int ls, int log_fd, bad_kind_t kind, const char *garbage, size_t glen,
                       pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(1);
    /* Keep only stdin (/dev/null), stdout+stderr (the log) and the listener
     * (fd 3). Without an exec nothing else is closed for us, and an inherited
     * copy of one of the test's own sockets would keep that connection open
     * after the test closed it. */
    int hl = fcntl(ls, F_DUPFD, 10);
    int hlog = fcntl(log_fd, F_DUPFD, 10);
    int devnull = open("/dev/null", O_RDWR);
    if (hl < 0 || hlog < 0 || devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
        dup2(hlog, STDOUT_FILENO) < 0 || dup2(hlog, STDERR_FILENO) < 0 || dup2(hl, 3) < 0)
        _exit(1);
    ls = 3;
    if (close_range(4, ~0U, 0) != 0) {
        for (int fd = 4; fd < 1024; fd++)
            close(fd);
    }
    /* Default signal handling, so SIGTERM from peer_stop ends us even if
     * the test installed handlers. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (kind == BAD_SILENT)
        serve_silent(ls);
    for (;;) {
        int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            _exit(1);
        }
        log_event("accept", -1);
        if (kind == BAD_GARBAGE)
            serve_garbage(c, garbage, glen);
        else
            serve_reset(c);
        close(c);
    }
}

/* ---- parent side ----------------------------------------------------------- */

static int start(bad_kind_t kind, const char *name, const void *bytes, size_t len,
                 iotls_test_peer_t *p)
{
    char garbage[GARBAGE_MAX];

    memset(p, 0, sizeof *p);
    p->stdin_fd = -1;
    snprintf(p->name, sizeof p->name, "%s", name);
    if (bytes == NULL) {
        bytes = default_garbage;
        len = sizeof default_garbage - 1;
    }
    if (len > sizeof garbage) {
        fprintf(stderr, "iotls test: garbage longer than %d bytes\n", GARBAGE_MAX);
        return -1;
    }
    memcpy(garbage, bytes, len);

    if (iotls_test_peer_log_paths(p) != 0 || iotls_test_write_file(p->err_path, "", 0) != 0)
        return -1;

    int log_fd = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    if (log_fd < 0 || ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(ls, 16) != 0 || getsockname(ls, (struct sockaddr *)&sa, &sl) != 0) {
        fprintf(stderr, "iotls test %s: setup failed: %s\n", name, strerror(errno));
        if (log_fd >= 0)
            close(log_fd);
        if (ls >= 0)
            close(ls);
        return -1;
    }
    p->port = ntohs(sa.sin_port);

    /* Flush stdio so buffered output is not written twice by the child. */
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "iotls test %s: fork: %s\n", name, strerror(errno));
        close(log_fd);
        close(ls);
        return -1;
    }
    if (pid == 0) {
        child_main(ls, log_fd, kind, garbage, len, parent);
        _exit(0);
    }
    close(log_fd);
    close(ls);
    p->pid = pid;
    return 0;
}

int iotls_test_garbage_server_start(const void *bytes, size_t len, iotls_test_peer_t *p)
{
    return start(BAD_GARBAGE, "garbage_server", bytes, len, p);
}

int iotls_test_reset_server_start(iotls_test_peer_t *p)
{
    return start(BAD_RESET, "reset_server", NULL, 0, p);
}

int iotls_test_silent_server_start(iotls_test_peer_t *p)
{
    return start(BAD_SILENT, "silent_server", NULL, 0, p);
}
