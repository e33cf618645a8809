/* tests/lib/peer.c — see peer.h. */
#include "peer.h"

#include "pattern.h"
#include "tmpdir.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- generic peers ------------------------------------------------------ */

const char *iotls_test_https_url(uint16_t port, const char *path)
{
    static char bufs[8][4096];
    static int next;
    char *u = bufs[next++ % 8];
    snprintf(u, sizeof bufs[0], "https://localhost:%u%s", port, path);
    return u;
}

/* 127.0.0.1:port (0: any port, for bind). */
static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sa;
}

static int try_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in sa = loopback(port);
    int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

int iotls_test_port_open(uint16_t port, int timeout_ms)
{
    long long deadline = iotls_test_now_ms() + timeout_ms;
    for (;;) {
        if (try_connect(port))
            return 1;
        if (iotls_test_now_ms() >= deadline)
            return 0;
        sleep_ms(20);
    }
}

int iotls_test_peer_alive(iotls_test_peer_t *p)
{
    if (p->pid <= 0 || p->exited)
        return 0;
    int st;
    pid_t r = waitpid(p->pid, &st, WNOHANG);
    if (r == p->pid) {
        p->exited = 1;
        p->status = st;
        return 0;
    }
    return r == 0;
}

char *iotls_test_peer_stdout(const iotls_test_peer_t *p, size_t *len)
{
    return iotls_test_read_file(p->out_path, len);
}

char *iotls_test_peer_stderr(const iotls_test_peer_t *p, size_t *len)
{
    return iotls_test_read_file(p->err_path, len);
}

void iotls_test_peer_dump(const iotls_test_peer_t *p)
{
    size_t ol = 0, el = 0;
    char *o = iotls_test_peer_stdout(p, &ol);
    char *e = iotls_test_peer_stderr(p, &el);
    fprintf(stderr, "---- peer %s (pid %ld, port %u) stdout (%zu bytes):\n%.*s\n", p->name,
            (long)p->pid, p->port, ol, ol > 8192 ? 8192 : (int)ol, o ? o : "");
    fprintf(stderr, "---- peer %s stderr (%zu bytes):\n%.*s\n---- end\n", p->name, el,
            el > 8192 ? 8192 : (int)el, e ? e : "");
    free(o);
    free(e);
}

static size_t occurrences(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *q = text; (q = strstr(q, needle)) != NULL; q++)
        n++;
    return n;
}

/* Waits until the peer's stdout (or stderr) holds needle `count` times
 * and ends a line. */
static int wait_output(iotls_test_peer_t *p, bool err, const char *needle, size_t count,
                       int timeout_ms)
{
    long long deadline = iotls_test_now_ms() + timeout_ms;
    for (;;) {
        char *o = err ? iotls_test_peer_stderr(p, NULL) : iotls_test_peer_stdout(p, NULL);
        size_t len = o ? strlen(o) : 0;
        int found = o != NULL && occurrences(o, needle) >= count &&
                    (err ? len > 0 && o[len - 1] == '\n' : 1);
        free(o);
        if (found)
            return 1;
        if (!iotls_test_peer_alive(p) || iotls_test_now_ms() >= deadline)
            return 0;
        sleep_ms(20);
    }
}

int iotls_test_peer_wait_stdout(iotls_test_peer_t *p, const char *needle, int timeout_ms)
{
    return wait_output(p, false, needle, 1, timeout_ms);
}

int iotls_test_peer_wait_stderr(iotls_test_peer_t *p, const char *needle, size_t count,
                                int timeout_ms)
{
    return wait_output(p, true, needle, count, timeout_ms);
}

int iotls_test_peer_write_stdin(iotls_test_peer_t *p, const void *data, size_t len)
{
    if (p->stdin_fd < 0)
        return -1;
    struct sigaction ign, old;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    const char *d = data;
    int rc = 0;
    while (len > 0) {
        ssize_t w = write(p->stdin_fd, d, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = -1;
            break;
        }
        d += w;
        len -= (size_t)w;
    }
    sigaction(SIGPIPE, &old, NULL);
    return rc;
}

void iotls_test_peer_close_stdin(iotls_test_peer_t *p)
{
    if (p->stdin_fd >= 0) {
        close(p->stdin_fd);
        p->stdin_fd = -1;
    }
}

int iotls_test_peer_stop(iotls_test_peer_t *p)
{
    if (p == NULL)
        return -1;
    if (p->stdin_fd >= 0) {
        close(p->stdin_fd);
        p->stdin_fd = -1;
    }
    if (p->pid <= 0)
        return -1;
    if (!p->exited) {
        p->status = iotls_test_kill_reap(p->pid, 2000);
        p->exited = 1;
    }
    p->pid = 0;
    return p->status;
}

