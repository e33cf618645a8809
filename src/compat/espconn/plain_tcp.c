/* Plain TCP connections (espconn_connect/send/disconnect/abort/delete; the
 * listening side is plain_server.c) on the same iotls loop as the SSL
 * connections: non-blocking sockets, a readable watch per socket for
 * incoming data, and one "pump" timer that completes connects, writes
 * queued data, delivers sent callbacks, closes, and keeps the program
 * running while any plain socket is open (watches alone do not).
 *
 * Lifetime: a link that ends is only marked dead (fd closed, watch freed)
 * and its memory is reclaimed by the next pump, never inside a callback;
 * so callbacks may disconnect, abort or delete any connection, and connect
 * the same espconn again. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat/espconn/plain_internal.h"

#define PUMP_MS 2
#define CONNECT_TIMEOUT_MS 10000
#define RECV_CHUNK 1460 /* one TCP segment, as lwIP hands them to the SDK */

espc_plain_t espc_plain = {.max_con = PLAIN_MAX_CON_DEFAULT};

static uint64_t now_ms(void)
{
    return espc.loop ? iotls_loop_now_ms(espc.loop) : 0;
}

plain_srv_t *plain_srv_of(const struct espconn *esp)
{
    for (plain_srv_t *s = espc_plain.srvs; s; s = s->next)
        if (!s->dead && s->esp == esp)
            return s;
    return NULL;
}

/* The connection an espconn names. As in the SDK, the listening espconn
 * names one of its clients by the remote_ip/remote_port set in it (older
 * applications send and disconnect through it that way). */
plain_link_t *plain_link_of(const struct espconn *esp)
{
    for (plain_link_t *l = espc_plain.links; l; l = l->next)
        if (!l->dead && l->esp == esp)
            return l;
    const plain_srv_t *s = esp ? plain_srv_of(esp) : NULL;
    if (s == NULL)
        return NULL;
    const esp_tcp *want = esp->proto.tcp;
    for (plain_link_t *l = espc_plain.links; l; l = l->next)
        if (!l->dead && l->srv == s && l->own_tcp.remote_port == want->remote_port &&
            memcmp(l->own_tcp.remote_ip, want->remote_ip, 4) == 0)
            return l;
    return NULL;
}

unsigned plain_live_links(const plain_srv_t *srv)
{
    unsigned n = 0;
    for (plain_link_t *l = espc_plain.links; l; l = l->next)
        n += !l->dead && (srv == NULL || l->srv == srv);
    return n;
}

unsigned espconn_host_plain_connections(void)
{
    return plain_live_links(NULL);
}

unsigned espconn_host_plain_listeners(void)
{
    unsigned n = 0;
    for (plain_srv_t *s = espc_plain.srvs; s; s = s->next)
        n += !s->dead;
    return n;
}

void plain_close_fd(int *fd, iotls_fd_watch_t **w)
{
    if (*w)
        iotls_fd_watch_free(*w);
    *w = NULL;
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Fill remote_ip/remote_port (and local) of `tcp` from the socket. */
void plain_fill_addrs(int fd, esp_tcp *tcp)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    if (getpeername(fd, (struct sockaddr *)&a, &len) == 0) {
        memcpy(tcp->remote_ip, &a.sin_addr, 4);
        tcp->remote_port = ntohs(a.sin_port);
    }
    len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        memcpy(tcp->local_ip, &a.sin_addr, 4);
}

/* The link is over: mark it, close it, then tell the application (code
 * ESPCONN_OK: disconnect callback; otherwise the reconnect callback). */
static void link_end(plain_link_t *l, sint8 code)
{
    if (l->dead)
        return;
    l->dead = true;
    plain_close_fd(&l->fd, &l->watch);
    free(l->out);
    l->out = NULL;
    espc_tell_end(l->esp, code);
}

static sint8 errno_code(int e)
{
    switch (e) {
    case ECONNREFUSED:
    case ECONNRESET:
    case EPIPE: return ESPCONN_RST;
    case ETIMEDOUT: return ESPCONN_TIMEOUT;
    case ENETUNREACH:
    case EHOSTUNREACH: return ESPCONN_RTE;
    default: return ESPCONN_CONN;
    }
}

static void on_readable(iotls_fd_watch_t *w, int fd, void *user)
{
    (void)w;
    plain_link_t *l = user;
    if (l->dead || l->connecting)
        return;
    char buf[RECV_CHUNK];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
        l->active_ms = now_ms();
        if (l->esp->recv_callback)
            l->esp->recv_callback(l->esp, buf, (unsigned short)n);
    } else if (n == 0) {
        link_end(l, ESPCONN_OK); /* the peer closed: the SDK's disconnect */
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        int e = errno;
        espc_log("TCP " IPSTR ":%d: receive failed: %s", IP2STR(l->esp->proto.tcp->remote_ip),
                 l->esp->proto.tcp->remote_port, strerror(e));
        link_end(l, errno_code(e));
    }
}

