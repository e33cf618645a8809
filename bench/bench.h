/*
 * bench.h — the one interface every TLS stack under test implements, so a
 * single driver (driver.c) measures all of them the same way: same socket
 * code, same timing, same memory and stack probes. A stack file only says
 * how its library opens, handshakes, reads, writes and closes over a
 * blocking TCP socket.
 */
#ifndef IOTLS_BENCH_H
#define IOTLS_BENCH_H

#include <stdbool.h>
#include <stddef.h>

typedef struct bench_conn bench_conn_t;

typedef struct {
    const char *name;
    /* Once per process: what every connection shares (trust anchors, RNG,
     * library context). Not counted as per-connection memory. `buffer` is the
     * record buffer for stacks that let the caller choose it (iotls), else 0. */
    int (*setup)(const char *ca_path, size_t buffer);
    /* A new connection over a connected socket; `resume` asks to offer the
     * session saved by save_session(). NULL on failure (message on stderr). */
    bench_conn_t *(*open)(int fd, const char *host, bool resume);
    int (*handshake)(bench_conn_t *c); /* 0 = done, -1 = failed */
    /* > 0 bytes, 0 = peer closed cleanly, -1 = error */
    long (*read)(bench_conn_t *c, void *buf, size_t len);
    int (*write_all)(bench_conn_t *c, const void *buf, size_t len);
    /* Send close_notify, then read until the peer's close or EOF. */
    void (*close)(bench_conn_t *c);
    void (*free)(bench_conn_t *c);
    const char *(*suite)(bench_conn_t *c); /* IANA or library name */
    /* Bytes of caller-owned connection state (iotls_session_size), 0 when the
     * library allocates everything itself. */
    size_t (*owned_bytes)(void);
    /* Resumption; NULL when the stack (as built here) cannot resume. */
    int (*save_session)(bench_conn_t *c);
    /* true when the last handshake resumed; NULL when the API cannot tell. */
    bool (*resumed)(bench_conn_t *c);
} bench_stack_t;

extern const bench_stack_t bench_stack;

/* tcp.c */
int bench_tcp_connect(const char *ip, unsigned port); /* blocking, TCP_NODELAY */
int bench_send_all(int fd, const void *buf, size_t len);
double bench_now(void); /* monotonic seconds */

/* stack_paint.c: run fn(arg) on a thread whose stack is painted; returns the
 * deepest stack use in bytes of fn alone: what an empty thread touches (its
 * start-up, glibc's descriptor) is measured too, subtracted, and returned in
 * *thread_base. */
size_t bench_stack_peak(void (*fn)(void *), void *arg, size_t *thread_base);

/* heap_probe.c: the LD_PRELOAD counter (malloc_count.so) as every bench
 * program reads it. Looked up with dlsym, so the programs also run without
 * it; then bench_heap_read() returns false. */
typedef struct {
    size_t live, peak;    /* bytes as glibc hands them out */
    unsigned long allocs; /* allocation calls so far */
} bench_heap_t;
bool bench_heap_read(bench_heap_t *out);
void bench_heap_restart_peak(void); /* the peak restarts from what is live now */

#endif
