/*
 * http/transport_tcp.c — the plain TCP transport: the same request code
 * without TLS, for tests and development on a trusted network.
 *
 * net.h offers readable-fd watches but no writable ones, so each
 * connection's send queue is flushed from a short periodic timer while
 * bytes wait (the kernel's socket buffer takes most writes at once). A
 * close shuts the write side and drains input until the peer's EOF (at
 * most TCP_LINGER_MS), so the peer is not reset while its bytes are
 * still in flight.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http_internal.h"

#define TCP_QUEUE 16384
#define TCP_FLUSH_MS 1
#define TCP_LINGER_MS 2000

struct http_tcp_listener {
    iotls_http_server_t *srv;
    int fd;
    uint16_t port;
    iotls_fd_watch_t *watch;
};

typedef struct {
    iotls_http_server_t *srv;
    int fd;
    iotls_fd_watch_t *watch;
    iotls_timer_t *timer; /* flush while queued, then linger while closing */
    iotls_http_sconn_t *sc;
    bool closing, lingering;
    char peer[64];
    size_t qlen;
    uint8_t q[TCP_QUEUE];
} tcp_conn_t;

static void tcp_release(tcp_conn_t *tc)
{
    iotls_fd_watch_free(tc->watch);
    iotls_timer_free(tc->timer);
    close(tc->fd);
    tc->srv->tcp_active--;
    free(tc);
}

/* The transport is over: tell the HTTP side, then free. */
static void tcp_gone(tcp_conn_t *tc)
{
    iotls_http_sconn_t *sc = tc->sc;
    tc->sc = NULL;
    tcp_release(tc);
    if (sc)
        iotls_http_sconn_gone(sc);
}

static void tcp_finish_close(tcp_conn_t *tc)
{
    shutdown(tc->fd, SHUT_WR);
    tc->lingering = true;
    iotls_fd_watch_pause(tc->watch, false);
    iotls_timer_arm(tc->timer, TCP_LINGER_MS, 0);
}

/* Write what the socket takes. -1 when the peer is gone. */
static int tcp_flush(tcp_conn_t *tc)
{
    while (tc->qlen > 0) {
        ssize_t n = send(tc->fd, tc->q, tc->qlen, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0)
            return -1;
        memmove(tc->q, tc->q + n, tc->qlen - (size_t)n);
        tc->qlen -= (size_t)n;
    }
    return 0;
}

static void on_tcp_timer(iotls_timer_t *t, void *user)
{
    tcp_conn_t *tc = user;
    if (tc->lingering) {
        tcp_gone(tc);
        return;
    }
    if (tcp_flush(tc) < 0) {
        tcp_gone(tc);
        return;
    }
    if (tc->qlen > 0)
        return; /* periodic: try again */
    iotls_timer_disarm(tc->timer);
    if (tc->closing)
        tcp_finish_close(tc);
    else if (tc->sc)
        iotls_http_sconn_drained(tc->sc);
}

static void on_tcp_readable(iotls_fd_watch_t *w, int fd, void *user)
{
    tcp_conn_t *tc = user;
    uint8_t buf[16384];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        tcp_gone(tc);
        return;
    }
    if (tc->closing)
        return; /* draining before the close */
    /* The last use of tc here: the HTTP side may abort (free) it. */
    iotls_http_sconn_input(tc->sc, buf, (size_t)n);
}

static int tcp_send(void *t, const void *data, size_t len, iotls_error_t *err)
{
    tcp_conn_t *tc = t;
    if (tc->closing || tc->qlen + len > TCP_QUEUE) {
        iotls_error_set(err, IOTLS_ERR_QUEUE_FULL, "tcp send queue full");
        return -1;
    }
    memcpy(tc->q + tc->qlen, data, len);
    tc->qlen += len;
    /* Flushed from the timer so `drained` never runs inside send. */
    iotls_timer_arm(tc->timer, 0, TCP_FLUSH_MS);
    return 0;
}

static size_t tcp_space(void *t)
{
    tcp_conn_t *tc = t;
    return tc->closing ? 0 : TCP_QUEUE - tc->qlen;
}

