/* FreeRTOS queues and semaphores. As in FreeRTOS, a semaphore is a queue
 * of zero-size items whose count is the semaphore's value; a mutex also
 * remembers its holder (for the recursive form). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "compat/esp-idf/rtos_internal.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

struct iotls_rtos_queue {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    UBaseType_t length, item_size, count, head;
    TaskHandle_t holder; /* mutexes */
    UBaseType_t depth;   /* recursive mutexes */
    /* Aligned as malloc'd memory is: items often hold pointers (the event
     * loop queues its payloads' addresses), and a pointer stored at an
     * address that is not a multiple of 8 is invisible to LeakSanitizer,
     * which then reports a still-queued payload as leaked at exit. */
    _Alignas(max_align_t) uint8_t items[];
};

QueueHandle_t xQueueCreate(UBaseType_t length, UBaseType_t item_size)
{
    if (length == 0 || (item_size > 0 && length > SIZE_MAX / 2 / item_size))
        return NULL;
    struct iotls_rtos_queue *q = calloc(1, sizeof *q + (size_t)length * item_size);
    if (q == NULL)
        return NULL;
    pthread_mutex_init(&q->lock, NULL);
    rtos_cond_init(&q->changed);
    q->length = length;
    q->item_size = item_size;
    return q;
}

void vQueueDelete(QueueHandle_t q)
{
    if (q == NULL)
        return;
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->changed);
    free(q);
}

static BaseType_t put(QueueHandle_t q, const void *item, TickType_t ticks, bool front,
                      bool overwrite)
{
    if (q == NULL)
        return pdFAIL;
    struct timespec ts;
    const struct timespec *deadline = rtos_deadline(ticks, &ts);
    pthread_mutex_lock(&q->lock);
    while (q->count == q->length && !overwrite)
        if (ticks == 0 || rtos_wait(&q->changed, &q->lock, deadline) != 0) {
            pthread_mutex_unlock(&q->lock);
            return errQUEUE_FULL;
        }
    if (overwrite && q->count == q->length)
        q->count = 0, q->head = 0;
    UBaseType_t slot;
    if (front) {
        q->head = (q->head + q->length - 1) % q->length;
        slot = q->head;
    } else {
        slot = (q->head + q->count) % q->length;
    }
    if (q->item_size > 0)
        memcpy(q->items + (size_t)slot * q->item_size, item, q->item_size);
    q->count++;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
    return pdPASS;
}

static BaseType_t get(QueueHandle_t q, void *item, TickType_t ticks, bool remove)
{
    if (q == NULL)
        return pdFAIL;
    struct timespec ts;
    const struct timespec *deadline = rtos_deadline(ticks, &ts);
    pthread_mutex_lock(&q->lock);
    while (q->count == 0)
        if (ticks == 0 || rtos_wait(&q->changed, &q->lock, deadline) != 0) {
            pthread_mutex_unlock(&q->lock);
            return errQUEUE_EMPTY;
        }
    if (q->item_size > 0 && item != NULL)
        memcpy(item, q->items + (size_t)q->head * q->item_size, q->item_size);
    if (remove) {
        q->head = (q->head + 1) % q->length;
        q->count--;
        pthread_cond_broadcast(&q->changed);
    }
    pthread_mutex_unlock(&q->lock);
    return pdPASS;
}

BaseType_t xQueueSend(QueueHandle_t q, const void *item, TickType_t ticks)
{
    return put(q, item, ticks, false, false);
}

BaseType_t xQueueSendToBack(QueueHandle_t q, const void *item, TickType_t ticks)
{
    return put(q, item, ticks, false, false);
}

BaseType_t xQueueSendToFront(QueueHandle_t q, const void *item, TickType_t ticks)
{
    return put(q, item, ticks, true, false);
}

BaseType_t xQueueOverwrite(QueueHandle_t q, const void *item)
{
    return put(q, item, 0, false, true);
}

BaseType_t xQueueReceive(QueueHandle_t q, void *item, TickType_t ticks)
{
    return get(q, item, ticks, true);
}

BaseType_t xQueuePeek(QueueHandle_t q, void *item, TickType_t ticks)
{
    return get(q, item, ticks, false);
}

UBaseType_t uxQueueMessagesWaiting(QueueHandle_t q)
{
    if (q == NULL)
        return 0;
    pthread_mutex_lock(&q->lock);
    UBaseType_t n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}

UBaseType_t uxQueueSpacesAvailable(QueueHandle_t q)
{
    return q != NULL ? q->length - uxQueueMessagesWaiting(q) : 0;
}

BaseType_t xQueueReset(QueueHandle_t q)
{
    if (q == NULL)
        return pdFAIL;
    pthread_mutex_lock(&q->lock);
    q->count = q->head = 0;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
    return pdPASS;
}

/* ---- semaphores ---------------------------------------------------------- */

SemaphoreHandle_t xSemaphoreCreateCounting(UBaseType_t max_count, UBaseType_t initial_count)
{
    if (initial_count > max_count)
        return NULL;
    SemaphoreHandle_t s = xQueueCreate(max_count, 0);
    if (s != NULL)
        s->count = initial_count;
    return s;
}

SemaphoreHandle_t xSemaphoreCreateBinary(void)
{
    return xSemaphoreCreateCounting(1, 0);
}

SemaphoreHandle_t xSemaphoreCreateMutex(void)
{
    return xSemaphoreCreateCounting(1, 1);
}

SemaphoreHandle_t xSemaphoreCreateRecursiveMutex(void)
{
    return xSemaphoreCreateCounting(1, 1);
}

BaseType_t xSemaphoreTake(SemaphoreHandle_t sem, TickType_t ticks)
{
    BaseType_t ok = get(sem, NULL, ticks, true);
    if (ok == pdPASS)
        sem->holder = xTaskGetCurrentTaskHandle();
    return ok;
}

BaseType_t xSemaphoreGive(SemaphoreHandle_t sem)
{
    if (sem == NULL)
        return pdFAIL;
    sem->holder = NULL;
    return put(sem, NULL, 0, false, false);
}

BaseType_t xSemaphoreTakeRecursive(SemaphoreHandle_t sem, TickType_t ticks)
{
    if (sem == NULL)
        return pdFAIL;
    if (sem->holder == xTaskGetCurrentTaskHandle()) {
        sem->depth++;
        return pdPASS;
    }
    BaseType_t ok = xSemaphoreTake(sem, ticks);
    if (ok == pdPASS)
        sem->depth = 1;
    return ok;
}

BaseType_t xSemaphoreGiveRecursive(SemaphoreHandle_t sem)
{
    if (sem == NULL || sem->holder != xTaskGetCurrentTaskHandle())
        return pdFAIL;
    if (--sem->depth > 0)
        return pdPASS;
    return xSemaphoreGive(sem);
}

UBaseType_t uxSemaphoreGetCount(SemaphoreHandle_t sem)
{
    return uxQueueMessagesWaiting(sem);
}

void vSemaphoreDelete(SemaphoreHandle_t sem)
{
    vQueueDelete(sem);
}
