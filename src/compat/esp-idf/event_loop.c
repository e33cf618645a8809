/* The default event loop: posted events are copied into a queue and
 * dispatched on one event thread, in order, to the handlers registered for
 * their base and id (ESP_EVENT_ANY_BASE / ESP_EVENT_ANY_ID match all). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "freertos/queue.h"

#define EVENT_QUEUE_LEN 32

typedef struct handler {
    esp_event_base_t base;
    int32_t id;
    esp_event_handler_t fn;
    void *arg;
    struct handler *next;
} handler_t;

typedef struct {
    esp_event_base_t base;
    int32_t id;
    void *data;
} event_t;

static pthread_mutex_t handlers_lock = PTHREAD_MUTEX_INITIALIZER;
static handler_t *handlers;
static QueueHandle_t events;

static bool matches(const handler_t *h, esp_event_base_t base, int32_t id)
{
    bool base_ok = h->base == ESP_EVENT_ANY_BASE || h->base == base ||
                   (base != NULL && strcmp(h->base, base) == 0);
    return base_ok && (h->id == ESP_EVENT_ANY_ID || h->id == id);
}

static void *event_thread(void *unused)
{
    event_t ev;
    while (xQueueReceive(events, &ev, portMAX_DELAY) == pdPASS) {
        /* Handlers may register or unregister others: take a snapshot. */
        handler_t list[32];
        size_t n = 0;
        pthread_mutex_lock(&handlers_lock);
        for (handler_t *h = handlers; h != NULL && n < 32; h = h->next)
            if (matches(h, ev.base, ev.id))
                list[n++] = *h;
        pthread_mutex_unlock(&handlers_lock);
        for (size_t i = 0; i < n; i++)
            list[i].fn(list[i].arg, ev.base, ev.id, ev.data);
        free(ev.data);
    }
    return NULL;
}

esp_err_t esp_event_loop_create_default(void)
{
    if (events != NULL)
        return ESP_ERR_INVALID_STATE;
    events = xQueueCreate(EVENT_QUEUE_LEN, sizeof(event_t));
    if (events == NULL)
        return ESP_ERR_NO_MEM;
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&th, &attr, event_thread, NULL);
    pthread_attr_destroy(&attr);
    return rc == 0 ? ESP_OK : ESP_FAIL;
}

esp_err_t esp_event_loop_delete_default(void)
{
    return events != NULL ? ESP_OK : ESP_ERR_INVALID_STATE;
}

esp_err_t esp_event_handler_instance_register(esp_event_base_t base, int32_t id,
                                              esp_event_handler_t fn, void *arg,
                                              esp_event_handler_instance_t *instance)
{
    if (fn == NULL)
        return ESP_ERR_INVALID_ARG;
    handler_t *h = calloc(1, sizeof *h);
    if (h == NULL)
        return ESP_ERR_NO_MEM;
    *h = (handler_t){.base = base, .id = id, .fn = fn, .arg = arg};
    pthread_mutex_lock(&handlers_lock);
    handler_t **tail = &handlers; /* registration order is dispatch order */
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = h;
    pthread_mutex_unlock(&handlers_lock);
    if (instance != NULL)
        *instance = h;
    return ESP_OK;
}

esp_err_t esp_event_handler_register(esp_event_base_t base, int32_t id, esp_event_handler_t fn,
                                     void *arg)
{
    return esp_event_handler_instance_register(base, id, fn, arg, NULL);
}

static esp_err_t unregister(esp_event_base_t base, int32_t id, esp_event_handler_t fn,
                            void *instance)
{
    pthread_mutex_lock(&handlers_lock);
    for (handler_t **p = &handlers; *p != NULL; p = &(*p)->next) {
        handler_t *h = *p;
        if (instance != NULL ? h == instance
                             : (h->fn == fn && h->id == id &&
                                (h->base == base || (h->base && base && !strcmp(h->base, base))))) {
            *p = h->next;
            free(h);
            pthread_mutex_unlock(&handlers_lock);
            return ESP_OK;
        }
    }
    pthread_mutex_unlock(&handlers_lock);
    return ESP_ERR_NOT_FOUND;
}

esp_err_t esp_event_handler_unregister(esp_event_base_t base, int32_t id, esp_event_handler_t fn)
{
    return unregister(base, id, fn, NULL);
}

esp_err_t esp_event_handler_instance_unregister(esp_event_base_t base, int32_t id,
                                                esp_event_handler_instance_t instance)
{
    return instance != NULL ? unregister(base, id, NULL, instance) : ESP_ERR_INVALID_ARG;
}

esp_err_t esp_event_post(esp_event_base_t base, int32_t id, const void *event_data,
                         size_t data_size, TickType_t ticks_to_wait)
{
    if (events == NULL) {
        ESP_LOGE("event", "esp_event_post before esp_event_loop_create_default");
        return ESP_ERR_INVALID_STATE;
    }
    event_t ev = {.base = base, .id = id};
    if (event_data != NULL && data_size > 0) {
        ev.data = malloc(data_size);
        if (ev.data == NULL)
            return ESP_ERR_NO_MEM;
        memcpy(ev.data, event_data, data_size);
    }
    if (xQueueSend(events, &ev, ticks_to_wait) != pdPASS) {
        free(ev.data);
        return ESP_ERR_TIMEOUT;
    }
    return ESP_OK;
}
