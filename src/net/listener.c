/*
 * net/listener.c — TCP listener handing accepted sockets to server-side
 * connections, with a lock-out policy: a cap on live connections where the
 * newest arrival evicts the oldest connection still in its handshake (a
 * flood of silent sockets then cycles through the slots instead of
 * holding them), an optional per-address cap, and a rate-limited log line
 * when full.
 *
 * The listener's memory outlives iotls_listener_free() while connections
 * it accepted are alive (they report back when released). It keeps them
 * in a list, oldest first, to find the eviction candidate and count
 * connections per address.
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

#define LISTENER_ACCEPT_BATCH 64 /* per wake-up, so one busy port cannot starve */
#define LISTENER_PAUSE_MS 100    /* back-off when out of file descriptors */
#define LISTENER_DEFAULT_MAX_CONNS 64

struct iotls_listener {
    iotls_loop_handle_t handle;
    iotls_loop_deferred_t deferred;
    iotls_loop_watch_t watch;
    iotls_timer_t pause; /* EMFILE back-off: level-triggered epoll would spin */
    iotls_loop_t *loop;
    int fd;
    uint16_t port;
    unsigned max_conns;
    unsigned max_per_addr; /* 0 = no per-address cap */
    unsigned active;
    unsigned long rejected, evicted;
    iotls_conn_t *oldest, *newest; /* live connections in accept order */
    uint64_t last_full_log_ms;
    bool logged_full;
    bool closed;
    bool released;
    iotls_conn_config_t cfg;
    iotls_listener_callbacks_t cb;
    void *user;
};

static void listener_memory_release(iotls_loop_deferred_t *d)
{
    free((char *)d - offsetof(iotls_listener_t, deferred));
}

static void listener_maybe_release(iotls_listener_t *l)
{
    if (l->closed && l->active == 0 && !l->released) {
        l->released = true;
        iotls_loop_defer_release(l->loop, &l->deferred, listener_memory_release);
    }
}

void iotls_net_listener_conn_gone(iotls_listener_t *l, iotls_conn_t *c)
{
    if (c->listener_prev != NULL)
        c->listener_prev->listener_next = c->listener_next;
    else if (l->oldest == c)
        l->oldest = c->listener_next;
    if (c->listener_next != NULL)
        c->listener_next->listener_prev = c->listener_prev;
    else if (l->newest == c)
        l->newest = c->listener_prev;
    c->listener_prev = c->listener_next = NULL;
    if (l->active > 0)
        l->active--;
    listener_maybe_release(l);
}

static void listener_link(iotls_listener_t *l, iotls_conn_t *c)
{
    c->accepted_ms = iotls_loop_now_ms(l->loop);
    c->listener_prev = l->newest;
    c->listener_next = NULL;
    if (l->newest != NULL)
        l->newest->listener_next = c;
    else
        l->oldest = c;
    l->newest = c;
}

/* The IP part of two addresses (ports differ for every connection). */
static bool listener_same_ip(const struct sockaddr_storage *a, const struct sockaddr *b)
{
    if (a->ss_family != b->sa_family)
        return false;
    if (b->sa_family == AF_INET)
        return ((const struct sockaddr_in *)(const void *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)(const void *)b)->sin_addr.s_addr;
    if (b->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)(const void *)b)->sin6_addr,
                      sizeof(struct in6_addr)) == 0;
    return false;
}

static unsigned listener_count_ip(const iotls_listener_t *l, const struct sockaddr *sa)
{
    unsigned n = 0;
    for (const iotls_conn_t *c = l->oldest; c != NULL; c = c->listener_next)
        n += listener_same_ip(&c->addr, sa);
    return n;
}

/* One line at most every IOTLS_NET_LISTENER_LOG_INTERVAL_MS: an operator
 * learns the server is full without a flood filling the log. */
static void listener_log_full(iotls_listener_t *l, const char *what)
{
    uint64_t now = iotls_loop_now_ms(l->loop);
    if (l->logged_full && now - l->last_full_log_ms < IOTLS_NET_LISTENER_LOG_INTERVAL_MS)
        return;
    l->logged_full = true;
    l->last_full_log_ms = now;
    char line[IOTLS_NET_ADDR_TEXT * 2 + 256];
    snprintf(line, sizeof(line),
             "iotls: listener on port %u is full (%u of %u connections): %s; %lu evicted in "
             "their handshake and %lu refused so far",
             (unsigned)l->port, l->active, l->max_conns, what, l->evicted, l->rejected);
    if (l->cfg.tls.log != NULL)
        l->cfg.tls.log(l->cfg.tls.log_ctx, line);
    else
        fprintf(stderr, "%s\n", line);
}

/* Make room at the cap: the oldest connection still in its handshake goes
 * (a silent socket or a stalled client), never one that is serving. false
 * when every live connection has completed its handshake. */
