/* FreeRTOS tasks as detached POSIX threads, counted so that the runtime
 * can wait for the last one. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/esp-idf/rtos_internal.h"
#include "esp_log.h"
#include "freertos/task.h"

struct iotls_rtos_task {
    TaskFunction_t fn;
    void *arg;
    char name[16];
    UBaseType_t priority;
    uint32_t stack_depth;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint32_t notify;
};

static pthread_mutex_t tasks_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tasks_cond = PTHREAD_COND_INITIALIZER;
static unsigned tasks_alive;
static __thread struct iotls_rtos_task *current;
static struct iotls_rtos_task main_task = {.name = "main"};

static void task_end(struct iotls_rtos_task *t)
{
    if (t == &main_task)
        return;
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->cond);
    free(t);
    pthread_mutex_lock(&tasks_lock);
    tasks_alive--;
    pthread_cond_broadcast(&tasks_cond);
    pthread_mutex_unlock(&tasks_lock);
}

static void *task_thread(void *p)
{
    current = p;
    current->fn(current->arg);
    ESP_LOGW("freertos",
             "task '%s' returned from its function (FreeRTOS requires "
             "vTaskDelete(NULL)); ended",
             current->name);
    task_end(current);
    return NULL;
}

BaseType_t xTaskCreatePinnedToCore(TaskFunction_t fn, const char *name, uint32_t stack_depth,
                                   void *arg, UBaseType_t priority, TaskHandle_t *created,
                                   BaseType_t core)
{
    struct iotls_rtos_task *t = calloc(1, sizeof *t);
    if (t == NULL || fn == NULL) {
        free(t);
        return pdFAIL;
    }
    t->fn = fn;
    t->arg = arg;
    t->priority = priority;
    t->stack_depth = stack_depth;
    snprintf(t->name, sizeof t->name, "%s", name ? name : "");
    pthread_mutex_init(&t->lock, NULL);
    rtos_cond_init(&t->cond);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* At least what the task asked for (bytes on ESP-IDF), never below
     * what libc needs. */
    size_t stack = stack_depth < 65536 ? 65536 : stack_depth;
    pthread_attr_setstacksize(&attr, stack);
    pthread_mutex_lock(&tasks_lock);
    tasks_alive++;
    pthread_mutex_unlock(&tasks_lock);
    pthread_t th;
    int rc = pthread_create(&th, &attr, task_thread, t);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        task_end(t);
        return pdFAIL;
    }
    if (created != NULL)
        *created = t;
    return pdPASS;
}

BaseType_t xTaskCreate(TaskFunction_t fn, const char *name, uint32_t stack_depth, void *arg,
                       UBaseType_t priority, TaskHandle_t *created)
{
    return xTaskCreatePinnedToCore(fn, name, stack_depth, arg, priority, created, tskNO_AFFINITY);
}

static void main_task_init(void)
{
    pthread_mutex_init(&main_task.lock, NULL);
    rtos_cond_init(&main_task.cond);
}

/* The thread that runs app_main (or any thread not made by xTaskCreate). */
TaskHandle_t xTaskGetCurrentTaskHandle(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (current != NULL)
        return current;
    pthread_once(&once, main_task_init);
    return &main_task;
}

void vTaskDelete(TaskHandle_t task)
{
    struct iotls_rtos_task *self = xTaskGetCurrentTaskHandle();
    if (task != NULL && task != self) {
        ESP_LOGW("freertos",
                 "vTaskDelete of another task ('%s') is not supported on threads; "
                 "ignored",
                 task->name);
        return;
    }
    if (self == &main_task) /* app_main's task: the runtime carries on */
        return;
    task_end(self);
    pthread_exit(NULL);
}

void rtos_tasks_wait_all(void)
{
    pthread_mutex_lock(&tasks_lock);
    while (tasks_alive > 0)
        pthread_cond_wait(&tasks_cond, &tasks_lock);
    pthread_mutex_unlock(&tasks_lock);
}

UBaseType_t uxTaskGetNumberOfTasks(void)
{
    pthread_mutex_lock(&tasks_lock);
    UBaseType_t n = tasks_alive + 1;
    pthread_mutex_unlock(&tasks_lock);
    return n;
}

char *pcTaskGetName(TaskHandle_t task)
{
    return (task ? task : xTaskGetCurrentTaskHandle())->name;
}

UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t task)
{
    /* Unknown on threads: report the whole stack as unused. */
    struct iotls_rtos_task *t = task ? task : xTaskGetCurrentTaskHandle();
    return t->stack_depth;
}

UBaseType_t uxTaskPriorityGet(TaskHandle_t task)
{
    return (task ? task : xTaskGetCurrentTaskHandle())->priority;
}

void vTaskPrioritySet(TaskHandle_t task, UBaseType_t priority)
{
    (task ? task : xTaskGetCurrentTaskHandle())->priority = priority;
}

void vTaskSuspend(TaskHandle_t task)
{
    if (task == NULL || task == xTaskGetCurrentTaskHandle()) {
        for (;;) /* suspended for good: nothing resumes a thread here */
            vTaskDelay(portMAX_DELAY - 1);
    }
    ESP_LOGW("freertos", "vTaskSuspend of another task is not supported on threads; ignored");
}

void vTaskResume(TaskHandle_t task)
{
    ESP_LOGW("freertos", "vTaskResume is not supported on threads; ignored");
}

void taskYIELD(void)
{
    sched_yield();
}

BaseType_t xTaskNotifyGive(TaskHandle_t task)
{
    if (task == NULL)
        return pdFAIL;
    pthread_mutex_lock(&task->lock);
    task->notify++;
    pthread_cond_broadcast(&task->cond);
    pthread_mutex_unlock(&task->lock);
    return pdPASS;
}

uint32_t ulTaskNotifyTake(BaseType_t clear_on_exit, TickType_t ticks)
{
    struct iotls_rtos_task *t = xTaskGetCurrentTaskHandle();
    struct timespec ts;
    const struct timespec *deadline = rtos_deadline(ticks, &ts);
    pthread_mutex_lock(&t->lock);
    while (t->notify == 0)
        if (rtos_wait(&t->cond, &t->lock, deadline) != 0)
            break;
    uint32_t value = t->notify;
    if (value > 0)
        t->notify = clear_on_exit ? 0 : value - 1;
    pthread_mutex_unlock(&t->lock);
    return value;
}