/* Finds a complete line starting with `prefix` and ending in ":<port>" in
 * text. 1 found, 0 not (yet). */
static int port_in_lines(char *text, const char *prefix, uint16_t *port)
{
    size_t plen = strlen(prefix);
    for (char *line = text; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl == NULL)
            return 0; /* incomplete last line: wait for the rest */
        *nl = '\0';
        if (strncmp(line, prefix, plen) == 0) {
            char *colon = strrchr(line, ':');
            char *end = NULL;
            long v = colon != NULL ? strtol(colon + 1, &end, 10) : 0;
            if (end != NULL && (*end == '\0' || *end == '\r') && v > 0 && v < 65536) {
                *port = (uint16_t)v;
                return 1;
            }
        }
        line = nl + 1;
    }
    return 0;
}

/* Reads the port from the peer's "<prefix><host>:<port>" line, on stdout
 * or stderr ("ACCEPT " when prefix is NULL). 1 found, 0 not yet. */
static int parse_accept(const iotls_test_peer_t *p, const char *prefix, uint16_t *port)
{
    if (prefix == NULL)
        prefix = "ACCEPT ";
    int found = 0;
    for (int err = 0; err < 2 && !found; err++) {
        char *o = err ? iotls_test_peer_stderr(p, NULL) : iotls_test_peer_stdout(p, NULL);
        if (o != NULL)
            found = port_in_lines(o, prefix, port);
        free(o);
    }
    return found;
}

int iotls_test_peer_log_paths(iotls_test_peer_t *p)
{
    static unsigned seq;
    char dir[IOTLS_TEST_PEER_PATH];
    if (iotls_test_tmp_mkdir(dir, sizeof dir, "peers") == NULL)
        return -1;
    seq++;
    if (!iotls_test_tmp_pathf(p->out_path, sizeof p->out_path, "peers/%s-%u.out", p->name, seq) ||
        !iotls_test_tmp_pathf(p->err_path, sizeof p->err_path, "peers/%s-%u.err", p->name, seq))
        return -1;
    return 0;
}

int iotls_test_peer_start(const iotls_test_peer_spec_t *spec, iotls_test_peer_t *p)
{
    int in[2];

    memset(p, 0, sizeof *p);
    p->stdin_fd = -1;
    snprintf(p->name, sizeof p->name, "%s", spec->name != NULL ? spec->name : "peer");
    if (iotls_test_peer_log_paths(p) != 0)
        return -1;

    int ofd = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int efd = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (ofd < 0 || efd < 0 || pipe2(in, O_CLOEXEC) != 0) {
        fprintf(stderr, "iotls test peer %s: cannot create log files or pipe: %s\n", p->name,
                strerror(errno));
        if (ofd >= 0)
            close(ofd);
        if (efd >= 0)
            close(efd);
        return -1;
    }
    iotls_test_spawn_t sp = {spec->argv, spec->env, spec->cwd, in[0], ofd, efd};
    pid_t pid = iotls_test_spawn(&sp);
    close(in[0]);
    close(ofd);
    close(efd);
    if (pid < 0) {
        close(in[1]);
        return -1;
    }
    p->pid = pid;
    p->stdin_fd = in[1];

    int timeout = spec->ready_timeout_ms > 0 ? spec->ready_timeout_ms : IOTLS_TEST_PEER_READY_MS;
    long long deadline = iotls_test_now_ms() + timeout;
    for (;;) {
        if (spec->port != 0) {
            if (try_connect(spec->port)) {
                p->port = spec->port;
                /* The connect may have reached a stranger on a racy port:
                 * make sure our peer is still the one alive. */
                if (iotls_test_peer_alive(p))
                    return 0;
            }
        } else if (parse_accept(p, spec->port_line, &p->port)) {
            return 0;
        }
        if (!iotls_test_peer_alive(p)) {
            fprintf(stderr, "iotls test peer %s: pid %ld exited before listening (status 0x%x)\n",
                    p->name, (long)p->pid, (unsigned)p->status);
            break;
        }
        if (iotls_test_now_ms() >= deadline) {
            fprintf(stderr, "iotls test peer %s: pid %ld not listening after %d ms\n", p->name,
                    (long)p->pid, timeout);
            break;
        }
        sleep_ms(20);
    }
    fprintf(stderr, "iotls test peer %s: command:", p->name);
    for (size_t i = 0; spec->argv[i] != NULL; i++)
        fprintf(stderr, " %s", spec->argv[i]);
    fputc('\n', stderr);
    iotls_test_peer_stop(p);
    iotls_test_peer_dump(p);
    return -1;
}

