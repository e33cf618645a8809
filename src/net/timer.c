/*
 * net/timer.c — timers on the loop's monotonic clock: a binary min-heap
 * ordered by (deadline, arming sequence), so equal deadlines fire in the
 * order they were armed.
 *
 * The heap array always has a slot for every timer object in existence
 * (reserved when the timer is created), so arming never allocates and can
 * never fail — a connection can arm its timeouts in any state.
 */
#include <stddef.h>
#include <stdlib.h>

#include "net/loop_internal.h"

static bool timer_before(const iotls_timer_t *a, const iotls_timer_t *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_place(iotls_timer_heap_t *h, size_t i, iotls_timer_t *t)
{
    h->items[i] = t;
    t->heap_index = i;
}

static void heap_sift_up(iotls_timer_heap_t *h, size_t i)
{
    iotls_timer_t *t = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timer_before(t, h->items[parent]))
            break;
        heap_place(h, i, h->items[parent]);
        i = parent;
    }
    heap_place(h, i, t);
}

static void heap_sift_down(iotls_timer_heap_t *h, size_t i)
{
    iotls_timer_t *t = h->items[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->len)
            break;
        if (child + 1 < h->len && timer_before(h->items[child + 1], h->items[child]))
            child++;
        if (!timer_before(h->items[child], t))
            break;
        heap_place(h, i, h->items[child]);
        i = child;
    }
    heap_place(h, i, t);
}

static void heap_remove(iotls_timer_heap_t *h, iotls_timer_t *t)
{
    size_t i = t->heap_index;
    t->heap_index = SIZE_MAX;
    h->len--;
    if (i == h->len)
        return;
    iotls_timer_t *moved = h->items[h->len];
    heap_place(h, i, moved);
    heap_sift_down(h, i);
    heap_sift_up(h, moved->heap_index);
}

static void heap_push(iotls_timer_heap_t *h, iotls_timer_t *t)
{
    /* cap >= timers >= len + 1 holds: every timer reserved its slot. */
    h->items[h->len] = t;
    t->heap_index = h->len;
    h->len++;
    heap_sift_up(h, t->heap_index);
}

static int heap_reserve(iotls_timer_heap_t *h)
{
    if (h->timers + 1 > h->cap) {
        size_t cap = h->cap == 0 ? 16 : h->cap * 2;
        iotls_timer_t **items = realloc(h->items, cap * sizeof(*items));
        if (items == NULL)
            return -1;
        h->items = items;
        h->cap = cap;
    }
    h->timers++;
    return 0;
}

int iotls_loop_timer_init(iotls_loop_t *loop, iotls_timer_t *t, iotls_timer_cb cb, void *user)
{
    iotls_timer_heap_t *h = iotls_loop_timer_heap(loop);
    if (heap_reserve(h) != 0)
        return -1;
    t->loop = loop;
    t->cb = cb;
    t->user = user;
    t->deadline = 0;
    t->period = 0;
    t->seq = 0;
    t->heap_index = SIZE_MAX;
    t->fire_pending = false;
    t->owned = false;
    t->next_expired = NULL;
    t->user_prev = t->user_next = NULL;
    return 0;
}

void iotls_loop_timer_deinit(iotls_timer_t *t)
{
    iotls_timer_disarm(t);
    iotls_loop_timer_heap(t->loop)->timers--;
}

iotls_timer_t *iotls_timer_new(iotls_loop_t *loop, iotls_timer_cb cb, void *user)
{
    if (loop == NULL || cb == NULL)
        return NULL;
    iotls_timer_t *t = malloc(sizeof(*t));
    if (t == NULL)
        return NULL;
    if (iotls_loop_timer_init(loop, t, cb, user) != 0) {
        free(t);
        return NULL;
    }
    iotls_timer_heap_t *h = iotls_loop_timer_heap(loop);
    t->owned = true;
    t->user_next = h->owned;
    if (h->owned != NULL)
        h->owned->user_prev = t;
    h->owned = t;
    return t;
}

