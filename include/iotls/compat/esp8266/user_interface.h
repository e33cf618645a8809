/*
 * user_interface.h — host version of the ESP8266 SDK's system and Wi-Fi
 * calls (iotls compat). Types, enums and prototypes are the SDK's (3.0),
 * so SDK sources compile unchanged; behaviour on a PC is in
 * docs/espconn.md, in short:
 *
 * - The network is always up. After user_init() returns the runtime sends
 *   EVENT_STAMODE_CONNECTED and EVENT_STAMODE_GOT_IP (127.0.0.1) to the
 *   handler set with wifi_set_event_handler_cb; status calls say
 *   STATION_GOT_IP; configuration, sleep, PHY and scan calls succeed (a
 *   scan finds one fake access point, "iotls-host").
 * - system_* calls work on the host: tasks on the event loop, time, a
 *   modelled heap, RTC memory in RAM, parameters in the flash image.
 *   system_restart ends the program with a log line.
 * - What a PC cannot do (OTA, deep sleep, ADC) fails cleanly with a line.
 */
#ifndef IOTLS_COMPAT_ESP8266_USER_INTERFACE_H
#define IOTLS_COMPAT_ESP8266_USER_INTERFACE_H

#include "c_types.h"
#include "gpio.h"
#include "ip_addr.h"
#include "os_type.h"
#include "queue.h"
#include "spi_flash.h"
/* Host programs that include <iotls/compat/espconn.h> have none. */
#ifndef IOTLS_ESP_NO_USER_CONFIG
#include "user_config.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifndef MAC2STR
#define MAC2STR(a) (a)[0], (a)[1], (a)[2], (a)[3], (a)[4], (a)[5]
#define MACSTR "%02x:%02x:%02x:%02x:%02x:%02x"
#endif

/* The application's entry point, called once by the compat runtime's main()
 * with the flash image attached; the event loop runs when it returns.
 * user_pre_init, user_rf_cal_sector_set and user_rf_pre_init are called
 * before it when the application defines them (SDK 2.1+/3.0 boot). */
void user_init(void);
void user_pre_init(void);
uint32 user_rf_cal_sector_set(void);
void user_rf_pre_init(void);

/* ---- system ---------------------------------------------------------- */

enum rst_reason {
    REASON_DEFAULT_RST = 0,
    REASON_WDT_RST = 1,
    REASON_EXCEPTION_RST = 2,
    REASON_SOFT_WDT_RST = 3,
    REASON_SOFT_RESTART = 4,
    REASON_DEEP_SLEEP_AWAKE = 5,
    REASON_EXT_SYS_RST = 6
};

struct rst_info {
    uint32 reason;
    uint32 exccause;
    uint32 epc1;
    uint32 epc2;
    uint32 epc3;
    uint32 excvaddr;
    uint32 depc;
};

/* Always REASON_DEFAULT_RST (power on): a host run starts fresh. */
struct rst_info *system_get_rst_info(void);

#define UPGRADE_FW_BIN1 0x00
#define UPGRADE_FW_BIN2 0x01

#define SYS_BOOT_ENHANCE_MODE 0
#define SYS_BOOT_NORMAL_MODE 1
#define SYS_BOOT_NORMAL_BIN 0
#define SYS_BOOT_TEST_BIN 1

void system_restore(void);
void system_restart(void); /* host: ends the program (exit 0) after a log line */
bool system_deep_sleep(uint64 time_in_us);
bool system_deep_sleep_set_option(uint8 option);
uint32 system_get_boot_version(void);
uint32 system_get_userbin_addr(void);
uint8 system_get_boot_mode(void);
bool system_restart_enhance(uint8 bin_type, uint32 bin_addr);
uint8 system_upgrade_userbin_check(void);
void system_upgrade_reboot(void);
uint8 system_upgrade_flag_check(void);
void system_upgrade_flag_set(uint8 flag);