/* ---- s_server ------------------------------------------------------------ */

const char *iotls_test_www_dir(void)
{
    static char dir[IOTLS_TEST_PEER_PATH];
    char path[IOTLS_TEST_PEER_PATH + 32];
    struct stat st;
    if (dir[0] != '\0' && stat(dir, &st) == 0)
        return dir;
    if (iotls_test_tmp_mkdir(dir, sizeof dir, "www") == NULL)
        return NULL;
    char *buf = malloc(IOTLS_TEST_WWW_FILE_SIZE);
    if (buf == NULL)
        return NULL;
    iotls_test_pattern_fill(buf, 0, IOTLS_TEST_WWW_FILE_SIZE);
    snprintf(path, sizeof path, "%s%s", dir, IOTLS_TEST_WWW_FILE);
    int rc = iotls_test_write_file(path, buf, IOTLS_TEST_WWW_FILE_SIZE);
    free(buf);
    static const char hello[] = "hello from s_server\n";
    snprintf(path, sizeof path, "%s/hello.txt", dir);
    if (rc != 0 || iotls_test_write_file(path, hello, sizeof hello - 1) != 0) {
        dir[0] = '\0';
        return NULL;
    }
    return dir;
}

/* Appends a NULL-terminated list to argv; -1 when it does not fit. */
static int add_args(const char **argv, size_t *n, const char *const *more)
{
    for (size_t i = 0; more != NULL && more[i] != NULL; i++) {
        if (*n + 1 >= MAX_ARGS)
            return -1;
        argv[(*n)++] = more[i];
    }
    argv[*n] = NULL;
    return 0;
}

