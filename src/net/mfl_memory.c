/* Servers that ignored max_fragment_length, remembered per loop (DESIGN:
 * "retries once with a full-size buffer and remembers that host"): later
 * connections to them under IOTLS_MFL_RETRY_FULL start with a full buffer
 * instead of paying for a failed attempt each time. A fixed table, oldest
 * entry replaced: no allocation, bounded memory. */
#include <string.h>
#include <strings.h>

#include "net/loop_internal.h"

static int find(const iotls_mfl_memory_t *m, const char *host, uint16_t port)
{
    for (int i = 0; i < IOTLS_NET_MFL_MEMORY; i++)
        if (m->entries[i].port == port && m->entries[i].host[0] &&
            strcasecmp(m->entries[i].host, host) == 0)
            return i;
    return -1;
}

void iotls_net_mfl_remember(iotls_loop_t *loop, const char *host, uint16_t port)
{
    iotls_mfl_memory_t *m = iotls_loop_mfl_memory(loop);
    size_t len = strlen(host);
    if (find(m, host, port) >= 0 || len >= sizeof m->entries[0].host)
        return; /* already known, or a name too long to keep */
    iotls_mfl_entry_t *e = &m->entries[m->next];
    memcpy(e->host, host, len + 1);
    e->port = port;
    m->next = (m->next + 1) % IOTLS_NET_MFL_MEMORY;
}

bool iotls_net_mfl_known(iotls_loop_t *loop, const char *host, uint16_t port)
{
    return find(iotls_loop_mfl_memory(loop), host, port) >= 0;
}
