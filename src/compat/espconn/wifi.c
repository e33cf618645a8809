/* Wi-Fi on a PC: always connected as a station with 127.0.0.1. The runtime
 * calls espconn_host_network_up() once user_init has returned, which sends
 * EVENT_STAMODE_CONNECTED and EVENT_STAMODE_GOT_IP to the handler (from the
 * loop). Settings are kept so that get returns what set stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

#define FAKE_SSID "iotls-host"

static struct {
    uint8 opmode;
    struct station_config sta;
    struct softap_config ap;
    wifi_event_handler_cb_t handler;
    iotls_timer_t *event_timer;
    bool up;
    uint8 auto_connect;
    phy_mode_t phy;
    sleep_type_t sleep;
    uint8 channel;
    char hostname[33];
    struct bss_info scan_result;
    STAILQ_HEAD(, bss_info) scan_list;
} wifi = {.opmode = STATION_MODE, .auto_connect = 1, .phy = PHY_MODE_11N, .channel = 1};

void espc_wifi_forget(void)
{
    wifi.event_timer = NULL; /* freed with the loop */
    wifi.handler = NULL;
    wifi.up = false;
}

static void send_event(uint32 event)
{
    System_Event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.event = event;
    if (event == EVENT_STAMODE_CONNECTED) {
        memcpy(ev.event_info.connected.ssid, FAKE_SSID, sizeof FAKE_SSID - 1);
        ev.event_info.connected.ssid_len = sizeof FAKE_SSID - 1;
        wifi_get_macaddr(SOFTAP_IF, ev.event_info.connected.bssid);
        ev.event_info.connected.channel = wifi.channel;
    } else if (event == EVENT_STAMODE_GOT_IP) {
        IP4_ADDR(&ev.event_info.got_ip.ip, 127, 0, 0, 1);
        IP4_ADDR(&ev.event_info.got_ip.mask, 255, 0, 0, 0);
        IP4_ADDR(&ev.event_info.got_ip.gw, 127, 0, 0, 1);
    }
    if (wifi.handler)
        wifi.handler(&ev);
}

static void events_fire(iotls_timer_t *t, void *user)
{
    (void)user;
    iotls_timer_free(t);
    wifi.event_timer = NULL;
    if (!(wifi.opmode & STATION_MODE))
        return;
    espc_log("wifi: station connected to \"" FAKE_SSID "\", got IP 127.0.0.1 (the host's "
             "network is always up)");
    wifi.up = true;
    send_event(EVENT_STAMODE_CONNECTED);
    send_event(EVENT_STAMODE_GOT_IP);
}

void espconn_host_network_up(void)
{
    iotls_loop_t *loop = espc_loop();
    if (loop == NULL || wifi.event_timer != NULL)
        return;
    wifi.event_timer = iotls_timer_new(loop, events_fire, NULL);
    if (wifi.event_timer == NULL) {
        espc_log("wifi: out of memory for the connect events");
        return;
    }
    /* After system_init_done_cb's callback (armed at 0 ms during user_init),
     * as on the chip, where association takes a while. */
    iotls_timer_arm(wifi.event_timer, 5, 0);
}

void wifi_set_event_handler_cb(wifi_event_handler_cb_t cb)
{
    wifi.handler = cb;
}

uint8 wifi_get_opmode(void)
{
    return wifi.opmode;
}

uint8 wifi_get_opmode_default(void)
{
    return wifi.opmode;
}

bool wifi_set_opmode(uint8 mode)
{
    if (mode > STATIONAP_MODE) {
        espc_log("wifi_set_opmode: mode %u is not 0..3", (unsigned)mode);
        return false;
    }
    wifi.opmode = mode;
    return true;
}

bool wifi_set_opmode_current(uint8 mode)
{
    return wifi_set_opmode(mode);
}

uint8 wifi_get_broadcast_if(void)
{
    return STATION_IF + 1;
}

bool wifi_set_broadcast_if(uint8 interface)
{
    return interface >= 1 && interface <= 3;
}

bool wifi_station_get_config(struct station_config *config)
{
    if (config == NULL)
        return false;
    *config = wifi.sta;
    return true;
}

bool wifi_station_get_config_default(struct station_config *config)
{
    return wifi_station_get_config(config);
}

bool wifi_station_set_config(struct station_config *config)
{
    if (config == NULL)
        return false;
    wifi.sta = *config;
    return true;
}

bool wifi_station_set_config_current(struct station_config *config)
{
    return wifi_station_set_config(config);
}

bool wifi_station_connect(void)
{
    return true;
}

bool wifi_station_disconnect(void)
{
    espc_log("wifi_station_disconnect: the host's network stays up");
    return true;
}

sint8 wifi_station_get_rssi(void)
{
    return -40;
}

