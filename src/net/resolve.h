/*
 * net/resolve.h — names to socket addresses, and addresses to text.
 * Internal to net/.
 */
#ifndef IOTLS_NET_RESOLVE_H
#define IOTLS_NET_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "iotls/error.h"

struct addrinfo;

/* "203.0.113.5:443" or "[2001:db8::1]:443" (NUL-terminated); IPv4-mapped
 * IPv6 addresses (from a dual-stack listener) print as plain IPv4. */
#define IOTLS_NET_ADDR_TEXT 64
void iotls_net_addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);

/*
 * Resolve host:port to TCP stream addresses in the order they should be
 * tried (getaddrinfo's, RFC 6724). `passive` asks for addresses to bind
 * (host NULL = wildcard). Returns 0 with *out set (freeaddrinfo it), or -1
 * with IOTLS_ERR_RESOLVE naming the host and the resolver's reason.
 */
int iotls_net_resolve(const char *host, uint16_t port, bool passive, struct addrinfo **out,
                      iotls_error_t *err);

#endif