void system_timer_reinit(void);
uint32 system_get_time(void); /* microseconds since start, wraps */
uint32 system_get_rtc_time(void);
uint32 system_rtc_clock_cali_proc(void);

enum { USER_TASK_PRIO_0 = 0, USER_TASK_PRIO_1, USER_TASK_PRIO_2, USER_TASK_PRIO_MAX };

/* Tasks run from the event loop; a post to a full queue returns false. */
bool system_os_task(os_task_t task, uint8 prio, os_event_t *queue, uint8 qlen);
bool system_os_post(uint8 prio, os_signal_t sig, os_param_t par);

/* Nominal heap of an ESP8266 application with Wi-Fi up (bytes). */
#ifndef IOTLS_ESPCONN_HEAP_NOMINAL
#define IOTLS_ESPCONN_HEAP_NOMINAL 50000u
#endif
uint32 system_get_free_heap_size(void);
void system_print_meminfo(void);
void system_show_malloc(void);
void system_set_os_print(uint8 onoff);
uint8 system_get_os_print(void);
uint64 system_mktime(uint32 year, uint32 mon, uint32 day, uint32 hour, uint32 min, uint32 sec);
uint32 system_get_chip_id(void);
const char *system_get_sdk_version(void);

typedef void (*init_done_cb_t)(void);
/* Runs cb from the loop once user_init has returned. */
void system_init_done_cb(init_done_cb_t cb);

/* 768 bytes of user RTC memory in RAM; addresses in 4-byte blocks from 64
 * (the SDK's user area), reads and writes must stay inside it. */
bool system_rtc_mem_read(uint8 src_addr, void *des_addr, uint16 load_size);
bool system_rtc_mem_write(uint8 des_addr, const void *src_addr, uint16 save_size);

void system_uart_swap(void);
void system_uart_de_swap(void);
uint16 system_adc_read(void);
uint16 system_get_vdd33(void);

#define SYS_CPU_80MHZ 80
#define SYS_CPU_160MHZ 160
uint8 system_get_cpu_freq(void);
bool system_update_cpu_freq(uint8 freq);

enum flash_size_map {
    FLASH_SIZE_4M_MAP_256_256 = 0,
    FLASH_SIZE_2M,
    FLASH_SIZE_8M_MAP_512_512,
    FLASH_SIZE_16M_MAP_512_512,
    FLASH_SIZE_32M_MAP_512_512,
    FLASH_SIZE_16M_MAP_1024_1024,
    FLASH_SIZE_32M_MAP_1024_1024,
    FLASH_SIZE_32M_MAP_2048_2048,
    FLASH_SIZE_64M_MAP_1024_1024,
    FLASH_SIZE_128M_MAP_1024_1024
};
/* A fixed 4 MB (32 Mbit) map with 1024 KB + 1024 KB images. */
enum flash_size_map system_get_flash_size_map(void);

void system_phy_set_max_tpw(uint8 max_tpw);
void system_phy_set_tpw_via_vdd33(uint16 vdd33);
void system_phy_set_rfoption(uint8 option);
void system_phy_set_powerup_option(uint8 option);
void system_phy_freq_trace_enable(bool enable);

/* Parameters in three sectors from start_sec (the SDK's protected
 * scheme). The host's flash image is read-only: load reads it, save
 * returns false with a log line (write with `iotls flash write`). */
bool system_param_save_with_protect(uint16 start_sec, void *param, uint16 len);
bool system_param_load(uint16 start_sec, uint16 offset, void *param, uint16 len);

void system_soft_wdt_stop(void);
void system_soft_wdt_restart(void);
void system_soft_wdt_feed(void);

