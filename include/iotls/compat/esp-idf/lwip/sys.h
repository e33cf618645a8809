/* lwip/sys.h (iotls) — what programs take from it: sys_now(). */
#ifndef IOTLS_ESPIDF_LWIP_SYS_H
#define IOTLS_ESPIDF_LWIP_SYS_H
#include <stdint.h>
/* Milliseconds since the program started. */
uint32_t sys_now(void);
#endif
