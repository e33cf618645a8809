/*
 * iotls/net.h — event loop, timers, TLS client connections and listeners.
 *
 * Threading: single-threaded. Every callback runs on the loop, from inside
 * iotls_loop_run()/iotls_loop_run_once(). Callbacks MAY call any function of
 * this header on any object, including closing or freeing the connection
 * they were called for (the loop defers the release until the callback
 * returns).
 *
 * Memory: a connection's TLS state is one block of iotls_session_size()
 * bytes plus a fixed struct; iotls_conn_memory() tells what it holds now.
 * The POSIX port allocates that block once per connection with malloc;
 * nothing is allocated during a handshake. Connections with shared buffers
 * (the default for listeners, cfg.buffers) keep their record buffers in the
 * loop's record workspace (one pair of full-size buffers per loop, plus a
 * bounded spill pool for bytes in flight: see iotls/tls.h), so an idle one
 * holds only its session block. The send queue (up to cfg.send_queue
 * bytes) is taken from the loop when send() has to queue and given back
 * once drained.
 */
#ifndef IOTLS_NET_H
#define IOTLS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/error.h"
#include "iotls/tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- event loop and timers --------------------------------------------- */

typedef struct iotls_loop iotls_loop_t;
typedef struct iotls_timer iotls_timer_t;

iotls_loop_t *iotls_loop_new(iotls_error_t *err);
/* Closes (abortively) whatever connections and listeners remain. */
void iotls_loop_free(iotls_loop_t *loop);

/* Run until no connection, listener or armed timer remains, or until
 * iotls_loop_stop(). Returns 0, or -1 on an epoll failure. */
int iotls_loop_run(iotls_loop_t *loop);
/* Wait at most timeout_ms (-1 = until something happens), dispatch, return
 * the number of events handled. */
int iotls_loop_run_once(iotls_loop_t *loop, int timeout_ms);
void iotls_loop_stop(iotls_loop_t *loop);
/* Monotonic milliseconds as the loop sees them. */
uint64_t iotls_loop_now_ms(const iotls_loop_t *loop);

/* Size the spill pool of the loop's record workspace (default 256 KiB):
 * what shared-buffer connections may have in flight at once while another
 * one is driven (unread data of a held connection, records waiting for a
 * slow socket). A connection that finds no room fails alone with
 * IOTLS_ERR_SPILL_FULL. Only before the first shared-buffer connection
 * (IOTLS_ERR_BAD_STATE after). */
int iotls_loop_set_spill_pool(iotls_loop_t *loop, size_t bytes, iotls_error_t *err);
/* The loop's workspace (NULL until a shared-buffer connection made it),
 * for iotls_workspace_stats(). */
const iotls_workspace_t *iotls_loop_workspace(const iotls_loop_t *loop);

typedef void (*iotls_timer_cb)(iotls_timer_t *timer, void *user);
iotls_timer_t *iotls_timer_new(iotls_loop_t *loop, iotls_timer_cb cb, void *user);
/* (Re)arm: fire after delay_ms, then every period_ms if period_ms > 0. */
void iotls_timer_arm(iotls_timer_t *timer, uint64_t delay_ms, uint64_t period_ms);
void iotls_timer_disarm(iotls_timer_t *timer);
void iotls_timer_free(iotls_timer_t *timer);

/* ---- readable file descriptors (stdin, pipes, serial ports) ------------- */

typedef struct iotls_fd_watch iotls_fd_watch_t;
typedef void (*iotls_fd_cb)(iotls_fd_watch_t *w, int fd, void *user);

/* Call cb on the loop whenever fd is readable (also at EOF or error; the
 * callback reads and finds out). The fd stays the caller's. A watch does
 * not keep iotls_loop_run() going. Regular files cannot be watched
 * (IOTLS_ERR_BAD_ARGUMENT): they are always readable, read them directly. */
iotls_fd_watch_t *iotls_loop_watch_readable(iotls_loop_t *loop, int fd, iotls_fd_cb cb, void *user,
                                            iotls_error_t *err);
/* Stop / resume callbacks (e.g. while the send queue is full). */
void iotls_fd_watch_pause(iotls_fd_watch_t *w, bool paused);
/* Safe inside the watch's own callback. */
void iotls_fd_watch_free(iotls_fd_watch_t *w);

/* ---- connections -------------------------------------------------------- */

typedef struct iotls_conn iotls_conn_t;

