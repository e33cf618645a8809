/*
 * net/loop.c — the POSIX event loop: epoll, a monotonic clock, posted
 * tasks, live-handle bookkeeping and deferred release.
 *
 * One pass of iotls_loop_run_once():
 *   epoll_wait -> fd callbacks -> expired timers -> posted tasks -> releases
 * Releases come last so that nothing freed by a callback can be touched by
 * a later event of the same pass (stale epoll events of a removed watch are
 * dropped because the watch's fd is -1, and its memory is still valid).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "net/loop_internal.h"

#define IOTLS_LOOP_BATCH 64

struct iotls_loop {
    int epfd;
    uint64_t now;
    unsigned dispatching; /* depth: > 0 while callbacks may run */
    bool stop;
    iotls_loop_handle_t handles; /* sentinel of a circular list */
    iotls_loop_task_t tasks;     /* sentinel of a circular list */
    iotls_loop_deferred_t *deferred;
    iotls_timer_heap_t timers;
    iotls_mfl_memory_t mfl_memory;
    iotls_net_shared_t shared;
};

static uint64_t loop_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

iotls_loop_t *iotls_loop_new(iotls_error_t *err)
{
    iotls_loop_t *loop = calloc(1, sizeof(*loop));
    if (loop == NULL) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory creating the event loop");
        return NULL;
    }
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd < 0) {
        iotls_error_set(err, IOTLS_ERR_IO, "epoll_create1 failed: %s", strerror(errno));
        free(loop);
        return NULL;
    }
    loop->handles.prev = loop->handles.next = &loop->handles;
    loop->tasks.prev = loop->tasks.next = &loop->tasks;
    loop->now = loop_clock_ms();
    return loop;
}

static void loop_release_deferred(iotls_loop_t *loop)
{
    while (loop->deferred != NULL) {
        iotls_loop_deferred_t *d = loop->deferred;
        loop->deferred = d->next;
        d->release(d);
    }
}

void iotls_loop_free(iotls_loop_t *loop)
{
    if (loop == NULL)
        return;
    /* Closing a handle removes it from the list; hold the dispatch depth so
     * their memory is released together, after all of them are closed. */
    loop->dispatching++;
    while (loop->handles.next != &loop->handles) {
        iotls_loop_handle_t *h = loop->handles.next;
        iotls_loop_handle_remove(loop, h);
        h->close(h);
    }
    loop->dispatching--;
    loop_release_deferred(loop);
    iotls_net_shared_destroy(loop);
    iotls_timer_heap_destroy(loop);
    close(loop->epfd);
    free(loop);
}

uint64_t iotls_loop_now_ms(const iotls_loop_t *loop)
{
    return loop->now;
}

uint64_t iotls_loop_update_now(iotls_loop_t *loop)
{
    loop->now = loop_clock_ms();
    return loop->now;
}

void iotls_loop_stop(iotls_loop_t *loop)
{
    loop->stop = true;
}

iotls_net_shared_t *iotls_loop_shared(iotls_loop_t *loop)
{
    return &loop->shared;
}

iotls_mfl_memory_t *iotls_loop_mfl_memory(iotls_loop_t *loop)
{
    return &loop->mfl_memory;
}

iotls_timer_heap_t *iotls_loop_timer_heap(iotls_loop_t *loop)
{
    return &loop->timers;
}

/* ---- fd watches ---------------------------------------------------------- */

void iotls_loop_watch_init(iotls_loop_watch_t *w, iotls_loop_fd_cb cb, void *ctx)
{
    w->fd = -1;
    w->events = 0;
    w->cb = cb;
    w->ctx = ctx;
}

int iotls_loop_watch_set(iotls_loop_t *loop, iotls_loop_watch_t *w, int fd, uint32_t events)
{
    if (w->fd != fd && w->fd >= 0)
        iotls_loop_watch_remove(loop, w);
    w->fd = fd;
    if (events == w->events)
        return 0;
    if (events == 0) {
        epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
        w->events = 0;
        return 0;
    }
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.ptr = w;
    int op = w->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (epoll_ctl(loop->epfd, op, fd, &ev) != 0)
        return -errno;
    w->events = events;
    return 0;
}

void iotls_loop_watch_remove(iotls_loop_t *loop, iotls_loop_watch_t *w)
{
    if (w->fd >= 0 && w->events != 0)
        epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
    w->fd = -1;
    w->events = 0;
}

