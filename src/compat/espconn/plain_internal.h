/* Plain TCP espconn, shared by plain_tcp.c (connections: connect, I/O,
 * close) and plain_server.c (listening, accepting, server settings). */
#ifndef IOTLS_COMPAT_ESPCONN_PLAIN_INTERNAL_H
#define IOTLS_COMPAT_ESPCONN_PLAIN_INTERNAL_H

#include "compat/espconn/espconn_internal.h"

#define PLAIN_MAX_CON_DEFAULT 5

typedef struct plain_srv plain_srv_t;

typedef struct plain_link {
    struct espconn *esp;
    struct espconn own_esp; /* accepted: the per-client espconn */
    esp_tcp own_tcp;
    plain_srv_t *srv;
    int fd;
    iotls_fd_watch_t *watch;
    bool connecting, closing, aborting, dead, sent_due;
    uint8_t *out;
    size_t out_len, out_off;
    uint64_t started_ms, active_ms;
    uint32 idle_s; /* espconn_regist_time(.., 1) on this connection */
    struct plain_link *next;
} plain_link_t;

struct plain_srv {
    struct espconn *esp;
    int fd;
    iotls_fd_watch_t *watch;
    uint32 idle_s;
    bool dead;
    plain_srv_t *next;
};

/* The layer's plain TCP state (single-threaded, like the rest). */
typedef struct {
    plain_link_t *links;
    plain_srv_t *srvs;
    iotls_timer_t *pump;
    uint8 max_con;                          /* espconn_tcp_set_max_con */
    const struct espconn *pending_idle_esp; /* espconn_regist_time before accept */
    uint32 pending_idle_s;
} espc_plain_t;

extern espc_plain_t espc_plain;

plain_srv_t *plain_srv_of(const struct espconn *esp);
plain_link_t *plain_link_of(const struct espconn *esp);
/* Live connections of srv (NULL: all). */
unsigned plain_live_links(const plain_srv_t *srv);
/* A link for fd with its readable watch, added to the list; NULL on
 * memory failure (fd stays the caller's). */
plain_link_t *plain_link_new(struct espconn *esp, int fd);
/* remote_ip/remote_port (and local_ip) of tcp from the socket. */
void plain_fill_addrs(int fd, esp_tcp *tcp);
void plain_close_fd(int *fd, iotls_fd_watch_t **w);
/* A non-blocking TCP socket with TCP_NODELAY, or -1. */
int plain_tcp_socket(void);
/* Arms the pump timer (2 ms) that drives every plain connection. */
void plain_pump_arm(void);

#endif
