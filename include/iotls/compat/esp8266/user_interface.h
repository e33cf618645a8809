/*
 * user_interface.h — host version of the ESP8266 SDK's system and Wi-Fi
 * calls that SSL applications use (iotls compat).
 *
 * A PC is always "connected": the Wi-Fi calls succeed and report
 * STATION_GOT_IP with 127.0.0.1, so applications that wait for an IP before
 * connecting proceed at once. system_get_free_heap_size() is a model, not
 * the host's memory: a nominal ESP8266 heap minus what live iotls
 * connections occupy (docs/espconn.md).
 */
#ifndef IOTLS_COMPAT_ESP8266_USER_INTERFACE_H
#define IOTLS_COMPAT_ESP8266_USER_INTERFACE_H

#include "c_types.h"
#include "ip_addr.h"
#include "os_type.h"
#include "spi_flash.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The application's entry point, called once by the compat runtime's main()
 * with the flash image attached; the event loop runs when it returns. */
void user_init(void);

/* Nominal heap of an ESP8266 application with Wi-Fi up (bytes). */
#ifndef IOTLS_ESPCONN_HEAP_NOMINAL
#define IOTLS_ESPCONN_HEAP_NOMINAL 50000u
#endif

uint32 system_get_free_heap_size(void);
uint32 system_get_time(void); /* microseconds since start, wraps */
uint32 system_get_chip_id(void);
const char *system_get_sdk_version(void);
void system_restart(void); /* host: ends the program (exit 0) after a log line */
void system_print_meminfo(void);

typedef void (*init_done_cb_t)(void);
/* Runs cb from the loop once user_init has returned. */
void system_init_done_cb(init_done_cb_t cb);

#define NULL_MODE 0x00
#define STATION_MODE 0x01
#define SOFTAP_MODE 0x02
#define STATIONAP_MODE 0x03

#define STATION_IF 0x00
#define SOFTAP_IF 0x01

enum {
    STATION_IDLE = 0,
    STATION_CONNECTING,
    STATION_WRONG_PASSWORD,
    STATION_NO_AP_FOUND,
    STATION_CONNECT_FAIL,
    STATION_GOT_IP
};

struct station_config {
    uint8 ssid[32];
    uint8 password[64];
    uint8 bssid_set;
    uint8 bssid[6];
};

uint8 wifi_get_opmode(void);
bool wifi_set_opmode(uint8 opmode);
bool wifi_station_set_config(struct station_config *config);
bool wifi_station_set_config_current(struct station_config *config);
bool wifi_station_connect(void);
bool wifi_station_disconnect(void);
uint8 wifi_station_get_connect_status(void);
bool wifi_get_ip_info(uint8 if_index, struct ip_info *info);

#ifdef __cplusplus
}
#endif
#endif
