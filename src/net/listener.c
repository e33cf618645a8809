/*
 * net/listener.c — TCP listener handing accepted sockets to server-side
 * connections, with a cap on live connections.
 *
 * The listener's memory outlives iotls_listener_free() while connections
 * it accepted are alive (they report back when released), so neither side
 * needs to walk the other's list.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
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
    unsigned active;
    unsigned long rejected;
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

void iotls_net_listener_conn_gone(iotls_listener_t *l)
{
    if (l->active > 0)
        l->active--;
    listener_maybe_release(l);
}

static void listener_accept_one(iotls_listener_t *l, int fd, const struct sockaddr_storage *ss,
                                socklen_t len)
{
    if (l->active >= l->max_conns) {
        close(fd);
        l->rejected++;
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