static bool listener_evict_one(iotls_listener_t *l, const char *newcomer)
{
    iotls_conn_t *victim = l->oldest;
    while (victim != NULL && victim->phase != IOTLS_CONN_HANDSHAKE)
        victim = victim->listener_next;
    if (victim == NULL)
        return false;
    uint64_t age = iotls_loop_now_ms(l->loop) - victim->accepted_ms;
    char what[IOTLS_NET_ADDR_TEXT * 2 + 96];
    snprintf(what, sizeof(what), "evicted %s (handshake not done after %llu ms) for %s",
             victim->peer, (unsigned long long)age, newcomer);
    l->evicted++;
    listener_log_full(l, what);
    IOTLS_NET_CONN_FAIL(victim, IOTLS_ERR_TOO_MANY_CONNECTIONS,
                        "evicted: the listener on port %u is full (%u connections) and this "
                        "connection from %s had not completed its TLS handshake after %llu ms",
                        (unsigned)l->port, l->max_conns, victim->peer, (unsigned long long)age);
    return true;
}

static void listener_refuse(iotls_listener_t *l, int fd, const char *why)
{
    close(fd);
    l->rejected++;
    listener_log_full(l, why);
}

static void listener_accept_one(iotls_listener_t *l, int fd, const struct sockaddr_storage *ss,
                                socklen_t len)
{
    char who[IOTLS_NET_ADDR_TEXT], why[IOTLS_NET_ADDR_TEXT + 96];
    iotls_net_addr_format((const struct sockaddr *)ss, len, who, sizeof(who));
    if (l->max_per_addr != 0 &&
        listener_count_ip(l, (const struct sockaddr *)ss) >= l->max_per_addr) {
        snprintf(why, sizeof(why), "refused %s (already %u connections from that address)", who,
                 l->max_per_addr);
        listener_refuse(l, fd, why);
        return;
    }
    if (l->active >= l->max_conns && !listener_evict_one(l, who)) {
        snprintf(why, sizeof(why), "refused %s (every connection is past its handshake)", who);
        listener_refuse(l, fd, why);
        return;
    }
    if (l->closed) { /* the evicted connection's callback freed the listener */
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_conn_t *c = iotls_net_conn_accept(l, l->loop, fd, (const struct sockaddr *)ss, len,
                                            &l->cfg, &l->cb.conn, &err);
    if (c == NULL) {
        close(fd);
        l->rejected++;
        return;
    }
    l->active++;
    listener_link(l, c);
    if (l->cb.accepted != NULL) {
        void *u = l->cb.accepted(l, c, l->user);
        if (c->phase == IOTLS_CONN_DONE)
            return; /* aborted inside `accepted` */
        c->user = u;
    }
    iotls_net_conn_start_tls(c);
}

static void listener_on_pause_end(iotls_timer_t *t, void *user)
{
    (void)t;
    iotls_listener_t *l = user;
    if (!l->closed)
        iotls_loop_watch_set(l->loop, &l->watch, l->fd, EPOLLIN);
}

static void listener_on_fd(void *ctx, uint32_t events)
{
    iotls_listener_t *l = ctx;
    (void)events;
    for (int i = 0; i < LISTENER_ACCEPT_BATCH && !l->closed; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                iotls_loop_watch_set(l->loop, &l->watch, l->fd, 0);
                iotls_timer_arm(&l->pause, LISTENER_PAUSE_MS, 0);
            }
            return; /* EAGAIN: drained */
        }
        listener_accept_one(l, fd, &ss, len);
    }
}

