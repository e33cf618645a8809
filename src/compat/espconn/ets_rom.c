/* The chip's ROM functions (ets_*) and the SDK heap entry points
 * (pvPort*), for applications that call them by name. No header declares
 * them: their prototypes differ between SDK generations (int or size_t
 * lengths, 1 or 4 heap arguments) and applications declare them
 * themselves. Lengths are taken as unsigned int, which reads right whether
 * the caller passed an int or a size_t; extra heap arguments of newer SDKs
 * are ignored. All are weak: an application's own definition wins. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"
#include "iotls/compat/esp8266/mem.h"

#define WEAK __attribute__((weak))

void ets_bzero(void *s, unsigned int n);
int ets_memcmp(const void *a, const void *b, unsigned int n);
void *ets_memcpy(void *dst, const void *src, unsigned int n);
void *ets_memmove(void *dst, const void *src, unsigned int n);
void *ets_memset(void *s, int c, unsigned int n);
int ets_strcmp(const char *a, const char *b);
int ets_strncmp(const char *a, const char *b, unsigned int n);
size_t ets_strlen(const char *s);
char *ets_strcpy(char *dst, const char *src);
char *ets_strncpy(char *dst, const char *src, unsigned int n);
char *ets_strstr(const char *haystack, const char *needle);
char *ets_strchr(const char *s, int c);
char *ets_strrchr(const char *s, int c);
int ets_vsnprintf(char *dst, unsigned int size, const char *fmt, va_list ap);
int ets_snprintf(char *dst, unsigned int size, const char *fmt, ...);
int ets_sprintf(char *dst, const char *fmt, ...);
int ets_printf(const char *fmt, ...);
int ets_uart_printf(const char *fmt, ...);
void ets_delay_us(unsigned int us);
void ets_timer_setfn(ETSTimer *t, ETSTimerFunc *fn, void *arg);
void ets_timer_arm_new(ETSTimer *t, unsigned int time, int repeat, int is_ms);
void ets_timer_disarm(ETSTimer *t);
void ets_install_putc1(void *routine);
void ets_isr_attach(int inum, void *handler, void *arg);
void ets_isr_mask(unsigned int mask);
void ets_isr_unmask(unsigned int mask);
void ets_intr_lock(void);
void ets_intr_unlock(void);
void ets_update_cpu_frequency(int mhz);
unsigned int ets_get_cpu_frequency(void);
void *pvPortMalloc(size_t size);
void *pvPortZalloc(size_t size);
void *pvPortCalloc(size_t n, size_t size);
void *pvPortRealloc(void *p, size_t size);
void vPortFree(void *p);

WEAK void ets_bzero(void *s, unsigned int n)
{
    iotls_esp_bzero(s, n);
}

WEAK int ets_memcmp(const void *a, const void *b, unsigned int n)
{
    return iotls_esp_memcmp(a, b, n);
}

WEAK void *ets_memcpy(void *dst, const void *src, unsigned int n)
{
    return iotls_esp_memcpy(dst, src, n);
}

WEAK void *ets_memmove(void *dst, const void *src, unsigned int n)
{
    return iotls_esp_memmove(dst, src, n);
}

WEAK void *ets_memset(void *s, int c, unsigned int n)
{
    return iotls_esp_memset(s, c, n);
}

WEAK int ets_strcmp(const char *a, const char *b)
{
    return iotls_esp_strcmp(a, b);
}

WEAK int ets_strncmp(const char *a, const char *b, unsigned int n)
{
    return iotls_esp_strncmp(a, b, n);
}

WEAK size_t ets_strlen(const char *s)
{
    return iotls_esp_strlen(s);
}

/* Unbounded, as the ROM's: the caller's declaration promises room. */
WEAK char *ets_strcpy(char *dst, const char *src)
{
    espconn_host_strcpy(dst, (size_t)-1, src);
    return dst;
}

WEAK char *ets_strncpy(char *dst, const char *src, unsigned int n)
{
    return iotls_esp_strncpy(dst, src, n);
}

WEAK char *ets_strstr(const char *haystack, const char *needle)
{
    return iotls_esp_strstr(haystack, needle);
}

WEAK char *ets_strchr(const char *s, int c)
{
    return iotls_esp_strchr(s, c);
}

WEAK char *ets_strrchr(const char *s, int c)
{
    return iotls_esp_strrchr(s, c);
}

WEAK int ets_vsnprintf(char *dst, unsigned int size, const char *fmt, va_list ap)
{
    return vsnprintf(dst, size, fmt, ap);
}

WEAK int ets_snprintf(char *dst, unsigned int size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Unbounded, as the ROM's (INT_MAX keeps the library free of vsprintf). */
WEAK int ets_sprintf(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, INT_MAX, fmt, ap);
    va_end(ap);
    return n;
}

WEAK int ets_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = espc_vprint(fmt, ap);
    va_end(ap);
    return n;
}

WEAK int ets_uart_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = espc_vprint(fmt, ap);
    va_end(ap);
    return n;
}

WEAK void ets_delay_us(unsigned int us)
{
    iotls_esp_delay_us(us);
}

WEAK void ets_timer_setfn(ETSTimer *t, ETSTimerFunc *fn, void *arg)
{
    iotls_esp_timer_setfn(t, fn, arg);
}

WEAK void ets_timer_arm_new(ETSTimer *t, unsigned int time, int repeat, int is_ms)
{
    iotls_esp_timer_arm(t, time, repeat != 0, is_ms != 0);
}

WEAK void ets_timer_disarm(ETSTimer *t)
{
    iotls_esp_timer_disarm(t);
}

WEAK void ets_install_putc1(void *routine)
{
    iotls_esp_install_putc1((void (*)(char))routine);
}

WEAK void ets_isr_attach(int inum, void *handler, void *arg)
{
    iotls_esp_isr_attach(inum, handler, arg);
}

WEAK void ets_isr_mask(unsigned int mask)
{
    iotls_esp_isr_mask(mask);
}

WEAK void ets_isr_unmask(unsigned int mask)
{
    iotls_esp_isr_unmask(mask);
}

WEAK void ets_intr_lock(void)
{
}

WEAK void ets_intr_unlock(void)
{
}

WEAK void ets_update_cpu_frequency(int mhz)
{
    (void)system_update_cpu_freq((uint8)mhz);
}

WEAK unsigned int ets_get_cpu_frequency(void)
{
    return system_get_cpu_freq();
}

WEAK void *pvPortMalloc(size_t size)
{
    return iotls_esp_malloc(size);
}

WEAK void *pvPortZalloc(size_t size)
{
    return iotls_esp_zalloc(size);
}

WEAK void *pvPortCalloc(size_t n, size_t size)
{
    return iotls_esp_calloc(n, size);
}

WEAK void *pvPortRealloc(void *p, size_t size)
{
    return iotls_esp_realloc(p, size);
}

WEAK void vPortFree(void *p)
{
    iotls_esp_free(p);
}
