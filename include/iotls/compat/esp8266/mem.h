/*
 * mem.h — host version of the ESP8266 SDK's heap calls (iotls compat): the
 * C library's heap behind names an application cannot shadow. The library
 * also defines pvPortMalloc/pvPortZalloc/pvPortCalloc/pvPortRealloc/
 * vPortFree for applications that call them directly (their prototypes
 * differ between SDK generations, so none is declared here).
 */
#ifndef IOTLS_COMPAT_ESP8266_MEM_H
#define IOTLS_COMPAT_ESP8266_MEM_H

#include <stddef.h>

#include "c_types.h"

#ifdef __cplusplus
extern "C" {
#endif

void *iotls_esp_malloc(size_t size);
void *iotls_esp_zalloc(size_t size);
void *iotls_esp_calloc(size_t n, size_t size);
void *iotls_esp_realloc(void *p, size_t size);
void iotls_esp_free(void *p);

#define os_malloc(s) iotls_esp_malloc(s)
#define os_malloc_iram(s) iotls_esp_malloc(s)
#define os_malloc_dram(s) iotls_esp_malloc(s)
#define os_zalloc(s) iotls_esp_zalloc(s)
#define os_zalloc_iram(s) iotls_esp_zalloc(s)
#define os_zalloc_dram(s) iotls_esp_zalloc(s)
#define os_calloc(n, s) iotls_esp_calloc((n), (s))
#define os_realloc(p, s) iotls_esp_realloc((p), (s))
#define os_free(p) iotls_esp_free(p)

#ifdef __cplusplus
}
#endif
#endif
