/* The functions behind the os_* macros of osapi.h and mem.h: the C
 * library under names an application's locals cannot shadow (the SDK
 * maps os_* to ROM functions for the same reason). */
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"
#include "iotls/compat/esp8266/mem.h"

void iotls_esp_bzero(void *s, size_t n)
{
    memset(s, 0, n);
}

int iotls_esp_memcmp(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n);
}

void *iotls_esp_memcpy(void *dst, const void *src, size_t n)
{
    return memcpy(dst, src, n);
}

void *iotls_esp_memmove(void *dst, const void *src, size_t n)
{
    return memmove(dst, src, n);
}

void *iotls_esp_memset(void *s, int c, size_t n)
{
    return memset(s, c, n);
}

int iotls_esp_strcmp(const char *a, const char *b)
{
    return strcmp(a, b);
}

int iotls_esp_strncmp(const char *a, const char *b, size_t n)
{
    return strncmp(a, b, n);
}

size_t iotls_esp_strlen(const char *s)
{
    return strlen(s);
}

char *iotls_esp_strncpy(char *dst, const char *src, size_t n)
{
    return strncpy(dst, src, n);
}

char *iotls_esp_strstr(const char *haystack, const char *needle)
{
    return strstr(haystack, needle);
}

char *iotls_esp_strchr(const char *s, int c)
{
    return strchr(s, c);
}

char *iotls_esp_strrchr(const char *s, int c)
{
    return strrchr(s, c);
}

void *iotls_esp_malloc(size_t size)
{
    return malloc(size);
}

void *iotls_esp_zalloc(size_t size)
{
    return calloc(1, size);
}

void *iotls_esp_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

void *iotls_esp_realloc(void *p, size_t size)
{
    return realloc(p, size);
}

void iotls_esp_free(void *p)
{
    free(p);
}
