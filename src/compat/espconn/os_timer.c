/* os_timer_* on iotls timers. An ETSTimer gets its iotls timer on first
 * arm; `timer_expire` (unused on the host) holds the loop generation the
 * timer belongs to, so a static os_timer_t never reaches a timer freed by
 * espconn_host_shutdown. */
#include "compat/espconn/espconn_internal.h"

static void timer_fire(iotls_timer_t *it, void *user)
{
    (void)it;
    ETSTimer *t = user;
    if (t->timer_func != NULL)
        t->timer_func(t->timer_arg);
}

static iotls_timer_t *host_timer(ETSTimer *t)
{
    if (t->host_timer != NULL && t->timer_expire == espc.generation && espc.loop != NULL)
        return t->host_timer;
    t->host_timer = NULL;
    return NULL;
}

void espc_timers_forget(void)
{
    espc.generation++;
}

void iotls_esp_timer_setfn(ETSTimer *t, ETSTimerFunc *fn, void *arg)
{
    if (t == NULL)
        return;
    t->timer_func = fn;
    t->timer_arg = arg;
}

void iotls_esp_timer_arm(ETSTimer *t, uint32_t time, bool repeat, bool is_ms)
{
    if (t == NULL)
        return;
    if (t->timer_func == NULL) {
        espc_log("os_timer_arm: no function set (os_timer_setfn first): not armed");
        return;
    }
    iotls_loop_t *loop = espc_loop();
    if (loop == NULL)
        return;
    iotls_timer_t *it = host_timer(t);
    if (it == NULL) {
        it = iotls_timer_new(loop, timer_fire, t);
        if (it == NULL) {
            espc_log("os_timer_arm: out of memory: not armed");
            return;
        }
        t->host_timer = it;
        t->timer_expire = espc.generation;
    }
    uint64_t ms = is_ms ? time : ((uint64_t)time + 999u) / 1000u;
    uint64_t period = repeat ? (ms > 0 ? ms : 1) : 0;
    t->timer_period = (uint32_t)period;
    iotls_timer_arm(it, ms, period);
}

void iotls_esp_timer_disarm(ETSTimer *t)
{
    if (t == NULL)
        return;
    iotls_timer_t *it = host_timer(t);
    if (it != NULL)
        iotls_timer_disarm(it);
}