static void scan_done(iotls_timer_t *t, void *user)
{
    scan_done_cb_t cb = (scan_done_cb_t)(uintptr_t)user;
    iotls_timer_free(t);
    struct bss_info *b = &wifi.scan_result;
    memset(b, 0, sizeof *b);
    memcpy(b->ssid, FAKE_SSID, sizeof FAKE_SSID - 1);
    b->ssid_len = sizeof FAKE_SSID - 1;
    wifi_get_macaddr(SOFTAP_IF, b->bssid);
    b->channel = wifi.channel;
    b->rssi = -40;
    b->authmode = AUTH_WPA2_PSK;
    b->pairwise_cipher = b->group_cipher = CIPHER_CCMP;
    b->phy_11b = b->phy_11g = b->phy_11n = 1;
    STAILQ_INIT(&wifi.scan_list);
    STAILQ_INSERT_TAIL(&wifi.scan_list, b, next);
    /* The SDK passes the list head's first element as arg. */
    cb(STAILQ_FIRST(&wifi.scan_list), OK);
}

bool wifi_station_scan(struct scan_config *config, scan_done_cb_t cb)
{
    (void)config;
    iotls_loop_t *loop = espc_loop();
    if (cb == NULL || loop == NULL)
        return false;
    iotls_timer_t *t = iotls_timer_new(loop, scan_done, (void *)(uintptr_t)cb);
    if (t == NULL)
        return false;
    iotls_timer_arm(t, 0, 0);
    return true;
}

uint8 wifi_station_get_auto_connect(void)
{
    return wifi.auto_connect;
}

bool wifi_station_set_auto_connect(uint8 set)
{
    wifi.auto_connect = set;
    return true;
}

bool wifi_station_set_reconnect_policy(bool set)
{
    (void)set;
    return true;
}

uint8 wifi_station_get_connect_status(void)
{
    return STATION_GOT_IP;
}

uint8 wifi_station_get_current_ap_id(void)
{
    return 0;
}

bool wifi_station_dhcpc_start(void)
{
    return true;
}

bool wifi_station_dhcpc_stop(void)
{
    return true;
}

enum dhcp_status wifi_station_dhcpc_status(void)
{
    return DHCP_STARTED;
}

char *wifi_station_get_hostname(void)
{
    if (wifi.hostname[0] == '\0')
        snprintf(wifi.hostname, sizeof wifi.hostname, "ESP_%06X",
                 (unsigned)(system_get_chip_id() & 0xFFFFFF));
    return wifi.hostname;
}

bool wifi_station_set_hostname(char *name)
{
    if (name == NULL || strlen(name) >= sizeof wifi.hostname)
        return false;
    memcpy(wifi.hostname, name, strlen(name) + 1);
    return true;
}

bool wifi_softap_get_config(struct softap_config *config)
{
    if (config == NULL)
        return false;
    *config = wifi.ap;
    return true;
}

bool wifi_softap_get_config_default(struct softap_config *config)
{
    return wifi_softap_get_config(config);
}

bool wifi_softap_set_config(struct softap_config *config)
{
    if (config == NULL)
        return false;
    wifi.ap = *config;
    espc_log("wifi_softap_set_config: stored; a PC runs no access point");
    return true;
}

bool wifi_softap_set_config_current(struct softap_config *config)
{
    return wifi_softap_set_config(config);
}

bool wifi_softap_dhcps_start(void)
{
    return true;
}

bool wifi_softap_dhcps_stop(void)
{
    return true;
}

uint8 wifi_softap_get_station_num(void)
{
    return 0;
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

bool wifi_set_ip_info(uint8 if_index, struct ip_info *info)
{
    (void)if_index;
    (void)info;
    espc_log("wifi_set_ip_info: the host's address stays 127.0.0.1");
    return false;
}

bool wifi_get_macaddr(uint8 if_index, uint8 *macaddr)
{
    if (macaddr == NULL || if_index > SOFTAP_IF)
        return false;
    /* Locally administered (0x02), Espressif-looking tail. */
    static const uint8 mac[6] = {0x02, 0x10, 0x7A, 0xE5, 0x82, 0x66};
    memcpy(macaddr, mac, 6);
    macaddr[5] = (uint8)(macaddr[5] + if_index);
    return true;
}

bool wifi_set_macaddr(uint8 if_index, uint8 *macaddr)
{
    (void)if_index;
    (void)macaddr;
    espc_log("wifi_set_macaddr: not on a PC");
    return false;
}

uint8 wifi_get_channel(void)
{
    return wifi.channel;
}

bool wifi_set_channel(uint8 channel)
{
    if (channel < 1 || channel > 14)
        return false;
    wifi.channel = channel;
    return true;
}

void wifi_status_led_install(uint8 gpio_id, uint32 gpio_name, uint8 gpio_func)
{
    (void)gpio_name;
    (void)gpio_func;
    espc_log("wifi_status_led_install(GPIO%u): no LED on a PC", (unsigned)gpio_id);
}

void wifi_status_led_uninstall(void)
{
}

void wifi_promiscuous_enable(uint8 promiscuous)
{
    if (promiscuous)
        espc_log("wifi_promiscuous_enable: not on a PC (no frames will be delivered)");
}

phy_mode_t wifi_get_phy_mode(void)
{
    return wifi.phy;
}

bool wifi_set_phy_mode(phy_mode_t mode)
{
    if (mode < PHY_MODE_11B || mode > PHY_MODE_11N)
        return false;
    wifi.phy = mode;
    return true;
}

bool wifi_set_sleep_type(sleep_type_t type)
{
    if (type > MODEM_SLEEP_T)
        return false;
    wifi.sleep = type;
    return true;
}

sleep_type_t wifi_get_sleep_type(void)
{
    return wifi.sleep;
}
