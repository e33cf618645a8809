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

void os_delay_us(uint32_t us)
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

static uint8 opmode = STATION_MODE;

uint8 wifi_get_opmode(void)
{
    return opmode;
}

bool wifi_set_opmode(uint8 mode)
{
    if (mode > STATIONAP_MODE)
        return false;
    opmode = mode;
    return true;
}

bool wifi_station_set_config(struct station_config *config)
{
    return config != NULL;
}

bool wifi_station_set_config_current(struct station_config *config)
{
    return config != NULL;
}

bool wifi_station_connect(void)
{
    return true;
}

bool wifi_station_disconnect(void)
{
    return true;
}

uint8 wifi_station_get_connect_status(void)
{
    return STATION_GOT_IP;
}

bool wifi_get_ip_info(uint8 if_index, struct ip_info *info)
{
    if (info == NULL || if_index > SOFTAP_IF)
        return false;
    IP4_ADDR(&info->ip, 127, 0, 0, 1);
    IP4_ADDR(&info->netmask, 255, 0, 0, 0);
    IP4_ADDR(&info->gw, 127, 0, 0, 1);
    return true;
}
