/*
 * net-throughput — application bytes per second through the net layer at a
 * given record size, both ends in one process and one event loop on one
 * core (pin it with taskset): an iotls listener (shared record buffers, the
 * default) and an iotls client whose buffer_size sets the record size (it
 * asks for max_fragment_length, the server acknowledges it). Download: the
 * server sends, the client receives; upload: the other way. Both ends'
 * work is in the figure, so it compares record sizes, not stacks.
 *
 * recv() and send() are counted by wrapping them at link time
 * (-Wl,--wrap=recv,--wrap=send): the syscalls per record are measured, not
 * estimated.
 *
 *   net-throughput --cert F --key F --ca F --bytes N --buffer B [--buffer B...]
 *
 * One line per record size and direction, the median of 5 runs: mode=netput
 * buffer=B dir=down|up bytes=N runs=5 mb_s=... min_mb_s=... max_mb_s=...
 * recv_calls=... send_calls=... records=...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "bench.h"
#include "iotls/net.h"

ssize_t __real_recv(int fd, void *buf, size_t len, int flags);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);

static unsigned long recv_calls, send_calls;

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
    recv_calls++;
    return __real_recv(fd, buf, len, flags);
}

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
    send_calls++;
    return __real_send(fd, buf, len, flags);
}

typedef struct {
    iotls_loop_t *loop;
    iotls_listener_t *listener;
    size_t total, sent, got;
    bool upload;
    double t0, t1;
    unsigned long recv0, send0, recv1, send1;
    bool failed;
    iotls_conn_t *sender, *receiver;
} run_t;

static uint8_t chunk[16384];

static void start_clock(run_t *r)
{
    if (r->t0 == 0) {
        r->t0 = bench_now();
        r->recv0 = recv_calls;
        r->send0 = send_calls;
    }
}

static void pump(iotls_conn_t *c, run_t *r)
{
    while (r->sent < r->total) {
        size_t n = r->total - r->sent < sizeof chunk ? r->total - r->sent : sizeof chunk;
        if (iotls_conn_send_space(c) < n)
            return; /* more on `sent` */
        if (iotls_conn_send(c, chunk, n, NULL) != (int)n)
            return;
        r->sent += n;
    }
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *rep, void *user)
{
    run_t *r = user;
    bool is_server = rep->role == IOTLS_ROLE_SERVER;
    if (is_server != r->upload) { /* the sending end */
        r->sender = c;
        start_clock(r);
        pump(c, r);
    } else {
        r->receiver = c;
    }
}

/* The listener is what keeps the loop running once the connections are
 * gone: without it, the run ends. */
static void stop_listening(run_t *r)
{
    if (r->listener) {
        iotls_listener_free(r->listener);
        r->listener = NULL;
    }
}

static void on_received(iotls_conn_t *c, const uint8_t *d, size_t n, void *user)
{
    run_t *r = user;
    r->got += n;
    if (r->got == r->total) {
        r->t1 = bench_now();
        r->recv1 = recv_calls;
        r->send1 = send_calls;
        iotls_conn_close(c);
        stop_listening(r);
    }
}

static void on_sent(iotls_conn_t *c, void *user)
{
    pump(c, user);
}

static void on_end(iotls_conn_t *c, void *user)
{
}

static void on_error(iotls_conn_t *c, const iotls_error_t *e, void *user)
{
    run_t *r = user;
    if (r->got < r->total) {
        fprintf(stderr, "net-throughput: %s\n", e->text);
        r->failed = true;
        stop_listening(r);
    }
}

static void *on_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    return user;
}

typedef struct {
    double mb_s;
    unsigned long recv_calls, send_calls;
} result_t;

