/* Chunked spill pool (see spill_pool.h). */
#include <string.h>

#include "tls/spill_pool.h"

uint32_t iotls_spill_pool_chunks(size_t bytes)
{
    size_t n = (bytes + IOTLS_SPILL_CHUNK - 1) / IOTLS_SPILL_CHUNK;
    return n >= IOTLS_SPILL_NONE ? IOTLS_SPILL_NONE - 1 : (uint32_t)n;
}

size_t iotls_spill_pool_mem(uint32_t chunks)
{
    return (size_t)chunks * (IOTLS_SPILL_CHUNK + sizeof(uint32_t));
}

void iotls_spill_pool_init(iotls_spill_pool_t *p, void *mem, uint32_t chunks)
{
    memset(p, 0, sizeof *p);
    p->next = mem;
    p->data = (uint8_t *)mem + (size_t)chunks * sizeof(uint32_t);
    p->chunks = chunks;
    p->free_count = chunks;
    p->free_head = chunks ? 0 : IOTLS_SPILL_NONE;
    for (uint32_t i = 0; i < chunks; i++)
        p->next[i] = i + 1 < chunks ? i + 1 : IOTLS_SPILL_NONE;
}

bool iotls_spill_pool_put(iotls_spill_pool_t *p, const uint8_t *src, size_t len, uint32_t *head)
{
    *head = IOTLS_SPILL_NONE;
    if (len == 0)
        return true;
    size_t need = (len + IOTLS_SPILL_CHUNK - 1) / IOTLS_SPILL_CHUNK;
    if (need > p->free_count)
        return false;
    *head = p->free_head;
    uint32_t last = IOTLS_SPILL_NONE;
    for (size_t i = 0; i < need; i++) {
        uint32_t c = p->free_head;
        p->free_head = p->next[c];
        size_t n = len < IOTLS_SPILL_CHUNK ? len : IOTLS_SPILL_CHUNK;
        memcpy(p->data + (size_t)c * IOTLS_SPILL_CHUNK, src, n);
        src += n;
        len -= n;
        last = c;
    }
    /* The taken chunks are already linked in order; cut the chain. */
    p->next[last] = IOTLS_SPILL_NONE;
    p->free_count -= (uint32_t)need;
    if (p->chunks - p->free_count > p->peak_used)
        p->peak_used = p->chunks - p->free_count;
    return true;
}

static void release_chunk(iotls_spill_pool_t *p, uint32_t c)
{
    p->next[c] = p->free_head;
    p->free_head = c;
    p->free_count++;
}

void iotls_spill_pool_take(iotls_spill_pool_t *p, uint32_t head, uint8_t *dst, size_t len)
{
    while (head != IOTLS_SPILL_NONE) {
        uint32_t next = p->next[head];
        size_t n = len < IOTLS_SPILL_CHUNK ? len : IOTLS_SPILL_CHUNK;
        memcpy(dst, p->data + (size_t)head * IOTLS_SPILL_CHUNK, n);
        dst += n;
        len -= n;
        release_chunk(p, head);
        head = next;
    }
}

void iotls_spill_pool_drop(iotls_spill_pool_t *p, uint32_t head)
{
    while (head != IOTLS_SPILL_NONE) {
        uint32_t next = p->next[head];
        release_chunk(p, head);
        head = next;
    }
}