#define ADD(...)                                                                                   \
    do {                                                                                           \
        const char *const more_[] = {__VA_ARGS__, NULL};                                           \
        if (add_args(argv, &n, more_) != 0) {                                                      \
            fprintf(stderr, "iotls test: too many arguments\n");                                   \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

int iotls_test_s_server_start(const iotls_test_s_server_opts_t *o, iotls_test_peer_t *p)
{
    static const iotls_test_s_server_opts_t defaults;
    const char *argv[MAX_ARGS];
    size_t n = 0;
    const char *cwd = NULL;

    memset(p, 0, sizeof *p);
    p->stdin_fd = -1;
    if (o == NULL)
        o = &defaults;
    const iotls_test_pki_t *pki = iotls_test_pki();
    if (pki == NULL)
        return -1;
    const iotls_test_cred_t *cred = o->cred != NULL ? o->cred : &pki->server_ec;

    ADD("openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", cred->cert, "-key", cred->key);
    if (cred->inter != NULL)
        ADD("-cert_chain", cred->inter);
    if (o->verify_client)
        ADD("-Verify", "1", "-verify_return_error", "-CAfile",
            o->ca_file != NULL ? o->ca_file : pki->ca_pem);
    else if (o->ca_file != NULL)
        ADD("-CAfile", o->ca_file);
    switch (o->mode) {
    case IOTLS_TEST_S_SERVER_WWW:
        cwd = iotls_test_www_dir();
        if (cwd == NULL)
            return -1;
        ADD("-WWW");
        break;
    case IOTLS_TEST_S_SERVER_STATUS: ADD("-www"); break;
    case IOTLS_TEST_S_SERVER_REV: ADD("-rev"); break;
    case IOTLS_TEST_S_SERVER_STDIO: break;
    }
    if (add_args(argv, &n, o->extra) != 0)
        return -1;

    iotls_test_peer_spec_t spec = {"s_server", argv, NULL, cwd, 0, 0, NULL};
    return iotls_test_peer_start(&spec, p);
}

/* ---- s_client ------------------------------------------------------------ */

/* Runs s_client in the foreground (res) or the background (job). */
static int s_client(const iotls_test_s_client_opts_t *o, iotls_test_result_t *res,
                    iotls_test_job_t *job)
{
    const char *argv[MAX_ARGS];
    size_t n = 0;
    char connect[32], mfl[16];

    snprintf(connect, sizeof connect, "127.0.0.1:%u", o->port);
    ADD("openssl", "s_client", "-connect", connect);
    if (o->ca_file != NULL)
        ADD("-CAfile", o->ca_file, "-verify_return_error");
    if (o->verify_host != NULL)
        ADD("-verify_hostname", o->verify_host);
    if (o->servername != NULL)
        ADD("-servername", o->servername);
    if (o->cert != NULL)
        ADD("-cert", o->cert);
    if (o->key != NULL)
        ADD("-key", o->key);
    if (o->cert_chain != NULL)
        ADD("-cert_chain", o->cert_chain);
    if (o->maxfraglen != 0) {
        snprintf(mfl, sizeof mfl, "%d", o->maxfraglen);
        ADD("-maxfraglen", mfl);
    }
    if (o->verbose)
        ADD("-msg", "-tlsextdebug");
    if (!o->close_at_eof)
        ADD(o->verbose ? "-ign_eof" : "-quiet");
    if (add_args(argv, &n, o->extra) != 0)
        return -1;

    iotls_test_cmd_t c = {argv, NULL, NULL, o->input, o->input_len, o->timeout_ms};
    return res != NULL ? iotls_test_run_cmd(&c, res) : iotls_test_cmd_start(&c, job);
}

int iotls_test_s_client_run(const iotls_test_s_client_opts_t *o, iotls_test_result_t *res)
{
    memset(res, 0, sizeof *res);
    return s_client(o, res, NULL);
}

int iotls_test_s_client_start(const iotls_test_s_client_opts_t *o, iotls_test_job_t *job)
{
    memset(job, 0, sizeof *job);
    return s_client(o, NULL, job);
}

long iotls_test_s_client_max_record(const char *out, int content_type)
{
    long best = -1;
    const char *s = out;
    while (s != NULL && (s = strstr(s, "<<< ")) != NULL) {
        const char *eol = strchr(s, '\n');
        if (eol == NULL)
            break;
        const char *hdr = strstr(s, "RecordHeader");
        if (hdr != NULL && hdr < eol) {
            unsigned b[5];
            if (sscanf(eol + 1, " %x %x %x %x %x", &b[0], &b[1], &b[2], &b[3], &b[4]) == 5 &&
                (int)b[0] == content_type) {
                long len = (long)(b[3] << 8 | b[4]);
                if (len > best)
                    best = len;
            }
        }
        s = eol + 1;
    }
    return best;
}

/* ---- curl ------------------------------------------------------------------ */

static int curl(const char *const *args, int timeout_ms, iotls_test_result_t *res,
                iotls_test_job_t *job)
{
    const char *argv[MAX_ARGS];
    size_t n = 0;
    /* -q must come first to skip ~/.curlrc. */
    ADD("curl", "-q", "--noproxy", "*");
    if (add_args(argv, &n, args) != 0)
        return -1;
    iotls_test_cmd_t c = {argv, NULL, NULL, NULL, 0, timeout_ms};
    return res != NULL ? iotls_test_run_cmd(&c, res) : iotls_test_cmd_start(&c, job);
}

int iotls_test_curl_run(const char *const *args, int timeout_ms, iotls_test_result_t *res)
{
    memset(res, 0, sizeof *res);
    return curl(args, timeout_ms, res, NULL);
}

int iotls_test_curl_start(const char *const *args, int timeout_ms, iotls_test_job_t *job)
{
    memset(job, 0, sizeof *job);
    return curl(args, timeout_ms, NULL, job);
}

/* ---- Go peers ------------------------------------------------------------- */

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : dflt;
}

/* Makes an absolute version of path (relative to our cwd). */
static int absolute(char *out, size_t n, const char *path)
{
    if (path[0] == '/') {
        int w = snprintf(out, n, "%s", path);
        return (w > 0 && (size_t)w < n) ? 0 : -1;
    }
    char cwd[IOTLS_TEST_PEER_PATH];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return -1;
    int w = snprintf(out, n, "%s/%s", cwd, path);
    return (w > 0 && (size_t)w < n) ? 0 : -1;
}

static int mkdir_p(const char *path)
{
    char buf[IOTLS_TEST_PEER_PATH];
    int w = snprintf(buf, sizeof buf, "%s", path);
    if (w <= 0 || (size_t)w >= sizeof buf)
        return -1;
    for (char *s = buf + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char saved = *s;
            *s = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            *s = saved;
            if (saved == '\0')
                break;
        }
    }
    return 0;
}

