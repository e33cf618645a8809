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

/* A lookup waiting for the loop. Every (callback, argument) pair that asks
 * for the name before the answer is delivered waits on the same job; the
 * name enters the cache only when the answer is delivered, so a repeated
 * call keeps returning ESPCONN_INPROGRESS until then (as lwIP does). */
#define DNS_WAITERS 8

typedef struct dns_job {
    char name[256];
    bool found;
    ip_addr_t addr;
    unsigned nwait;
    dns_found_callback cb[DNS_WAITERS];
    void *arg[DNS_WAITERS];
    struct dns_job *next;
} dns_job_t;

static dns_job_t *pending;

void espc_dns_forget(void)
{
    while (pending) {
        dns_job_t *j = pending;
        pending = j->next;
        free(j);
    }
}

static void dns_report(iotls_timer_t *t, void *user)
{
    dns_job_t *job = user;
    iotls_timer_free(t);
    for (dns_job_t **p = &pending; *p; p = &(*p)->next)
        if (*p == job) {
            *p = job->next;
            break;
        }
    if (job->found)
        dns_remember(job->name, job->addr.addr);
    for (unsigned i = 0; i < job->nwait; i++) {
        ip_addr_t a = job->addr; /* each callback may change what it gets */
        job->cb[i](job->name, job->found ? &a : NULL, job->arg[i]);
    }
    free(job);
}

static sint8 dns_wait(dns_job_t *job, dns_found_callback found, void *arg)
{
    for (unsigned i = 0; i < job->nwait; i++)
        if (job->cb[i] == found && job->arg[i] == arg)
            return ESPCONN_INPROGRESS;
    if (job->nwait == DNS_WAITERS) {
        espc_log("espconn_gethostbyname: more than %d callers wait for '%s'", DNS_WAITERS,
                 job->name);
        return ESPCONN_MEM;
    }
    job->cb[job->nwait] = found;
    job->arg[job->nwait++] = arg;
    return ESPCONN_INPROGRESS;
}

static void dns_resolve(dns_job_t *job)
{
    if (espc_hosts_lookup(job->name, &job->addr.addr)) {
        job->found = true;
        return;
    }
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(job->name, NULL, &hints, &res);
    if (rc == 0 && res != NULL) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)res->ai_addr;
        memcpy(&job->addr.addr, &sin->sin_addr, 4);
        job->found = true;
    } else {
        espc_log("espconn_gethostbyname: '%s' did not resolve: %s", job->name, gai_strerror(rc));
    }
    if (res)
        freeaddrinfo(res);
}

err_t espconn_gethostbyname(struct espconn *pespconn, const char *hostname, ip_addr_t *addr,
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
    for (dns_job_t *j = pending; j; j = j->next)
        if (strcmp(j->name, hostname) == 0)
            return dns_wait(j, found, pespconn);
    iotls_loop_t *loop = espc_loop();
    dns_job_t *job = calloc(1, sizeof *job);
    iotls_timer_t *t = loop && job ? iotls_timer_new(loop, dns_report, job) : NULL;
    if (t == NULL) {
        free(job);
        espc_log("%s: out of memory", fn);
        return ESPCONN_MEM;
    }
    memcpy(job->name, hostname, strlen(hostname) + 1);
    dns_wait(job, found, pespconn);
    /* getaddrinfo may block briefly; the answer still arrives from the loop. */
    dns_resolve(job);
    job->next = pending;
    pending = job;
    iotls_timer_arm(t, 0, 0);
    return ESPCONN_INPROGRESS;
}

void espconn_dns_setserver(uint8 numdns, ip_addr_t *dnsserver)
{
    (void)dnsserver;
    espc_log("espconn_dns_setserver(%u): the host's resolver is used", (unsigned)numdns);
}
