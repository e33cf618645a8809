/*
 * net/conn_drive.c — the ~100-line driver between a socket and a sans-IO
 * session: records out with send(MSG_NOSIGNAL), records in with recv()
 * straight into the session's buffer (zero copy), the plaintext send queue
 * into the session, plaintext out to `received`, and the connection's
 * deadlines (connect, handshake, idle, close linger).
 *
 * Every user callback may end the connection; after each one the driver
 * checks `phase == DONE` and returns without touching anything else (the
 * memory stays valid until the loop's pass ends).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "net/conn_internal.h"

#define DESCRIBE(c, buf) iotls_net_conn_describe((c), (buf), sizeof(buf))

/* A peer that refuses a handshake often sends its alert and closes while
 * our next flight is on the way: that flight meets a reset, so send()
 * fails with EPIPE or ECONNRESET although the alert saying why is already
 * in the receive queue. Hand what is queued to the session first; its
 * error (e.g. "peer sent fatal alert bad_certificate") then wins over a
 * bare "connection reset". */
static bool drive_reset_explained(iotls_conn_t *c)
{
    for (int i = 0; i < 64 && !(iotls_session_state(c->session) & IOTLS_CLOSED); i++) {
        size_t len;
        uint8_t *buf = iotls_session_recv_buf(c->session, &len);
        if (buf == NULL || len == 0)
            break;
        ssize_t n = recv(c->fd, buf, len, MSG_DONTWAIT);
        if (n <= 0)
            break;
        iotls_session_recv_ack(c->session, (size_t)n);
    }
    return iotls_session_error(c->session)->code != IOTLS_OK;
}

static void drive_socket_error(iotls_conn_t *c, int e, const char *what)
{
    char who[IOTLS_NET_ADDR_TEXT + 300];
    DESCRIBE(c, who);
    if ((e == ECONNRESET || e == EPIPE) && drive_reset_explained(c))
        iotls_net_conn_finish(c);
    else if (e == ECONNRESET || e == EPIPE)
        IOTLS_NET_CONN_FAIL(c, IOTLS_ERR_PEER_RESET, "connection reset by %s", who);
    else
        IOTLS_NET_CONN_FAIL(c, IOTLS_ERR_IO, "%s %s failed: %s", what, who, strerror(e));
}

/* A ChangeCipherSpec record alone (5-byte header, 1-byte body): the engine
 * hands it out by itself, because it switches to the new keys only once
 * the record is gone, and the Finished record follows at once. Sent with
 * MSG_MORE, the kernel holds these 6 bytes until that next send, so the
 * two go out as one segment: on loopback each segment also runs the
 * peer's receive path and wakes it, about 3% of a server's full handshake
 * (perf, docs/benchmarks.md). Whatever the engine sends next (Finished,
 * or an alert if it fails) goes without MSG_MORE and pushes both out. */
static bool lone_change_cipher_spec(const uint8_t *buf, size_t len)
{
    return len == 6 && buf[0] == 20 && buf[3] == 0 && buf[4] == 1;
}

/* Records to the socket. 1 = bytes went, 0 = would block, -1 = ended. */
static int drive_write(iotls_conn_t *c)
{
    int moved = 0;
    for (;;) {
        size_t len;
        const uint8_t *buf = iotls_session_send_buf(c->session, &len);
        if (buf == NULL || len == 0)
            return moved;
        int more = lone_change_cipher_spec(buf, len) ? MSG_MORE : 0;
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | more);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return moved;
            drive_socket_error(c, errno, "send to");
            return -1;
        }
        iotls_session_send_ack(c->session, (size_t)n);
        c->last_activity = iotls_loop_now_ms(c->loop);
        moved = 1;
        if ((size_t)n < len)
            return moved; /* socket buffer full */
    }
}

/* recv() with EINTR retried; errors and EOF handled like every read.
 * Returns the count, or 0 for would-block / -1 ended / -2 EOF handled. */
static ssize_t drive_recv(iotls_conn_t *c, uint8_t *buf, size_t len, int flags)
{
    ssize_t n;
    do
        n = recv(c->fd, buf, len, flags);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            c->readable = false;
            return 0;
        }
        drive_socket_error(c, errno, "receive from");
        return -1;
    }
    if (n == 0) {
        c->readable = false;
        if (c->phase == IOTLS_CONN_CLOSING) {
            /* Our close_notify is out; the peer hanging up instead of
             * answering still completes OUR close: nothing can be lost. */
            iotls_net_conn_finish(c);
            return -1;
        }
        /* The session knows whether this was clean (close_notify seen),
         * truncated, or the peer leaving mid-handshake. */
        iotls_session_feed_eof(c->session);
        return -2;
    }
    return n;
}

