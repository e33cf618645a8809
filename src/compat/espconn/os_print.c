/* os_printf and the bounded stand-ins for the SDK's os_strcpy/os_sprintf. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

#undef os_printf_plus
int os_printf_plus(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    /* Like the SDK's UART: a line appears when it is printed (tests and
     * pipes see it at once). */
    if (strchr(fmt, '\n') != NULL)
        fflush(stdout);
    return n;
}

size_t espconn_host_strcpy(char *dst, size_t cap, const char *src)
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
    espc_log("os_strcpy: %zu characters truncated to %zu to fit the destination", n, cap - 1);
    return n;
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