static int run_one(const iotls_creds_t *creds, const iotls_trust_t *trust, size_t buffer,
                   size_t total, bool upload, result_t *out)
{
    run_t r;
    memset(&r, 0, sizeof r);
    r.total = total;
    r.upload = upload;
    iotls_error_t err;
    iotls_error_clear(&err);
    r.loop = iotls_loop_new(&err);
    if (!r.loop)
        return -1;
    iotls_conn_config_t scfg;
    iotls_conn_config_init(&scfg);
    scfg.tls.creds = creds;
    iotls_listener_callbacks_t lcb;
    memset(&lcb, 0, sizeof lcb);
    lcb.accepted = on_accepted;
    lcb.conn = (iotls_conn_callbacks_t){on_connected, on_received, on_sent, on_end, on_error};
    r.listener = iotls_listener_new(r.loop, "127.0.0.1", 0, 4, &scfg, &lcb, &r, &err);
    if (!r.listener) {
        fprintf(stderr, "net-throughput: %s\n", err.text);
        return -1;
    }
    iotls_conn_config_t ccfg;
    iotls_conn_config_init(&ccfg);
    ccfg.tls.trust = trust;
    ccfg.tls.buffer_size = buffer;
    iotls_conn_callbacks_t ccb = {on_connected, on_received, on_sent, on_end, on_error};
    if (!iotls_conn_connect(r.loop, "127.0.0.1", iotls_listener_port(r.listener), &ccfg, &ccb, &r,
                            &err)) {
        fprintf(stderr, "net-throughput: %s\n", err.text);
        return -1;
    }
    iotls_loop_run(r.loop);
    iotls_loop_free(r.loop);
    if (r.failed || r.t1 <= r.t0)
        return -1;
    out->mb_s = (double)total / (r.t1 - r.t0) / 1e6;
    out->recv_calls = r.recv1 - r.recv0;
    out->send_calls = r.send1 - r.send0;
    return 0;
}

static int cmp_rate(const void *a, const void *b)
{
    double x = ((const result_t *)a)->mb_s, y = ((const result_t *)b)->mb_s;
    return x < y ? -1 : x > y;
}

/* The median of RUNS runs: the machine may be shared, one run is noisy. */
#define RUNS 5
static int measure(const iotls_creds_t *creds, const iotls_trust_t *trust, size_t buffer,
                   size_t total, bool upload)
{
    result_t r[RUNS];
    for (int i = 0; i < RUNS; i++)
        if (run_one(creds, trust, buffer, total, upload, &r[i]) < 0)
            return -1;
    qsort(r, RUNS, sizeof r[0], cmp_rate);
    size_t payload = iotls_buffer_effective(buffer);
    printf("mode=netput buffer=%zu dir=%s bytes=%zu runs=%d mb_s=%.1f min_mb_s=%.1f "
           "max_mb_s=%.1f recv_calls=%lu send_calls=%lu records=%zu\n",
           buffer, upload ? "up" : "down", total, RUNS, r[RUNS / 2].mb_s, r[0].mb_s,
           r[RUNS - 1].mb_s, r[RUNS / 2].recv_calls, r[RUNS / 2].send_calls,
           (total + payload - 1) / payload);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL, *ca = NULL;
    size_t total = 0, buffers[8];
    int nb = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--cert"))
            cert = argv[i + 1];
        else if (!strcmp(argv[i], "--key"))
            key = argv[i + 1];
        else if (!strcmp(argv[i], "--ca"))
            ca = argv[i + 1];
        else if (!strcmp(argv[i], "--bytes"))
            total = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--buffer") && nb < 8)
            buffers[nb++] = strtoul(argv[i + 1], NULL, 10);
    }
    if (!cert || !key || !ca || !total || !nb) {
        fprintf(stderr, "usage: %s --cert F --key F --ca F --bytes N --buffer B [--buffer B...]\n",
                argv[0]);
        return 2;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_creds_t *creds = iotls_creds_new();
    iotls_trust_t *trust = iotls_trust_new();
    if (iotls_creds_load_files(creds, cert, key, &err) < 0 ||
        iotls_trust_load_file(trust, ca, &err) < 0) {
        fprintf(stderr, "net-throughput: %s\n", err.text);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < nb; i++)
        for (int up = 0; up < 2; up++)
            if (measure(creds, trust, buffers[i], total, up != 0) < 0) {
                printf("mode=netput buffer=%zu dir=%s failed=1\n", buffers[i], up ? "up" : "down");
                rc = 1;
            }
    iotls_creds_free(creds);
    iotls_trust_free(trust);
    return rc;
}
