/* The host network as ESP-IDF programs see it: a Wi-Fi station that
 * connects at once and gets 127.0.0.1 (esp_wifi.h, esp_netif.h,
 * protocol_examples_common.h). Events go through the default loop. */
#include <arpa/inet.h>
#include <string.h>

#include "esp_log.h"
#include "esp_wifi.h"
#include "protocol_examples_common.h"

ESP_EVENT_DEFINE_BASE(WIFI_EVENT);
ESP_EVENT_DEFINE_BASE(IP_EVENT);

struct esp_netif_obj {
    esp_netif_ip_info_t ip;
};

static struct esp_netif_obj station;
static wifi_config_t sta_config;
static wifi_mode_t mode = WIFI_MODE_NULL;

static esp_netif_ip_info_t loopback_info(void)
{
    esp_netif_ip_info_t info;
    info.ip.addr = htonl(INADDR_LOOPBACK);
    info.gw.addr = htonl(INADDR_LOOPBACK);
    info.netmask.addr = htonl(0xFF000000u);
    return info;
}

esp_err_t esp_netif_init(void)
{
    station.ip = loopback_info();
    return ESP_OK;
}

esp_netif_t *esp_netif_create_default_wifi_sta(void)
{
    station.ip = loopback_info();
    return &station;
}

esp_netif_t *esp_netif_create_default_wifi_ap(void)
{
    return &station;
}

esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key)
{
    return &station;
}

esp_netif_t *get_example_netif(void)
{
    return &station;
}

void esp_netif_destroy(esp_netif_t *netif)
{
}

esp_err_t esp_netif_get_ip_info(esp_netif_t *netif, esp_netif_ip_info_t *ip_info)
{
    if (ip_info == NULL)
        return ESP_ERR_INVALID_ARG;
    *ip_info = loopback_info();
    return ESP_OK;
}

esp_err_t esp_wifi_init(const wifi_init_config_t *config)
{
    return config != NULL ? ESP_OK : ESP_ERR_INVALID_ARG;
}

esp_err_t esp_wifi_deinit(void)
{
    return ESP_OK;
}

esp_err_t esp_wifi_set_mode(wifi_mode_t m)
{
    mode = m;
    return ESP_OK;
}

esp_err_t esp_wifi_get_mode(wifi_mode_t *m)
{
    *m = mode;
    return ESP_OK;
}

esp_err_t esp_wifi_set_config(wifi_interface_t interface, wifi_config_t *conf)
{
    if (conf == NULL)
        return ESP_ERR_INVALID_ARG;
    if (interface == WIFI_IF_STA)
        sta_config = *conf;
    return ESP_OK;
}

esp_err_t esp_wifi_get_config(wifi_interface_t interface, wifi_config_t *conf)
{
    if (conf == NULL)
        return ESP_ERR_INVALID_ARG;
    *conf = sta_config;
    return ESP_OK;
}

esp_err_t esp_wifi_set_storage(wifi_storage_t storage)
{
    return ESP_OK;
}

esp_err_t esp_wifi_set_ps(wifi_ps_type_t type)
{
    return ESP_OK;
}

esp_err_t esp_wifi_start(void)
{
    return esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_START, NULL, 0, portMAX_DELAY);
}

esp_err_t esp_wifi_stop(void)
{
    return esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_STOP, NULL, 0, portMAX_DELAY);
}

esp_err_t esp_wifi_connect(void)
{
    wifi_event_sta_connected_t c = {.channel = 1, .authmode = WIFI_AUTH_WPA2_PSK};
    size_t len = strnlen((const char *)sta_config.sta.ssid, sizeof sta_config.sta.ssid);
    memcpy(c.ssid, sta_config.sta.ssid, len);
    c.ssid_len = (uint8_t)len;
    ip_event_got_ip_t got = {.esp_netif = &station, .ip_info = loopback_info(), .ip_changed = true};
    esp_err_t rc =
        esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_CONNECTED, &c, sizeof c, portMAX_DELAY);
    if (rc == ESP_OK)
        rc = esp_event_post(IP_EVENT, IP_EVENT_STA_GOT_IP, &got, sizeof got, portMAX_DELAY);
    return rc;
}

esp_err_t esp_wifi_disconnect(void)
{
    wifi_event_sta_disconnected_t d = {.reason = 8 /* assoc leave */};
    return esp_event_post(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, &d, sizeof d, portMAX_DELAY);
}

esp_err_t esp_wifi_get_mac(wifi_interface_t ifx, uint8_t mac[6])
{
    static const uint8_t host_mac[6] = {0x02, 0x10, 0x75,
                                        0x00, 0x00, 0x01}; /* locally administered */
    memcpy(mac, host_mac, 6);
    return ESP_OK;
}

esp_err_t example_connect(void)
{
    ESP_LOGI("example_connect", "host network: connected, IPv4 address 127.0.0.1");
    ip_event_got_ip_t got = {.esp_netif = &station, .ip_info = loopback_info(), .ip_changed = true};
    esp_err_t rc = esp_event_post(IP_EVENT, IP_EVENT_STA_GOT_IP, &got, sizeof got, portMAX_DELAY);
    /* Without a default loop there is nobody to tell; still online. */
    return rc == ESP_ERR_INVALID_STATE ? ESP_OK : rc;
}

esp_err_t example_disconnect(void)
{
    return ESP_OK;
}

esp_err_t example_configure_stdin_stdout(void)
{
    return ESP_OK;
}
