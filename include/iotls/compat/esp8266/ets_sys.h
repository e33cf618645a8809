/*
 * ets_sys.h — host version of the ESP8266 SDK's timer and event types
 * (iotls compat).
 *
 * ETSTimer keeps the SDK's field names so code that peeks at timer_period
 * or timer_arg still compiles; `host_timer` is the iotls timer behind it,
 * made on the first os_timer_arm(). Timers run on the iotls event loop
 * (docs/espconn.md).
 */
#ifndef IOTLS_COMPAT_ESP8266_ETS_SYS_H
#define IOTLS_COMPAT_ESP8266_ETS_SYS_H

#include "c_types.h"

typedef void ETSTimerFunc(void *timer_arg);

typedef struct _ETSTIMER_ {
    struct _ETSTIMER_ *timer_next; /* unused on the host */
    uint32_t timer_expire;         /* unused on the host */
    uint32_t timer_period;         /* ms; 0 for a one-shot timer */
    ETSTimerFunc *timer_func;
    void *timer_arg;
    void *host_timer; /* iotls_timer_t *, owned by the compat layer */
} ETSTimer;

typedef uint32_t ETSSignal;
typedef uint32_t ETSParam;

typedef struct ETSEventTag {
    ETSSignal sig;
    ETSParam par;
} ETSEvent;

typedef void (*ETSTask)(ETSEvent *e);

#endif
