/* lwip/netdb.h (iotls) — the host's resolver. */
#ifndef IOTLS_ESPIDF_LWIP_NETDB_H
#define IOTLS_ESPIDF_LWIP_NETDB_H
#include <netdb.h>
#endif