typedef enum {
    IOTLS_MFL_FAIL = 0,      /* oversize record from the server: fail */
    IOTLS_MFL_RETRY_FULL = 1 /* reconnect once with a 16384-byte buffer when the
                                 server ignores max_fragment_length (ServerHello
                                 without the extension, or an oversize record
                                 during the handshake), before `connected` */
} iotls_mfl_policy_t;

typedef struct {
    /* Handshake done; `report` says what was negotiated. */
    void (*connected)(iotls_conn_t *c, const iotls_report_t *report, void *user);
    /* Plaintext received. */
    void (*received)(iotls_conn_t *c, const uint8_t *data, size_t len, void *user);
    /* Everything queued so far has been written to the transport. */
    void (*sent)(iotls_conn_t *c, void *user);
    /* Clean close (close_notify exchanged, or our close completed). */
    void (*disconnected)(iotls_conn_t *c, void *user);
    /* Failure; the connection is closed. `err` is its sticky error. */
    void (*error)(iotls_conn_t *c, const iotls_error_t *err, void *user);
    /* Exactly one of `disconnected` / `error` ends every connection that was
     * not aborted; once it returns the connection is released and `c` must
     * not be used again. */
} iotls_conn_callbacks_t;

/* Where a connection's record buffers live. */
typedef enum {
    IOTLS_BUFFERS_DEFAULT = 0, /* listeners: SHARED; clients: OWN */
    IOTLS_BUFFERS_OWN,         /* in the connection's own block (as before 0.2) */
    IOTLS_BUFFERS_SHARED       /* in the loop's record workspace */
} iotls_buffers_t;

/* A timeout field set to this never fires (0 means the default where a
 * default exists: idle_timeout_ms of listener connections). */
#define IOTLS_TIMEOUT_NEVER UINT32_MAX

typedef struct {
    iotls_config_t tls;            /* role is set by connect/listen */
    size_t send_queue;             /* plaintext bytes send() may queue (default 16384) */
    uint32_t connect_timeout_ms;   /* default 10000; 0 = none */
    uint32_t handshake_timeout_ms; /* default 15000; 0 = none */
    uint32_t idle_timeout_ms;      /* default 0: none for clients; 120000 for
                                      listener connections (IOTLS_TIMEOUT_NEVER:
                                      none there either) */
    iotls_mfl_policy_t mfl_policy; /* client; default IOTLS_MFL_FAIL */
    const char *verify_name;       /* client: name to check instead of host (NULL = host) */
    /* Record buffers: own, or the loop's shared workspace (added in 0.2;
     * ignored when tls.workspace is set by the caller). A shared-buffer
     * server acknowledges every max_fragment_length and sends records of
     * at most tls.record_out (or tls.buffer_size below 16384) bytes. */
    iotls_buffers_t buffers;
} iotls_conn_config_t;

void iotls_conn_config_init(iotls_conn_config_t *cfg);

/*
 * Resolve `host` (name or IPv4/IPv6 literal), connect without blocking and
 * run the handshake. Returns NULL only for immediate failures (bad config,
 * out of memory) with `err` set; later failures arrive via `error`.
 */
iotls_conn_t *iotls_conn_connect(iotls_loop_t *loop, const char *host, uint16_t port,
                                 const iotls_conn_config_t *cfg, const iotls_conn_callbacks_t *cb,
                                 void *user, iotls_error_t *err);

/*
 * Queue plaintext. Returns `len` when all of it was queued, or fails with
 * IOTLS_ERR_QUEUE_FULL and queues NOTHING when it does not fit (never a
 * partial, never a silent drop): wait for `sent`, then retry.
 * Data sent before the handshake completes is held until it does.
 */
int iotls_conn_send(iotls_conn_t *c, const void *data, size_t len, iotls_error_t *err);
/* Free bytes in the send queue right now. */
size_t iotls_conn_send_space(const iotls_conn_t *c);

/* Stop / resume reading from the peer (back-pressure on the receive side).
 * Pauses application data only: a held connection still completes its
 * handshake. `received` is not called while held — except on a half-duplex
 * connection, where the rest of the record already decrypted in the single
 * buffer is still delivered (it must empty before anything can be sent). */
void iotls_conn_hold(iotls_conn_t *c);
void iotls_conn_unhold(iotls_conn_t *c);

/* Graceful close: flush the queue, send close_notify, then `disconnected`. */
void iotls_conn_close(iotls_conn_t *c);
/* Immediate close, no callbacks, memory released. */
void iotls_conn_abort(iotls_conn_t *c);

const iotls_report_t *iotls_conn_report(const iotls_conn_t *c);
/* Client, after `connected`: iotls_session_save() of this connection's
 * session (to resume later with cfg.tls.resume). Returns bytes written or
 * 0. The bytes hold the session's master secret. */
