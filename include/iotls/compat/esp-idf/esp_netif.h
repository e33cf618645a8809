/*
 * esp_netif.h (iotls) — the host's network interface as ESP-IDF programs
 * see it: one station that is up with address 127.0.0.1 (the tests' servers
 * listen on loopback).
 */
#ifndef IOTLS_ESPIDF_ESP_NETIF_H
#define IOTLS_ESPIDF_ESP_NETIF_H

#include <stdint.h>

#include "esp_err.h"
#include "esp_event.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t addr; /* network byte order, as lwIP keeps it */
} esp_ip4_addr_t;

typedef struct {
    esp_ip4_addr_t ip;
    esp_ip4_addr_t netmask;
    esp_ip4_addr_t gw;
} esp_netif_ip_info_t;

typedef struct esp_netif_obj esp_netif_t;

#define esp_ip4_addr1(a) (((const uint8_t *)(&(a)->addr))[0])
#define esp_ip4_addr2(a) (((const uint8_t *)(&(a)->addr))[1])
#define esp_ip4_addr3(a) (((const uint8_t *)(&(a)->addr))[2])
#define esp_ip4_addr4(a) (((const uint8_t *)(&(a)->addr))[3])
#define IP2STR(ipaddr)                                                                             \
    esp_ip4_addr1(ipaddr), esp_ip4_addr2(ipaddr), esp_ip4_addr3(ipaddr), esp_ip4_addr4(ipaddr)
#define IPSTR "%d.%d.%d.%d"

/* IP_EVENT and what it carries. */
ESP_EVENT_DECLARE_BASE(IP_EVENT);
typedef enum {
    IP_EVENT_STA_GOT_IP,
    IP_EVENT_STA_LOST_IP,
    IP_EVENT_AP_STAIPASSIGNED,
    IP_EVENT_GOT_IP6,
    IP_EVENT_ETH_GOT_IP,
    IP_EVENT_ETH_LOST_IP,
} ip_event_t;

typedef struct {
    esp_netif_t *esp_netif;
    esp_netif_ip_info_t ip_info;
    bool ip_changed;
} ip_event_got_ip_t;

esp_err_t esp_netif_init(void);
esp_netif_t *esp_netif_create_default_wifi_sta(void);
esp_netif_t *esp_netif_create_default_wifi_ap(void);
esp_err_t esp_netif_get_ip_info(esp_netif_t *netif, esp_netif_ip_info_t *ip_info);
esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key);
void esp_netif_destroy(esp_netif_t *netif);

#ifdef __cplusplus
}
#endif
#endif
