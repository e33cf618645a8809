/* What an application sent and the connection has not yet taken (plain TCP
 * and SSL alike): a send before the sent callback is appended behind the
 * rest, as real applications send line after line; the bound keeps a
 * runaway sender in check. */
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

sint8 espc_queue_append(uint8_t **buf, size_t *len, size_t *off, const uint8 *data, uint16 length,
                        const char *fn, const char *who)
{
    size_t queued = *buf ? *len - *off : 0;
    if (queued + length > ESPC_SEND_QUEUE_MAX) {
        espc_log("%s: %s: %zu bytes still queued; %u more would pass the %u-byte bound: "
                 "refused (send again after the sent callback)",
                 fn, who, queued, (unsigned)length, (unsigned)ESPC_SEND_QUEUE_MAX);
        return ESPCONN_MAXNUM;
    }
    uint8_t *copy = malloc(queued + length);
    if (copy == NULL) {
        espc_log("%s: %s: out of memory for %u bytes", fn, who, (unsigned)length);
        return ESPCONN_MEM;
    }
    if (queued > 0)
        memcpy(copy, *buf + *off, queued);
    memcpy(copy + queued, data, length);
    free(*buf);
    *buf = copy;
    *len = queued + length;
    *off = 0;
    return ESPCONN_OK;
}
