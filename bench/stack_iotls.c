/*
 * iotls over a blocking socket: the ~60-line driver a device port writes.
 * The session never touches the socket; this loop moves its bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "bench.h"
#include "iotls_crypto.h"
#include "iotls/tls.h"

struct bench_conn {
    int fd;
    iotls_session_t *s;
    void *mem; /* the one caller-owned block: all of the connection's TLS state */
};

static iotls_trust_t *trust;
static iotls_config_t cfg;
/* What a device would keep across deep sleep: the saved session bytes. */
static uint8_t saved[IOTLS_SAVED_SESSION_MAX];
static size_t saved_len;

static int setup(const char *ca, size_t buffer)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    trust = iotls_trust_new();
    if (!trust || iotls_trust_load_file(trust, ca, &err) < 0) {
        fprintf(stderr, "iotls: %s\n", err.text);
        return -1;
    }
    iotls_config_init(&cfg, IOTLS_ROLE_CLIENT);
    cfg.trust = trust;
    cfg.buffer_size = buffer;
    cfg.crypto = bench_crypto_provider();
    return 0;
}

static size_t owned_bytes(void)
{
    return iotls_session_size(&cfg);
}

static bench_conn_t *open_conn(int fd, const char *host, bool resume)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_config_t conn_cfg = cfg;
    if (resume && saved_len > 0) {
        conn_cfg.resume = saved;
        conn_cfg.resume_len = saved_len;
    }
    /* Sized for the configuration init gets: offering a saved session
     * takes room for the session id offered. */
    size_t len = iotls_session_size(&conn_cfg);
    bench_conn_t *c = malloc(sizeof *c);
    if (!c || !(c->mem = malloc(len))) {
        free(c);
        return NULL;
    }
    c->fd = fd;
    c->s = iotls_session_init(c->mem, len, &conn_cfg, host, &err);
    if (!c->s) {
        fprintf(stderr, "iotls: %s\n", err.text);
        free(c->mem);
        free(c);
        return NULL;
    }
    return c;
}

/* Move bytes until `want` is in the state word (or the session closed).
 * Pending output always goes first: a peer waits for it. */
static unsigned pump(bench_conn_t *c, unsigned want)
{
    for (;;) {
        unsigned st = iotls_session_state(c->s);
        size_t len;
        if (st & IOTLS_WANT_WRITE) {
            const uint8_t *out = iotls_session_send_buf(c->s, &len);
            ssize_t n = send(c->fd, out, len, MSG_NOSIGNAL);
            if (n <= 0)
                return IOTLS_CLOSED;
            iotls_session_send_ack(c->s, (size_t)n);
            continue;
        }
        if (st & (want | IOTLS_CLOSED))
            return st;
        if (!(st & IOTLS_WANT_READ))
            return st; /* nothing to move, nothing wanted: caller decides */
        uint8_t *in = iotls_session_recv_buf(c->s, &len);
        ssize_t n = recv(c->fd, in, len, 0);
        if (n <= 0)
            iotls_session_feed_eof(c->s);
        else
            iotls_session_recv_ack(c->s, (size_t)n);
    }
}

static int handshake(bench_conn_t *c)
{
    unsigned st = pump(c, IOTLS_HANDSHAKE_DONE);
    if (!(st & IOTLS_HANDSHAKE_DONE) || (st & IOTLS_CLOSED)) {
        fprintf(stderr, "iotls: %s\n", iotls_session_error(c->s)->text);
        return -1;
    }
    return 0;
}

static long read_conn(bench_conn_t *c, void *buf, size_t len)
{
    unsigned st = pump(c, IOTLS_APP_READY);
    if (st & IOTLS_APP_READY)
        return (long)iotls_session_read(c->s, buf, len);
    return iotls_session_error(c->s)->code == IOTLS_OK ? 0 : -1;
}

static int write_all(bench_conn_t *c, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        if (!(pump(c, IOTLS_APP_WRITABLE) & IOTLS_APP_WRITABLE))
            return -1;
        size_t n = iotls_session_write(c->s, p, len);
        p += n;
        len -= n;
    }
    iotls_session_flush(c->s);
    pump(c, IOTLS_WANT_READ); /* send the sealed record */
    return 0;
}

static void close_conn(bench_conn_t *c)
{
    iotls_session_close(c->s);
    pump(c, IOTLS_CLOSED);
}

static void free_conn(bench_conn_t *c)
{
    free(c->mem);
    free(c);
}

static const char *suite(bench_conn_t *c)
{
    return iotls_session_report(c->s)->cipher_suite_name;
}

static int save_session(bench_conn_t *c)
{
    saved_len = iotls_session_save(c->s, saved, sizeof saved);
    return saved_len > 0 ? 0 : -1;
}

static bool resumed(bench_conn_t *c)
{
    return iotls_session_report(c->s)->resumed;
}

const bench_stack_t bench_stack = {
    .name = "iotls",
    .setup = setup,
    .open = open_conn,
    .handshake = handshake,
    .read = read_conn,
    .write_all = write_all,
    .close = close_conn,
    .free = free_conn,
    .suite = suite,
    .owned_bytes = owned_bytes,
    .save_session = save_session,
    .resumed = resumed,
};
