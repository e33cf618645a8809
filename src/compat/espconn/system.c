/* user_interface.h on a PC: time, a modelled heap, Wi-Fi that is always up. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "compat/espconn/espconn_internal.h"

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint32 system_get_time(void)
{
    static uint64_t start;
    if (start == 0)
        start = mono_us();
    return (uint32)(mono_us() - start);
}

uint32 system_get_free_heap_size(void)
{
    size_t used = 0;
    for (espc_link_t *l = espc.links; l; l = l->next)
        used += sizeof *l + (l->conn ? iotls_conn_memory(l->conn) : 0) + l->pending_len;
    return used >= IOTLS_ESPCONN_HEAP_NOMINAL ? 0 : (uint32)(IOTLS_ESPCONN_HEAP_NOMINAL - used);
}

void system_print_meminfo(void)
{
    os_printf("heap (modelled): %u bytes free of %u\n", system_get_free_heap_size(),
              (unsigned)IOTLS_ESPCONN_HEAP_NOMINAL);
}

uint32 system_get_chip_id(void)
{
    return 0x00E5B266u;
}

const char *system_get_sdk_version(void)
{
    return "iotls-espconn";
}

void system_restart(void)
{
    espc_log("system_restart: the host program ends here");
    fflush(stdout);
    exit(0);
}

typedef struct {
    init_done_cb_t cb;
} init_done_t;

static void init_done_fire(iotls_timer_t *t, void *user)
{
    init_done_cb_t cb = ((init_done_t *)user)->cb;
    free(user);
    iotls_timer_free(t);
    cb();
}

void system_init_done_cb(init_done_cb_t cb)
{
    iotls_loop_t *loop = espc_loop();
    init_done_t *d = cb ? malloc(sizeof *d) : NULL;
    iotls_timer_t *t = loop && d ? iotls_timer_new(loop, init_done_fire, d) : NULL;
    if (t == NULL) {
        free(d);
        if (cb)
            espc_log("system_init_done_cb: out of memory");
        return;
    }
    d->cb = cb;
    iotls_timer_arm(t, 0, 0);
}

void iotls_esp_delay_us(uint32_t us)
{
    usleep(us);
}

unsigned long os_random(void)
{
    static unsigned long x;
    if (x == 0)
        x = (unsigned long)mono_us() ^ (unsigned long)getpid() ^ 0x9E3779B9ul;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x & 0xFFFFFFFFul;
}

int os_get_random(unsigned char *buf, size_t len)
{
    if (buf == NULL)
        return -1;
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)(os_random() >> 8);
    return 0;
}
