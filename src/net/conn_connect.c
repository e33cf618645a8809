/*
 * net/conn_connect.c — client TCP connect: non-blocking connect() to each
 * resolved address in order until one answers, the connect timeout per
 * address, and the max_fragment_length retry policy.
 *
 * MFL retry (IOTLS_MFL_RETRY_FULL): a server that ignores the client's
 * max_fragment_length request may send 16384-byte records at any time,
 * which a small buffer cannot take. We reconnect once, with a full-size
 * session block, when either
 *   - the session fails with IOTLS_ERR_RECORD_TOO_LARGE during the
 *     handshake, or
 *   - the handshake completes but the ServerHello did not acknowledge the
 *     extension — checked BEFORE `connected`, while nothing of the caller's
 *     has been sent, so the retry is invisible apart from
 *     iotls_conn_retried_full_buffer(). Waiting for the first oversize
 *     record instead would fail after the caller's request was sent, where
 *     a silent replay is not safe.
 *
 * Moving to the next address always goes through the connection's posted
 * task (never straight from the fd callback) so a new socket is never
 * registered on a watch while an event of the old one could still be in
 * the batch being dispatched.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "net/conn_internal.h"

static void connect_record_errno(iotls_conn_t *c, int e)
{
    char who[IOTLS_NET_ADDR_TEXT + 300];
    iotls_net_conn_describe(c, who, sizeof(who));
    /* Keep the most recent address's reason: clear, then set. */
    iotls_error_clear(c->attempt_err);
    if (e == ECONNREFUSED)
        iotls_error_set(c->attempt_err, IOTLS_ERR_CONNECT_REFUSED, "connection to %s refused", who);
    else
        iotls_error_set(c->attempt_err, IOTLS_ERR_CONNECT, "connection to %s failed: %s", who,
                        strerror(e));
}

/* 0: connecting (or connected); -1: this address failed, attempt_err set. */
static int connect_one(iotls_conn_t *c, const struct sockaddr *sa, socklen_t len)
{
    if (len > (socklen_t)sizeof(c->addr)) {
        connect_record_errno(c, EAFNOSUPPORT);
        return -1;
    }
    if ((const void *)sa != (const void *)&c->addr)
        memcpy(&c->addr, sa, len);
    c->addr_len = len;
    iotls_net_addr_format((const struct sockaddr *)&c->addr, len, c->peer, sizeof(c->peer));

    int fd = socket(c->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        connect_record_errno(c, errno);
        return -1;
    }
    /* Handshake flights are small and latency-bound: no Nagle delay. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->fd = fd;
    if (connect(fd, (const struct sockaddr *)&c->addr, len) == 0) {
        iotls_net_conn_start_tls(c);
        return 0;
    }
    int e = errno;
    if (e != EINPROGRESS && e != EINTR) {
        iotls_net_conn_close_socket(c);
        connect_record_errno(c, e);
        return -1;
    }
    int rc = iotls_loop_watch_set(c->loop, &c->watch, fd, EPOLLOUT);
    if (rc != 0) {
        iotls_net_conn_close_socket(c);
        connect_record_errno(c, -rc);
        return -1;
    }
    iotls_net_conn_arm(c, IOTLS_CONN_TIMER_CONNECT, c->cfg.connect_timeout_ms);
    return 0;
}

void iotls_net_conn_connect_next(iotls_conn_t *c)
{
    for (;;) {
        if (c->retry_addr) {
            c->retry_addr = false;
            if (connect_one(c, (const struct sockaddr *)&c->addr, c->addr_len) == 0)
                return;
            continue;
        }
        if (c->ai_next == NULL)
            break;
        struct addrinfo *ai = c->ai_next;
        c->ai_next = ai->ai_next;
        if (connect_one(c, ai->ai_addr, ai->ai_addrlen) == 0)
            return;
    }
    if (c->attempt_err->code == IOTLS_OK)
        iotls_error_set(c->attempt_err, IOTLS_ERR_CONNECT, "no address to connect to for %s",
                        c->host != NULL ? c->host : "peer");
    iotls_net_conn_fail(c, c->attempt_err);
}

static void connect_give_up_address(iotls_conn_t *c)
{
    iotls_net_conn_close_socket(c);
    iotls_net_conn_arm(c, IOTLS_CONN_TIMER_NONE, 0);
    c->pending_connect = true;
    iotls_loop_task_post(c->loop, &c->task);
}

void iotls_net_conn_connect_ready(iotls_conn_t *c, uint32_t events)
{
    (void)events;
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
        soerr = errno;
    if (soerr == EINPROGRESS || soerr == EALREADY)
        return; /* spurious wake-up */
    if (soerr != 0) {
        connect_record_errno(c, soerr);
        connect_give_up_address(c);
        return;
    }
    iotls_net_conn_start_tls(c);
}

