/* Options and self-measurement of the bench servers: see server.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "server.h"

static const bench_server_opts_t *opts;
static unsigned long done, resumed_count;
static double cpu_first, cpu_last; /* seconds, at the end of handshake 1 and N+1 */
static long rss_first_kb;
static bool heap_on;
static bench_heap_t heap_first, heap_prev;
static size_t heap_step_max; /* largest heap rise of one connection over the state before it */
static size_t stack_peak;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int bench_server_parse(int argc, char **argv, bench_server_opts_t *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--release-buffers"))
            o->release_buffers = true;
        else if (!strcmp(a, "--own-buffers"))
            o->own_buffers = true;
        else if (!strcmp(a, "--paint"))
            o->paint = true;
        else if (v && !strcmp(a, "--cert"))
            o->cert = argv[++i];
        else if (v && !strcmp(a, "--key"))
            o->key = argv[++i];
        else if (v && !strcmp(a, "--port"))
            o->port = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (v && !strcmp(a, "--buffer"))
            o->buffer = strtoul(argv[++i], NULL, 10);
        else if (v && !strcmp(a, "--stop-after"))
            o->stop_after = (unsigned)strtoul(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "unknown option %s\n", a);
            return -1;
        }
    }
    if (!o->cert || !o->key || !o->port) {
        fprintf(stderr,
                "usage: %s --cert F --key F --port P [--buffer B] [--release-buffers] "
                "[--own-buffers] [--stop-after N] [--paint]\n",
                argv[0]);
        return -1;
    }
    opts = o;
    /* Looked up now, not inside the first measured handshake. */
    heap_on = bench_heap_read(&heap_prev);
    return 0;
}

bool bench_server_handshake_done(bool resumed)
{
    done++;
    if (resumed)
        resumed_count++;
    cpu_last = cpu_now();
    if (done == 1) {
        cpu_first = cpu_last;
        rss_first_kb = rss_kb();
    }
    if (heap_on) {
        bench_heap_t h;
        bench_heap_read(&h);
        if (done == 1)
            heap_first = h;
        else if (h.peak - heap_prev.live > heap_step_max)
            heap_step_max = h.peak - heap_prev.live;
        heap_prev = h;
        bench_heap_restart_peak();
    }
    return opts && opts->stop_after > 0 && done >= opts->stop_after;
}

struct job {
    void (*loop)(void *);
    void *arg;
};

static void run_job(void *p)
{
    struct job *j = p;
    j->loop(j->arg);
}

void bench_server_run(void (*loop)(void *), void *arg)
{
    printf("READY\n");
    fflush(stdout);
    struct job j = {loop, arg};
    if (opts->paint)
        stack_peak = bench_stack_peak(run_job, &j, NULL);
    else
        run_job(&j);
}

void bench_server_report(void)
{
    /* Per-connection figures are over the handshakes after the first. */
    unsigned long n = done > 1 ? done - 1 : 0;
    printf(" handshakes=%lu resumed=%lu measured=%lu cpu_ns=%.0f rss_first_kb=%ld rss_end_kb=%ld",
           done, resumed_count, n, (cpu_last - cpu_first) * 1e9, rss_first_kb, rss_kb());
    if (heap_on && n > 0)
        printf(" heap_peak=%zu heap_live=%ld heap_allocs=%lu", heap_step_max,
               ((long)heap_prev.live - (long)heap_first.live) / (long)n,
               (heap_prev.allocs - heap_first.allocs) / n);
    if (opts->paint)
        printf(" stack_bytes=%zu", stack_peak);
    printf("\n");
}
