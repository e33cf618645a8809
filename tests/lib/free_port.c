/* tests/lib/free_port.c — iotls_test_free_port (peer.h): a port for a peer
 * that cannot choose its own (gnutls-serv, mosquitto, ESP programs' mapped
 * ports), taken below the kernel's ephemeral range.
 *
 * A port from bind(port 0) lies in the ephemeral range, which is also where
 * every connect() in every other program gets its local port: with two test
 * programs and a few developers' builds running at once, such a port could
 * be taken between our choice and the peer's bind (the peer then exits with
 * "address in use"). Below the range only another program choosing the
 * same number at random in the same moment can collide. */
#include "peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define LOWEST_PORT 10000

/* The first port of the kernel's ephemeral range (32768 by default). */
static unsigned ephemeral_low(void)
{
    unsigned low = 32768, high = 60999;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f != NULL) {
        if (fscanf(f, "%u %u", &low, &high) != 2)
            low = 32768;
        fclose(f);
    }
    return low;
}

/* 1 when 127.0.0.1:port can be bound now (type SOCK_STREAM or SOCK_DGRAM);
 * with `port` 0, stores the port the kernel chose. */
static int bindable(uint16_t *port, int type)
{
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(*port);
    socklen_t sl = sizeof sa;
    int ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
             getsockname(fd, (struct sockaddr *)&sa, &sl) == 0;
    if (ok)
        *port = ntohs(sa.sin_port);
    close(fd);
    return ok;
}

uint16_t iotls_test_free_port(void)
{
    unsigned low = ephemeral_low();
    if (low > LOWEST_PORT + 1000) {
        for (int tries = 0; tries < 200; tries++) {
            uint32_t r = 0;
            if (getrandom(&r, sizeof r, 0) != sizeof r)
                break;
            uint16_t port = (uint16_t)(LOWEST_PORT + r % (low - LOWEST_PORT));
            /* Free for TCP and UDP: some peers take both (a DNS server). */
            if (bindable(&port, SOCK_STREAM) && bindable(&port, SOCK_DGRAM))
                return port;
        }
    }
    uint16_t port = 0; /* no room below the range: the kernel's choice */
    return bindable(&port, SOCK_STREAM) ? port : 0;
}
