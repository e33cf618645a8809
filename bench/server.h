/*
 * server.h — what the two bench servers (server_iotls.c, server_openssl.c)
 * share, so both are measured by the same code: their options, and a probe
 * that measures the server from inside at every completed handshake.
 *
 * Measuring inside the server, from the end of the load's first (warm-up)
 * handshake to the end of its last, charges exactly the N connections after
 * it: no one-time set-up, no coarse /proc clock ticks, no accept backlog
 * left over. CPU: CLOCK_PROCESS_CPUTIME_ID (ns). RSS: /proc/self/statm.
 * Heap: malloc_count.so when preloaded. Stack: the loop on a painted thread.
 */
#ifndef IOTLS_BENCH_SERVER_H
#define IOTLS_BENCH_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
    const char *cert, *key;
    unsigned port;
    size_t buffer;        /* iotls record buffer; 0 = 16384 */
    bool release_buffers; /* OpenSSL: SSL_MODE_RELEASE_BUFFERS */
    bool own_buffers;     /* iotls: record buffers in each connection, not shared */
    unsigned stop_after;  /* > 0: stop after this many handshakes (probe runs) */
    bool paint;           /* run the loop on a painted stack; report its peak */
} bench_server_opts_t;

/* --cert F --key F --port P [--buffer B] [--release-buffers] [--own-buffers]
 * [--stop-after N] [--paint]. -1 (usage on stderr) when cert, key or port is missing. */
int bench_server_parse(int argc, char **argv, bench_server_opts_t *o);

/* Call when a handshake completes. true: --stop-after is reached, stop. */
bool bench_server_handshake_done(bool resumed);

/* Print READY, then run loop(arg) until it returns (on a painted thread
 * with --paint). */
void bench_server_run(void (*loop)(void *), void *arg);

/* Finish the caller's "impl=NAME ..." line with " handshakes=... cpu_ns=...
 * rss_..._kb=... [heap_...=...] [stack_bytes=...]" and a newline: one line
 * per run for scripts/bench-run.sh. */
void bench_server_report(void);

#endif
