/*
 * osapi.h — host version of the ESP8266 SDK's OS helpers (iotls compat).
 *
 * As in the SDK, this header includes the application's "user_config.h"
 * (every SDK project has one; #if tests on its macros must see them).
 *
 * The os_* macros call functions named iotls_esp_*: the SDK maps them to
 * ROM functions (ets_*), never to bare C names, so an application with a
 * local variable called `strstr` or `memcpy` still builds. The ets_*
 * functions exist in the library too, but are not declared here (their
 * prototypes differ between SDK generations; applications declare them).
 *
 * The SDK's os_strcpy, os_strcat and os_sprintf write without a bound; here they are
 * BOUNDED whenever the compiler can tell the destination's size (an array,
 * a struct member): the copy is truncated and a log line says so, instead
 * of overflowing. With a bare pointer the size is unknown and they behave
 * as on the SDK. os_strlcpy/os_snprintf are always bounded.
 *
 * os_printf writes to stdout at once, unbuffered, like the chip's UART.
 * Timers run on the iotls event loop (docs/espconn.md); os_timer_arm keeps
 * the program alive until the timer is disarmed (one-shot: until it fired).
 */
#ifndef IOTLS_COMPAT_ESP8266_OSAPI_H
#define IOTLS_COMPAT_ESP8266_OSAPI_H

#include <stddef.h>
#include <string.h>

#include "c_types.h"
#include "ets_sys.h"
#include "os_type.h"
/* Host programs that include <iotls/compat/espconn.h> have none. */
#ifndef IOTLS_ESP_NO_USER_CONFIG
#include "user_config.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

void iotls_esp_bzero(void *s, size_t n);
int iotls_esp_memcmp(const void *a, const void *b, size_t n);
void *iotls_esp_memcpy(void *dst, const void *src, size_t n);
void *iotls_esp_memmove(void *dst, const void *src, size_t n);
void *iotls_esp_memset(void *s, int c, size_t n);
int iotls_esp_strcmp(const char *a, const char *b);
int iotls_esp_strncmp(const char *a, const char *b, size_t n);
size_t iotls_esp_strlen(const char *s);
char *iotls_esp_strncpy(char *dst, const char *src, size_t n);
char *iotls_esp_strstr(const char *haystack, const char *needle);
char *iotls_esp_strchr(const char *s, int c);
char *iotls_esp_strrchr(const char *s, int c);

/* Object-like, as in the SDK: applications that declare os_memmove or
 * os_snprintf themselves (espmissingincludes.h) redeclare these. */
#define os_bzero iotls_esp_bzero
#define os_memcmp iotls_esp_memcmp
#define os_memcpy iotls_esp_memcpy
#define os_memmove iotls_esp_memmove
#define os_memset iotls_esp_memset
#define os_strcmp iotls_esp_strcmp
#define os_strncmp iotls_esp_strncmp
#define os_strlen iotls_esp_strlen
#define os_strncpy iotls_esp_strncpy
#define os_strstr iotls_esp_strstr
#define os_strchr iotls_esp_strchr
#define os_strrchr iotls_esp_strrchr

/* printf to stdout, written at once (the chip's UART has no buffer that a
 * stopped program could lose). */
int os_printf_plus(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
#define os_printf os_printf_plus

/* The SDK routes os_printf through a character function set here. On a PC
 * text always goes to stdout; the call logs once and keeps the function
 * only so that os_putc-style code paths stay callable. */
void iotls_esp_install_putc1(void (*putc1)(char c));
#define os_install_putc1(fn) iotls_esp_install_putc1((void (*)(char))(fn))

/* Bounded copies: `cap` is the destination size ((size_t)-1 = unknown).
 * Return strlen(src) (os_strlcpy) / the formatted length (os_snprintf). */
size_t espconn_host_strcpy(char *dst, size_t cap, const char *src);
/* Appends src; bounded like espconn_host_strcpy. Returns the length the
 * result would have had. */
size_t espconn_host_strcat(char *dst, size_t cap, const char *src);
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
#define os_strcpy(d, s)                                                                            \
    ((void)espconn_host_strcpy((char *)(d), IOTLS_ESP_OBJSIZE(d), (const char *)(s)), (d))
#define os_strcat(d, s)                                                                            \
    ((void)espconn_host_strcat((char *)(d), IOTLS_ESP_OBJSIZE(d), (const char *)(s)), (d))
#define os_sprintf(d, ...) espconn_host_sprintf((char *)(d), IOTLS_ESP_OBJSIZE(d), __VA_ARGS__)
#define os_strlcpy(d, s, n) espconn_host_strcpy((char *)(d), (n), (const char *)(s))
int iotls_esp_snprintf(char *dst, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#define os_snprintf iotls_esp_snprintf

/* Timers (os_timer_t is ETSTimer). Call os_timer_setfn on a disarmed timer,
 * as the SDK requires. */
void iotls_esp_timer_setfn(ETSTimer *t, ETSTimerFunc *fn, void *arg);
void iotls_esp_timer_arm(ETSTimer *t, uint32_t ms, bool repeat, bool is_ms);
void iotls_esp_timer_disarm(ETSTimer *t);
#define os_timer_setfn iotls_esp_timer_setfn
#define os_timer_arm(t, ms, repeat) iotls_esp_timer_arm((t), (ms), (repeat), true)
#define os_timer_arm_us(t, us, repeat) iotls_esp_timer_arm((t), (us), (repeat), false)
#define os_timer_disarm iotls_esp_timer_disarm

/* Busy wait, as on the chip (blocks the loop: keep it short). */
void iotls_esp_delay_us(uint32_t us);
#define os_delay_us iotls_esp_delay_us

unsigned long os_random(void);
int os_get_random(unsigned char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
