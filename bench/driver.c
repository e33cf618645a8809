/*
 * driver — one client program per TLS stack (linked with stack_<name>.c),
 * measuring the same things the same way against an `openssl s_server`
 * on 127.0.0.1. Each run prints one line of key=value pairs for
 * scripts/bench-run.sh to turn into tables.
 *
 *   bench-<stack> --port P --ca CA.pem --mode MODE [options]
 *     hs      COUNT full handshakes, each fetching /PATH (s_server -WWW)
 *     resume  one full handshake, then COUNT resumed ones
 *     mem     heap of one connection (run under LD_PRELOAD=malloc_count.so)
 *     stack   peak stack of one connection on a painted thread
 *     cg      one handshake inside bench_cg_connection() for callgrind
 *     down    fetch /PATH and report MB/s
 *     up      send BYTES to a sink s_server and report MB/s
 *     hold    1 + COUNT connections kept open until SIGTERM (server load);
 *             with --resume all but the first resume its session
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"

struct opts {
    const char *ip, *host, *ca, *mode, *path;
    unsigned port;
    size_t buffer, bytes;
    unsigned count;
    bool resume;
};

static struct opts o = {"127.0.0.1", "localhost", NULL, "hs", "/small", 0, 0, 1 << 20, 20, false};

static void die(const char *what)
{
    fprintf(stderr, "bench-%s: %s failed\n", bench_stack.name, what);
    exit(1);
}

/* The HTTP/1.0 request s_server -WWW answers with the file and a close. */
static void request(bench_conn_t *c)
{
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\n\r\n", o.path);
    if (n < 0 || (size_t)n >= sizeof req || bench_stack.write_all(c, req, (size_t)n) < 0)
        die("request");
}

static size_t drain(bench_conn_t *c)
{
    static unsigned char buf[16384];
    size_t total = 0;
    for (;;) {
        long n = bench_stack.read(c, buf, sizeof buf);
        if (n < 0)
            die("read");
        if (n == 0)
            return total;
        total += (size_t)n;
    }
}

