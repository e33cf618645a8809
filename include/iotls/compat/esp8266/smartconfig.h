/*
 * smartconfig.h — host version of the ESP8266 SDK's SmartConfig (iotls
 * compat). The host is already on a network: smartconfig_start logs and
 * reports SC_STATUS_LINK with the station configuration, then
 * SC_STATUS_LINK_OVER, from the loop.
 */
#ifndef IOTLS_COMPAT_ESP8266_SMARTCONFIG_H
#define IOTLS_COMPAT_ESP8266_SMARTCONFIG_H

#include "c_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SC_STATUS_WAIT = 0,
    SC_STATUS_FIND_CHANNEL,
    SC_STATUS_GETTING_SSID_PSWD,
    SC_STATUS_LINK,
    SC_STATUS_LINK_OVER
} sc_status;

typedef enum { SC_TYPE_ESPTOUCH = 0, SC_TYPE_AIRKISS, SC_TYPE_ESPTOUCH_AIRKISS } sc_type;

typedef void (*sc_callback_t)(sc_status status, void *pdata);

const char *smartconfig_get_version(void);
bool smartconfig_start(sc_callback_t cb, ...);
bool smartconfig_stop(void);
bool esptouch_set_timeout(uint8 time_s);
bool smartconfig_set_type(sc_type type);

#ifdef __cplusplus
}
#endif
#endif
