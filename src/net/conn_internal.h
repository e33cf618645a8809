/*
 * net/conn_internal.h — the connection object shared by conn.c (lifecycle
 * and public API), conn_connect.c (client TCP connect, address fallback,
 * MFL retry), conn_drive.c (bytes between socket and session, timeouts)
 * and listener.c (server connections). Internal to net/.
 */
#ifndef IOTLS_NET_CONN_INTERNAL_H
#define IOTLS_NET_CONN_INTERNAL_H

#include <netdb.h>
#include <stdarg.h>
#include <sys/socket.h>

#include "iotls/net.h"
#include "net/loop_internal.h"
#include "net/resolve.h"

#ifndef IOTLS_NET_DEFAULT_SEND_QUEUE
#define IOTLS_NET_DEFAULT_SEND_QUEUE 16384 /* plaintext bytes send() may queue */
#endif
#ifndef IOTLS_NET_CLOSE_LINGER_MS
#define IOTLS_NET_CLOSE_LINGER_MS 2000 /* wait for the peer's close_notify */
#endif
#ifndef IOTLS_NET_SERVER_IDLE_TIMEOUT_MS
#define IOTLS_NET_SERVER_IDLE_TIMEOUT_MS 120000 /* listener conns with idle_timeout_ms 0 */
#endif
#ifndef IOTLS_NET_LISTENER_LOG_INTERVAL_MS
#define IOTLS_NET_LISTENER_LOG_INTERVAL_MS 10000 /* at most one "full" line per interval */
#endif
#ifndef IOTLS_NET_RECV_CHUNK
#define IOTLS_NET_RECV_CHUNK 2048 /* stack bytes per `received` callback */
#endif

typedef enum {
    IOTLS_CONN_CONNECTING, /* client: resolving / TCP connect in progress */
    IOTLS_CONN_HANDSHAKE,  /* TCP up, TLS handshake running */
    IOTLS_CONN_OPEN,       /* handshake done, data flows */
    IOTLS_CONN_CLOSING,    /* our close_notify queued; waiting for the peer's */
    IOTLS_CONN_DONE        /* final callback delivered or aborted */
} iotls_conn_phase_t;

typedef enum {
    IOTLS_CONN_TIMER_NONE,
    IOTLS_CONN_TIMER_CONNECT,
    IOTLS_CONN_TIMER_HANDSHAKE,
    IOTLS_CONN_TIMER_IDLE,
    IOTLS_CONN_TIMER_LINGER
} iotls_conn_timer_t;

struct iotls_conn {
    iotls_loop_handle_t handle; /* live on the loop until released */
    iotls_loop_deferred_t deferred;
    iotls_loop_task_t task; /* drive / reconnect / deliver, posted */
    iotls_loop_watch_t watch;
    iotls_timer_t timer; /* one deadline at a time, see timer_mode */
    iotls_loop_t *loop;
    iotls_listener_t *listener; /* server side: told when we are released */
    /* Server side: the listener's list of live connections, oldest first
     * (eviction picks the oldest still in its handshake). */
    iotls_conn_t *listener_prev, *listener_next;
    uint64_t accepted_ms;

    iotls_conn_callbacks_t cb;
    void *user;
    iotls_conn_config_t cfg; /* copy; verify_name points into our block */
    const char *host;        /* client: as given (copy in our block) */

    int fd;
    iotls_conn_phase_t phase;
    iotls_conn_timer_t timer_mode;

    iotls_session_t *session;
    void *retry_mem; /* full-size session block after an MFL retry */
    size_t retry_len;
    size_t alloc_len;

    uint8_t *queue; /* ring buffer of plaintext not yet in the session;
                       taken from the loop on demand, NULL when empty */
    size_t queue_cap, queue_head, queue_len;
    bool unflushed; /* send() wrote into the session's record: seal it */
    /* Bytes peeked into the loop's staging area during this drive pass, and
     * how many of them the session took (consumed from the socket when the
     * pass ends). */
    size_t staged_len, staged_fed;
    bool large_records; /* the peer's last record body was large: no staging */

    bool readable; /* epoll said readable and we have not drained it */
    bool held;
    bool close_requested;
    bool sent_pending; /* send() happened since the last `sent` */
    bool shut_wr;
    bool released;
    bool retried_full;
    bool remembered_full; /* started full-size: this host ignored MFL before */
    uint16_t port;        /* client: as given, to remember MFL ignorers by */
    bool pending_connect; /* task: try the next address */
    bool pending_finish;  /* task: deliver the final callback */
    bool retry_addr;      /* next connect attempt is the MFL retry */

    struct addrinfo *ai_list, *ai_next;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    iotls_error_t *attempt_err; /* client: last failed address, until none is
                                   left (in our block; NULL for a server) */
    char peer[IOTLS_NET_ADDR_TEXT];
    uint64_t last_activity;
};

/* conn.c */
iotls_conn_t *iotls_net_conn_alloc(iotls_loop_t *loop, iotls_role_t role, const char *host,
                                   const iotls_conn_config_t *cfg, const iotls_conn_callbacks_t *cb,
                                   void *user, iotls_error_t *err);
/* Record `e` as the sticky error (first wins) and end the connection. */
void iotls_net_conn_fail(iotls_conn_t *c, const iotls_error_t *e);
/* Close the socket, deliver `error` or `disconnected`, release. */
void iotls_net_conn_finish(iotls_conn_t *c);
void iotls_net_conn_close_socket(iotls_conn_t *c);
void iotls_net_conn_arm(iotls_conn_t *c, iotls_conn_timer_t mode, uint32_t ms);
/* "example.org (192.0.2.1:443)" or "192.0.2.1:443": names the peer in texts. */
void iotls_net_conn_describe(const iotls_conn_t *c, char *buf, size_t cap);

#define IOTLS_NET_CONN_FAIL(c, code, ...)                                                          \
    do {                                                                                           \
        iotls_error_t e_;                                                                          \
        iotls_error_clear(&e_);                                                                    \
        iotls_error_set(&e_, (code), __VA_ARGS__);                                                 \
        iotls_net_conn_fail((c), &e_);                                                             \
    } while (0)

/* conn_connect.c */
void iotls_net_conn_connect_next(iotls_conn_t *c);
void iotls_net_conn_connect_timeout(iotls_conn_t *c);
void iotls_net_conn_connect_ready(iotls_conn_t *c, uint32_t events);
/* The server ignored max_fragment_length (`why` says how we know):
 * reconnect with a full buffer if the MFL policy says so and the handshake
 * has not completed towards the caller. true = a retry is under way (no
 * callback for this session). */
bool iotls_net_conn_mfl_retry(iotls_conn_t *c, const char *why);

/* conn_drive.c */
void iotls_net_conn_drive(iotls_conn_t *c);
void iotls_net_conn_on_fd(void *ctx, uint32_t events);
void iotls_net_conn_on_timer(iotls_timer_t *t, void *user);
/* TCP is up (client connected, or server accepted): start the handshake. */
void iotls_net_conn_start_tls(iotls_conn_t *c);

/* listener.c / conn.c: server connections */
iotls_conn_t *iotls_net_conn_accept(iotls_listener_t *l, iotls_loop_t *loop, int fd,
                                    const struct sockaddr *sa, socklen_t sa_len,
                                    const iotls_conn_config_t *cfg,
                                    const iotls_conn_callbacks_t *cb, iotls_error_t *err);
void iotls_net_listener_conn_gone(iotls_listener_t *l, iotls_conn_t *c);

#endif
