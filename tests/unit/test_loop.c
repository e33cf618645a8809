/*
 * test_loop.c — the event loop: timer order, periodic timers, disarm,
 * freeing inside callbacks, stop, fd watches and posted tasks.
 * No timed assertions: only orderings and lower bounds the clock guarantees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "iotls/net.h"
#include "net/loop_internal.h"

typedef struct {
    int order[16];
    int n;
} trace_t;

typedef struct {
    trace_t *trace;
    int id;
    iotls_timer_t *other; /* something the callback acts on */
    int count;
    int limit;
    uint64_t armed_at;
    uint64_t delay;
} tctx_t;

static void record_cb(iotls_timer_t *t, void *user)
{
    (void)t;
    tctx_t *c = user;
    if (c->trace->n < 16)
        c->trace->order[c->trace->n++] = c->id;
    c->count++;
}

static iotls_loop_t *new_loop(void)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_loop_t *loop = iotls_loop_new(&err);
    assert_non_null(loop);
    return loop;
}

static void test_timers_fire_in_deadline_order(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    trace_t tr = {{0}, 0};
    tctx_t c[5];
    iotls_timer_t *t[5];
    /* ids 1..4 armed out of order; 2 and 4 share a delay: FIFO among equals */
    const uint64_t delay[5] = {30, 10, 20, 20, 0};
    const int id[5] = {3, 1, 2, 4, 0};
    for (int i = 0; i < 5; i++) {
        memset(&c[i], 0, sizeof(c[i]));
        c[i].trace = &tr;
        c[i].id = id[i];
        t[i] = iotls_timer_new(loop, record_cb, &c[i]);
        assert_non_null(t[i]);
    }
    for (int i = 0; i < 4; i++)
        iotls_timer_arm(t[i], delay[i], 0);
    /* t[4] is created but never armed: it must not keep the loop running. */
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(tr.n, 4);
    assert_int_equal(tr.order[0], 1);
    assert_int_equal(tr.order[1], 2);
    assert_int_equal(tr.order[2], 4);
    assert_int_equal(tr.order[3], 3);
    for (int i = 0; i < 5; i++)
        iotls_timer_free(t[i]);
    iotls_loop_free(loop);
}

static void lower_bound_cb(iotls_timer_t *t, void *user)
{
    (void)t;
    tctx_t *c = user;
    c->count++;
    /* a timer never fires before its delay has passed on the monotonic clock */
    assert_true(iotls_loop_now_ms(t->loop) >= c->armed_at + c->delay);
}

static void test_timer_never_fires_early(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    tctx_t c;
    memset(&c, 0, sizeof(c));
    iotls_timer_t *t = iotls_timer_new(loop, lower_bound_cb, &c);
    c.delay = 25;
    c.armed_at = iotls_loop_update_now(loop);
    iotls_timer_arm(t, c.delay, 0);
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(c.count, 1);
    iotls_timer_free(t);
    iotls_loop_free(loop);
}

static void periodic_cb(iotls_timer_t *t, void *user)
{
    tctx_t *c = user;
    c->count++;
    if (c->count == c->limit)
        iotls_timer_disarm(t);
}

static void test_periodic_timer_until_disarmed(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    tctx_t c;
    memset(&c, 0, sizeof(c));
    c.limit = 5;
    iotls_timer_t *t = iotls_timer_new(loop, periodic_cb, &c);
    iotls_timer_arm(t, 0, 3);
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(c.count, 5);
    iotls_timer_free(t);
    iotls_loop_free(loop);
}

static void disarm_other_cb(iotls_timer_t *t, void *user)
{
    (void)t;
    tctx_t *c = user;
    c->count++;
    iotls_timer_disarm(c->other);
}

static void test_disarm_prevents_firing(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    trace_t tr = {{0}, 0};
    tctx_t a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    a.trace = &tr;
    b.trace = &tr;
    iotls_timer_t *ta = iotls_timer_new(loop, record_cb, &a);
    iotls_timer_t *tb = iotls_timer_new(loop, disarm_other_cb, &b);
    b.other = ta;
    iotls_timer_arm(ta, 20, 0);
    iotls_timer_arm(tb, 5, 0);
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(b.count, 1);
    assert_int_equal(a.count, 0);

    /* Both expired in the same pass: the first disarms the second, which
     * is already collected for firing and must still not fire. */
    iotls_timer_arm(tb, 0, 0);
    iotls_timer_arm(ta, 0, 0);
    usleep(2000);
    iotls_loop_run_once(loop, 0);
    assert_int_equal(b.count, 2);
    assert_int_equal(a.count, 0);

    /* re-arming after disarm works */
    iotls_timer_arm(ta, 1, 0);
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(a.count, 1);
    iotls_timer_free(ta);
    iotls_timer_free(tb);
    iotls_loop_free(loop);
}

static void free_self_and_other_cb(iotls_timer_t *t, void *user)
{
    tctx_t *c = user;
    c->count++;
    if (c->other != NULL)
        iotls_timer_free(c->other);
    iotls_timer_free(t); /* released after the pass: ASan checks the rest */
}

static void test_free_inside_callbacks(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    tctx_t a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    iotls_timer_t *ta = iotls_timer_new(loop, free_self_and_other_cb, &a);
    iotls_timer_t *tb = iotls_timer_new(loop, free_self_and_other_cb, &b);
    a.other = tb;
    iotls_timer_arm(ta, 0, 0);
    iotls_timer_arm(tb, 0, 0);
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(a.count, 1);
    assert_int_equal(b.count, 0);
    iotls_loop_free(loop);
}

