/*
 * net/resolve.c — getaddrinfo wrapper.
 *
 * BLOCKING: a host NAME is resolved with the system's blocking
 * getaddrinfo(), which stalls the whole event loop for the duration of the
 * DNS query. Acceptable for now (devices connect to few, usually cached,
 * hosts); an asynchronous resolver is the fix if it matters. IPv4/IPv6
 * LITERALS never block: they are parsed first with AI_NUMERICHOST, which
 * does no lookup at all.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "net/resolve.h"

void iotls_net_addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
    char ip[INET6_ADDRSTRLEN];
    if (cap == 0)
        return;
    buf[0] = '\0';
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
        snprintf(buf, cap, "%s:%u", ip, (unsigned)ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], ip, sizeof(ip));
            snprintf(buf, cap, "%s:%u", ip, (unsigned)ntohs(in6->sin6_port));
        } else {
            inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
            snprintf(buf, cap, "[%s]:%u", ip, (unsigned)ntohs(in6->sin6_port));
        }
    } else {
        snprintf(buf, cap, "(address family %d)", (int)sa->sa_family);
    }
}

int iotls_net_resolve(const char *host, uint16_t port, bool passive, struct addrinfo **out,
                      iotls_error_t *err)
{
    struct addrinfo hints;
    char service[8];
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST | (passive ? AI_PASSIVE : 0);
    snprintf(service, sizeof(service), "%u", (unsigned)port);

    *out = NULL;
    int rc = getaddrinfo(host, service, &hints, out);
    if (rc == EAI_NONAME && host != NULL) {
        /* not a literal: a real (blocking) lookup, see the top of the file */
        hints.ai_flags &= ~AI_NUMERICHOST;
        if (!passive)
            hints.ai_flags |= AI_ADDRCONFIG;
        rc = getaddrinfo(host, service, &hints, out);
    }
    if (rc != 0) {
        *out = NULL;
        iotls_error_set(err, IOTLS_ERR_RESOLVE, "cannot resolve host '%s': %s",
                        host != NULL ? host : "*", gai_strerror(rc));
        return -1;
    }
    return 0;
}
