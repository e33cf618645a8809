/*
 * esp_sntp.h (iotls) — SNTP answered from the host clock: after
 * esp_sntp_init() the time counts as synchronised (the host keeps its own
 * time); nothing is sent, and the host clock is never set.
 */
#ifndef IOTLS_ESPIDF_ESP_SNTP_H
#define IOTLS_ESPIDF_ESP_SNTP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { ESP_SNTP_OPMODE_POLL, ESP_SNTP_OPMODE_LISTENONLY } esp_sntp_operatingmode_t;
#define SNTP_OPMODE_POLL ESP_SNTP_OPMODE_POLL
#define SNTP_OPMODE_LISTENONLY ESP_SNTP_OPMODE_LISTENONLY
typedef enum { SNTP_SYNC_MODE_IMMED, SNTP_SYNC_MODE_SMOOTH } sntp_sync_mode_t;
typedef enum {
    SNTP_SYNC_STATUS_RESET,
    SNTP_SYNC_STATUS_COMPLETED,
    SNTP_SYNC_STATUS_IN_PROGRESS
} sntp_sync_status_t;
typedef void (*sntp_sync_time_cb_t)(struct timeval *tv);

void esp_sntp_setoperatingmode(esp_sntp_operatingmode_t mode);
void esp_sntp_setservername(uint8_t idx, const char *server);
void esp_sntp_init(void);
void esp_sntp_stop(void);
bool esp_sntp_enabled(void);
void esp_sntp_servermode_dhcp(bool enable);
void sntp_set_sync_mode(sntp_sync_mode_t mode);
sntp_sync_status_t sntp_get_sync_status(void);
void sntp_set_time_sync_notification_cb(sntp_sync_time_cb_t callback);
/* The pre-5.1 names. */
#define sntp_setoperatingmode esp_sntp_setoperatingmode
#define sntp_setservername esp_sntp_setservername
#define sntp_init esp_sntp_init
#define sntp_stop esp_sntp_stop
#define sntp_enabled esp_sntp_enabled
#define sntp_servermode_dhcp esp_sntp_servermode_dhcp

#ifdef __cplusplus
}
#endif
#endif