typedef enum {
    SYSTEM_PARTITION_INVALID = 0,
    SYSTEM_PARTITION_BOOTLOADER,
    SYSTEM_PARTITION_OTA_1,
    SYSTEM_PARTITION_OTA_2,
    SYSTEM_PARTITION_RF_CAL,
    SYSTEM_PARTITION_PHY_DATA,
    SYSTEM_PARTITION_SYSTEM_PARAMETER,
    SYSTEM_PARTITION_AT_PARAMETER,
    SYSTEM_PARTITION_SSL_CLIENT_CERT_PRIVKEY,
    SYSTEM_PARTITION_SSL_CLIENT_CA,
    SYSTEM_PARTITION_SSL_SERVER_CERT_PRIVKEY,
    SYSTEM_PARTITION_SSL_SERVER_CA,
    SYSTEM_PARTITION_WPA2_ENTERPRISE_CERT_PRIVKEY,
    SYSTEM_PARTITION_WPA2_ENTERPRISE_CA,
    SYSTEM_PARTITION_CUSTOMER_BEGIN = 100,
    SYSTEM_PARTITION_MAX
} partition_type_t;

typedef struct {
    partition_type_t type;
    uint32_t addr;
    uint32_t size;
} partition_item_t;

/* Checked (no overlaps, inside 4 MB) and kept; get_item answers from it. */
bool system_partition_table_regist(const partition_item_t *partition_table, uint32_t partition_num,
                                   uint32_t map);
bool system_partition_get_item(partition_type_t type, partition_item_t *partition_item);

/* ---- Wi-Fi ------------------------------------------------------------ */

#define NULL_MODE 0x00
#define STATION_MODE 0x01
#define SOFTAP_MODE 0x02
#define STATIONAP_MODE 0x03

#define STATION_IF 0x00
#define SOFTAP_IF 0x01

typedef enum _auth_mode {
    AUTH_OPEN = 0,
    AUTH_WEP,
    AUTH_WPA_PSK,
    AUTH_WPA2_PSK,
    AUTH_WPA_WPA2_PSK,
    AUTH_MAX
} AUTH_MODE;

typedef enum _cipher_type {
    CIPHER_NONE = 0,
    CIPHER_WEP40,
    CIPHER_WEP104,
    CIPHER_TKIP,
    CIPHER_CCMP,
    CIPHER_TKIP_CCMP,
    CIPHER_UNKNOWN
} CIPHER_TYPE;

uint8 wifi_get_opmode(void);
uint8 wifi_get_opmode_default(void);
bool wifi_set_opmode(uint8 opmode);
bool wifi_set_opmode_current(uint8 opmode);
uint8 wifi_get_broadcast_if(void);
bool wifi_set_broadcast_if(uint8 interface);

struct bss_info {
    STAILQ_ENTRY(bss_info) next;
    uint8 bssid[6];
    uint8 ssid[32];
    uint8 ssid_len;
    uint8 channel;
    sint8 rssi;
    AUTH_MODE authmode;
    uint8 is_hidden;
    sint16 freq_offset;
    sint16 freqcal_val;
    uint8 *esp_mesh_ie;
    uint8 simple_pair;
    CIPHER_TYPE pairwise_cipher;
    CIPHER_TYPE group_cipher;
    uint32_t phy_11b : 1;
    uint32_t phy_11g : 1;
    uint32_t phy_11n : 1;
    uint32_t wps : 1;
    uint32_t reserved : 28;
};

typedef void (*scan_done_cb_t)(void *arg, STATUS status);

typedef struct {
    int8 rssi;
    AUTH_MODE authmode;
} wifi_fast_scan_threshold_t;

struct station_config {
    uint8 ssid[32];
    uint8 password[64];
    uint8 bssid_set;
    uint8 bssid[6];
    wifi_fast_scan_threshold_t threshold;
    bool open_and_wep_mode_disable;
    bool all_channel_scan;
};

bool wifi_station_get_config(struct station_config *config);
bool wifi_station_get_config_default(struct station_config *config);
bool wifi_station_set_config(struct station_config *config);
bool wifi_station_set_config_current(struct station_config *config);
bool wifi_station_connect(void);
bool wifi_station_disconnect(void);
sint8 wifi_station_get_rssi(void);