void iotls_net_conn_connect_timeout(iotls_conn_t *c)
{
    char who[IOTLS_NET_ADDR_TEXT + 300];
    iotls_net_conn_describe(c, who, sizeof(who));
    iotls_error_clear(c->attempt_err);
    iotls_error_set(c->attempt_err, IOTLS_ERR_CONNECT_TIMEOUT,
                    "connection to %s timed out after %u ms", who,
                    (unsigned)c->cfg.connect_timeout_ms);
    connect_give_up_address(c);
}

bool iotls_net_conn_mfl_retry(iotls_conn_t *c, const char *why)
{
    if (c->cfg.tls.role != IOTLS_ROLE_CLIENT || c->cfg.mfl_policy != IOTLS_MFL_RETRY_FULL ||
        c->retried_full || c->phase != IOTLS_CONN_HANDSHAKE ||
        iotls_buffer_effective(c->cfg.tls.buffer_size) >= IOTLS_BUFFER_MAX)
        return false;

    iotls_config_t tls = c->cfg.tls;
    tls.buffer_size = IOTLS_BUFFER_MAX;
    size_t len = iotls_session_size(&tls);
    void *mem = malloc(len);
    if (mem == NULL)
        return false; /* report the original error */
    iotls_error_t e;
    iotls_error_clear(&e);
    const char *name = c->cfg.verify_name != NULL ? c->cfg.verify_name : c->host;
    iotls_session_t *s = iotls_session_init(mem, len, &tls, name, &e);
    if (s == NULL) {
        free(mem);
        return false;
    }

    char who[IOTLS_NET_ADDR_TEXT + 300];
    char line[IOTLS_NET_ADDR_TEXT + 300 + IOTLS_ERROR_TEXT_MAX + 128];
    iotls_net_conn_describe(c, who, sizeof(who));
    snprintf(line, sizeof(line),
             "iotls: %s ignores max_fragment_length (%s); reconnecting once with a %d-byte "
             "buffer",
             who, why, IOTLS_BUFFER_MAX);
    if (tls.log != NULL)
        tls.log(tls.log_ctx, line);
    else
        fprintf(stderr, "%s\n", line);

    /* Say goodbye properly when the old session still can (the handshake
     * completed); best effort, the socket is going away either way. */
    iotls_session_close(c->session);
    size_t pending;
    const uint8_t *bye = iotls_session_send_buf(c->session, &pending);
    if (bye != NULL && pending > 0 && c->fd >= 0)
        (void)!send(c->fd, bye, pending, MSG_NOSIGNAL | MSG_DONTWAIT);
    iotls_net_conn_close_socket(c);
    iotls_net_conn_arm(c, IOTLS_CONN_TIMER_NONE, 0);
    iotls_session_release(c->session);
    c->cfg.tls = tls;
    c->session = s; /* the first block stays inside our allocation, unused */
    c->retry_mem = mem;
    c->retry_len = len;
    c->retried_full = true;
    iotls_net_mfl_remember(c->loop, c->host, c->port);
    c->phase = IOTLS_CONN_CONNECTING;
    c->retry_addr = true;
    c->pending_connect = true;
    iotls_loop_task_post(c->loop, &c->task);
    return true;
}
