/*
 * sntp.h — host version of the ESP8266 SDK's SNTP client (iotls compat).
 * Time comes from the host clock: there is no NTP traffic, and
 * sntp_get_current_timestamp() answers once sntp_init() was called (0
 * before, as on the chip until the first reply). Server names and
 * addresses are stored and returned.
 */
#ifndef IOTLS_COMPAT_ESP8266_SNTP_H
#define IOTLS_COMPAT_ESP8266_SNTP_H

#include "c_types.h"
#include "ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SNTP_MAX_SERVERS 3

uint32 sntp_get_current_timestamp(void);
/* ctime-style text of t ("Thu Jan  1 00:00:00 1970\n") in a static buffer. */
char *sntp_get_real_time(long t);
void sntp_init(void);
void sntp_stop(void);
void sntp_setserver(unsigned char idx, ip_addr_t *addr);
ip_addr_t sntp_getserver(unsigned char idx);
void sntp_setservername(unsigned char idx, char *server);
char *sntp_getservername(unsigned char idx);
/* Hours from UTC, -11..13 (default 8, the SDK's). */
bool sntp_set_timezone(sint8 timezone);
sint8 sntp_get_timezone(void);
void sntp_set_update_delay(uint32 ms);

#ifdef __cplusplus
}
#endif
#endif
