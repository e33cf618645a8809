/* SNTP on a PC: the host's clock is already right and belongs to the host.
 * esp_sntp_init() marks the time synchronised (and calls the notification
 * callback with the host time); settimeofday() from a program is logged and
 * ignored, so an ESP-IDF program never sets the host clock. */
#include <pthread.h>
#include <stddef.h>

#include "esp_log.h"
#include "esp_netif_sntp.h"
#include "esp_sntp.h"

static pthread_mutex_t sntp_lock = PTHREAD_MUTEX_INITIALIZER;
static bool running;
static sntp_sync_status_t status = SNTP_SYNC_STATUS_RESET;
static sntp_sync_time_cb_t notify;

void esp_sntp_setoperatingmode(esp_sntp_operatingmode_t mode)
{
}

void esp_sntp_setservername(uint8_t idx, const char *server)
{
    ESP_LOGD("sntp", "server %u: %s (not contacted: the host clock is used)", idx,
             server ? server : "");
}

void esp_sntp_servermode_dhcp(bool enable)
{
}

void sntp_set_sync_mode(sntp_sync_mode_t mode)
{
}

void esp_sntp_init(void)
{
    pthread_mutex_lock(&sntp_lock);
    running = true;
    status = SNTP_SYNC_STATUS_COMPLETED;
    sntp_sync_time_cb_t cb = notify;
    pthread_mutex_unlock(&sntp_lock);
    ESP_LOGI("sntp", "time synchronised from the host clock");
    if (cb != NULL) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        cb(&tv);
    }
}

void esp_sntp_stop(void)
{
    pthread_mutex_lock(&sntp_lock);
    running = false;
    pthread_mutex_unlock(&sntp_lock);
}

bool esp_sntp_enabled(void)
{
    pthread_mutex_lock(&sntp_lock);
    bool on = running;
    pthread_mutex_unlock(&sntp_lock);
    return on;
}

sntp_sync_status_t sntp_get_sync_status(void)
{
    pthread_mutex_lock(&sntp_lock);
    sntp_sync_status_t s = status;
    pthread_mutex_unlock(&sntp_lock);
    return s;
}

void sntp_set_time_sync_notification_cb(sntp_sync_time_cb_t callback)
{
    pthread_mutex_lock(&sntp_lock);
    notify = callback;
    pthread_mutex_unlock(&sntp_lock);
}

/* Programs restore their clock from NVS with settimeofday(); the host's
 * clock is not theirs to set. This definition takes the place of libc's in
 * programs linked with libiotls-espidf. */
int settimeofday(const struct timeval *tv, const struct timezone *tz)
{
    ESP_LOGI("sntp", "settimeofday(%lld) ignored: the host clock is kept",
             tv ? (long long)tv->tv_sec : 0LL);
    return 0;
}

/* ---- esp_netif_sntp.h (ESP-IDF 5.1+) -------------------------------------- */

esp_err_t esp_netif_sntp_init(const esp_sntp_config_t *config)
{
    if (config == NULL)
        return ESP_ERR_INVALID_ARG;
    if (config->sync_cb != NULL)
        sntp_set_time_sync_notification_cb(config->sync_cb);
    for (size_t i = 0; i < config->num_of_servers && i < CONFIG_LWIP_SNTP_MAX_SERVERS; i++)
        esp_sntp_setservername((uint8_t)i, config->servers[i]);
    if (config->start)
        esp_sntp_init();
    return ESP_OK;
}

esp_err_t esp_netif_sntp_start(void)
{
    esp_sntp_init();
    return ESP_OK;
}

void esp_netif_sntp_deinit(void)
{
    esp_sntp_stop();
}

esp_err_t esp_netif_sntp_sync_wait(TickType_t tout)
{
    return sntp_get_sync_status() == SNTP_SYNC_STATUS_COMPLETED ? ESP_OK : ESP_ERR_TIMEOUT;
}
