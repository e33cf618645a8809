/*
 * net/conn.c — connection lifecycle and the public iotls_conn_* calls.
 *
 * One malloc per connection holds, in order:
 *   [struct iotls_conn][client: last connect error][session block][host][verify_name]
 * (an MFL retry adds one separate session block). The session block holds
 * the record buffers unless the connection shares the loop's workspace;
 * the send queue is taken from the loop only while data waits in it
 * (shared.c).
 *
 * Re-entrancy: API calls never invoke user callbacks themselves; they set
 * flags and post the connection's task, and the loop runs it. Callbacks only
 * come from conn_drive.c/conn_connect.c on the loop, which check
 * `phase == DONE` after every callback, and the memory is released through
 * the loop's deferred list — so a callback may abort/close its own
 * connection safely.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/conn_internal.h"

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

void iotls_conn_config_init(iotls_conn_config_t *cfg)
{
    if (cfg == NULL)
        return;
    memset(cfg, 0, sizeof(*cfg));
    iotls_config_init(&cfg->tls, IOTLS_ROLE_CLIENT);
    cfg->send_queue = IOTLS_NET_DEFAULT_SEND_QUEUE;
    cfg->connect_timeout_ms = 10000;
    cfg->handshake_timeout_ms = 15000;
    cfg->idle_timeout_ms = 0;
    cfg->mfl_policy = IOTLS_MFL_FAIL;
    cfg->verify_name = NULL;
}

static void conn_task_run(iotls_loop_task_t *t)
{
    iotls_conn_t *c = (iotls_conn_t *)(void *)((char *)t - offsetof(iotls_conn_t, task));
    if (c->phase == IOTLS_CONN_DONE)
        return;
    if (c->pending_finish) {
        c->pending_finish = false;
        iotls_net_conn_finish(c);
    } else if (c->pending_connect) {
        c->pending_connect = false;
        iotls_net_conn_connect_next(c);
    } else if (c->phase != IOTLS_CONN_CONNECTING) {
        iotls_net_conn_drive(c);
    }
}

static void conn_handle_close(iotls_loop_handle_t *h)
{
    iotls_conn_abort((iotls_conn_t *)(void *)((char *)h - offsetof(iotls_conn_t, handle)));
}

/* The workspace could not set this connection's bytes in flight aside:
 * its session is failed; let the loop deliver the error. */
static void conn_spill_failed(void *ctx)
{
    iotls_conn_t *c = ctx;
    if (c->phase != IOTLS_CONN_DONE)
        iotls_loop_task_post(c->loop, &c->task);
}

static bool conn_wants_shared(const iotls_conn_config_t *cfg, iotls_role_t role)
{
    if (cfg->tls.workspace != NULL)
        return false; /* the caller's own workspace, used as given */
    if (cfg->buffers == IOTLS_BUFFERS_SHARED)
        return true;
    return cfg->buffers == IOTLS_BUFFERS_DEFAULT && role == IOTLS_ROLE_SERVER;
}

static void conn_memory_release(iotls_loop_deferred_t *d)
{
    iotls_conn_t *c = (iotls_conn_t *)(void *)((char *)d - offsetof(iotls_conn_t, deferred));
    free(c->retry_mem);
    free(c);
}