void iotls_timer_arm(iotls_timer_t *t, uint64_t delay_ms, uint64_t period_ms)
{
    if (t == NULL)
        return;
    iotls_timer_heap_t *h = iotls_loop_timer_heap(t->loop);
    iotls_timer_disarm(t);
    /* Read the clock now: arming from outside a callback must not measure
     * from the time of the last wake-up. */
    t->deadline = iotls_loop_update_now(t->loop) + delay_ms;
    t->period = period_ms;
    t->seq = h->seq++;
    heap_push(h, t);
}

void iotls_timer_disarm(iotls_timer_t *t)
{
    if (t == NULL)
        return;
    t->fire_pending = false;
    if (t->heap_index != SIZE_MAX)
        heap_remove(iotls_loop_timer_heap(t->loop), t);
}

static void timer_release(iotls_loop_deferred_t *d)
{
    free((char *)d - offsetof(iotls_timer_t, deferred));
}

void iotls_timer_free(iotls_timer_t *t)
{
    if (t == NULL)
        return;
    iotls_loop_t *loop = t->loop;
    iotls_timer_heap_t *h = iotls_loop_timer_heap(loop);
    iotls_loop_timer_deinit(t);
    if (t->user_prev != NULL)
        t->user_prev->user_next = t->user_next;
    else
        h->owned = t->user_next;
    if (t->user_next != NULL)
        t->user_next->user_prev = t->user_prev;
    /* The timer may be on the expired list of the pass that is running (or
     * be the one whose callback is freeing it): release after the pass. */
    iotls_loop_defer_release(loop, &t->deferred, timer_release);
}

int iotls_timer_heap_wait_ms(iotls_loop_t *loop)
{
    iotls_timer_heap_t *h = iotls_loop_timer_heap(loop);
    if (h->len == 0)
        return -1;
    uint64_t now = iotls_loop_now_ms(loop);
    uint64_t deadline = h->items[0]->deadline;
    if (deadline <= now)
        return 0;
    uint64_t ms = deadline - now;
    return ms > (uint64_t)INT32_MAX ? INT32_MAX : (int)ms;
}

int iotls_timer_heap_run(iotls_loop_t *loop)
{
    iotls_timer_heap_t *h = iotls_loop_timer_heap(loop);
    uint64_t now = iotls_loop_now_ms(loop);
    iotls_timer_t *first = NULL, **tail = &first;
    int fired = 0;

    /* Collect first, fire second: a callback that re-arms with delay 0 then
     * waits for the next pass instead of looping here forever. */
    while (h->len > 0 && h->items[0]->deadline <= now) {
        iotls_timer_t *t = h->items[0];
        heap_remove(h, t);
        if (t->period > 0) {
            t->deadline += t->period;
            if (t->deadline <= now) /* fell behind: skip missed periods */
                t->deadline = now + t->period;
            t->seq = h->seq++;
            heap_push(h, t);
        }
        t->fire_pending = true;
        t->next_expired = NULL;
        *tail = t;
        tail = &t->next_expired;
    }
    for (iotls_timer_t *t = first; t != NULL;) {
        /* Read the link before the callback: it may free `t` (deferred) or
         * re-arm it, but it cannot change the collected list. */
        iotls_timer_t *next = t->next_expired;
        if (t->fire_pending) {
            t->fire_pending = false;
            t->cb(t, t->user);
            fired++;
        }
        t = next;
    }
    return fired;
}

void iotls_timer_heap_destroy(iotls_loop_t *loop)
{
    iotls_timer_heap_t *h = iotls_loop_timer_heap(loop);
    while (h->owned != NULL) {
        iotls_timer_t *t = h->owned;
        h->owned = t->user_next;
        free(t);
    }
    free(h->items);
    h->items = NULL;
    h->len = h->cap = h->timers = 0;
}