static void tcp_hold(void *t, bool held)
{
    tcp_conn_t *tc = t;
    if (!tc->closing)
        iotls_fd_watch_pause(tc->watch, held);
}

static void tcp_close(void *t)
{
    tcp_conn_t *tc = t;
    if (tc->closing)
        return;
    tc->closing = true;
    iotls_fd_watch_pause(tc->watch, false);
    if (tc->qlen == 0)
        tcp_finish_close(tc);
    else
        iotls_timer_arm(tc->timer, 0, TCP_FLUSH_MS);
}

static void tcp_abort(void *t)
{
    tcp_conn_t *tc = t;
    tc->sc = NULL;
    tcp_release(tc);
}

static const char *tcp_peer(void *t)
{
    return ((tcp_conn_t *)t)->peer;
}

static const iotls_http_transport_ops_t tcp_ops = {tcp_send,  tcp_space, tcp_hold, tcp_close,
                                                   tcp_abort, NULL,      tcp_peer};

static void format_peer(const struct sockaddr_storage *ss, socklen_t len, char *out, size_t cap)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (getnameinfo((const struct sockaddr *)ss, len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(out, cap, "?");
        return;
    }
    snprintf(out, cap, ss->ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
}

static void on_accept(iotls_fd_watch_t *w, int fd, void *user)
{
    struct http_tcp_listener *l = user;
    iotls_http_server_t *srv = l->srv;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
        return;
    unsigned max = srv->cfg.max_conns ? srv->cfg.max_conns : 16;
    tcp_conn_t *tc = srv->tcp_active < max ? calloc(1, sizeof *tc) : NULL;
    iotls_error_t err;
    iotls_error_clear(&err);
    if (tc) {
        tc->fd = cfd;
        tc->srv = srv;
        tc->watch = iotls_loop_watch_readable(srv->loop, cfd, on_tcp_readable, tc, &err);
        tc->timer = iotls_timer_new(srv->loop, on_tcp_timer, tc);
    }
    if (!tc || !tc->watch || !tc->timer) {
        if (tc) {
            iotls_fd_watch_free(tc->watch);
            iotls_timer_free(tc->timer);
            free(tc);
        }
        close(cfd);
        srv->tcp_rejected++;
        return;
    }
    srv->tcp_active++;
    int one = 1;
    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    format_peer(&ss, len, tc->peer, sizeof tc->peer);
    tc->sc = iotls_http_server_attach(srv, &tcp_ops, tc, &err);
    if (!tc->sc) {
        srv->tcp_rejected++;
        tcp_release(tc);
    }
}

struct http_tcp_listener *http_tcp_listen(iotls_http_server_t *srv, const char *host, uint16_t port,
                                          iotls_error_t *err)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
    int rc = getaddrinfo(host && *host ? host : NULL, portstr, &hints, &ai);
    if (rc != 0) {
        iotls_error_set(err, IOTLS_ERR_RESOLVE, "cannot resolve '%s': %s", host ? host : "",
                        gai_strerror(rc));
        return NULL;
    }
    struct http_tcp_listener *l = calloc(1, sizeof *l);
    int fd = -1;
    for (struct addrinfo *a = ai; a && l; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 128) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (!l || fd < 0) {
        iotls_error_set(err, l ? IOTLS_ERR_IO : IOTLS_ERR_NO_MEMORY, "cannot listen on %s:%u (%s)",
                        host && *host ? host : "*", (unsigned)port, strerror(errno));
        free(l);
        return NULL;
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                             : ((struct sockaddr_in *)&ss)->sin_port);
    l->srv = srv;
    l->fd = fd;
    l->watch = iotls_loop_watch_readable(srv->loop, fd, on_accept, l, err);
    if (!l->watch) {
        close(fd);
        free(l);
        return NULL;
    }
    return l;
}

uint16_t http_tcp_listener_port(const struct http_tcp_listener *l)
{
    return l->port;
}

void http_tcp_listener_free(struct http_tcp_listener *l)
{
    if (!l)
        return;
    iotls_fd_watch_free(l->watch);
    close(l->fd);
    free(l);
}
