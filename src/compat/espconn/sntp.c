/* SNTP on a PC: the host clock is already synchronised, so the time is
 * the host's from sntp_init() on; no packet is sent. Servers are kept. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compat/espconn/espconn_internal.h"
#include "iotls/compat/esp8266/sntp.h"

static struct {
    bool running;
    sint8 timezone;
    ip_addr_t addr[SNTP_MAX_SERVERS];
    char *name[SNTP_MAX_SERVERS];
} sntp = {.timezone = 8};

void sntp_init(void)
{
    if (!sntp.running)
        espc_log("sntp_init: time comes from the host clock (no NTP traffic)");
    sntp.running = true;
}

void sntp_stop(void)
{
    sntp.running = false;
}

uint32 sntp_get_current_timestamp(void)
{
    if (!sntp.running)
        return 0;
    /* The SDK returns local time: UTC plus the time zone. */
    return (uint32)((long long)time(NULL) + (long long)sntp.timezone * 3600);
}

char *sntp_get_real_time(long t)
{
    static char text[32];
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(text, sizeof text, "%a %b %e %H:%M:%S %Y\n", &tm) == 0)
        text[0] = '\0';
    return text;
}

void sntp_setserver(unsigned char idx, ip_addr_t *addr)
{
    if (idx < SNTP_MAX_SERVERS && addr != NULL)
        sntp.addr[idx] = *addr;
}

ip_addr_t sntp_getserver(unsigned char idx)
{
    ip_addr_t none = {0};
    return idx < SNTP_MAX_SERVERS ? sntp.addr[idx] : none;
}

void sntp_setservername(unsigned char idx, char *server)
{
    /* The SDK keeps the caller's pointer; so does the host. */
    if (idx < SNTP_MAX_SERVERS)
        sntp.name[idx] = server;
}

char *sntp_getservername(unsigned char idx)
{
    return idx < SNTP_MAX_SERVERS ? sntp.name[idx] : NULL;
}

bool sntp_set_timezone(sint8 hours)
{
    if (hours < -11 || hours > 13)
        return false;
    sntp.timezone = hours;
    return true;
}

sint8 sntp_get_timezone(void)
{
    return sntp.timezone;
}

void sntp_set_update_delay(uint32 ms)
{
    (void)ms;
}
