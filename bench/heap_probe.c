/*
 * The driver and the bench servers read malloc_count.so through these two
 * calls. dlsym, not a link-time dependency: the same binary is timed
 * without the counter (which would slow every allocation) and measured
 * with it.
 */
#include <dlfcn.h>

#include "bench.h"

static void (*get_fn)(bench_heap_t *);
static void (*mark_fn)(void);
static int looked_up;

static void look_up(void)
{
    if (looked_up)
        return;
    looked_up = 1;
    get_fn = (void (*)(bench_heap_t *))dlsym(RTLD_DEFAULT, "bench_heap_get");
    mark_fn = (void (*)(void))dlsym(RTLD_DEFAULT, "bench_heap_mark");
    if (!get_fn || !mark_fn)
        get_fn = NULL;
}

bool bench_heap_read(bench_heap_t *out)
{
    look_up();
    if (!get_fn)
        return false;
    get_fn(out);
    return true;
}

void bench_heap_restart_peak(void)
{
    look_up();
    if (get_fn)
        mark_fn();
}