/* One whole connection: connect, handshake, fetch, close. Times in *hs_s. */
static size_t connection(double *hs_s, bool resume)
{
    double t0 = bench_now();
    int fd = bench_tcp_connect(o.ip, o.port);
    if (fd < 0)
        die("connect");
    bench_conn_t *c = bench_stack.open(fd, o.host, resume);
    if (!c || bench_stack.handshake(c) < 0)
        die("handshake");
    if (hs_s)
        *hs_s = bench_now() - t0;
    if (bench_stack.save_session && !resume)
        bench_stack.save_session(c);
    if (resume && bench_stack.resumed && !bench_stack.resumed(c))
        die("resumption (server did not resume)");
    request(c);
    size_t got = drain(c);
    bench_stack.close(c);
    bench_stack.free(c);
    close(fd);
    return got;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void mode_hs(bool resume)
{
    if (resume && !bench_stack.save_session) {
        printf("stack=%s mode=resume buffer=%zu na=1\n", bench_stack.name, o.buffer);
        return;
    }
    double *t = calloc(o.count, sizeof *t);
    if (!t)
        die("calloc");
    connection(NULL, false); /* warm-up: first-use initialisation, saved session */
    /* This process's CPU time is the client's own cost, natively, without the
     * server's share that wall time includes (and without valgrind's virtual
     * CPU, which steers some libraries onto other code paths). It covers the
     * whole connection (handshake, 1 KiB fetch, close). */
    double cpu0 = cpu_seconds();
    double start = bench_now();
    for (unsigned i = 0; i < o.count; i++)
        connection(&t[i], resume);
    double total = bench_now() - start;
    double cpu = cpu_seconds() - cpu0;
    qsort(t, o.count, sizeof *t, cmp_double);
    printf("stack=%s mode=%s buffer=%zu count=%u median_ms=%.3f min_ms=%.3f conn_per_s=%.1f "
           "cpu_ms=%.3f\n",
           bench_stack.name, resume ? "resume" : "hs", o.buffer, o.count, t[o.count / 2] * 1e3,
           t[0] * 1e3, o.count / total, cpu * 1e3 / o.count);
    free(t);
}

static void mode_mem(void)
{
    bench_heap_t base, hs, end, fin;
    if (!bench_heap_read(&base)) {
        fprintf(stderr, "bench-%s: run with LD_PRELOAD=malloc_count.so\n", bench_stack.name);
        exit(1);
    }
    connection(NULL, false); /* warm-up: lazily built tables are per process */
    int fd = bench_tcp_connect(o.ip, o.port);
    if (fd < 0)
        die("connect");
    bench_heap_restart_peak();
    bench_heap_read(&base);
    bench_conn_t *c = bench_stack.open(fd, o.host, false);
    if (!c || bench_stack.handshake(c) < 0)
        die("handshake");
    bench_heap_read(&hs);
    request(c);
    size_t got = drain(c);
    bench_heap_read(&end);
    bench_stack.close(c);
    bench_stack.free(c);
    close(fd);
    bench_heap_read(&fin);
    printf("stack=%s mode=mem buffer=%zu owned=%zu peak=%zu live_after_hs=%zu allocs=%lu "
           "leaked=%zd fetched=%zu\n",
           bench_stack.name, o.buffer, bench_stack.owned_bytes(), end.peak - base.live,
           hs.live - base.live, end.allocs - base.allocs, (ssize_t)(fin.live - base.live), got);
}

static void stack_job(void *arg)
{
    connection(NULL, false);
}

static void mode_stack(void)
{
    connection(NULL, false); /* resolve lazy bindings and first-use tables off-thread */
    size_t base;
    size_t used = bench_stack_peak(stack_job, NULL, &base);
    printf("stack=%s mode=stack buffer=%zu stack_bytes=%zu thread_base=%zu\n", bench_stack.name,
           o.buffer, used, base);
}

/* callgrind counts only inside this function (--toggle-collect). It holds
 * exactly one connection's open + handshake; the socket connect is outside. */
__attribute__((noinline)) void bench_cg_connection(int fd, bool resume);
__attribute__((noinline)) void bench_cg_connection(int fd, bool resume)
{
    bench_conn_t *c = bench_stack.open(fd, o.host, resume);
    if (!c || bench_stack.handshake(c) < 0)
        die("handshake");
    if (resume && bench_stack.resumed && !bench_stack.resumed(c))
        die("resumption (server did not resume)");
    bench_stack.close(c);
    bench_stack.free(c);
}

static void mode_cg(void)
{
    if (o.resume && !bench_stack.save_session) {
        printf("stack=%s mode=cg na=1\n", bench_stack.name);
        return;
    }
    connection(NULL, false); /* warm-up, and the session to resume */
    int fd = bench_tcp_connect(o.ip, o.port);
    if (fd < 0)
        die("connect");
    bench_cg_connection(fd, o.resume);
    close(fd);
    printf("stack=%s mode=cg resume=%d\n", bench_stack.name, o.resume);
}

static void mode_down(void)
{
    int fd = bench_tcp_connect(o.ip, o.port);
    if (fd < 0)
        die("connect");
    bench_conn_t *c = bench_stack.open(fd, o.host, false);
    if (!c || bench_stack.handshake(c) < 0)
        die("handshake");
    double t0 = bench_now();
    request(c);
    size_t got = drain(c);
    double dt = bench_now() - t0;
    printf("stack=%s mode=down buffer=%zu suite=%s bytes=%zu mb_s=%.1f\n", bench_stack.name,
           o.buffer, bench_stack.suite(c), got, got / dt / 1e6);
    bench_stack.close(c);
    bench_stack.free(c);
    close(fd);
}

static void mode_up(void)
{
    static unsigned char chunk[16384];
    memset(chunk, 'x', sizeof chunk);
    int fd = bench_tcp_connect(o.ip, o.port);
    if (fd < 0)
        die("connect");
    bench_conn_t *c = bench_stack.open(fd, o.host, false);
    if (!c || bench_stack.handshake(c) < 0)
        die("handshake");
    double t0 = bench_now();
    for (size_t sent = 0; sent < o.bytes; sent += sizeof chunk)
        if (bench_stack.write_all(c, chunk, sizeof chunk) < 0)
            die("write");
    /* The sink answers our close_notify only after it has read (in order)
     * everything before it, so the clock stops when all data arrived. */
    bench_stack.close(c);
    double dt = bench_now() - t0;
    size_t sent = (o.bytes + sizeof chunk - 1) / sizeof chunk * sizeof chunk;
    printf("stack=%s mode=up buffer=%zu suite=%s bytes=%zu mb_s=%.1f\n", bench_stack.name, o.buffer,
           bench_stack.suite(c), sent, sent / dt / 1e6);
    bench_stack.free(c);
    close(fd);
}

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
    stop = 1;
}