iotls_conn_t *iotls_net_conn_alloc(iotls_loop_t *loop, iotls_role_t role, const char *host,
                                   const iotls_conn_config_t *cfg_in,
                                   const iotls_conn_callbacks_t *cb, void *user, iotls_error_t *err)
{
    iotls_conn_config_t cfg;
    if (cfg_in != NULL)
        cfg = *cfg_in;
    else
        iotls_conn_config_init(&cfg);
    cfg.tls.role = role;
    if (cfg.send_queue == 0)
        cfg.send_queue = IOTLS_NET_DEFAULT_SEND_QUEUE;

    if (conn_wants_shared(&cfg, role)) {
        cfg.tls.workspace = iotls_net_workspace(loop, err);
        if (cfg.tls.workspace == NULL)
            return NULL;
    }
    size_t session_len = iotls_session_size(&cfg.tls);
    if (session_len == 0) {
        iotls_error_set(err, IOTLS_ERR_CONFIG,
                        "invalid TLS configuration: buffer_size %zu is not 0 or %d..%d",
                        cfg.tls.buffer_size, IOTLS_BUFFER_MIN, IOTLS_BUFFER_MAX);
        return NULL;
    }
    size_t host_len = host != NULL ? strlen(host) + 1 : 0;
    size_t verify_len = cfg.verify_name != NULL ? strlen(cfg.verify_name) + 1 : 0;
    /* Only a client tries addresses in turn: its last failure text lives in
     * the block, servers do without. */
    size_t off_attempt = ALIGN_UP(sizeof(iotls_conn_t));
    size_t attempt_len = role == IOTLS_ROLE_CLIENT ? ALIGN_UP(sizeof(iotls_error_t)) : 0;
    size_t off_session = off_attempt + attempt_len;
    size_t off_host = off_session + session_len;
    size_t off_verify = off_host + host_len;
    size_t total = off_verify + verify_len;
    if (cfg.send_queue > SIZE_MAX / 4) {
        iotls_error_set(err, IOTLS_ERR_CONFIG, "send_queue of %zu bytes is too large",
                        cfg.send_queue);
        return NULL;
    }

    uint8_t *block = malloc(total);
    if (block == NULL) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory: a connection needs %zu bytes",
                        total);
        return NULL;
    }
    iotls_conn_t *c = (iotls_conn_t *)(void *)block;
    memset(c, 0, sizeof(*c));
    c->loop = loop;
    c->fd = -1;
    c->alloc_len = total;
    if (cb != NULL)
        c->cb = *cb;
    c->user = user;
    c->queue = NULL; /* taken on demand */
    c->queue_cap = cfg.send_queue;
    if (host != NULL) {
        memcpy(block + off_host, host, host_len);
        c->host = (const char *)(block + off_host);
    }
    if (cfg.verify_name != NULL) {
        memcpy(block + off_verify, cfg.verify_name, verify_len);
        cfg.verify_name = (const char *)(block + off_verify);
    }
    if (cfg.tls.workspace != NULL) {
        cfg.tls.spill_failed = conn_spill_failed;
        cfg.tls.spill_ctx = c;
    }
    c->cfg = cfg;
    if (attempt_len > 0) {
        c->attempt_err = (iotls_error_t *)(void *)(block + off_attempt);
        iotls_error_clear(c->attempt_err);
    }

    const char *name = cfg.verify_name != NULL ? cfg.verify_name : c->host;
    c->session = iotls_session_init(block + off_session, session_len, &c->cfg.tls,
                                    role == IOTLS_ROLE_CLIENT ? name : NULL, err);
    if (c->session == NULL) {
        free(block);
        return NULL;
    }
    if (iotls_loop_timer_init(loop, &c->timer, iotls_net_conn_on_timer, c) != 0) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory arming connection timers");
        iotls_session_release(c->session);
        free(block);
        return NULL;
    }
    iotls_loop_watch_init(&c->watch, iotls_net_conn_on_fd, c);
    iotls_loop_task_init(&c->task, conn_task_run);
    iotls_loop_handle_add(loop, &c->handle, conn_handle_close);
    return c;
}

/* ---- ending ---------------------------------------------------------------- */

void iotls_net_conn_close_socket(iotls_conn_t *c)
{
    iotls_loop_watch_remove(c->loop, &c->watch);
    if (c->fd >= 0) {
        /* Closing with unread bytes makes the kernel send a TCP reset,
         * and the peer then reports "connection reset" instead of seeing
         * our close. Discard what already arrived (bounded) first. */
        char sink[4096];
        for (int i = 0; i < 16 && recv(c->fd, sink, sizeof sink, MSG_DONTWAIT) > 0; i++)
            ;
        close(c->fd);
        c->fd = -1;
    }
    c->readable = false;
    c->shut_wr = false;
}

