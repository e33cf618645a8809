/*
 * net/shared.c — what the connections of one loop share, so that an idle
 * connection owns neither record buffers nor a send queue:
 *   - the record workspace (iotls/tls.h) of shared-buffer connections,
 *     with its bounded spill pool;
 *   - drained send queues, kept for reuse (a queue is taken when send()
 *     has to queue and given back once it is empty);
 *   - the staging area one recv() fills with several records.
 * The loop is single-threaded, so none of it needs a lock.
 */
#include <stdlib.h>

#include "net/conn_internal.h"

iotls_workspace_t *iotls_net_workspace(iotls_loop_t *loop, iotls_error_t *err)
{
    iotls_net_shared_t *sh = iotls_loop_shared(loop);
    if (sh->ws != NULL)
        return sh->ws;
    size_t spill = sh->spill_bytes ? sh->spill_bytes : IOTLS_NET_SPILL_POOL_DEFAULT;
    size_t len = iotls_workspace_size(spill);
    void *mem = malloc(len);
    if (mem == NULL) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY,
                        "out of memory: the shared record workspace needs %zu bytes", len);
        return NULL;
    }
    sh->ws = iotls_workspace_init(mem, len, spill, err);
    if (sh->ws == NULL) {
        free(mem);
        return NULL;
    }
    sh->ws_mem = mem;
    return sh->ws;
}

uint8_t *iotls_net_queue_take(iotls_loop_t *loop, size_t cap)
{
    iotls_net_shared_t *sh = iotls_loop_shared(loop);
    if (sh->queue_free_count > 0 && sh->queue_free_cap == cap)
        return sh->queue_free[--sh->queue_free_count];
    return malloc(cap);
}

void iotls_net_queue_give(iotls_loop_t *loop, uint8_t *queue, size_t cap)
{
    iotls_net_shared_t *sh = iotls_loop_shared(loop);
    if (queue == NULL)
        return;
    /* Keep queues of one size only (the common one: the first given). */
    if (sh->queue_free_count == 0)
        sh->queue_free_cap = cap;
    if (sh->queue_free_cap == cap && sh->queue_free_count < IOTLS_NET_QUEUE_CACHE) {
        sh->queue_free[sh->queue_free_count++] = queue;
        return;
    }
    free(queue);
}

uint8_t *iotls_net_staging(iotls_loop_t *loop)
{
    iotls_net_shared_t *sh = iotls_loop_shared(loop);
    if (sh->staging == NULL)
        sh->staging = malloc(IOTLS_NET_STAGING);
    return sh->staging;
}

void iotls_net_shared_destroy(iotls_loop_t *loop)
{
    iotls_net_shared_t *sh = iotls_loop_shared(loop);
    while (sh->queue_free_count > 0)
        free(sh->queue_free[--sh->queue_free_count]);
    free(sh->staging);
    free(sh->ws_mem);
    sh->staging = NULL;
    sh->ws_mem = NULL;
    sh->ws = NULL;
}

/* ---- public ---------------------------------------------------------------- */

int iotls_loop_set_spill_pool(iotls_loop_t *loop, size_t bytes, iotls_error_t *err)
{
    if (loop == NULL) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "iotls_loop_set_spill_pool: no loop");
        return -1;
    }
    iotls_net_shared_t *sh = iotls_loop_shared(loop);
    if (sh->ws != NULL) {
        iotls_error_set(err, IOTLS_ERR_BAD_STATE,
                        "the spill pool is sized before the first shared-buffer connection");
        return -1;
    }
    sh->spill_bytes = bytes;
    return 0;
}

const iotls_workspace_t *iotls_loop_workspace(const iotls_loop_t *loop)
{
    return loop != NULL ? iotls_loop_shared((iotls_loop_t *)(uintptr_t)loop)->ws : NULL;
}
