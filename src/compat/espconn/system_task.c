/* system_os_task / system_os_post: the SDK's three task priorities on the
 * event loop. Events wait in the application's own queue array, as on the
 * chip; a post never runs the task inside the call. Higher priorities run
 * first when several have events. */
#include <string.h>

#include "compat/espconn/espconn_internal.h"

typedef struct {
    os_task_t task;
    os_event_t *queue;
    uint8 qlen, head, count;
    bool full_told;
} espc_task_t;

static espc_task_t tasks[USER_TASK_PRIO_MAX];
static iotls_timer_t *drain_timer;

void espc_tasks_forget(void)
{
    memset(tasks, 0, sizeof tasks);
    drain_timer = NULL; /* freed with the loop */
}

static void drain(iotls_timer_t *t, void *user)
{
    (void)t;
    (void)user;
    for (;;) {
        int p = USER_TASK_PRIO_MAX - 1;
        while (p >= 0 && tasks[p].count == 0)
            p--;
        if (p < 0)
            return;
        espc_task_t *k = &tasks[p];
        os_event_t ev = k->queue[k->head];
        k->head = (uint8)((k->head + 1) % k->qlen);
        k->count--;
        k->task(&ev);
    }
}

bool system_os_task(os_task_t task, uint8 prio, os_event_t *queue, uint8 qlen)
{
    if (prio >= USER_TASK_PRIO_MAX || task == NULL || queue == NULL || qlen == 0) {
        espc_log("system_os_task: needs a task, a queue, qlen > 0 and priority 0..2 (got %u)",
                 (unsigned)prio);
        return false;
    }
    if (tasks[prio].task != NULL) {
        espc_log("system_os_task: priority %u already has a task", (unsigned)prio);
        return false;
    }
    tasks[prio] = (espc_task_t){.task = task, .queue = queue, .qlen = qlen};
    return true;
}

bool system_os_post(uint8 prio, os_signal_t sig, os_param_t par)
{
    if (prio >= USER_TASK_PRIO_MAX || tasks[prio].task == NULL) {
        espc_log("system_os_post: no task at priority %u (system_os_task first)", (unsigned)prio);
        return false;
    }
    espc_task_t *k = &tasks[prio];
    if (k->count == k->qlen) {
        /* Applications post "run again" events into one-slot queues and
         * ignore a full one, as the SDK lets them: say it once. */
        if (!k->full_told)
            espc_log("system_os_post: the queue of priority %u is full (%u events): post "
                     "refused (said once per priority)",
                     (unsigned)prio, (unsigned)k->qlen);
        k->full_told = true;
        return false;
    }
    iotls_loop_t *loop = espc_loop();
    if (loop == NULL)
        return false;
    if (drain_timer == NULL && (drain_timer = iotls_timer_new(loop, drain, NULL)) == NULL) {
        espc_log("system_os_post: out of memory");
        return false;
    }
    k->queue[(k->head + k->count) % k->qlen] = (os_event_t){.sig = sig, .par = par};
    k->count++;
    iotls_timer_arm(drain_timer, 0, 0);
    return true;
}