plain_link_t *plain_link_new(struct espconn *esp, int fd)
{
    plain_link_t *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->esp = esp;
    l->fd = fd;
    l->started_ms = l->active_ms = now_ms();
    l->watch = iotls_loop_watch_readable(espc.loop, fd, on_readable, l, NULL);
    if (l->watch == NULL) {
        free(l);
        return NULL;
    }
    l->next = espc_plain.links;
    espc_plain.links = l;
    plain_pump_arm();
    return l;
}

static void connect_step(plain_link_t *l)
{
    struct pollfd p = {.fd = l->fd, .events = POLLOUT};
    if (poll(&p, 1, 0) <= 0) {
        if (now_ms() - l->started_ms > CONNECT_TIMEOUT_MS)
            link_end(l, ESPCONN_TIMEOUT);
        return;
    }
    int e = 0;
    socklen_t len = sizeof e;
    getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &e, &len);
    esp_tcp *tcp = l->esp->proto.tcp;
    if (e != 0) {
        espc_log("TCP " IPSTR ":%d: connect failed: %s", IP2STR(tcp->remote_ip), tcp->remote_port,
                 strerror(e));
        link_end(l, errno_code(e));
        return;
    }
    l->connecting = false;
    l->esp->state = ESPCONN_CONNECT;
    plain_fill_addrs(l->fd, &l->own_tcp); /* local address only; keep the app's remote */
    memcpy(tcp->local_ip, l->own_tcp.local_ip, 4);
    if (tcp->connect_callback)
        tcp->connect_callback(l->esp);
}

static void write_step(plain_link_t *l)
{
    while (l->out && l->out_off < l->out_len) {
        ssize_t n = send(l->fd, l->out + l->out_off, l->out_len - l->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return;
            int e = errno;
            espc_log("TCP: send failed: %s", strerror(e));
            link_end(l, errno_code(e));
            return;
        }
        l->out_off += (size_t)n;
        l->active_ms = now_ms();
    }
    if (l->out) {
        free(l->out);
        l->out = NULL;
        l->out_len = l->out_off = 0;
        l->sent_due = true;
    }
}

static void idle_step(plain_link_t *l)
{
    uint32 idle = l->idle_s ? l->idle_s : (l->srv ? l->srv->idle_s : 0);
    if (idle == 0 || now_ms() - l->active_ms < (uint64_t)idle * 1000u)
        return;
    espc_log("TCP " IPSTR ":%d: idle for %u s (espconn_regist_time): closing",
             IP2STR(l->esp->proto.tcp->remote_ip), l->esp->proto.tcp->remote_port, (unsigned)idle);
    link_end(l, ESPCONN_OK);
}

static void reap(void)
{
    for (plain_link_t **p = &espc_plain.links; *p;) {
        plain_link_t *l = *p;
        if (l->dead) {
            *p = l->next;
            free(l);
        } else {
            p = &l->next;
        }
    }
    for (plain_srv_t **p = &espc_plain.srvs; *p;) {
        plain_srv_t *s = *p;
        if (s->dead) {
            *p = s->next;
            free(s);
        } else {
            p = &s->next;
        }
    }
}

static void pump_fire(iotls_timer_t *t, void *user)
{
    (void)user;
    /* Links added by callbacks are prepended: this walk never meets them,
     * and no callback frees a link. */
    for (plain_link_t *l = espc_plain.links; l; l = l->next) {
        if (l->dead)
            continue;
        if (l->connecting) {
            connect_step(l);
            continue;
        }
        write_step(l);
        if (!l->dead && l->sent_due && l->out == NULL) {
            l->sent_due = false;
            struct espconn *esp = l->esp;
            if (esp->sent_callback)
                esp->sent_callback(esp);
            if (!l->dead && esp->proto.tcp && esp->proto.tcp->write_finish_fn)
                esp->proto.tcp->write_finish_fn(esp);
        }
        if (!l->dead && (l->aborting || (l->closing && l->out == NULL))) {
            shutdown(l->fd, SHUT_RDWR);
            link_end(l, ESPCONN_OK);
        }
        if (!l->dead)
            idle_step(l);
    }
    reap();
    if (espc_plain.links == NULL && espc_plain.srvs == NULL)
        iotls_timer_disarm(t);
}

void plain_pump_arm(void)
{
    if (espc_plain.pump == NULL &&
        (espc_plain.pump = iotls_timer_new(espc.loop, pump_fire, NULL)) == NULL) {
        espc_log("TCP: out of memory for the I/O timer");
        return;
    }
    iotls_timer_arm(espc_plain.pump, PUMP_MS, PUMP_MS);
}

void espc_plain_forget(void)
{
    /* The loop (with its watches and the pump timer) is already gone. */
    while (espc_plain.links) {
        plain_link_t *l = espc_plain.links;
        espc_plain.links = l->next;
        if (l->fd >= 0)
            close(l->fd);
        free(l->out);
        free(l);
    }
    while (espc_plain.srvs) {
        plain_srv_t *s = espc_plain.srvs;
        espc_plain.srvs = s->next;
        if (s->fd >= 0)
            close(s->fd);
        free(s);
    }
    espc_plain.pump = NULL;
    espc_plain.max_con = PLAIN_MAX_CON_DEFAULT;
    espc_plain.pending_idle_esp = NULL;
}

