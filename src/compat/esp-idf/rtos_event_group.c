/* FreeRTOS event groups: bits, set and waited for. */
#include <stdlib.h>

#include "compat/esp-idf/rtos_internal.h"
#include "freertos/event_groups.h"

struct iotls_rtos_event_group {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    EventBits_t bits;
};

EventGroupHandle_t xEventGroupCreate(void)
{
    struct iotls_rtos_event_group *g = calloc(1, sizeof *g);
    if (g != NULL) {
        pthread_mutex_init(&g->lock, NULL);
        rtos_cond_init(&g->changed);
    }
    return g;
}

void vEventGroupDelete(EventGroupHandle_t g)
{
    if (g == NULL)
        return;
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->changed);
    free(g);
}

EventBits_t xEventGroupSetBits(EventGroupHandle_t g, EventBits_t bits)
{
    pthread_mutex_lock(&g->lock);
    g->bits |= bits;
    EventBits_t now = g->bits;
    pthread_cond_broadcast(&g->changed);
    pthread_mutex_unlock(&g->lock);
    return now;
}

EventBits_t xEventGroupClearBits(EventGroupHandle_t g, EventBits_t bits)
{
    pthread_mutex_lock(&g->lock);
    EventBits_t before = g->bits;
    g->bits &= ~bits;
    pthread_mutex_unlock(&g->lock);
    return before;
}

EventBits_t xEventGroupGetBits(EventGroupHandle_t g)
{
    pthread_mutex_lock(&g->lock);
    EventBits_t now = g->bits;
    pthread_mutex_unlock(&g->lock);
    return now;
}

static bool satisfied(EventBits_t have, EventBits_t want, BaseType_t all)
{
    return all ? (have & want) == want : (have & want) != 0;
}

EventBits_t xEventGroupWaitBits(EventGroupHandle_t g, EventBits_t bits, BaseType_t clear_on_exit,
                                BaseType_t wait_for_all, TickType_t ticks)
{
    struct timespec ts;
    const struct timespec *deadline = rtos_deadline(ticks, &ts);
    pthread_mutex_lock(&g->lock);
    while (!satisfied(g->bits, bits, wait_for_all))
        if (ticks == 0 || rtos_wait(&g->changed, &g->lock, deadline) != 0)
            break;
    EventBits_t seen = g->bits;
    if (clear_on_exit && satisfied(seen, bits, wait_for_all))
        g->bits &= ~bits;
    pthread_mutex_unlock(&g->lock);
    return seen;
}
