/*
 * osapi.h — host version of the ESP8266 SDK's OS helpers (iotls compat).
 *
 * Memory and string helpers map to the C library. The SDK's os_strcpy and
 * os_sprintf write without a bound; here they are BOUNDED whenever the
 * compiler can tell the destination's size (an array, a struct member):
 * the copy is truncated and a log line says so, instead of overflowing.
 * With a bare pointer the size is unknown and they behave as on the SDK.
 * os_strlcpy/os_snprintf are always bounded — prefer them in new code.
 *
 * Timers run on the iotls event loop that the compat runtime drives
 * (docs/espconn.md); os_timer_arm keeps the program alive until the timer
 * is disarmed (one-shot timers: until they fired).
 */
#ifndef IOTLS_COMPAT_ESP8266_OSAPI_H
#define IOTLS_COMPAT_ESP8266_OSAPI_H

#include <string.h>

#include "c_types.h"
#include "ets_sys.h"
#include "os_type.h"
#include "user_interface.h"

#ifdef __cplusplus
extern "C" {
#endif

#define os_bzero(p, n) memset((p), 0, (n))
#define os_memcmp memcmp
#define os_memcpy memcpy
#define os_memmove memmove
#define os_memset memset
#define os_strcmp strcmp
#define os_strncmp strncmp
#define os_strlen strlen
#define os_strncpy strncpy
#define os_strstr strstr
#define os_strchr strchr
#define os_strrchr strrchr

/* printf to stdout, flushed at each newline (like the SDK's UART). */
int os_printf_plus(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
#define os_printf os_printf_plus
#define ets_printf os_printf_plus
#define os_printf_plus os_printf_plus

/* Bounded copies: `cap` is the destination size ((size_t)-1 = unknown).
 * Return strlen(src) (os_strlcpy) / the formatted length (os_snprintf). */
size_t espconn_host_strcpy(char *dst, size_t cap, const char *src);
int espconn_host_sprintf(char *dst, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#if defined(__GNUC__)
#define IOTLS_ESP_OBJSIZE(d) __builtin_object_size((d), 1)
#else
#define IOTLS_ESP_OBJSIZE(d) ((size_t)-1)
#endif
#define os_strcpy(d, s) ((void)espconn_host_strcpy((d), IOTLS_ESP_OBJSIZE(d), (s)), (d))
#define os_sprintf(d, ...) espconn_host_sprintf((d), IOTLS_ESP_OBJSIZE(d), __VA_ARGS__)
#define os_strlcpy(d, s, n) espconn_host_strcpy((d), (n), (s))
#define os_snprintf(d, n, ...) espconn_host_sprintf((d), (n), __VA_ARGS__)

/* Timers (os_timer_t is ETSTimer). Call os_timer_setfn on a disarmed timer,
 * as the SDK requires. */
void ets_timer_setfn(ETSTimer *t, ETSTimerFunc *fn, void *arg);
void ets_timer_arm_new(ETSTimer *t, uint32_t ms, bool repeat, bool is_ms);
void ets_timer_disarm(ETSTimer *t);
#define os_timer_setfn(t, fn, arg) ets_timer_setfn((t), (fn), (arg))
#define os_timer_arm(t, ms, repeat) ets_timer_arm_new((t), (ms), (repeat), true)
#define os_timer_arm_us(t, us, repeat) ets_timer_arm_new((t), (us), (repeat), false)
#define os_timer_disarm(t) ets_timer_disarm(t)

/* Busy wait, as on the chip (blocks the loop: keep it short). */
void os_delay_us(uint32_t us);
#define ets_delay_us os_delay_us

unsigned long os_random(void);

#ifdef __cplusplus
}
#endif
#endif
