/*
 * Peak stack depth by painting: the thread runs on a stack we allocate and
 * fill with a pattern first; afterwards the lowest overwritten byte marks
 * the high-water mark. No instrumentation, so the code runs as built.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define STACK_SIZE (1024u * 1024u) /* far above any TLS stack's needs */
#define PAINT 0xA5u

struct job {
    void (*fn)(void *);
    void *arg;
};

static void *trampoline(void *p)
{
    struct job *j = p;
    j->fn(j->arg);
    return NULL;
}

static size_t run_painted(void (*fn)(void *), void *arg)
{
    uint8_t *stack = aligned_alloc(4096, STACK_SIZE);
    if (!stack)
        return 0;
    memset(stack, PAINT, STACK_SIZE);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, STACK_SIZE);
    struct job j = {fn, arg};
    pthread_t t;
    size_t used = 0;
    if (pthread_create(&t, &attr, trampoline, &j) == 0) {
        pthread_join(t, NULL);
        /* Stacks grow down: scan up from the bottom to the first touched byte.
         * glibc keeps the thread descriptor and TLS at the top;
         * bench_stack_peak() subtracts an empty thread's reading. */
        size_t i = 0;
        while (i < STACK_SIZE && stack[i] == PAINT)
            i++;
        used = STACK_SIZE - i;
    }
    pthread_attr_destroy(&attr);
    free(stack);
    return used;
}

static void empty_job(void *arg)
{
}

size_t bench_stack_peak(void (*fn)(void *), void *arg, size_t *thread_base)
{
    size_t base = run_painted(empty_job, NULL);
    size_t used = run_painted(fn, arg);
    if (thread_base)
        *thread_base = base;
    return used > base ? used - base : 0;
}
