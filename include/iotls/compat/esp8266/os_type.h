/*
 * os_type.h — host version of the ESP8266 SDK's OS type names (iotls compat).
 */
#ifndef IOTLS_COMPAT_ESP8266_OS_TYPE_H
#define IOTLS_COMPAT_ESP8266_OS_TYPE_H

#include "ets_sys.h"

#define os_signal_t ETSSignal
#define os_param_t ETSParam
#define os_event_t ETSEvent
#define os_task_t ETSTask
#define os_timer_t ETSTimer
#define os_timer_func_t ETSTimerFunc

#endif
