/* Ticks and timed waits for the FreeRTOS-on-threads runtime. */
#include <errno.h>

#include "compat/esp-idf/rtos_internal.h"
#include "freertos/task.h"

void rtos_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

const struct timespec *rtos_deadline(TickType_t ticks, struct timespec *ts)
{
    if (ticks == portMAX_DELAY)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, ts);
    uint64_t ms = pdTICKS_TO_MS(ticks);
    ts->tv_sec += (time_t)(ms / 1000);
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
    return ts;
}

int rtos_wait(pthread_cond_t *cond, pthread_mutex_t *lock, const struct timespec *deadline)
{
    if (deadline == NULL)
        return pthread_cond_wait(cond, lock);
    return pthread_cond_timedwait(cond, lock, deadline);
}

TickType_t xTaskGetTickCount(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    return pdMS_TO_TICKS(ms);
}

TickType_t xTaskGetTickCountFromISR(void)
{
    return xTaskGetTickCount();
}

void vTaskDelay(TickType_t ticks)
{
    uint64_t ms = pdTICKS_TO_MS(ticks);
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

BaseType_t xTaskDelayUntil(TickType_t *previous_wake, TickType_t increment)
{
    TickType_t wake = *previous_wake + increment;
    TickType_t now = xTaskGetTickCount();
    *previous_wake = wake;
    if ((int32_t)(wake - now) <= 0)
        return pdFALSE;
    vTaskDelay(wake - now);
    return pdTRUE;
}

void vTaskDelayUntil(TickType_t *previous_wake, TickType_t increment)
{
    xTaskDelayUntil(previous_wake, increment);
}

static pthread_mutex_t critical = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

void vPortEnterCritical(portMUX_TYPE *mux)
{
    pthread_mutex_lock(&critical);
}

void vPortExitCritical(portMUX_TYPE *mux)
{
    pthread_mutex_unlock(&critical);
}
