/* lwip/dns.h (iotls) — names resolve through the host (lwip/netdb.h). */
#ifndef IOTLS_ESPIDF_LWIP_DNS_H
#define IOTLS_ESPIDF_LWIP_DNS_H
#include "lwip/err.h"
#include "lwip/netdb.h"
#endif
