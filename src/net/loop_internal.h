/*
 * net/loop_internal.h — what the event loop offers the rest of net/:
 * fd watches, embedded timers, posted tasks, live-handle bookkeeping and
 * deferred release. Not installed; only the net/ sources include it.
 *
 * Every structure here is intrusive (embedded in the conn/listener that
 * uses it) so that watching, arming and posting never allocate: a
 * connection's memory is fixed when it is created.
 */
#ifndef IOTLS_NET_LOOP_INTERNAL_H
#define IOTLS_NET_LOOP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/net.h"

/* ---- deferred release ------------------------------------------------------ */

/* Memory whose owner is gone but whose address may still sit in the event
 * batch or on a caller's stack: released once the current dispatch
 * finishes, or at once when no dispatch is running. */
typedef struct iotls_loop_deferred {
    struct iotls_loop_deferred *next;
    void (*release)(struct iotls_loop_deferred *d);
} iotls_loop_deferred_t;

void iotls_loop_defer_release(iotls_loop_t *loop, iotls_loop_deferred_t *d,
                              void (*release)(iotls_loop_deferred_t *d));

/* ---- fd watches ---------------------------------------------------------- */

/* `events` are EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits as epoll reports them. */
typedef void (*iotls_loop_fd_cb)(void *ctx, uint32_t events);

typedef struct {
    int fd;          /* -1 when not watching: stale events are then dropped */
    uint32_t events; /* interest currently registered (0 = not in epoll) */
    iotls_loop_fd_cb cb;
    void *ctx;
} iotls_loop_watch_t;

void iotls_loop_watch_init(iotls_loop_watch_t *w, iotls_loop_fd_cb cb, void *ctx);
/*
 * Watch `fd` for `events` (EPOLLIN and/or EPOLLOUT); 0 takes the fd out of
 * epoll entirely, which also silences EPOLLERR/EPOLLHUP (a held socket
 * that was reset must not spin the loop). Call again to change the mask.
 * Returns 0 or -errno.
 */
int iotls_loop_watch_set(iotls_loop_t *loop, iotls_loop_watch_t *w, int fd, uint32_t events);
/* Stop watching (does not close the fd). Events of this fd already fetched
 * in the current batch are dropped. */
void iotls_loop_watch_remove(iotls_loop_t *loop, iotls_loop_watch_t *w);

/* ---- timers -------------------------------------------------------------- */

struct iotls_timer {
    iotls_loop_t *loop;
    iotls_timer_cb cb;
    void *user;
    uint64_t deadline; /* loop ms */
    uint64_t period;   /* 0 = one-shot */
    uint64_t seq;      /* FIFO among equal deadlines */
    size_t heap_index; /* SIZE_MAX when not armed */
    bool fire_pending; /* collected as expired in this pass, not yet fired */
    bool owned;        /* allocated by iotls_timer_new (user timer) */
    struct iotls_timer *next_expired;
    struct iotls_timer *user_prev, *user_next; /* owned timers, for loop_free */
    iotls_loop_deferred_t deferred;            /* owned timers freed mid-pass */
};

/* Embedded timer: reserves its heap slot now so arming never allocates.
 * Returns 0, or -1 when out of memory. Pair with iotls_loop_timer_deinit. */
int iotls_loop_timer_init(iotls_loop_t *loop, iotls_timer_t *t, iotls_timer_cb cb, void *user);
void iotls_loop_timer_deinit(iotls_timer_t *t);

/* ---- posted tasks ---------------------------------------------------------- */

/* Work to run on the loop soon (after the current batch of fd events and
 * timers): lets API calls made outside a callback (send, unhold) start
 * I/O without calling user callbacks re-entrantly from inside them. */
typedef struct iotls_loop_task {
    struct iotls_loop_task *prev, *next;
    bool queued;
    void (*run)(struct iotls_loop_task *t);
} iotls_loop_task_t;

void iotls_loop_task_init(iotls_loop_task_t *t, void (*run)(iotls_loop_task_t *t));
void iotls_loop_task_post(iotls_loop_t *loop, iotls_loop_task_t *t); /* idempotent */
void iotls_loop_task_cancel(iotls_loop_t *loop, iotls_loop_task_t *t);

/* ---- live handles ------------------------------------ */

/* Connections and open listeners: they keep iotls_loop_run() going, and
 * iotls_loop_free() calls `close` on each (abortive). */