typedef enum { WIFI_SCAN_TYPE_ACTIVE = 0, WIFI_SCAN_TYPE_PASSIVE } wifi_scan_type_t;
typedef struct {
    uint32 min;
    uint32 max;
} wifi_active_scan_time_t;
typedef union {
    wifi_active_scan_time_t active;
    uint32 passive;
} wifi_scan_time_t;

struct scan_config {
    uint8 *ssid;
    uint8 *bssid;
    uint8 channel;
    uint8 show_hidden;
    wifi_scan_type_t scan_type;
    wifi_scan_time_t scan_time;
};

/* The callback gets a STAILQ of one struct bss_info ("iotls-host"). */
bool wifi_station_scan(struct scan_config *config, scan_done_cb_t cb);

uint8 wifi_station_get_auto_connect(void);
bool wifi_station_set_auto_connect(uint8 set);
bool wifi_station_set_reconnect_policy(bool set);

enum {
    STATION_IDLE = 0,
    STATION_CONNECTING,
    STATION_WRONG_PASSWORD,
    STATION_NO_AP_FOUND,
    STATION_CONNECT_FAIL,
    STATION_GOT_IP
};

enum dhcp_status { DHCP_STOPPED, DHCP_STARTED };

uint8 wifi_station_get_connect_status(void);
uint8 wifi_station_get_current_ap_id(void);
bool wifi_station_dhcpc_start(void);
bool wifi_station_dhcpc_stop(void);
enum dhcp_status wifi_station_dhcpc_status(void);
char *wifi_station_get_hostname(void);
bool wifi_station_set_hostname(char *name);

struct softap_config {
    uint8 ssid[32];
    uint8 password[64];
    uint8 ssid_len;
    uint8 channel;
    AUTH_MODE authmode;
    uint8 ssid_hidden;
    uint8 max_connection;
    uint16 beacon_interval;
};

bool wifi_softap_get_config(struct softap_config *config);
bool wifi_softap_get_config_default(struct softap_config *config);
bool wifi_softap_set_config(struct softap_config *config);
bool wifi_softap_set_config_current(struct softap_config *config);
bool wifi_softap_dhcps_start(void);
bool wifi_softap_dhcps_stop(void);
uint8 wifi_softap_get_station_num(void);

bool wifi_get_ip_info(uint8 if_index, struct ip_info *info);
bool wifi_set_ip_info(uint8 if_index, struct ip_info *info);
/* A fixed, locally administered address per interface. */
bool wifi_get_macaddr(uint8 if_index, uint8 *macaddr);
bool wifi_set_macaddr(uint8 if_index, uint8 *macaddr);
uint8 wifi_get_channel(void);
bool wifi_set_channel(uint8 channel);
void wifi_status_led_install(uint8 gpio_id, uint32 gpio_name, uint8 gpio_func);
void wifi_status_led_uninstall(void);
void wifi_promiscuous_enable(uint8 promiscuous);

typedef enum { PHY_MODE_11B = 1, PHY_MODE_11G = 2, PHY_MODE_11N = 3 } phy_mode_t;
phy_mode_t wifi_get_phy_mode(void);
bool wifi_set_phy_mode(phy_mode_t mode);

typedef enum { NONE_SLEEP_T = 0, LIGHT_SLEEP_T, MODEM_SLEEP_T } sleep_type_t;
bool wifi_set_sleep_type(sleep_type_t type);
sleep_type_t wifi_get_sleep_type(void);

enum {
    EVENT_STAMODE_CONNECTED = 0,
    EVENT_STAMODE_DISCONNECTED,
    EVENT_STAMODE_AUTHMODE_CHANGE,
    EVENT_STAMODE_GOT_IP,
    EVENT_STAMODE_DHCP_TIMEOUT,
    EVENT_SOFTAPMODE_STACONNECTED,
    EVENT_SOFTAPMODE_STADISCONNECTED,
    EVENT_SOFTAPMODE_PROBEREQRECVED,
    EVENT_OPMODE_CHANGED,
    EVENT_SOFTAPMODE_DISTRIBUTE_STA_IP,
    EVENT_MAX
};

