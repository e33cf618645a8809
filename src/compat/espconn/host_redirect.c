/* Host-only redirections, for running applications whose server names and
 * ports are fixed in their source against local test peers:
 *   IOTLS_ESPCONN_HOSTS="irc.example.net=127.0.0.1,mqtt.example=127.0.0.1"
 *       espconn_gethostbyname answers these names without DNS;
 *   IOTLS_ESPCONN_PORTS="6697=40123,8883=40124"
 *       connects to, and servers on, port 6697 use 40123 instead.
 * Unset (the default) they change nothing; every use is logged. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

/* Find `key` in a "k=v,k=v" list; copy its value (NUL-terminated) to val. */
static bool list_find(const char *list, const char *key, char *val, size_t cap)
{
    size_t klen = strlen(key);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq && (size_t)(eq - p) == klen && strncmp(p, key, klen) == 0) {
            size_t vlen = len - klen - 1;
            if (vlen >= cap)
                return false;
            memcpy(val, eq + 1, vlen);
            val[vlen] = '\0';
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

bool espc_hosts_lookup(const char *name, uint32_t *addr)
{
    char val[32];
    if (!list_find(getenv(ESPCONN_HOST_ENV_HOSTS), name, val, sizeof val))
        return false;
    uint32 a = ipaddr_addr(val);
    if (a == IPADDR_NONE) {
        espc_log("%s: '%s=%s' is not an IPv4 address: ignored", ESPCONN_HOST_ENV_HOSTS, name, val);
        return false;
    }
    espc_log("espconn_gethostbyname: '%s' is %s (from %s, host-only)", name, val,
             ESPCONN_HOST_ENV_HOSTS);
    *addr = a;
    return true;
}

int espc_port_map(const char *fn, int port)
{
    char key[8], val[8];
    snprintf(key, sizeof key, "%d", port);
    if (!list_find(getenv(ESPCONN_HOST_ENV_PORTS), key, val, sizeof val))
        return port;
    char *end;
    long to = strtol(val, &end, 10);
    if (*end != '\0' || to <= 0 || to > 65535) {
        espc_log("%s: '%s=%s' is not a port: ignored", ESPCONN_HOST_ENV_PORTS, key, val);
        return port;
    }
    espc_log("%s: port %d is port %ld on this host (from %s, host-only)", fn, port, to,
             ESPCONN_HOST_ENV_PORTS);
    return (int)to;
}

const char *espc_bind_addr(void)
{
    const char *bind = getenv(ESPCONN_HOST_ENV_BIND);
    if (bind == NULL || bind[0] == '\0')
        return "127.0.0.1"; /* a PC is not a device on a network of its own */
    if (strcmp(bind, "*") == 0)
        return NULL; /* every address, like the SDK on the chip */
    return bind;
}

bool espc_bind_sockaddr(const char *fn, int local_port, struct sockaddr_in *a, const char **shown,
                        int *port)
{
    const char *bind_to = espc_bind_addr();
    *port = espc_port_map(fn, local_port);
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)*port);
    a->sin_addr.s_addr = htonl(INADDR_ANY);
    *shown = bind_to ? bind_to : "*";
    if (bind_to == NULL)
        return true;
    uint32 ip = ipaddr_addr(bind_to);
    if (ip == IPADDR_NONE) {
        /* Never fall back to every address because of a typo. */
        espc_log("%s: %s=%s is not an IPv4 address (or *): not listening", fn,
                 ESPCONN_HOST_ENV_BIND, bind_to);
        return false;
    }
    a->sin_addr.s_addr = ip;
    return true;
}
