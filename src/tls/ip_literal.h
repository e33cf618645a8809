/* IPv4 / IPv6 literals as bytes, for matching iPAddress subjectAltNames.
 * The core's own parser: inet_pton() lives in <arpa/inet.h>, which a
 * device C library does not have. */
#ifndef IOTLS_TLS_IP_LITERAL_H
#define IOTLS_TLS_IP_LITERAL_H

#include <stddef.h>
#include <stdint.h>

/* Parse a dotted-quad IPv4 address (four decimal parts 0..255, no leading
 * zeros, as inet_pton(AF_INET) accepts) or an IPv6 address (RFC 4291 text
 * forms: groups of 1..4 hex digits, at most one "::", optionally ending in
 * a dotted quad). Returns 4 or 16 (bytes written to out), or 0 when `text`
 * is neither (a host name). No zone ids ("%eth0"), no brackets. */
size_t iotls_ip_literal_parse(const char *text, uint8_t out[16]);

#endif
