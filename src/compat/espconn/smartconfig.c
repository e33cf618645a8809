/* SmartConfig on a PC: nothing to provision, the network is up. The
 * callback hears SC_STATUS_LINK with the stored station configuration and
 * then SC_STATUS_LINK_OVER (NULL data), from the loop. */
#include <stdarg.h>

#include "compat/espconn/espconn_internal.h"
#include "iotls/compat/esp8266/smartconfig.h"

static struct station_config sc_config;

static void sc_report(iotls_timer_t *t, void *user)
{
    sc_callback_t cb = (sc_callback_t)(uintptr_t)user;
    iotls_timer_free(t);
    wifi_station_get_config(&sc_config);
    cb(SC_STATUS_LINK, &sc_config);
    cb(SC_STATUS_LINK_OVER, NULL);
}

const char *smartconfig_get_version(void)
{
    return "iotls-host";
}

bool smartconfig_start(sc_callback_t cb, ...)
{
    iotls_loop_t *loop = espc_loop();
    iotls_timer_t *t = cb && loop ? iotls_timer_new(loop, sc_report, (void *)(uintptr_t)cb) : NULL;
    if (t == NULL)
        return false;
    espc_log("smartconfig_start: the host is already on a network; reporting the stored "
             "station configuration");
    iotls_timer_arm(t, 0, 0);
    return true;
}

bool smartconfig_stop(void)
{
    return true;
}

bool esptouch_set_timeout(uint8 time_s)
{
    return time_s >= 15;
}

bool smartconfig_set_type(sc_type type)
{
    return type <= SC_TYPE_ESPTOUCH_AIRKISS;
}