enum {
    REASON_UNSPECIFIED = 1,
    REASON_AUTH_EXPIRE = 2,
    REASON_AUTH_LEAVE = 3,
    REASON_ASSOC_EXPIRE = 4,
    REASON_ASSOC_TOOMANY = 5,
    REASON_NOT_AUTHED = 6,
    REASON_NOT_ASSOCED = 7,
    REASON_ASSOC_LEAVE = 8,
    REASON_ASSOC_NOT_AUTHED = 9,
    REASON_DISASSOC_PWRCAP_BAD = 10,
    REASON_DISASSOC_SUPCHAN_BAD = 11,
    REASON_IE_INVALID = 13,
    REASON_MIC_FAILURE = 14,
    REASON_4WAY_HANDSHAKE_TIMEOUT = 15,
    REASON_GROUP_KEY_UPDATE_TIMEOUT = 16,
    REASON_IE_IN_4WAY_DIFFERS = 17,
    REASON_GROUP_CIPHER_INVALID = 18,
    REASON_PAIRWISE_CIPHER_INVALID = 19,
    REASON_AKMP_INVALID = 20,
    REASON_UNSUPP_RSN_IE_VERSION = 21,
    REASON_INVALID_RSN_IE_CAP = 22,
    REASON_802_1X_AUTH_FAILED = 23,
    REASON_CIPHER_SUITE_REJECTED = 24,
    REASON_BEACON_TIMEOUT = 200,
    REASON_NO_AP_FOUND = 201,
    REASON_AUTH_FAIL = 202,
    REASON_ASSOC_FAIL = 203,
    REASON_HANDSHAKE_TIMEOUT = 204
};

typedef struct {
    uint8 ssid[32];
    uint8 ssid_len;
    uint8 bssid[6];
    uint8 channel;
} Event_StaMode_Connected_t;

typedef struct {
    uint8 ssid[32];
    uint8 ssid_len;
    uint8 bssid[6];
    uint8 reason;
} Event_StaMode_Disconnected_t;

typedef struct {
    uint8 old_mode;
    uint8 new_mode;
} Event_StaMode_AuthMode_Change_t;

typedef struct {
    struct ip_addr ip;
    struct ip_addr mask;
    struct ip_addr gw;
} Event_StaMode_Got_IP_t;

typedef struct {
    uint8 mac[6];
    uint8 aid;
} Event_SoftAPMode_StaConnected_t;

typedef struct {
    uint8 mac[6];
    struct ip_addr ip;
    uint8 aid;
} Event_SoftAPMode_Distribute_Sta_IP_t;

typedef struct {
    uint8 mac[6];
    uint8 aid;
} Event_SoftAPMode_StaDisconnected_t;

typedef struct {
    int rssi;
    uint8 mac[6];
} Event_SoftAPMode_ProbeReqRecved_t;

typedef struct {
    uint8 old_opmode;
    uint8 new_opmode;
} Event_OpMode_Change_t;

typedef union {
    Event_StaMode_Connected_t connected;
    Event_StaMode_Disconnected_t disconnected;
    Event_StaMode_AuthMode_Change_t auth_change;
    Event_StaMode_Got_IP_t got_ip;
    Event_SoftAPMode_StaConnected_t sta_connected;
    Event_SoftAPMode_Distribute_Sta_IP_t distribute_sta_ip;
    Event_SoftAPMode_StaDisconnected_t sta_disconnected;
    Event_SoftAPMode_ProbeReqRecved_t ap_probereqrecved;
    Event_OpMode_Change_t opmode_changed;
} Event_Info_u;

typedef struct _esp_event {
    uint32 event;
    Event_Info_u event_info;
} System_Event_t;

typedef void (*wifi_event_handler_cb_t)(System_Event_t *event);
void wifi_set_event_handler_cb(wifi_event_handler_cb_t cb);

#ifdef __cplusplus
}
#endif
#endif
