/*
 * ip_addr.h — host version of the lwIP IPv4 address type the ESP8266 SDK
 * exposes (iotls compat). Addresses are in network byte order, as in lwIP.
 */
#ifndef IOTLS_COMPAT_ESP8266_IP_ADDR_H
#define IOTLS_COMPAT_ESP8266_IP_ADDR_H

#include <string.h>

#include "c_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ip_addr {
    uint32 addr;
} ip_addr_t;

struct ip_info {
    struct ip_addr ip;
    struct ip_addr netmask;
    struct ip_addr gw;
};

/* Network byte order whatever the host: the octets are stored in order, so
 * memcpy(remote_ip, &a.addr, 4) gives {a, b, c, d} as on the chip. */
static inline uint32 iotls_esp_ip4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    uint8 o[4] = {(uint8)a, (uint8)b, (uint8)c, (uint8)d};
    uint32 v;
    memcpy(&v, o, 4);
    return v;
}
#define IP4_ADDR(ipaddr, a, b, c, d) ((ipaddr)->addr = iotls_esp_ip4((a), (b), (c), (d)))

#define ip4_addr1(ipaddr) (((const uint8 *)(ipaddr))[0])
#define ip4_addr2(ipaddr) (((const uint8 *)(ipaddr))[1])
#define ip4_addr3(ipaddr) (((const uint8 *)(ipaddr))[2])
#define ip4_addr4(ipaddr) (((const uint8 *)(ipaddr))[3])
#define ip4_addr1_16(ipaddr) ((uint16)ip4_addr1(ipaddr))
#define ip4_addr2_16(ipaddr) ((uint16)ip4_addr2(ipaddr))
#define ip4_addr3_16(ipaddr) ((uint16)ip4_addr3(ipaddr))
#define ip4_addr4_16(ipaddr) ((uint16)ip4_addr4(ipaddr))

#define IP2STR(ipaddr)                                                                             \
    ip4_addr1_16(ipaddr), ip4_addr2_16(ipaddr), ip4_addr3_16(ipaddr), ip4_addr4_16(ipaddr)
#define IPSTR "%d.%d.%d.%d"

#define IPADDR_NONE ((uint32)0xffffffffUL)
#define IPADDR_ANY ((uint32)0x00000000UL)

/* "a.b.c.d" -> address, IPADDR_NONE when it is not one. */
uint32 ipaddr_addr(const char *cp);

#ifdef __cplusplus
}
#endif
#endif