typedef struct iotls_loop_handle {
    struct iotls_loop_handle *prev, *next;
    void (*close)(struct iotls_loop_handle *h);
} iotls_loop_handle_t;

void iotls_loop_handle_add(iotls_loop_t *loop, iotls_loop_handle_t *h,
                           void (*close)(iotls_loop_handle_t *h));
void iotls_loop_handle_remove(iotls_loop_t *loop, iotls_loop_handle_t *h);

/* Refresh and return the loop's monotonic clock. */
uint64_t iotls_loop_update_now(iotls_loop_t *loop);

/* ---- timer heap (timer.c), embedded in the loop ---------------------------- */

typedef struct {
    iotls_timer_t **items; /* binary min-heap on (deadline, seq) */
    size_t len;
    size_t cap;    /* >= number of timer objects, so arming never allocates */
    size_t timers; /* timer objects in existence */
    uint64_t seq;
    iotls_timer_t *owned; /* user timers (iotls_timer_new), freed by loop_free */
} iotls_timer_heap_t;

iotls_timer_heap_t *iotls_loop_timer_heap(iotls_loop_t *loop);

/* ---- servers known to ignore max_fragment_length (mfl_memory.c) ---------- */

#ifndef IOTLS_NET_MFL_MEMORY
#define IOTLS_NET_MFL_MEMORY 8 /* hosts remembered per loop */
#endif

typedef struct {
    char host[64]; /* "" = free */
    uint16_t port;
} iotls_mfl_entry_t;

typedef struct {
    iotls_mfl_entry_t entries[IOTLS_NET_MFL_MEMORY];
    unsigned next; /* slot to overwrite next */
} iotls_mfl_memory_t;

iotls_mfl_memory_t *iotls_loop_mfl_memory(iotls_loop_t *loop);
void iotls_net_mfl_remember(iotls_loop_t *loop, const char *host, uint16_t port);
bool iotls_net_mfl_known(iotls_loop_t *loop, const char *host, uint16_t port);
/* ---- what the connections of one loop share (shared.c) -------------------- */

#ifndef IOTLS_NET_SPILL_POOL_DEFAULT
#define IOTLS_NET_SPILL_POOL_DEFAULT (256u * 1024u) /* bytes in flight set aside */
#endif
#ifndef IOTLS_NET_QUEUE_CACHE
#define IOTLS_NET_QUEUE_CACHE 8 /* drained send queues kept for reuse */
#endif
#ifndef IOTLS_NET_STAGING
#define IOTLS_NET_STAGING (16384 + 325) /* recv() batch: several small records */
#endif

typedef struct {
    /* The record workspace of shared-buffer connections, made on first use. */
    void *ws_mem;
    iotls_workspace_t *ws;
    size_t spill_bytes; /* 0 = IOTLS_NET_SPILL_POOL_DEFAULT */
    /* Send queues of the default size, drained and kept for the next
     * connection that needs one. */
    uint8_t *queue_free[IOTLS_NET_QUEUE_CACHE];
    unsigned queue_free_count;
    size_t queue_free_cap;
    /* One recv() batch of a connection being driven, made on first use. */
    uint8_t *staging;
} iotls_net_shared_t;

iotls_net_shared_t *iotls_loop_shared(iotls_loop_t *loop);
/* The loop's workspace, created on first call; NULL with `err` set when
 * out of memory. */
iotls_workspace_t *iotls_net_workspace(iotls_loop_t *loop, iotls_error_t *err);
/* A send queue of `cap` bytes (NULL when out of memory), and back. */
uint8_t *iotls_net_queue_take(iotls_loop_t *loop, size_t cap);
void iotls_net_queue_give(iotls_loop_t *loop, uint8_t *queue, size_t cap);
/* The staging area (IOTLS_NET_STAGING bytes), NULL when out of memory. */
uint8_t *iotls_net_staging(iotls_loop_t *loop);
/* Loop teardown, after every connection is released. */
void iotls_net_shared_destroy(iotls_loop_t *loop);

/* Milliseconds until the earliest deadline (0 if overdue), -1 if none. */
int iotls_timer_heap_wait_ms(iotls_loop_t *loop);
/* Fire every timer whose deadline has passed; returns how many fired. */
int iotls_timer_heap_run(iotls_loop_t *loop);
/* Free owned timers and the heap (loop teardown). */
void iotls_timer_heap_destroy(iotls_loop_t *loop);

#endif