static void conn_release(iotls_conn_t *c)
{
    if (c->released)
        return;
    c->released = true;
    c->phase = IOTLS_CONN_DONE;
    iotls_net_conn_close_socket(c);
    /* Nothing is sent any more: the queue and whatever the session holds
     * in the shared workspace go back now, not when the memory does. */
    iotls_net_queue_give(c->loop, c->queue, c->queue_cap);
    c->queue = NULL;
    c->queue_len = c->queue_head = 0;
    iotls_session_release(c->session);
    iotls_loop_task_cancel(c->loop, &c->task);
    iotls_loop_timer_deinit(&c->timer);
    iotls_loop_handle_remove(c->loop, &c->handle);
    if (c->ai_list != NULL) {
        freeaddrinfo(c->ai_list);
        c->ai_list = c->ai_next = NULL;
    }
    if (c->listener != NULL) {
        iotls_net_listener_conn_gone(c->listener, c);
        c->listener = NULL;
    }
    iotls_loop_defer_release(c->loop, &c->deferred, conn_memory_release);
}

void iotls_net_conn_finish(iotls_conn_t *c)
{
    if (c->phase == IOTLS_CONN_DONE)
        return;
    const iotls_error_t *e = iotls_session_error(c->session);
    if (e->code == IOTLS_ERR_RECORD_TOO_LARGE && iotls_net_conn_mfl_retry(c, e->text))
        return;
    if (e->code == IOTLS_OK && c->phase < IOTLS_CONN_OPEN) {
        /* A "clean" end before the handshake finished is still a failure
         * for the caller, who never got `connected`. */
        iotls_error_t pe;
        iotls_error_clear(&pe);
        char who[IOTLS_NET_ADDR_TEXT + 300];
        iotls_net_conn_describe(c, who, sizeof(who));
        iotls_error_set(&pe, IOTLS_ERR_PEER_CLOSED_HANDSHAKE,
                        "%s closed the connection during the TLS handshake", who);
        iotls_session_fail(c->session, &pe);
    }
    iotls_net_conn_close_socket(c);
    iotls_timer_disarm(&c->timer);
    c->phase = IOTLS_CONN_DONE;
    if (e->code != IOTLS_OK) {
        if (c->cb.error != NULL)
            c->cb.error(c, e, c->user);
    } else if (c->cb.disconnected != NULL) {
        c->cb.disconnected(c, c->user);
    }
    conn_release(c);
}

void iotls_net_conn_fail(iotls_conn_t *c, const iotls_error_t *e)
{
    if (c->phase == IOTLS_CONN_DONE)
        return;
    iotls_session_fail(c->session, e);
    iotls_net_conn_finish(c);
}

void iotls_net_conn_arm(iotls_conn_t *c, iotls_conn_timer_t mode, uint32_t ms)
{
    c->timer_mode = mode;
    if (mode == IOTLS_CONN_TIMER_NONE || ms == 0 || ms == IOTLS_TIMEOUT_NEVER) {
        c->timer_mode = IOTLS_CONN_TIMER_NONE;
        iotls_timer_disarm(&c->timer);
        return;
    }
    iotls_timer_arm(&c->timer, ms, 0);
}

static bool host_is_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

void iotls_net_conn_describe(const iotls_conn_t *c, char *buf, size_t cap)
{
    if (c->host != NULL && !host_is_literal(c->host) && c->peer[0] != '\0')
        snprintf(buf, cap, "%s (%s)", c->host, c->peer);
    else if (c->peer[0] != '\0')
        snprintf(buf, cap, "%s", c->peer);
    else
        snprintf(buf, cap, "%s", c->host != NULL ? c->host : "peer");
}

/* ---- public API -------------------------------------------------------------- */

