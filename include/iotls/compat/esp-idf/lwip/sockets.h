/* lwip/sockets.h (iotls) — on a PC, lwIP's BSD socket API is the host's. */
#ifndef IOTLS_ESPIDF_LWIP_SOCKETS_H
#define IOTLS_ESPIDF_LWIP_SOCKETS_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#endif