int iotls_test_go_build(const char *name, char *out, size_t n)
{
    char src[IOTLS_TEST_PEER_PATH], rel[IOTLS_TEST_PEER_PATH], dir[IOTLS_TEST_PEER_PATH];
    char tmp_out[IOTLS_TEST_PEER_PATH + 16];
    char env_cache[IOTLS_TEST_PEER_PATH + 16], env_path[IOTLS_TEST_PEER_PATH + 16];
    struct stat ss, bs;

    if (!iotls_test_have_program("go"))
        return 1;
    int w = snprintf(rel, sizeof rel, "%s/tests/peers/%s.go", env_or("IOTLS_SRCDIR", "."), name);
    if (w <= 0 || (size_t)w >= sizeof rel || absolute(src, sizeof src, rel) != 0)
        return -1;
    w = snprintf(rel, sizeof rel, "%s/peers", env_or("IOTLS_BUILD", "build"));
    if (w <= 0 || (size_t)w >= sizeof rel || absolute(dir, sizeof dir, rel) != 0)
        return -1;
    w = snprintf(out, n, "%s/%s", dir, name);
    if (w <= 0 || (size_t)w >= n)
        return -1;
    if (stat(src, &ss) != 0) {
        fprintf(stderr, "iotls test: Go peer source %s: %s\n", src, strerror(errno));
        return -1;
    }
    /* Up to date: skip the build (a second test program reuses it). */
    if (stat(out, &bs) == 0 && bs.st_mtime >= ss.st_mtime && (bs.st_mode & S_IXUSR))
        return 0;
    if (mkdir_p(dir) != 0) {
        fprintf(stderr, "iotls test: cannot create %s\n", dir);
        return -1;
    }
    /* Build under a private name, then rename: two test programs building
     * at once never run a half-written binary. */
    snprintf(tmp_out, sizeof tmp_out, "%s.%ld", out, (long)getpid());
    snprintf(env_cache, sizeof env_cache, "GOCACHE=%s/gocache", dir);
    snprintf(env_path, sizeof env_path, "GOPATH=%s/gopath", dir);
    const char *env[] = {env_cache,  env_path,      "GO111MODULE=off", "CGO_ENABLED=0",
                         "GOFLAGS=", "GOPROXY=off", "GOENV=off",       NULL};
    const char *argv[] = {"go", "build", "-o", tmp_out, src, NULL};
    iotls_test_cmd_t c = {argv, env, dir, NULL, 0, 120000};
    iotls_test_result_t r;
    if (iotls_test_run_cmd(&c, &r) != 0)
        return -1;
    int ok = iotls_test_result_ok(&r);
    if (!ok)
        iotls_test_result_dump("go build", &r);
    iotls_test_result_free(&r);
    if (ok && rename(tmp_out, out) != 0) {
        fprintf(stderr, "iotls test: rename %s: %s\n", tmp_out, strerror(errno));
        ok = 0;
    }
    if (!ok)
        unlink(tmp_out);
    return ok ? 0 : -1;
}

int iotls_test_mfl_ignoring_server_start(const iotls_test_cred_t *cred, iotls_test_peer_t *p)
{
    char bin[IOTLS_TEST_PEER_PATH];
    memset(p, 0, sizeof *p);
    p->stdin_fd = -1;
    int rc = iotls_test_go_build("mfl_ignoring_server", bin, sizeof bin);
    if (rc != 0)
        return rc;
    if (cred == NULL) {
        const iotls_test_pki_t *pki = iotls_test_pki();
        if (pki == NULL)
            return -1;
        cred = &pki->server_ec;
    }
    const char *argv[] = {bin, "0", cred->chain, cred->key, NULL};
    iotls_test_peer_spec_t spec = {"mfl_ignoring_server", argv, NULL, NULL, 0, 0, NULL};
    return iotls_test_peer_start(&spec, p);
}

int iotls_test_listen_start(const char *chain, const char *key, const char *const *extra,
                            iotls_test_peer_t *p)
{
    if (chain == NULL) {
        const iotls_test_pki_t *pki = iotls_test_pki();
        if (pki == NULL)
            return -1;
        chain = pki->server_ec.chain;
        key = pki->server_ec.key;
    }
    /* Port 0: the listener picks a free port and says which ("listening
     * on 127.0.0.1:PORT" on stderr), so no other program can take it
     * between our choice and its bind. */
    const char *argv[24] = {iotls_test_tool(), "listen", "--cert", chain, "--key", key};
    size_t n = 6;
    for (size_t i = 0; extra && extra[i] && n < 22; i++)
        argv[n++] = extra[i];
    argv[n++] = "127.0.0.1:0";
    argv[n] = NULL;
    iotls_test_peer_spec_t spec = {
        .name = "iotls-listen", .argv = argv, .port_line = "listening on "};
    return iotls_test_peer_start(&spec, p);
}