/* One held connection; the first one of a --resume load is the full
 * handshake whose session the others resume (and must: checked). */
static void hold_one(unsigned i)
{
    int fd = bench_tcp_connect(o.ip, o.port);
    if (fd < 0)
        die("connect");
    bool resume = o.resume && i > 0;
    bench_conn_t *c = bench_stack.open(fd, o.host, resume);
    if (!c || bench_stack.handshake(c) < 0)
        die("handshake");
    if (i == 0 && o.resume && (!bench_stack.save_session || bench_stack.save_session(c) < 0))
        die("save_session");
    if (resume && bench_stack.resumed && !bench_stack.resumed(c))
        die("resumption (server did not resume)");
    /* kept open and idle on purpose: the server's memory is measured */
}

/* A warm-up connection, then COUNT more: the servers measure themselves
 * from the end of the first handshake on (bench/server_probe.c), so their
 * one-time set-up is not charged to the connections. */
static void mode_hold(void)
{
    signal(SIGTERM, on_term);
    double t0 = bench_now();
    for (unsigned i = 0; i <= o.count; i++)
        hold_one(i);
    printf("stack=%s mode=hold count=%u resume=%d seconds=%.3f\nREADY\n", bench_stack.name, o.count,
           o.resume, bench_now() - t0);
    fflush(stdout);
    while (!stop)
        pause();
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--resume")) {
            o.resume = true;
            continue;
        }
        if (!v) {
            fprintf(stderr, "option %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--port"))
            o.port = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(a, "--ca"))
            o.ca = v;
        else if (!strcmp(a, "--mode"))
            o.mode = v;
        else if (!strcmp(a, "--path"))
            o.path = v;
        else if (!strcmp(a, "--host"))
            o.host = v;
        else if (!strcmp(a, "--buffer"))
            o.buffer = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--bytes"))
            o.bytes = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--count"))
            o.count = (unsigned)strtoul(v, NULL, 10);
        else {
            fprintf(stderr, "unknown option %s\n", a);
            return 2;
        }
    }
    if (!o.port || !o.ca || o.count == 0) {
        fprintf(stderr, "usage: bench-%s --port P --ca CA.pem --mode MODE [...]\n",
                bench_stack.name);
        return 2;
    }
    if (bench_stack.setup(o.ca, o.buffer) < 0)
        die("setup");
    if (!strcmp(o.mode, "hs"))
        mode_hs(false);
    else if (!strcmp(o.mode, "resume"))
        mode_hs(true);
    else if (!strcmp(o.mode, "mem"))
        mode_mem();
    else if (!strcmp(o.mode, "stack"))
        mode_stack();
    else if (!strcmp(o.mode, "cg"))
        mode_cg();
    else if (!strcmp(o.mode, "down"))
        mode_down();
    else if (!strcmp(o.mode, "up"))
        mode_up();
    else if (!strcmp(o.mode, "hold"))
        mode_hold();
    else {
        fprintf(stderr, "unknown mode %s\n", o.mode);
        return 2;
    }
    return 0;
}
