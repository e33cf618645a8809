/* Plain TCP servers: espconn_accept (a listening socket with a readable
 * watch; each client gets a struct espconn of its own, as on the SDK) and
 * the server settings: espconn_regist_time, espconn_get_connection_info,
 * espconn_tcp_set_max_con. Connections themselves live in plain_tcp.c. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat/espconn/plain_internal.h"

static void on_acceptable(iotls_fd_watch_t *w, int fd, void *user)
{
    (void)w;
    plain_srv_t *s = user;
    if (s->dead)
        return;
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
        return;
    sint8 allow = espconn_tcp_get_max_con_allow(s->esp);
    unsigned cap = allow > 0 ? (unsigned)allow : IOTLS_ESPCONN_SERVER_CONNS;
    if (plain_live_links(s) >= cap || plain_live_links(NULL) >= espc_plain.max_con) {
        espc_log("TCP server port %d: %u clients already: connection refused",
                 s->esp->proto.tcp->local_port, plain_live_links(s));
        close(cfd);
        return;
    }
    int one = 1;
    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    plain_link_t *l = plain_link_new(NULL, cfd);
    if (l == NULL) {
        close(cfd);
        return;
    }
    /* The SDK hands each client a struct espconn of its own that copies the
     * listening one (callbacks, reverse, ports). */
    l->srv = s;
    l->own_esp = *s->esp;
    l->own_tcp = *s->esp->proto.tcp;
    l->own_esp.proto.tcp = &l->own_tcp;
    l->own_esp.state = ESPCONN_CONNECT;
    l->own_esp.link_cnt = (uint8)plain_live_links(s);
    l->esp = &l->own_esp;
    plain_fill_addrs(cfd, &l->own_tcp);
    esp_tcp *ls = s->esp->proto.tcp;
    memcpy(ls->remote_ip, l->own_tcp.remote_ip, 4);
    ls->remote_port = l->own_tcp.remote_port;
    if (l->own_tcp.connect_callback)
        l->own_tcp.connect_callback(l->esp);
}

sint8 espconn_accept(struct espconn *espconn)
{
    const char *fn = "espconn_accept";
    sint8 rc = espc_check_tcp(fn, espconn);
    if (rc != ESPCONN_OK)
        return rc;
    esp_tcp *tcp = espconn->proto.tcp;
    if (plain_srv_of(espconn) != NULL) {
        espc_log("%s: this espconn already listens on port %d", fn, tcp->local_port);
        return ESPCONN_ISCONN;
    }
    if (tcp->local_port < 0 || tcp->local_port > 65535) {
        espc_log("%s: local_port %d is not a port", fn, tcp->local_port);
        return ESPCONN_ARG;
    }
    const char *bind_to;
    int port;
    struct sockaddr_in a;
    if (!espc_bind_sockaddr(fn, tcp->local_port, &a, &bind_to, &port))
        return ESPCONN_ARG;
    int fd = plain_tcp_socket();
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 8) < 0) {
        espc_log("%s: cannot listen on %s:%d: %s", fn, bind_to, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return ESPCONN_ARG;
    }
    plain_srv_t *s = calloc(1, sizeof *s);
    if (s != NULL)
        s->watch = iotls_loop_watch_readable(espc.loop, fd, on_acceptable, s, NULL);
    if (s == NULL || s->watch == NULL) {
        free(s);
        close(fd);
        espc_log("%s: out of memory", fn);
        return ESPCONN_MEM;
    }
    s->esp = espconn;
    s->fd = fd;
    if (espc_plain.pending_idle_esp == espconn)
        s->idle_s = espc_plain.pending_idle_s;
    s->next = espc_plain.srvs;
    espc_plain.srvs = s;
    if (tcp->local_port == 0) {
        socklen_t len = sizeof a;
        getsockname(fd, (struct sockaddr *)&a, &len);
        tcp->local_port = ntohs(a.sin_port);
    }
    espconn->state = ESPCONN_LISTEN;
    espc_log("TCP server listening on %s:%d", bind_to, port ? port : tcp->local_port);
    plain_pump_arm();
    return ESPCONN_OK;
}

/* Plain TCP send; called by espconn_send for TCP espconns. */
sint8 espconn_regist_time(struct espconn *espconn, uint32 interval, uint8 type_flag)
{
    if (espconn == NULL || interval > 7200) {
        espc_log("espconn_regist_time: espconn NULL or %u s over 7200", (unsigned)interval);
        return ESPCONN_ARG;
    }
    plain_srv_t *s = plain_srv_of(espconn);
    plain_link_t *l = plain_link_of(espconn);
    if (type_flag == 1 && l != NULL) {
        l->idle_s = interval;
        return ESPCONN_OK;
    }
    if (s != NULL) {
        s->idle_s = interval;
        return ESPCONN_OK;
    }
    /* Before espconn_accept: kept for the server this espconn becomes. */
    espc_plain.pending_idle_esp = espconn;
    espc_plain.pending_idle_s = interval;
    return ESPCONN_OK;
}

sint8 espconn_get_connection_info(struct espconn *pespconn, remot_info **pcon_info, uint8 typeflags)
{
    (void)typeflags;
    static remot_info info[16];
    plain_srv_t *s = pespconn ? plain_srv_of(pespconn) : NULL;
    plain_link_t *single = pespconn ? plain_link_of(pespconn) : NULL;
    if (pcon_info == NULL || (s == NULL && single == NULL)) {
        espc_log("espconn_get_connection_info: not a plain TCP connection or server");
        return ESPCONN_ARG;
    }
    uint8 n = 0;
    for (plain_link_t *l = espc_plain.links; l && n < 16; l = l->next) {
        if (l->dead || (s ? l->srv != s : l != single))
            continue;
        info[n].state = l->esp->state;
        info[n].remote_port = l->esp->proto.tcp->remote_port;
        memcpy(info[n].remote_ip, l->esp->proto.tcp->remote_ip, 4);
        n++;
    }
    *pcon_info = info;
    pespconn->link_cnt = n;
    return ESPCONN_OK;
}

uint8 espconn_tcp_get_max_con(void)
{
    return espc_plain.max_con;
}

sint8 espconn_tcp_set_max_con(uint8 num)
{
    if (num == 0) {
        espc_log("espconn_tcp_set_max_con: 0 connections");
        return ESPCONN_ARG;
    }
    espc_plain.max_con = num;
    return ESPCONN_OK;
}
