/* Cortex-M port: no clock. Certificates are checked against a lower bound
 * of the time, the firmware's build time (docs/porting.md, "Devices
 * without a clock"). A board with a trustworthy RTC replaces this file. */
#include "iotls/port.h"

#ifndef IOTLS_BUILD_TIME
#error "IOTLS_BUILD_TIME (Unix seconds, e.g. from SOURCE_DATE_EPOCH) is the clockless lower bound"
#endif

int64_t iotls_port_time(bool *exact)
{
    *exact = false;
    return (int64_t)IOTLS_BUILD_TIME;
}
