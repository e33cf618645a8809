/*
 * upgrade.h — host version of the ESP8266 SDK's OTA upgrade API (iotls
 * compat). A PC cannot replace its own firmware: system_upgrade_start
 * logs why and returns false; the check callback is never called.
 */
#ifndef IOTLS_COMPAT_ESP8266_UPGRADE_H
#define IOTLS_COMPAT_ESP8266_UPGRADE_H

#include "c_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SPI_FLASH_SEC_SIZE
#define SPI_FLASH_SEC_SIZE 4096
#endif
#define LIMIT_ERASE_SIZE 0x10000

#define USER_BIN1 0x00
#define USER_BIN2 0x01

#define UPGRADE_FLAG_IDLE 0x00
#define UPGRADE_FLAG_START 0x01
#define UPGRADE_FLAG_FINISH 0x02

#define UPGRADE_FW_BIN1 0x00
#define UPGRADE_FW_BIN2 0x01

typedef void (*upgrade_states_check_callback)(void *arg);

struct upgrade_server_info {
    uint8 ip[4];
    uint16 port;
    uint8 upgrade_flag;
    uint8 pre_version[16];
    uint8 upgrade_version[16];
    uint32 check_times;
    uint8 *url;
    upgrade_states_check_callback check_cb;
    struct espconn *pespconn;
};

bool system_upgrade_start(struct upgrade_server_info *server);
bool system_upgrade_start_ssl(struct upgrade_server_info *server);
void system_upgrade_init(void);
void system_upgrade_deinit(void);
bool system_upgrade(uint8 *data, uint16 len);

#ifdef __cplusplus
}
#endif
#endif