/* Bind one address; returns the fd or -errno. */
static int listener_bind(int family, const struct sockaddr *sa, socklen_t len, bool dual)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual ? &zero : &one, sizeof(int));
    if (bind(fd, sa, len) != 0 || listen(fd, SOMAXCONN) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

static int listener_open(const char *host, uint16_t port, iotls_error_t *err)
{
    if (host == NULL || host[0] == '\0') {
        /* One dual-stack socket serves IPv4 and IPv6; hosts without IPv6
         * fall back to IPv4 only. */
        struct sockaddr_in6 any6;
        memset(&any6, 0, sizeof(any6));
        any6.sin6_family = AF_INET6;
        any6.sin6_addr = in6addr_any;
        any6.sin6_port = htons(port);
        int fd = listener_bind(AF_INET6, (struct sockaddr *)&any6, sizeof(any6), true);
        if (fd >= 0)
            return fd;
        struct sockaddr_in any4;
        memset(&any4, 0, sizeof(any4));
        any4.sin_family = AF_INET;
        any4.sin_addr.s_addr = htonl(INADDR_ANY);
        any4.sin_port = htons(port);
        fd = listener_bind(AF_INET, (struct sockaddr *)&any4, sizeof(any4), false);
        if (fd < 0)
            iotls_error_set(err, IOTLS_ERR_IO, "cannot listen on port %u: %s", (unsigned)port,
                            strerror(-fd));
        return fd;
    }
    struct addrinfo *list;
    if (iotls_net_resolve(host, port, true, &list, err) != 0)
        return -1;
    int fd = -EADDRNOTAVAIL;
    for (struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next)
        fd = listener_bind(ai->ai_family, ai->ai_addr, ai->ai_addrlen, false);
    freeaddrinfo(list);
    if (fd < 0)
        iotls_error_set(err, IOTLS_ERR_IO, "cannot listen on %s port %u: %s", host, (unsigned)port,
                        strerror(-fd));
    return fd;
}

static void listener_handle_close(iotls_loop_handle_t *h)
{
    iotls_listener_free(
        (iotls_listener_t *)(void *)((char *)h - offsetof(iotls_listener_t, handle)));
}

iotls_listener_t *iotls_listener_new(iotls_loop_t *loop, const char *host, uint16_t port,
                                     unsigned max_conns, const iotls_conn_config_t *cfg,
                                     const iotls_listener_callbacks_t *cb, void *user,
                                     iotls_error_t *err)
{
    if (loop == NULL || cfg == NULL) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "iotls_listener_new needs a loop and a configuration");
        return NULL;
    }
    if (cfg->tls.creds == NULL) {
        iotls_error_set(err, IOTLS_ERR_NO_CREDENTIALS,
                        "a listener needs cfg->tls.creds (certificate chain and private key)");
        return NULL;
    }
    iotls_listener_t *l = calloc(1, sizeof(*l));
    if (l == NULL) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory creating a listener");
        return NULL;
    }
    l->cfg = *cfg;
    l->cfg.tls.role = IOTLS_ROLE_SERVER;
    l->cfg.verify_name = NULL; /* client-only; the caller's string need not live on */
    /* Idle clients must not hold slots for ever: servers get a default. */
    if (l->cfg.idle_timeout_ms == 0)
        l->cfg.idle_timeout_ms = IOTLS_NET_SERVER_IDLE_TIMEOUT_MS;
    if (iotls_session_size(&l->cfg.tls) == 0) {
        iotls_error_set(err, IOTLS_ERR_CONFIG,
                        "invalid TLS configuration: buffer_size %zu is not 0 or %d..%d",
                        l->cfg.tls.buffer_size, IOTLS_BUFFER_MIN, IOTLS_BUFFER_MAX);
        free(l);
        return NULL;
    }
    if (iotls_loop_timer_init(loop, &l->pause, listener_on_pause_end, l) != 0) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory creating a listener");
        free(l);
        return NULL;
    }
    l->loop = loop;
    l->max_conns = max_conns != 0 ? max_conns : LISTENER_DEFAULT_MAX_CONNS;
    if (cb != NULL)
        l->cb = *cb;
    l->user = user;
    l->fd = listener_open(host, port, err);
    if (l->fd < 0) {
        iotls_loop_timer_deinit(&l->pause);
        free(l);
        return NULL;
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(l->fd, (struct sockaddr *)&ss, &len) == 0)
        l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    iotls_loop_watch_init(&l->watch, listener_on_fd, l);
    int rc = iotls_loop_watch_set(loop, &l->watch, l->fd, EPOLLIN);
    if (rc != 0) {
        iotls_error_set(err, IOTLS_ERR_IO, "epoll refused the listening socket: %s", strerror(-rc));
        close(l->fd);
        iotls_loop_timer_deinit(&l->pause);
        free(l);
        return NULL;
    }
    iotls_loop_handle_add(loop, &l->handle, listener_handle_close);
    return l;
}

uint16_t iotls_listener_port(const iotls_listener_t *l)
{
    return l != NULL ? l->port : 0;
}

unsigned iotls_listener_active(const iotls_listener_t *l)
{
    return l != NULL ? l->active : 0;
}

unsigned long iotls_listener_rejected(const iotls_listener_t *l)
{
    return l != NULL ? l->rejected : 0;
}

unsigned long iotls_listener_evicted(const iotls_listener_t *l)
{
    return l != NULL ? l->evicted : 0;
}

void iotls_listener_set_max_per_address(iotls_listener_t *l, unsigned n)
{
    if (l != NULL)
        l->max_per_addr = n;
}

void iotls_listener_free(iotls_listener_t *l)
{
    if (l == NULL || l->closed)
        return;
    l->closed = true;
    iotls_loop_watch_remove(l->loop, &l->watch);
    close(l->fd);
    l->fd = -1;
    iotls_loop_timer_deinit(&l->pause);
    iotls_loop_handle_remove(l->loop, &l->handle);
    listener_maybe_release(l);
}
