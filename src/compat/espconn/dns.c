/* espconn_gethostbyname: the SDK's asynchronous IPv4 lookup. The host
 * resolves with getaddrinfo and reports from the loop (a zero-delay
 * timer), so the callback never runs inside the call, as on the chip. The
 * name is remembered for espconn_secure_connect's certificate check. */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compat/espconn/espconn_internal.h"

uint32 ipaddr_addr(const char *cp)
{
    unsigned o[4];
    char tail;
    if (cp == NULL || sscanf(cp, "%u.%u.%u.%u%c", &o[0], &o[1], &o[2], &o[3], &tail) != 4 ||
        o[0] > 255 || o[1] > 255 || o[2] > 255 || o[3] > 255)
        return IPADDR_NONE;
    return iotls_esp_ip4(o[0], o[1], o[2], o[3]);
}

static void dns_remember(const char *name, uint32_t addr)
{
    espc_dns_entry_t *e = &espc.dns[espc.dns_next++ % ESPC_DNS_CACHE];
    size_t n = strlen(name);
    if (n >= sizeof e->name)
        return;
    memcpy(e->name, name, n + 1);
    e->addr = addr;
}

static const espc_dns_entry_t *dns_by_name(const char *name)
{
    for (unsigned i = 0; i < ESPC_DNS_CACHE; i++)
        if (espc.dns[i].name[0] && strcmp(espc.dns[i].name, name) == 0)
            return &espc.dns[i];
    return NULL;
}

const char *espc_dns_name_for(const uint8 ip[4])
{
    uint32_t addr;
    memcpy(&addr, ip, 4);
    /* Newest first: the entry written last wins for a shared address. */
    for (unsigned k = 1; k <= ESPC_DNS_CACHE; k++) {
        const espc_dns_entry_t *e = &espc.dns[(espc.dns_next - k) % ESPC_DNS_CACHE];
        if (e->name[0] && e->addr == addr)
            return e->name;
    }
    return NULL;
}

typedef struct {
    char name[256];
    bool found;
    ip_addr_t addr;
    dns_found_callback cb;
    void *arg;
} dns_job_t;

static void dns_report(iotls_timer_t *t, void *user)
{
    dns_job_t *job = user;
    iotls_timer_free(t);
    job->cb(job->name, job->found ? &job->addr : NULL, job->arg);
    free(job);
}

sint8 espconn_gethostbyname(struct espconn *pespconn, const char *hostname, ip_addr_t *addr,
                            dns_found_callback found)
{
    const char *fn = "espconn_gethostbyname";
    if (hostname == NULL || addr == NULL || strlen(hostname) >= 256) {
        espc_log("%s: hostname or addr missing (or a name over 255 characters)", fn);
        return ESPCONN_ARG;
    }
    uint32 lit = ipaddr_addr(hostname);
    if (lit != IPADDR_NONE) {
        addr->addr = lit;
        return ESPCONN_OK;
    }
    const espc_dns_entry_t *cached = dns_by_name(hostname);
    if (cached != NULL) {
        addr->addr = cached->addr;
        return ESPCONN_OK;
    }
    if (found == NULL) {
        espc_log("%s: '%s' is not cached and no callback was given", fn, hostname);
        return ESPCONN_ARG;
    }
    iotls_loop_t *loop = espc_loop();
    dns_job_t *job = calloc(1, sizeof *job);
    iotls_timer_t *t = loop && job ? iotls_timer_new(loop, dns_report, job) : NULL;
    if (t == NULL) {
        free(job);
        espc_log("%s: out of memory", fn);
        return ESPCONN_MEM;
    }
    memcpy(job->name, hostname, strlen(hostname) + 1);
    job->cb = found;
    job->arg = pespconn;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(hostname, NULL, &hints, &res);
    if (rc == 0 && res != NULL) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)res->ai_addr;
        memcpy(&job->addr.addr, &sin->sin_addr, 4);
        job->found = true;
        dns_remember(hostname, job->addr.addr);
    } else {
        espc_log("%s: '%s' did not resolve: %s", fn, hostname, gai_strerror(rc));
    }
    if (res)
        freeaddrinfo(res);
    iotls_timer_arm(t, 0, 0);
    return ESPCONN_INPROGRESS;
}