iotls_conn_t *iotls_conn_connect(iotls_loop_t *loop, const char *host, uint16_t port,
                                 const iotls_conn_config_t *cfg, const iotls_conn_callbacks_t *cb,
                                 void *user, iotls_error_t *err)
{
    if (loop == NULL || host == NULL || host[0] == '\0' || port == 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "iotls_conn_connect needs a loop, a host and a port (1..65535)");
        return NULL;
    }
    /* A server that ignored our max_fragment_length before gets a
     * full-size buffer from the start under the retry policy. */
    iotls_conn_config_t full;
    bool remembered = cfg != NULL && cfg->mfl_policy == IOTLS_MFL_RETRY_FULL &&
                      iotls_buffer_effective(cfg->tls.buffer_size) < IOTLS_BUFFER_MAX &&
                      iotls_net_mfl_known(loop, host, port);
    if (remembered) {
        full = *cfg;
        full.tls.buffer_size = IOTLS_BUFFER_MAX;
        cfg = &full;
    }
    iotls_conn_t *c = iotls_net_conn_alloc(loop, IOTLS_ROLE_CLIENT, host, cfg, cb, user, err);
    if (c == NULL)
        return NULL;
    c->port = port;
    c->remembered_full = remembered;
    c->phase = IOTLS_CONN_CONNECTING;
    iotls_error_t rerr;
    iotls_error_clear(&rerr);
    if (iotls_net_resolve(host, port, false, &c->ai_list, &rerr) != 0) {
        /* Reported through `error` like every other connect failure, from
         * the loop: the caller gets its conn pointer first. */
        iotls_session_fail(c->session, &rerr);
        c->pending_finish = true;
        iotls_loop_task_post(loop, &c->task);
        return c;
    }
    c->ai_next = c->ai_list;
    c->pending_connect = true;
    iotls_loop_task_post(loop, &c->task);
    return c;
}

/* Straight into the session's record when nothing waits before it: one
 * copy instead of two (queue, then record). The record is sealed by the
 * drive pass that follows, so that the send() calls of one callback still
 * share records. Returns the bytes taken. */
static size_t conn_send_direct(iotls_conn_t *c, const uint8_t *data, size_t len)
{
    if (c->phase != IOTLS_CONN_OPEN || c->queue_len > 0 ||
        !(iotls_session_state(c->session) & IOTLS_APP_WRITABLE))
        return 0;
    size_t n = iotls_session_write(c->session, data, len);
    if (n > 0)
        c->unflushed = true;
    return n;
}

int iotls_conn_send(iotls_conn_t *c, const void *data, size_t len, iotls_error_t *err)
{
    if (c == NULL || (data == NULL && len > 0) || len > INT_MAX) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "iotls_conn_send: bad arguments");
        return -1;
    }
    if (c->phase >= IOTLS_CONN_CLOSING || c->close_requested) {
        iotls_error_set(err, IOTLS_ERR_BAD_STATE,
                        "cannot send on a connection to %s that is closing or closed",
                        c->peer[0] ? c->peer
                        : c->host  ? c->host
                                   : "peer");
        return -1;
    }
    size_t space = c->queue_cap - c->queue_len;
    if (len > space) {
        iotls_error_set(err, IOTLS_ERR_QUEUE_FULL,
                        "send queue full: %zu bytes do not fit in the %zu free of %zu "
                        "(wait for `sent`, then retry)",
                        len, space, c->queue_cap);
        return -1;
    }
    if (len == 0)
        return 0;
    /* All or nothing: make sure the queue exists before anything moves. */
    if (c->queue == NULL && (c->queue = iotls_net_queue_take(c->loop, c->queue_cap)) == NULL) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory: a send queue of %zu bytes for %s",
                        c->queue_cap, c->peer[0] ? c->peer : "the connection");
        return -1;
    }
    const uint8_t *p = data;
    size_t direct = conn_send_direct(c, p, len);
    size_t rest = len - direct;
    if (rest > 0) {
        size_t tail = (c->queue_head + c->queue_len) % c->queue_cap;
        size_t first = c->queue_cap - tail < rest ? c->queue_cap - tail : rest;
        memcpy(c->queue + tail, p + direct, first);
        memcpy(c->queue, p + direct + first, rest - first);
        c->queue_len += rest;
    }
    c->sent_pending = true;
    if (c->phase == IOTLS_CONN_OPEN)
        iotls_loop_task_post(c->loop, &c->task);
    return (int)len;
}

