/* UDP espconn: espconn_create binds proto.udp->local_port; datagrams reach
 * the receive callback from the loop with remote_ip/remote_port set to the
 * sender (so a reply with espconn_send goes back to it, as on the SDK);
 * espconn_send/espconn_sendto send one datagram to remote_ip:remote_port. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat/espconn/espconn_internal.h"

typedef struct udp_sock {
    struct espconn *esp;
    int fd;
    iotls_fd_watch_t *watch;
    struct udp_sock *next;
} udp_sock_t;

static udp_sock_t *socks;
/* Armed while a socket is open: a UDP server keeps the program running,
 * as on the chip (fd watches alone do not hold the loop). */
static iotls_timer_t *keepalive;

static void keepalive_fire(iotls_timer_t *t, void *user)
{
    (void)user;
    if (socks == NULL)
        iotls_timer_disarm(t);
}

unsigned espconn_host_udp_sockets(void)
{
    unsigned n = 0;
    for (udp_sock_t *u = socks; u; u = u->next)
        n++;
    return n;
}

void espc_udp_forget(void)
{
    while (socks) {
        udp_sock_t *u = socks;
        socks = u->next;
        close(u->fd);
        free(u);
    }
    keepalive = NULL; /* freed with the loop */
}

static udp_sock_t *sock_of(const struct espconn *esp)
{
    for (udp_sock_t *u = socks; u; u = u->next)
        if (u->esp == esp)
            return u;
    return NULL;
}

static void on_datagram(iotls_fd_watch_t *w, int fd, void *user)
{
    (void)w;
    udp_sock_t *u = user;
    char buf[2048];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    if (n < 0)
        return;
    esp_udp *udp = u->esp->proto.udp;
    memcpy(udp->remote_ip, &from.sin_addr, 4);
    udp->remote_port = ntohs(from.sin_port);
    if (u->esp->recv_callback)
        u->esp->recv_callback(u->esp, buf, (unsigned short)n);
}

sint8 espconn_create(struct espconn *espconn)
{
    const char *fn = "espconn_create";
    if (espc_loop() == NULL)
        return ESPCONN_MEM;
    if (espconn == NULL || espconn->type != ESPCONN_UDP || espconn->proto.udp == NULL) {
        espc_log("%s: espconn must be type ESPCONN_UDP with proto.udp set", fn);
        return ESPCONN_ARG;
    }
    if (sock_of(espconn) != NULL) {
        espc_log("%s: this espconn already has a UDP socket", fn);
        return ESPCONN_ISCONN;
    }
    esp_udp *udp = espconn->proto.udp;
    if (udp->local_port < 0 || udp->local_port > 65535) {
        espc_log("%s: local_port %d is not a port", fn, udp->local_port);
        return ESPCONN_ARG;
    }
    const char *bind_to;
    int port;
    struct sockaddr_in a;
    if (!espc_bind_sockaddr(fn, udp->local_port, &a, &bind_to, &port))
        return ESPCONN_ARG;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        espc_log("%s: cannot bind UDP %s:%d: %s", fn, bind_to, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return ESPCONN_ARG;
    }
    udp_sock_t *u = calloc(1, sizeof *u);
    if (u != NULL)
        u->watch = iotls_loop_watch_readable(espc.loop, fd, on_datagram, u, NULL);
    if (u == NULL || u->watch == NULL) {
        free(u);
        close(fd);
        return ESPCONN_MEM;
    }
    if (keepalive == NULL &&
        (keepalive = iotls_timer_new(espc.loop, keepalive_fire, NULL)) == NULL) {
        iotls_fd_watch_free(u->watch);
        free(u);
        close(fd);
        return ESPCONN_MEM;
    }
    iotls_timer_arm(keepalive, 100, 100);
    u->esp = espconn;
    u->fd = fd;
    u->next = socks;
    socks = u;
    if (udp->local_port == 0) {
        socklen_t len = sizeof a;
        getsockname(fd, (struct sockaddr *)&a, &len);
        udp->local_port = ntohs(a.sin_port);
    }
    return ESPCONN_OK;
}

sint8 espc_udp_send(struct espconn *espconn, uint8 *psent, uint16 length)
{
    const char *fn = "espconn_sendto";
    if (espconn == NULL || espconn->proto.udp == NULL || psent == NULL) {
        espc_log("%s: espconn, proto.udp and data are needed", fn);
        return ESPCONN_ARG;
    }
    udp_sock_t *u = sock_of(espconn);
    if (u == NULL) {
        /* The SDK sends from a UDP espconn that was created; say so. */
        espc_log("%s: espconn_create this UDP espconn first", fn);
        return ESPCONN_ARG;
    }
    esp_udp *udp = espconn->proto.udp;
    struct sockaddr_in to = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)espc_port_map(fn, udp->remote_port))};
    memcpy(&to.sin_addr, udp->remote_ip, 4);
    if (sendto(u->fd, psent, length, 0, (struct sockaddr *)&to, sizeof to) < 0) {
        espc_log("%s: " IPSTR ":%d: %s", fn, IP2STR(udp->remote_ip), udp->remote_port,
                 strerror(errno));
        return ESPCONN_IF;
    }
    return ESPCONN_OK;
}

bool espc_udp_delete(struct espconn *espconn)
{
    for (udp_sock_t **p = &socks; *p; p = &(*p)->next)
        if ((*p)->esp == espconn) {
            udp_sock_t *u = *p;
            *p = u->next;
            iotls_fd_watch_free(u->watch);
            close(u->fd);
            free(u);
            if (socks == NULL && keepalive != NULL)
                iotls_timer_disarm(keepalive);
            return true;
        }
    return false;
}
