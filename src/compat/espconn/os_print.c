/* os_printf and the bounded stand-ins for the SDK's os_strcpy/os_sprintf.
 * Output is written at once: the chip's UART keeps nothing back, so text
 * without a newline must not be lost when a test stops the program. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

int espc_vprint(const char *fmt, va_list ap)
{
    int n = vprintf(fmt, ap);
    fflush(stdout);
    return n;
}

#undef os_printf_plus
int os_printf_plus(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = espc_vprint(fmt, ap);
    va_end(ap);
    return n;
}

void iotls_esp_install_putc1(void (*putc1)(char c))
{
    static bool told;
    if (putc1 != NULL && !told) {
        told = true;
        espc_log("os_install_putc1: on a PC os_printf writes to stdout; the character "
                 "function (a UART driver) is not called");
    }
}

/* Copies src into dst of cap bytes ((size_t)-1: unknown), truncating with
 * a log line naming `what` when it does not fit. strlen(src). */
static size_t copy_bounded(const char *what, char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (cap == 0)
        return n;
    if (n < cap) {
        memcpy(dst, src, n + 1);
        return n;
    }
    memcpy(dst, src, cap - 1);
    dst[cap - 1] = '\0';
    espc_log("%s: %zu characters truncated to %zu to fit the destination", what, n, cap - 1);
    return n;
}

size_t espconn_host_strcpy(char *dst, size_t cap, const char *src)
{
    return copy_bounded("os_strcpy", dst, cap, src);
}

size_t espconn_host_strcat(char *dst, size_t cap, const char *src)
{
    size_t have = cap == (size_t)-1 ? strlen(dst) : strnlen(dst, cap);
    if (cap != (size_t)-1 && have == cap) { /* no terminator inside: nothing fits */
        espc_log("os_strcat: the destination holds no string within its %zu bytes", cap);
        return have + strlen(src);
    }
    return have + copy_bounded("os_strcat", dst + have, cap == (size_t)-1 ? cap : cap - have, src);
}

int espconn_host_sprintf(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* (size_t)-1: the compiler could not tell the size; the SDK had no bound
     * either. vsnprintf with INT_MAX keeps the library free of vsprintf. */
    size_t bound = cap == (size_t)-1 ? (size_t)0x7fffffff : cap;
    int n = vsnprintf(dst, bound, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= bound && bound > 0)
        espc_log("os_sprintf: %d characters truncated to %zu to fit the destination", n, bound - 1);
    return n;
}

int iotls_esp_snprintf(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, size, fmt, ap);
    va_end(ap);
    return n;
}
