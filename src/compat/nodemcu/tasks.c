/* Posted work: node.task.post and events the layer delivers from the loop
 * rather than from inside the call that caused them (NodeMCU's rule too).
 * One task runs per timer expiry, so network events interleave with a long
 * chain of posted tasks. An armed timer keeps iotls_loop_run going. */
#include <stdlib.h>

#include "compat/nodemcu/nm_internal.h"

struct nm_task {
    nm_task_fn fn;
    void *arg;
    int priority;
    nm_task_t *next;
};

static void run_one(iotls_timer_t *timer, void *user)
{
    nm_rt_t *rt = user;
    (void)timer;
    nm_task_t **best = NULL;
    for (nm_task_t **p = &rt->tasks; *p; p = &(*p)->next)
        if (best == NULL || (*p)->priority > (*best)->priority)
            best = p;
    if (best == NULL)
        return;
    nm_task_t *t = *best;
    *best = t->next;
    if (rt->tasks)
        iotls_timer_arm(rt->task_timer, 0, 0);
    t->fn(rt, t->arg);
    free(t);
}

int nm_task_post(nm_rt_t *rt, int priority, nm_task_fn fn, void *arg)
{
    if (rt->task_timer == NULL) {
        rt->task_timer = iotls_timer_new(rt->loop, run_one, rt);
        if (rt->task_timer == NULL)
            return -1;
    }
    nm_task_t *t = calloc(1, sizeof *t);
    if (t == NULL)
        return -1;
    t->fn = fn;
    t->arg = arg;
    t->priority = priority;
    nm_task_t **tail = &rt->tasks;
    while (*tail)
        tail = &(*tail)->next;
    *tail = t;
    iotls_timer_arm(rt->task_timer, 0, 0);
    return 0;
}

void nm_tasks_free(nm_rt_t *rt)
{
    while (rt->tasks) {
        nm_task_t *t = rt->tasks;
        rt->tasks = t->next;
        /* fn(NULL rt) would be wrong: a pending task's argument is released
         * by asking it to run against a closed runtime. */
        t->fn(NULL, t->arg);
        free(t);
    }
    if (rt->task_timer)
        iotls_timer_free(rt->task_timer);
    rt->task_timer = NULL;
}
