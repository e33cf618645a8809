/* The generic flash layer: range checks, NOR rules and the test-only power
 * cut live here once, so every backend (memory, file, an MCU port) only
 * moves bytes. */
#include <string.h>

#include "store/store_internal.h"

int store_check_range(const iotls_flash_t *f, size_t off, size_t len, iotls_error_t *err)
{
    if (!f || !f->ops) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "flash image not opened");
        return -1;
    }
    if (off > f->size || len > f->size - off) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "range 0x%zX+%zu is outside the %zu-byte flash image", off, len, f->size);
        return -1;
    }
    return 0;
}

int iotls_flash_init_ops(iotls_flash_t *f, const iotls_flash_ops_t *ops, void *ctx, size_t size,
                         iotls_error_t *err)
{
    if (!f || !ops || !ops->read || !ops->program || !ops->erase) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "flash: missing backend operations");
        return -1;
    }
    if (size == 0 || size % IOTLS_FLASH_SECTOR_SIZE) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "flash size %zu is not a non-zero multiple of %u bytes", size,
                        IOTLS_FLASH_SECTOR_SIZE);
        return -1;
    }
    memset(f, 0, sizeof *f);
    f->ops = ops;
    f->ctx = ctx;
    f->fd = -1;
    f->size = size;
    return 0;
}

void iotls_flash_close(iotls_flash_t *f)
{
    if (f && f->ops && f->ops->close)
        f->ops->close(f);
    if (f)
        f->ops = NULL;
}

size_t iotls_flash_sector_count(const iotls_flash_t *f)
{
    return f ? f->size / IOTLS_FLASH_SECTOR_SIZE : 0;
}

int iotls_flash_read(iotls_flash_t *f, size_t off, void *buf, size_t len, iotls_error_t *err)
{
    if (store_check_range(f, off, len, err) < 0)
        return -1;
    if (len && f->ops->read(f, off, buf, len) < 0) {
        iotls_error_set(err, IOTLS_ERR_FILE, "flash read of %zu bytes at 0x%zX failed", len, off);
        return -1;
    }
    return 0;
}

/* NOR can only clear bits: refuse a write needing a 0 -> 1 transition, the
 * bug (writing without erasing) real flash would silently turn into
 * garbage. Checked in chunks so no buffer grows with the write. */
static int check_nor(iotls_flash_t *f, size_t off, const uint8_t *src, size_t len,
                     iotls_error_t *err)
{
    uint8_t old[256];
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof old ? len - done : sizeof old;
        if (iotls_flash_read(f, off + done, old, n, err) < 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            if ((old[i] & src[done + i]) != src[done + i]) {
                iotls_error_set(err, IOTLS_ERR_BAD_STATE,
                                "sector 0x%02zX: write at 0x%zX over data that was not "
                                "erased (0x%02X -> 0x%02X needs an erase first)",
                                (off + done + i) / IOTLS_FLASH_SECTOR_SIZE, off + done + i, old[i],
                                src[done + i]);
                return -1;
            }
        }
        done += n;
    }
    return 0;
}

static int power_cut(iotls_error_t *err, size_t written, size_t wanted)
{
    iotls_error_set(err, IOTLS_ERR_FILE,
                    "power cut (test hook): %zu of %zu bytes reached the flash", written, wanted);
    return -1;
}

int iotls_flash_write(iotls_flash_t *f, size_t off, const void *buf, size_t len, iotls_error_t *err)
{
    if (store_check_range(f, off, len, err) < 0 || check_nor(f, off, buf, len, err) < 0)
        return -1;
    size_t n = len;
    if (f->test_power_cut.armed && n > f->test_power_cut.budget)
        n = f->test_power_cut.budget;
    if (n && f->ops->program(f, off, buf, n) < 0) {
        iotls_error_set(err, IOTLS_ERR_FILE, "flash write of %zu bytes at 0x%zX failed", n, off);
        return -1;
    }
    if (f->test_power_cut.armed)
        f->test_power_cut.budget -= n;
    return n < len ? power_cut(err, n, len) : 0;
}

int iotls_flash_erase(iotls_flash_t *f, unsigned first, unsigned count, iotls_error_t *err)
{
    size_t off = iotls_flash_sector_offset(first);
    size_t len = (size_t)count * IOTLS_FLASH_SECTOR_SIZE;
    if (store_check_range(f, off, len, err) < 0)
        return -1;
    /* After the cut nothing reaches the chip, erases included. */
    if (f->test_power_cut.armed && f->test_power_cut.budget == 0)
        return power_cut(err, 0, len);
    if (len && f->ops->erase(f, off, len) < 0) {
        iotls_error_set(err, IOTLS_ERR_FILE, "erase of sectors 0x%02X..0x%02X failed", first,
                        first + count - 1);
        return -1;
    }
    return 0;
}

void iotls_flash_test_cut_power_after(iotls_flash_t *f, size_t bytes)
{
    f->test_power_cut.armed = true;
    f->test_power_cut.budget = bytes;
}
