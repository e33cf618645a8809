/* esp_timer: timers kept in a list, fired by one thread that sleeps until
 * the earliest is due. Callbacks run on that thread, one at a time. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "compat/esp-idf/rtos_internal.h"
#include "esp_timer.h"
#include "lwip/sys.h"

struct esp_timer {
    esp_timer_cb_t cb;
    void *arg;
    uint64_t due_us, period_us;
    bool active;
    struct esp_timer *next;
};

static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_changed;
static struct esp_timer *timers;
static bool thread_started;

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t start_us;

int64_t esp_timer_get_time(void)
{
    return (int64_t)(mono_us() - start_us);
}

uint32_t sys_now(void)
{
    return (uint32_t)(esp_timer_get_time() / 1000);
}

__attribute__((constructor)) static void timer_clock_start(void)
{
    start_us = mono_us();
}

static void *timer_thread(void *unused)
{
    pthread_mutex_lock(&timer_lock);
    for (;;) {
        struct esp_timer *next = NULL;
        for (struct esp_timer *t = timers; t != NULL; t = t->next)
            if (t->active && (next == NULL || t->due_us < next->due_us))
                next = t;
        uint64_t now = mono_us();
        if (next == NULL) {
            pthread_cond_wait(&timer_changed, &timer_lock);
            continue;
        }
        if (next->due_us > now) {
            struct timespec ts = {.tv_sec = (time_t)(next->due_us / 1000000u),
                                  .tv_nsec = (long)(next->due_us % 1000000u) * 1000L};
            pthread_cond_timedwait(&timer_changed, &timer_lock, &ts);
            continue;
        }
        if (next->period_us > 0)
            next->due_us += next->period_us;
        else
            next->active = false;
        esp_timer_cb_t cb = next->cb;
        void *arg = next->arg;
        pthread_mutex_unlock(&timer_lock);
        cb(arg);
        pthread_mutex_lock(&timer_lock);
    }
    return NULL;
}

esp_err_t esp_timer_create(const esp_timer_create_args_t *args, esp_timer_handle_t *out_handle)
{
    if (args == NULL || args->callback == NULL || out_handle == NULL)
        return ESP_ERR_INVALID_ARG;
    struct esp_timer *t = calloc(1, sizeof *t);
    if (t == NULL)
        return ESP_ERR_NO_MEM;
    t->cb = args->callback;
    t->arg = args->arg;
    pthread_mutex_lock(&timer_lock);
    if (!thread_started) {
        rtos_cond_init(&timer_changed);
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        thread_started = pthread_create(&th, &attr, timer_thread, NULL) == 0;
        pthread_attr_destroy(&attr);
    }
    t->next = timers;
    timers = t;
    pthread_mutex_unlock(&timer_lock);
    if (!thread_started)
        return ESP_FAIL;
    *out_handle = t;
    return ESP_OK;
}

static esp_err_t arm(esp_timer_handle_t t, uint64_t us, uint64_t period)
{
    if (t == NULL)
        return ESP_ERR_INVALID_ARG;
    pthread_mutex_lock(&timer_lock);
    esp_err_t rc = t->active ? ESP_ERR_INVALID_STATE : ESP_OK;
    if (rc == ESP_OK) {
        t->due_us = mono_us() + us;
        t->period_us = period;
        t->active = true;
        pthread_cond_broadcast(&timer_changed);
    }
    pthread_mutex_unlock(&timer_lock);
    return rc;
}

esp_err_t esp_timer_start_once(esp_timer_handle_t timer, uint64_t timeout_us)
{
    return arm(timer, timeout_us, 0);
}

esp_err_t esp_timer_start_periodic(esp_timer_handle_t timer, uint64_t period_us)
{
    return period_us > 0 ? arm(timer, period_us, period_us) : ESP_ERR_INVALID_ARG;
}

esp_err_t esp_timer_stop(esp_timer_handle_t timer)
{
    if (timer == NULL)
        return ESP_ERR_INVALID_ARG;
    pthread_mutex_lock(&timer_lock);
    esp_err_t rc = timer->active ? ESP_OK : ESP_ERR_INVALID_STATE;
    timer->active = false;
    pthread_mutex_unlock(&timer_lock);
    return rc;
}

bool esp_timer_is_active(esp_timer_handle_t timer)
{
    pthread_mutex_lock(&timer_lock);
    bool on = timer != NULL && timer->active;
    pthread_mutex_unlock(&timer_lock);
    return on;
}

esp_err_t esp_timer_delete(esp_timer_handle_t timer)
{
    if (timer == NULL)
        return ESP_ERR_INVALID_ARG;
    pthread_mutex_lock(&timer_lock);
    esp_err_t rc = timer->active ? ESP_ERR_INVALID_STATE : ESP_OK;
    if (rc == ESP_OK)
        for (struct esp_timer **p = &timers; *p != NULL; p = &(*p)->next)
            if (*p == timer) {
                *p = timer->next;
                free(timer);
                break;
            }
    pthread_mutex_unlock(&timer_lock);
    return rc;
}
