/* Flash in caller memory: what a device with memory-mapped flash, a unit
 * test or a fuzzer uses. */
#include <string.h>

#include "store/store_internal.h"

static int mem_read(iotls_flash_t *f, size_t off, void *buf, size_t len)
{
    memcpy(buf, (const uint8_t *)f->ctx + off, len);
    return 0;
}

/* AND, not copy: that is what NOR programming does, so the model stays
 * faithful even for a caller that bypasses the generic check. */
static int mem_program(iotls_flash_t *f, size_t off, const void *buf, size_t len)
{
    uint8_t *dst = (uint8_t *)f->ctx + off;
    const uint8_t *src = buf;
    for (size_t i = 0; i < len; i++)
        dst[i] &= src[i];
    return 0;
}

static int mem_erase(iotls_flash_t *f, size_t off, size_t len)
{
    memset((uint8_t *)f->ctx + off, 0xFF, len);
    return 0;
}

static const iotls_flash_ops_t mem_ops = {mem_read, mem_program, mem_erase, NULL};

int iotls_flash_init_mem(iotls_flash_t *f, void *mem, size_t size, iotls_error_t *err)
{
    if (!mem) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "flash: no memory given");
        return -1;
    }
    return iotls_flash_init_ops(f, &mem_ops, mem, size, err);
}
