/*
 * mem.h — host version of the ESP8266 SDK's heap calls (iotls compat):
 * plain malloc/calloc/realloc/free.
 */
#ifndef IOTLS_COMPAT_ESP8266_MEM_H
#define IOTLS_COMPAT_ESP8266_MEM_H

#include <stdlib.h>

#include "c_types.h"

#define os_malloc(s) malloc(s)
#define os_zalloc(s) calloc(1, (s))
#define os_calloc(n, s) calloc((n), (s))
#define os_realloc(p, s) realloc((p), (s))
#define os_free(p) free(p)

#endif