/* Take the bytes the session consumed out of the socket (they were only
 * peeked). Called when the staging area is used up and when a drive pass
 * ends, so the area is free for the next connection. */
static void drive_consume_staged(iotls_conn_t *c)
{
    if (c->staged_len == 0)
        return;
    if (c->staged_fed > 0 && c->fd >= 0) {
        ssize_t n;
        do /* TCP discards the bytes without copying them (tcp(7)) */
            n = recv(c->fd, iotls_net_staging(c->loop), c->staged_fed, MSG_TRUNC | MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
    }
    c->staged_len = c->staged_fed = 0;
}

/*
 * Socket to the session. 1 = bytes came, 0 = nothing now, -1 = ended.
 * A record arrives as a 5-byte header, then its body: reading exactly what
 * the session asks for costs two recv() per record. Instead, one recv()
 * with MSG_PEEK copies up to IOTLS_NET_STAGING bytes (several small
 * records) into the loop's staging area, the session takes them piece by
 * piece (the drive loop hands out plaintext in between), and what it took is
 * consumed from the socket afterwards: what it did not take simply stays
 * in the kernel, so no connection keeps leftovers. Large records still go
 * straight into the session's buffer.
 */
static int drive_read(iotls_conn_t *c)
{
    size_t len;
    uint8_t *buf = iotls_session_recv_buf(c->session, &len);
    if (buf == NULL || len == 0)
        return 0;
    /* Large records gain nothing from staging (a peek would copy a whole
     * record to use its header): their headers and bodies go straight into
     * the session, as long as the peer keeps sending large ones. */
    if (len > 5)
        c->large_records = len >= IOTLS_NET_STAGING / 4;
    uint8_t *stage = c->staged_len == 0 && (c->large_records || len >= IOTLS_NET_STAGING / 4)
                         ? NULL
                         : iotls_net_staging(c->loop);
    if (stage == NULL) {
        ssize_t n = drive_recv(c, buf, len, 0);
        if (n <= 0)
            return n == -2 ? 1 : (int)(n < 0 ? -1 : 0);
        iotls_session_recv_ack(c->session, (size_t)n);
        c->last_activity = iotls_loop_now_ms(c->loop);
        if ((size_t)n < len)
            c->readable = false; /* drained; level-triggered epoll tells us of more */
        return 1;
    }
    if (c->staged_len == 0) {
        ssize_t n = drive_recv(c, stage, IOTLS_NET_STAGING, MSG_PEEK);
        if (n <= 0)
            return n == -2 ? 1 : (int)(n < 0 ? -1 : 0);
        c->staged_len = (size_t)n;
        c->staged_fed = 0;
        c->last_activity = iotls_loop_now_ms(c->loop);
    }
    /* What one recv() into the session's buffer would have brought (a
     * header, or the rest of a record): the drive loop sees every state
     * change between records, e.g. the handshake ending before a
     * close_notify that came in the same batch. */
    size_t fed = c->staged_len - c->staged_fed < len ? c->staged_len - c->staged_fed : len;
    memcpy(buf, stage + c->staged_fed, fed);
    iotls_session_recv_ack(c->session, fed);
    c->staged_fed += fed;
    if (c->staged_fed == c->staged_len) {
        bool drained = c->staged_len < IOTLS_NET_STAGING;
        drive_consume_staged(c);
        if (drained)
            c->readable = false; /* level-triggered epoll tells us of more */
    }
    return fed > 0 ? 1 : 0;
}

static bool drive_held(const iotls_conn_t *c);

/* Send queue into the session, sealing a record once the queue is empty. */
static bool drive_queue(iotls_conn_t *c)
{
    bool moved = false;
    while (c->queue_len > 0) {
        size_t chunk = c->queue_cap - c->queue_head;
        if (chunk > c->queue_len)
            chunk = c->queue_len;
        size_t n = iotls_session_write(c->session, c->queue + c->queue_head, chunk);
        if (n == 0)
            break;
        c->queue_head = (c->queue_head + n) % c->queue_cap;
        c->queue_len -= n;
        moved = true;
    }
    if (c->queue_len == 0) {
        c->queue_head = 0;
        /* Drained: the queue goes back to the loop until send() needs one. */
        iotls_net_queue_give(c->loop, c->queue, c->queue_cap);
        c->queue = NULL;
    }
    /* Half duplex: seal at once, so the one buffer empties onto the wire
     * and can take the peer's next record instead of waiting for more
     * plaintext to fill it. */
    if ((moved || c->unflushed) && (c->queue_len == 0 || c->cfg.tls.half_duplex)) {
        iotls_session_flush(c->session);
        c->unflushed = false;
        moved = true;
        /* The peer may have sent meanwhile, and epoll is not asked while
         * we stay in the drive loop: try a read before the next seal. */
        if (c->cfg.tls.half_duplex)
            c->readable = true;
    }
    return moved;
}

/*
 * Half duplex: the single buffer holds either an incoming or an outgoing
 * record. If we kept sealing plaintext while the peer also sends, its
 * records would wait in our socket until its send buffer filled, it
 * stopped reading ours, and both sides would block for ever. So incoming
 * records are drained and delivered before more plaintext is sealed —
 * except plaintext send() already wrote into the record (the session then
 * cannot read), which must be sealed first to free the buffer.
 */
static bool drive_half_duplex_read_first(const iotls_conn_t *c, unsigned st)
{
    return c->cfg.tls.half_duplex && c->readable && !drive_held(c) &&
           ((st & IOTLS_WANT_READ) || !c->unflushed);
}

/* true when the connection went on to an MFL retry instead. */
static bool drive_mfl_unacknowledged(iotls_conn_t *c)
{
    const iotls_report_t *r = iotls_session_report(c->session);
    if (c->cfg.tls.role != IOTLS_ROLE_CLIENT || r->mfl_requested == 0 || r->mfl_agreed != 0)
        return false;
    char why[96];
    snprintf(why, sizeof(why), "its ServerHello did not acknowledge the %u-byte request",
             r->mfl_requested);
    return iotls_net_conn_mfl_retry(c, why);
}

static void drive_connected(iotls_conn_t *c)
{
    if (drive_mfl_unacknowledged(c))
        return;
    c->phase = IOTLS_CONN_OPEN;
    iotls_net_conn_arm(c, IOTLS_CONN_TIMER_IDLE, c->cfg.idle_timeout_ms);
    if (c->cb.connected != NULL)
        c->cb.connected(c, iotls_session_report(c->session), c->user);
}

/* Hold pauses application data only: the handshake (and the wait for the
 * peer's close_notify) must keep reading or a held connection would stall
 * before `connected`. No plaintext can exist before the handshake is done. */
static bool drive_held(const iotls_conn_t *c)
{
    return c->held && c->phase == IOTLS_CONN_OPEN;
}

/* A held half-duplex connection still gets the rest of the record already
 * decrypted in its one buffer: nothing can be sealed (so nothing sent, so
 * no `sent` to unhold on) until that buffer is empty. Hold stops the next
 * record from being read. */
static bool drive_may_deliver(const iotls_conn_t *c)
{
    return !drive_held(c) || c->cfg.tls.half_duplex;
}

static void drive_update_interest(iotls_conn_t *c)
{
    unsigned st = iotls_session_state(c->session);
    uint32_t ev = 0;
    /* A half-duplex session whose buffer is busy with an outgoing record
     * still listens, to learn that the peer is sending (and then read
     * before sealing more); once known readable, epoll need not repeat it. */
    bool watch_peer = c->cfg.tls.half_duplex && !c->readable && c->phase == IOTLS_CONN_OPEN;
    if (!drive_held(c) && ((st & IOTLS_WANT_READ) || watch_peer))
        ev |= EPOLLIN;
    if (st & IOTLS_WANT_WRITE)
        ev |= EPOLLOUT;
    int rc = iotls_loop_watch_set(c->loop, &c->watch, c->fd, ev);
    if (rc != 0)
        drive_socket_error(c, -rc, "epoll for");
}

static void drive_pass(iotls_conn_t *c);

void iotls_net_conn_drive(iotls_conn_t *c)
{
    drive_pass(c);
    drive_consume_staged(c);
}

static void drive_pass(iotls_conn_t *c)
{
    uint8_t plain[IOTLS_NET_RECV_CHUNK];

    while (c->phase != IOTLS_CONN_DONE && c->phase != IOTLS_CONN_CONNECTING) {
        unsigned st = iotls_session_state(c->session);
        if (st & IOTLS_CLOSED) {
            /* A last alert tells the peer why; best effort. */
            if ((st & IOTLS_WANT_WRITE) && drive_write(c) < 0)
                return;
            iotls_net_conn_finish(c);
            return;
        }
        if (c->phase == IOTLS_CONN_HANDSHAKE && (st & IOTLS_HANDSHAKE_DONE)) {
            drive_connected(c);
            continue;
        }
        bool progress = false;
        if (c->phase == IOTLS_CONN_OPEN && (st & IOTLS_APP_WRITABLE) &&
            !drive_half_duplex_read_first(c, st) && drive_queue(c))
            progress = true;
        if (c->phase == IOTLS_CONN_OPEN && c->close_requested && c->queue_len == 0) {
            iotls_session_close(c->session);
            c->phase = IOTLS_CONN_CLOSING;
            iotls_net_conn_arm(c, IOTLS_CONN_TIMER_LINGER, IOTLS_NET_CLOSE_LINGER_MS);
            continue;
        }
        int w = drive_write(c);
        if (w < 0)
            return;
        progress |= w > 0;

        st = iotls_session_state(c->session);
        if (c->sent_pending && c->queue_len == 0 && !(st & IOTLS_WANT_WRITE) &&
            c->phase >= IOTLS_CONN_OPEN) {
            c->sent_pending = false;
            if (c->cb.sent != NULL) {
                c->cb.sent(c, c->user);
                continue; /* it may have queued more, closed or aborted */
            }
        }
        if (c->phase == IOTLS_CONN_CLOSING && !(st & IOTLS_WANT_WRITE) && !c->shut_wr) {
            /* close_notify is out: a FIN helps peers that wait for EOF. */
            shutdown(c->fd, SHUT_WR);
            c->shut_wr = true;
        }
        if (drive_may_deliver(c) && (st & IOTLS_APP_READY)) {
            size_t n = iotls_session_read(c->session, plain, sizeof(plain));
            if (n > 0) {
                if (c->cb.received != NULL)
                    c->cb.received(c, plain, n, c->user);
                continue;
            }
        }
        if (!drive_held(c) && c->readable && (st & IOTLS_WANT_READ)) {
            int r = drive_read(c);
            if (r < 0)
                return;
            /* Finding the socket drained is progress too: a half-duplex
             * session may seal its next record now. */
            progress |= r > 0 || !c->readable;
        }
        if (!progress)
            break;
    }
    if (c->phase != IOTLS_CONN_DONE && c->phase != IOTLS_CONN_CONNECTING)
        drive_update_interest(c);
}

void iotls_net_conn_start_tls(iotls_conn_t *c)
{
    if (c->phase == IOTLS_CONN_DONE)
        return;
    if (c->ai_list != NULL) {
        freeaddrinfo(c->ai_list);
        c->ai_list = c->ai_next = NULL;
    }
    c->phase = IOTLS_CONN_HANDSHAKE;
    c->last_activity = iotls_loop_now_ms(c->loop);
    iotls_net_conn_arm(c, IOTLS_CONN_TIMER_HANDSHAKE, c->cfg.handshake_timeout_ms);
    iotls_net_conn_drive(c);
}

void iotls_net_conn_on_fd(void *ctx, uint32_t events)
{
    iotls_conn_t *c = ctx;
    if (c->phase == IOTLS_CONN_CONNECTING) {
        iotls_net_conn_connect_ready(c, events);
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        c->readable = true;
    iotls_net_conn_drive(c);
}

void iotls_net_conn_on_timer(iotls_timer_t *t, void *user)
{
    iotls_conn_t *c = user;
    (void)t;
    char who[IOTLS_NET_ADDR_TEXT + 300];
    DESCRIBE(c, who);
    iotls_conn_timer_t mode = c->timer_mode;
    c->timer_mode = IOTLS_CONN_TIMER_NONE;
    switch (mode) {
    case IOTLS_CONN_TIMER_CONNECT: iotls_net_conn_connect_timeout(c); break;
    case IOTLS_CONN_TIMER_HANDSHAKE:
        IOTLS_NET_CONN_FAIL(c, IOTLS_ERR_HANDSHAKE_TIMEOUT,
                            "TLS handshake with %s did not complete within %u ms", who,
                            (unsigned)c->cfg.handshake_timeout_ms);
        break;
    case IOTLS_CONN_TIMER_IDLE: {
        uint64_t now = iotls_loop_now_ms(c->loop);
        uint64_t idle = c->cfg.idle_timeout_ms;
        if (now - c->last_activity < idle) {
            /* Activity re-arms lazily: only here, not on every byte. */
            c->timer_mode = IOTLS_CONN_TIMER_IDLE;
            iotls_timer_arm(&c->timer, idle - (now - c->last_activity), 0);
            break;
        }
        /* Tell the peer the close is deliberate: without close_notify it
         * must assume an attack or a fault truncated the data (wget
         * reports a truncated download). Best effort: one non-blocking
         * write of the alert, then the socket goes. */
        iotls_session_close(c->session);
        if (drive_write(c) < 0)
            break;
        IOTLS_NET_CONN_FAIL(c, IOTLS_ERR_IDLE_TIMEOUT,
                            "no data to or from %s for %u ms (idle timeout)", who, (unsigned)idle);
        break;
    }
    case IOTLS_CONN_TIMER_LINGER:
        /* The peer never answered our close_notify: our side is closed
         * cleanly all the same. */
        iotls_net_conn_finish(c);
        break;
    case IOTLS_CONN_TIMER_NONE: break;
    }
}