size_t iotls_conn_session_save(const iotls_conn_t *c, uint8_t *out, size_t cap);
const iotls_error_t *iotls_conn_error(const iotls_conn_t *c);
/* Bytes this connection occupies now (struct + session block + its send
 * queue while it has one; the loop's shared workspace is not counted). */
size_t iotls_conn_memory(const iotls_conn_t *c);
/* true when the client retried with a full-size buffer (MFL policy). */
bool iotls_conn_retried_full_buffer(const iotls_conn_t *c);

/* What the MFL policy did for this connection. Under IOTLS_MFL_RETRY_FULL
 * the loop remembers (a few) servers that ignored max_fragment_length, and
 * later connections to the same host and port start with a full buffer. */
typedef enum {
    IOTLS_MFL_OUTCOME_NONE = 0,  /* the configured buffer was used */
    IOTLS_MFL_OUTCOME_RETRIED,   /* ignored: reconnected with 16384 */
    IOTLS_MFL_OUTCOME_REMEMBERED /* known to ignore it: started with 16384 */
} iotls_mfl_outcome_t;
iotls_mfl_outcome_t iotls_conn_mfl_outcome(const iotls_conn_t *c);
/* "203.0.113.5:443" / "[::1]:8443" of the peer, or "" before connect. */
const char *iotls_conn_peer(const iotls_conn_t *c);
/* The connection's socket (-1 while none is open), for socket options
 * (keep-alive) and compatibility APIs that hand it out. Reading or writing
 * it directly corrupts the TLS stream. */
int iotls_conn_socket(const iotls_conn_t *c);
void iotls_conn_set_user(iotls_conn_t *c, void *user);
void *iotls_conn_user(const iotls_conn_t *c);

/* ---- listeners ---------------------------------------------------------- */

typedef struct iotls_listener iotls_listener_t;

typedef struct {
    /* A connection was accepted; return the user pointer its callbacks get
     * (NULL is fine). Called before its handshake. */
    void *(*accepted)(iotls_listener_t *l, iotls_conn_t *c, void *user);
    iotls_conn_callbacks_t conn; /* callbacks for every accepted connection */
} iotls_listener_callbacks_t;

/*
 * Listen on host:port (host NULL or "" = all IPv4 and IPv6 addresses;
 * port 0 = pick one, see iotls_listener_port). cfg->tls.creds is required.
 *
 * Lock-out policy (so a flood of silent sockets or idle TLS clients cannot
 * keep legitimate clients out):
 *  - At most `max_conns` connections live at once (0 = 64). A new
 *    connection at the cap evicts the OLDEST connection still in its TLS
 *    handshake (its `error` callback gets IOTLS_ERR_TOO_MANY_CONNECTIONS);
 *    only when every live connection has completed its handshake is the
 *    new one closed at once instead (iotls_listener_rejected).
 *  - cfg->handshake_timeout_ms (default 15000) ends handshakes that stall;
 *    cfg->idle_timeout_ms 0 means 120000 here (IOTLS_TIMEOUT_NEVER: none).
 *  - An optional per-address cap, iotls_listener_set_max_per_address().
 *  - When full, one line at most every 10 s through cfg->tls.log (stderr
 *    when NULL) says so, with what was evicted and refused meanwhile.
 */
iotls_listener_t *iotls_listener_new(iotls_loop_t *loop, const char *host, uint16_t port,
                                     unsigned max_conns, const iotls_conn_config_t *cfg,
                                     const iotls_listener_callbacks_t *cb, void *user,
                                     iotls_error_t *err);
uint16_t iotls_listener_port(const iotls_listener_t *l);
unsigned iotls_listener_active(const iotls_listener_t *l);
/* Connections accepted and closed at once: over max_conns, or no memory /
 * no entropy for their session. (Added after 0.1 skeleton; additive.) */
unsigned long iotls_listener_rejected(const iotls_listener_t *l);
/* Connections evicted at the cap while still in their handshake. */
unsigned long iotls_listener_evicted(const iotls_listener_t *l);
/* At most `n` live connections from one IP address (0 = no such cap, the
 * default); more from that address are closed at once and counted by
 * iotls_listener_rejected(). Applies to connections accepted from now on. */
void iotls_listener_set_max_per_address(iotls_listener_t *l, unsigned n);
/* Stop accepting; live connections continue. */
void iotls_listener_free(iotls_listener_t *l);

#ifdef __cplusplus
}
#endif
#endif