static void rearm_zero_cb(iotls_timer_t *t, void *user)
{
    tctx_t *c = user;
    c->count++;
    if (c->count < c->limit)
        iotls_timer_arm(t, 0, 0);
}

static void test_rearm_zero_does_not_starve(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    tctx_t c;
    memset(&c, 0, sizeof(c));
    c.limit = 50;
    iotls_timer_t *t = iotls_timer_new(loop, rearm_zero_cb, &c);
    iotls_timer_arm(t, 0, 0);
    /* One pass fires a re-armed-with-0 timer once, not in a tight loop. */
    usleep(1000);
    iotls_loop_run_once(loop, 0);
    assert_int_equal(c.count, 1);
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(c.count, 50);
    iotls_timer_free(t);
    iotls_loop_free(loop);
}

static void stop_cb(iotls_timer_t *t, void *user)
{
    tctx_t *c = user;
    c->count++;
    if (c->count == 2)
        iotls_loop_stop(t->loop);
}

static void test_stop_returns_with_timer_armed(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    tctx_t c;
    memset(&c, 0, sizeof(c));
    iotls_timer_t *t = iotls_timer_new(loop, stop_cb, &c);
    iotls_timer_arm(t, 1, 1);
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(c.count, 2);
    /* loop_free releases the still-armed user timer (LeakSanitizer checks) */
    iotls_loop_free(loop);
}

static void test_run_once_timeout_with_nothing(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    assert_int_equal(iotls_loop_run_once(loop, 1), 0);
    assert_int_equal(iotls_loop_run(loop), 0); /* nothing to wait for */
    iotls_loop_free(loop);
}

/* ---- fd watches and tasks (internal API used by conn/listener) ---------- */

typedef struct {
    iotls_loop_t *loop;
    iotls_loop_watch_t w;
    int fd;
    int calls;
    iotls_loop_watch_t *victim; /* watch to remove from inside the callback */
} wctx_t;

static void watch_cb(void *ctx, uint32_t events)
{
    wctx_t *c = ctx;
    c->calls++;
    assert_true(events & EPOLLIN);
    if (c->victim != NULL)
        iotls_loop_watch_remove(c->loop, c->victim);
}

static void test_watch_removed_mid_batch_gets_no_stale_event(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    int p1[2], p2[2];
    assert_int_equal(pipe(p1), 0);
    assert_int_equal(pipe(p2), 0);
    wctx_t a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    a.loop = b.loop = loop;
    iotls_loop_watch_init(&a.w, watch_cb, &a);
    iotls_loop_watch_init(&b.w, watch_cb, &b);
    assert_int_equal(iotls_loop_watch_set(loop, &a.w, p1[0], EPOLLIN), 0);
    assert_int_equal(iotls_loop_watch_set(loop, &b.w, p2[0], EPOLLIN), 0);
    /* whichever runs first removes the other: exactly one callback */
    a.victim = &b.w;
    b.victim = &a.w;
    assert_int_equal(write(p1[1], "x", 1), 1);
    assert_int_equal(write(p2[1], "x", 1), 1);
    assert_int_equal(iotls_loop_run_once(loop, 1000), 1);
    assert_int_equal(a.calls + b.calls, 1);

    /* a mask of 0 takes the fd out of epoll: readable, but no callback */
    iotls_loop_watch_t *left = a.calls == 1 ? &a.w : &b.w;
    assert_int_equal(iotls_loop_watch_set(loop, left, left->fd, 0), 0);
    assert_int_equal(iotls_loop_run_once(loop, 10), 0);
    assert_int_equal(a.calls + b.calls, 1);
    iotls_loop_watch_remove(loop, left);
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
    iotls_loop_free(loop);
}

typedef struct {
    iotls_loop_task_t task;
    iotls_loop_t *loop;
    int runs;
    int limit;
} task_ctx_t;

static void task_run(iotls_loop_task_t *t)
{
    task_ctx_t *c = (task_ctx_t *)(void *)t;
    c->runs++;
    if (c->runs < c->limit)
        iotls_loop_task_post(c->loop, t);
}

static void test_tasks_run_once_per_pass_and_cancel(void **state)
{
    (void)state;
    iotls_loop_t *loop = new_loop();
    task_ctx_t a, b;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    a.loop = b.loop = loop;
    a.limit = 3;
    b.limit = 1;
    iotls_loop_task_init(&a.task, task_run);
    iotls_loop_task_init(&b.task, task_run);
    iotls_loop_task_post(loop, &a.task);
    iotls_loop_task_post(loop, &a.task); /* idempotent */
    iotls_loop_task_post(loop, &b.task);
    iotls_loop_task_cancel(loop, &b.task);
    assert_int_equal(iotls_loop_run_once(loop, 1000), 1);
    assert_int_equal(a.runs, 1);
    assert_int_equal(iotls_loop_run(loop), 0);
    assert_int_equal(a.runs, 3);
    assert_int_equal(b.runs, 0);
    iotls_loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_in_deadline_order),
        cmocka_unit_test(test_timer_never_fires_early),
        cmocka_unit_test(test_periodic_timer_until_disarmed),
        cmocka_unit_test(test_disarm_prevents_firing),
        cmocka_unit_test(test_free_inside_callbacks),
        cmocka_unit_test(test_rearm_zero_does_not_starve),
        cmocka_unit_test(test_stop_returns_with_timer_armed),
        cmocka_unit_test(test_run_once_timeout_with_nothing),
        cmocka_unit_test(test_watch_removed_mid_batch_gets_no_stale_event),
        cmocka_unit_test(test_tasks_run_once_per_pass_and_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