/* ---- tasks --------------------------------------------------------------- */

void iotls_loop_task_init(iotls_loop_task_t *t, void (*run)(iotls_loop_task_t *t))
{
    t->prev = t->next = NULL;
    t->queued = false;
    t->run = run;
}

void iotls_loop_task_post(iotls_loop_t *loop, iotls_loop_task_t *t)
{
    if (t->queued)
        return;
    t->queued = true;
    t->prev = loop->tasks.prev;
    t->next = &loop->tasks;
    loop->tasks.prev->next = t;
    loop->tasks.prev = t;
}

void iotls_loop_task_cancel(iotls_loop_t *loop, iotls_loop_task_t *t)
{
    (void)loop;
    if (!t->queued)
        return;
    t->prev->next = t->next;
    t->next->prev = t->prev;
    t->prev = t->next = NULL;
    t->queued = false;
}

/* Run the tasks queued before this call; tasks they post wait for the next
 * pass, so a task that keeps re-posting itself cannot starve epoll. */
static int loop_run_tasks(iotls_loop_t *loop)
{
    iotls_loop_task_t *last = loop->tasks.prev;
    int n = 0;
    if (last == &loop->tasks)
        return 0;
    for (;;) {
        iotls_loop_task_t *t = loop->tasks.next;
        if (t == &loop->tasks)
            break;
        bool was_last = t == last;
        iotls_loop_task_cancel(loop, t);
        t->run(t);
        n++;
        if (was_last)
            break;
    }
    return n;
}

/* ---- handles and deferred release ------------------------------------- */

void iotls_loop_handle_add(iotls_loop_t *loop, iotls_loop_handle_t *h,
                           void (*close_fn)(iotls_loop_handle_t *h))
{
    h->close = close_fn;
    h->prev = loop->handles.prev;
    h->next = &loop->handles;
    loop->handles.prev->next = h;
    loop->handles.prev = h;
}

void iotls_loop_handle_remove(iotls_loop_t *loop, iotls_loop_handle_t *h)
{
    (void)loop;
    if (h->next == NULL)
        return;
    h->prev->next = h->next;
    h->next->prev = h->prev;
    h->prev = h->next = NULL;
}

void iotls_loop_defer_release(iotls_loop_t *loop, iotls_loop_deferred_t *d,
                              void (*release)(iotls_loop_deferred_t *d))
{
    d->release = release;
    if (loop->dispatching == 0) {
        release(d);
        return;
    }
    d->next = loop->deferred;
    loop->deferred = d;
}

/* ---- running --------------------------------------------------------------- */

int iotls_loop_run_once(iotls_loop_t *loop, int timeout_ms)
{
    struct epoll_event evs[IOTLS_LOOP_BATCH];

    iotls_loop_update_now(loop);
    int wait = iotls_timer_heap_wait_ms(loop);
    if (loop->tasks.next != &loop->tasks)
        wait = 0;
    if (wait < 0 || (timeout_ms >= 0 && timeout_ms < wait))
        wait = timeout_ms;

    int n = epoll_wait(loop->epfd, evs, IOTLS_LOOP_BATCH, wait);
    if (n < 0) {
        if (errno != EINTR)
            return -1;
        n = 0;
    }
    iotls_loop_update_now(loop);

    loop->dispatching++;
    int handled = 0;
    for (int i = 0; i < n; i++) {
        iotls_loop_watch_t *w = evs[i].data.ptr;
        if (w->fd < 0)
            continue; /* removed by an earlier callback of this batch */
        w->cb(w->ctx, evs[i].events);
        handled++;
    }
    handled += iotls_timer_heap_run(loop);
    handled += loop_run_tasks(loop);
    loop->dispatching--;
    if (loop->dispatching == 0)
        loop_release_deferred(loop);
    return handled;
}

static bool loop_has_work(const iotls_loop_t *loop)
{
    return loop->handles.next != &loop->handles || loop->tasks.next != &loop->tasks ||
           loop->timers.len > 0;
}

int iotls_loop_run(iotls_loop_t *loop)
{
    int rc = 0;
    while (!loop->stop && loop_has_work(loop)) {
        if (iotls_loop_run_once(loop, -1) < 0) {
            rc = -1;
            break;
        }
    }
    loop->stop = false;
    return rc;
}
