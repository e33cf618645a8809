/* What the FreeRTOS-on-threads files share: ticks (milliseconds) on the
 * monotonic clock, and condition variables that wait on it. */
#ifndef IOTLS_COMPAT_ESPIDF_RTOS_INTERNAL_H
#define IOTLS_COMPAT_ESPIDF_RTOS_INTERNAL_H

#include <pthread.h>
#include <time.h>

#include "freertos/FreeRTOS.h"

/* A condition variable on CLOCK_MONOTONIC. */
void rtos_cond_init(pthread_cond_t *cond);
/* The absolute time `ticks` from now; portMAX_DELAY means forever (NULL). */
const struct timespec *rtos_deadline(TickType_t ticks, struct timespec *ts);
/* Wait on cond until woken or the deadline (NULL = forever). 0, or ETIMEDOUT. */
int rtos_wait(pthread_cond_t *cond, pthread_mutex_t *lock, const struct timespec *deadline);

/* Tasks: the runtime waits for all of them to end (runtime_main.c). */
void rtos_tasks_wait_all(void);

#endif
