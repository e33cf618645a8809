/*
 * A bounded pool of fixed-size chunks that holds the in-flight bytes of
 * sessions whose record buffers were lent to another session (the shared
 * workspace, br_workspace.c). A stored region is a chain of chunks, so the
 * pool never fragments: any region fits while enough chunks are free.
 * The pool never allocates; its memory is given to it once.
 */
#ifndef IOTLS_TLS_SPILL_POOL_H
#define IOTLS_TLS_SPILL_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOTLS_SPILL_CHUNK 256 /* bytes per chunk */
#define IOTLS_SPILL_NONE UINT32_MAX

typedef struct {
    uint8_t *data;  /* chunks * IOTLS_SPILL_CHUNK bytes */
    uint32_t *next; /* chain links, one per chunk */
    uint32_t chunks;
    uint32_t free_head;
    uint32_t free_count;
    uint32_t peak_used; /* most chunks in use at once */
} iotls_spill_pool_t;

/* Chunks that `bytes` of capacity gives, and the memory they need. */
uint32_t iotls_spill_pool_chunks(size_t bytes);
size_t iotls_spill_pool_mem(uint32_t chunks);

/* `mem` holds iotls_spill_pool_mem(chunks) bytes, aligned for uint32_t. */
void iotls_spill_pool_init(iotls_spill_pool_t *p, void *mem, uint32_t chunks);

/* Copy `len` bytes in. Returns the chain's first chunk (IOTLS_SPILL_NONE
 * for len 0), or false without storing anything when too few chunks are
 * free. */
bool iotls_spill_pool_put(iotls_spill_pool_t *p, const uint8_t *src, size_t len, uint32_t *head);

/* Copy a chain of `len` bytes out to `dst` and free its chunks. */
void iotls_spill_pool_take(iotls_spill_pool_t *p, uint32_t head, uint8_t *dst, size_t len);

/* Free a chain without reading it. */
void iotls_spill_pool_drop(iotls_spill_pool_t *p, uint32_t head);

static inline size_t iotls_spill_pool_used_bytes(const iotls_spill_pool_t *p)
{
    return (size_t)(p->chunks - p->free_count) * IOTLS_SPILL_CHUNK;
}

#endif
