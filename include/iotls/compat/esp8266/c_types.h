/*
 * c_types.h — host version of the ESP8266 SDK's basic types (iotls compat).
 *
 * SDK sources include "c_types.h" for uint8/sint8/... and the placement
 * attributes; on a PC the attributes are empty (there is no IRAM/IROM).
 * See docs/espconn.md.
 */
#ifndef IOTLS_COMPAT_ESP8266_C_TYPES_H
#define IOTLS_COMPAT_ESP8266_C_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t uint8;
typedef int8_t sint8;
typedef int8_t int8;
typedef uint16_t uint16;
typedef int16_t sint16;
typedef int16_t int16;
typedef uint32_t uint32;
typedef int32_t sint32;
typedef int32_t int32;
typedef uint64_t uint64;
typedef int64_t sint64;
typedef int64_t int64;
typedef uint8_t u8;
typedef int8_t s8;
typedef uint16_t u16;
typedef int16_t s16;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint64_t u64;
typedef int64_t s64;
typedef unsigned int u_int;
typedef int8_t sint8_t;
typedef int16_t sint16_t;
typedef int32_t sint32_t;
typedef int64_t sint64_t;
typedef uint64_t u_int64_t;
typedef float real32_t;
typedef double real64_t;
typedef float real32;
typedef double real64;

/* The SDK's c_types.h defines no lwIP-style u8_t/u32_t: applications that
 * use them bring their own typedefs, which must not clash with ours. */

typedef enum { OK = 0, FAIL, PENDING, BUSY, CANCEL } STATUS;

#ifndef BOOL
#define BOOL bool
#endif
#ifndef TRUE
#define TRUE true
#endif
#ifndef FALSE
#define FALSE false
#endif

#define LOCAL static
#define __le16 u16

/* Code/data placement on the chip (instruction cache, flash, IRAM): no
 * meaning on a PC. */
#define ICACHE_FLASH_ATTR
#define ICACHE_RODATA_ATTR
#define ICACHE_RAM_ATTR
#define IRAM_ATTR
#define STORE_ATTR
#define SHMEM_ATTR
#define DMEM_ATTR

#ifndef __packed
#define __packed __attribute__((packed))
#endif

#define BIT(nr) (1UL << (nr))
/* Register access goes to an inert register file on a PC (eagle_soc.h). */
volatile uint32_t *iotls_esp_reg(uintptr_t addr);
#define REG_SET_BIT(_r, _b) (*iotls_esp_reg((uintptr_t)(_r)) |= (_b))
#define REG_CLR_BIT(_r, _b) (*iotls_esp_reg((uintptr_t)(_r)) &= ~(_b))

#endif