int plain_tcp_socket(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

sint8 espconn_connect(struct espconn *espconn)
{
    const char *fn = "espconn_connect";
    sint8 rc = espc_check_tcp(fn, espconn);
    if (rc != ESPCONN_OK)
        return rc;
    esp_tcp *tcp = espconn->proto.tcp;
    if (plain_link_of(espconn) || espc_link_find(espconn)) {
        espc_log("%s: this espconn is already connected or connecting", fn);
        return ESPCONN_ISCONN;
    }
    if (tcp->remote_port <= 0 || tcp->remote_port > 65535) {
        espc_log("%s: remote_port %d is not a port", fn, tcp->remote_port);
        return ESPCONN_ARG;
    }
    if (plain_live_links(NULL) >= espc_plain.max_con) {
        espc_log("%s: %u TCP connections already (espconn_tcp_set_max_con)", fn,
                 (unsigned)espc_plain.max_con);
        return ESPCONN_MAXNUM;
    }
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)espc_port_map(fn, tcp->remote_port))};
    memcpy(&a.sin_addr, tcp->remote_ip, 4);
    int fd = plain_tcp_socket();
    if (fd < 0) {
        espc_log("%s: no socket: %s", fn, strerror(errno));
        return ESPCONN_MEM;
    }
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) {
        /* Reported from the loop, as lwIP would: never inside the call. */
        espc_log("%s: " IPSTR ":%d: %s", fn, IP2STR(tcp->remote_ip), tcp->remote_port,
                 strerror(errno));
    }
    plain_link_t *l = plain_link_new(espconn, fd);
    if (l == NULL) {
        close(fd);
        espc_log("%s: out of memory", fn);
        return ESPCONN_MEM;
    }
    l->connecting = true;
    espconn->state = ESPCONN_WAIT;
    return ESPCONN_OK;
}

sint8 espc_plain_send(struct espconn *espconn, uint8 *psent, uint16 length)
{
    const char *fn = "espconn_send";
    plain_link_t *l = plain_link_of(espconn);
    if (l == NULL) {
        espc_log("%s: this espconn has no TCP connection%s", fn,
                 espc_link_find(espconn) ? " (it is an SSL connection: espconn_secure_send)" : "");
        return ESPCONN_ARG;
    }
    if (l->connecting || l->closing || l->aborting) {
        espc_log("%s: not connected (%s)", fn, l->connecting ? "connect pending" : "closing");
        return ESPCONN_CONN;
    }
    if (psent == NULL || length == 0) {
        espc_log("%s: nothing to send", fn);
        return ESPCONN_ARG;
    }
    /* One sent callback once all of it is out. */
    return espc_queue_append(&l->out, &l->out_len, &l->out_off, psent, length, fn, "TCP");
}

sint8 espc_plain_disconnect(struct espconn *espconn)
{
    plain_link_t *l = plain_link_of(espconn);
    if (l == NULL)
        return ESPCONN_ARG;
    l->closing = true;
    return ESPCONN_OK;
}

sint8 espc_plain_abort(struct espconn *espconn)
{
    plain_link_t *l = plain_link_of(espconn);
    if (l == NULL)
        return ESPCONN_ARG;
    struct linger lg = {.l_onoff = 1, .l_linger = 0}; /* RST, as the SDK's abort */
    setsockopt(l->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    l->aborting = true;
    return ESPCONN_OK;
}

/* Forget a connection or server without callbacks. */
bool espc_plain_delete(struct espconn *espconn)
{
    plain_srv_t *s = plain_srv_of(espconn);
    if (s != NULL) {
        s->dead = true;
        plain_close_fd(&s->fd, &s->watch);
        espconn->state = ESPCONN_CLOSE;
        return true;
    }
    plain_link_t *l = plain_link_of(espconn);
    if (l != NULL) {
        l->dead = true;
        plain_close_fd(&l->fd, &l->watch);
        free(l->out);
        l->out = NULL;
        espconn->state = ESPCONN_CLOSE;
        return true;
    }
    return false;
}

sint8 espconn_recv_hold(struct espconn *pespconn)
{
    plain_link_t *l = plain_link_of(pespconn);
    if (l == NULL || l->watch == NULL)
        return ESPCONN_ARG;
    iotls_fd_watch_pause(l->watch, true);
    return ESPCONN_OK;
}

sint8 espconn_recv_unhold(struct espconn *pespconn)
{
    plain_link_t *l = plain_link_of(pespconn);
    if (l == NULL || l->watch == NULL)
        return ESPCONN_ARG;
    iotls_fd_watch_pause(l->watch, false);
    return ESPCONN_OK;
}