size_t iotls_conn_send_space(const iotls_conn_t *c)
{
    if (c == NULL || c->phase >= IOTLS_CONN_CLOSING || c->close_requested)
        return 0;
    return c->queue_cap - c->queue_len;
}

void iotls_conn_hold(iotls_conn_t *c)
{
    if (c == NULL || c->phase == IOTLS_CONN_DONE || c->held)
        return;
    c->held = true;
    /* Take EPOLLIN away now: the drive pass that follows a callback would,
     * but hold() may be called from a timer or outside the loop. */
    iotls_loop_task_post(c->loop, &c->task);
}

void iotls_conn_unhold(iotls_conn_t *c)
{
    if (c == NULL || c->phase == IOTLS_CONN_DONE || !c->held)
        return;
    c->held = false;
    /* Plaintext may already wait inside the session: deliver it from the
     * loop, not from inside this call. */
    iotls_loop_task_post(c->loop, &c->task);
}

void iotls_conn_close(iotls_conn_t *c)
{
    if (c == NULL || c->phase == IOTLS_CONN_DONE || c->close_requested)
        return;
    c->close_requested = true;
    if (c->phase != IOTLS_CONN_CONNECTING)
        iotls_loop_task_post(c->loop, &c->task);
}

void iotls_conn_abort(iotls_conn_t *c)
{
    if (c == NULL || c->released)
        return;
    conn_release(c);
}

const iotls_report_t *iotls_conn_report(const iotls_conn_t *c)
{
    return c != NULL ? iotls_session_report(c->session) : NULL;
}

size_t iotls_conn_session_save(const iotls_conn_t *c, uint8_t *out, size_t cap)
{
    return c != NULL ? iotls_session_save(c->session, out, cap) : 0;
}

const iotls_error_t *iotls_conn_error(const iotls_conn_t *c)
{
    return c != NULL ? iotls_session_error(c->session) : NULL;
}

size_t iotls_conn_memory(const iotls_conn_t *c)
{
    if (c == NULL)
        return 0;
    return c->alloc_len + c->retry_len + (c->queue != NULL ? c->queue_cap : 0);
}

bool iotls_conn_retried_full_buffer(const iotls_conn_t *c)
{
    return c != NULL && c->retried_full;
}

iotls_mfl_outcome_t iotls_conn_mfl_outcome(const iotls_conn_t *c)
{
    if (c == NULL)
        return IOTLS_MFL_OUTCOME_NONE;
    return c->retried_full      ? IOTLS_MFL_OUTCOME_RETRIED
           : c->remembered_full ? IOTLS_MFL_OUTCOME_REMEMBERED
                                : IOTLS_MFL_OUTCOME_NONE;
}

const char *iotls_conn_peer(const iotls_conn_t *c)
{
    return c != NULL ? c->peer : "";
}

int iotls_conn_socket(const iotls_conn_t *c)
{
    return c != NULL ? c->fd : -1;
}

void iotls_conn_set_user(iotls_conn_t *c, void *user)
{
    if (c != NULL)
        c->user = user;
}

void *iotls_conn_user(const iotls_conn_t *c)
{
    return c != NULL ? c->user : NULL;
}

/* ---- server side --------------------------------------------------------------- */

iotls_conn_t *iotls_net_conn_accept(iotls_listener_t *l, iotls_loop_t *loop, int fd,
                                    const struct sockaddr *sa, socklen_t sa_len,
                                    const iotls_conn_config_t *cfg,
                                    const iotls_conn_callbacks_t *cb, iotls_error_t *err)
{
    iotls_conn_t *c = iotls_net_conn_alloc(loop, IOTLS_ROLE_SERVER, NULL, cfg, cb, NULL, err);
    if (c == NULL)
        return NULL;
    c->fd = fd;
    c->listener = l;
    if (sa_len <= (socklen_t)sizeof(c->addr)) {
        memcpy(&c->addr, sa, sa_len);
        c->addr_len = sa_len;
    }
    iotls_net_addr_format(sa, sa_len, c->peer, sizeof(c->peer));
    c->phase = IOTLS_CONN_HANDSHAKE;
    return c;
}
