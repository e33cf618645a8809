/*
 * malloc_count.so — LD_PRELOAD heap counter. Every stack under test is
 * measured by the same counter, so "heap per connection" means the same
 * thing for all of them: bytes glibc hands out (malloc_usable_size), live
 * and peak, and the number of allocation calls. The bench programs read it
 * through bench_heap_get()/bench_heap_mark() found with dlsym (heap_probe.c),
 * so they also run (without heap numbers) when it is not preloaded.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h" /* bench_heap_t: the layout the readers (heap_probe.c) expect */

static size_t live, peak;
static unsigned long allocs;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

/* dlsym itself may calloc before real_calloc is known: serve that from a
 * small static arena that is never freed. */
static uint8_t boot[4096];
static size_t boot_used;

static int in_boot(const void *p)
{
    return (const uint8_t *)p >= boot && (const uint8_t *)p < boot + sizeof boot;
}

static void init(void)
{
    if (real_malloc)
        return;
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
}

static void count_add(void *p)
{
    if (!p)
        return;
    size_t n = malloc_usable_size(p);
    size_t now = __atomic_add_fetch(&live, n, __ATOMIC_RELAXED);
    __atomic_add_fetch(&allocs, 1, __ATOMIC_RELAXED);
    size_t old = __atomic_load_n(&peak, __ATOMIC_RELAXED);
    while (now > old &&
           !__atomic_compare_exchange_n(&peak, &old, now, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

static void count_sub(void *p)
{
    if (p && !in_boot(p))
        __atomic_sub_fetch(&live, malloc_usable_size(p), __ATOMIC_RELAXED);
}

void *malloc(size_t n)
{
    init();
    void *p = real_malloc(n);
    count_add(p);
    return p;
}

void *calloc(size_t a, size_t b)
{
    if (!real_calloc) {
        /* Only reached from inside dlsym during init(). */
        size_t n = (a * b + 15u) & ~(size_t)15u;
        if (boot_used + n > sizeof boot)
            return NULL;
        void *p = boot + boot_used;
        boot_used += n;
        return p;
    }
    void *p = real_calloc(a, b);
    count_add(p);
    return p;
}

void *realloc(void *old, size_t n)
{
    init();
    if (in_boot(old)) {
        void *p = malloc(n);
        if (p)
            memcpy(p, old, n); /* boot blocks are tiny and never realloc'd in practice */
        return p;
    }
    count_sub(old);
    void *p = real_realloc(old, n);
    if (p)
        count_add(p);
    else if (old && n)
        count_add(old); /* realloc failed: the old block is still live */
    return p;
}

void free(void *p)
{
    if (!p || in_boot(p))
        return;
    init();
    count_sub(p);
    real_free(p);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    init();
    int r = real_posix_memalign(out, align, n);
    if (r == 0)
        count_add(*out);
    return r;
}

void *aligned_alloc(size_t align, size_t n)
{
    init();
    void *p = real_aligned_alloc(align, n);
    count_add(p);
    return p;
}

void *memalign(size_t align, size_t n)
{
    init();
    void *p = real_memalign(align, n);
    count_add(p);
    return p;
}

void bench_heap_get(bench_heap_t *out);
void bench_heap_mark(void);

void bench_heap_get(bench_heap_t *out)
{
    out->live = __atomic_load_n(&live, __ATOMIC_RELAXED);
    out->peak = __atomic_load_n(&peak, __ATOMIC_RELAXED);
    out->allocs = __atomic_load_n(&allocs, __ATOMIC_RELAXED);
}

/* Start a new measurement: the peak restarts from what is live now. */
void bench_heap_mark(void)
{
    __atomic_store_n(&peak, __atomic_load_n(&live, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
}
