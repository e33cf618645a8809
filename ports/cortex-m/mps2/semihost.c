/* Semihosting over bkpt 0xAB (ARMv6-M and ARMv7-M). */
#include <stdint.h>
#include <string.h>

#include "semihost.h"

enum {
    SYS_OPEN = 0x01,
    SYS_WRITE0 = 0x04,
    SYS_READ = 0x06,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT = 0x18,
};

static uintptr_t call(uintptr_t op, const void *arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void semihost_write(const char *s, size_t n)
{
    /* SYS_WRITE0 writes a NUL-terminated string to qemu's console. */
    char chunk[129];
    while (n > 0) {
        size_t k = n < sizeof chunk - 1 ? n : sizeof chunk - 1;
        memcpy(chunk, s, k);
        chunk[k] = '\0';
        call(SYS_WRITE0, chunk);
        s += k;
        n -= k;
    }
}

int semihost_cmdline(char *buf, size_t len)
{
    uintptr_t args[2] = {(uintptr_t)buf, len};
    return call(SYS_GET_CMDLINE, args) == 0 ? 0 : -1;
}

int semihost_open_read(const char *path)
{
    uintptr_t args[3] = {(uintptr_t)path, 1 /* "rb" */, strlen(path)};
    return (int)call(SYS_OPEN, args);
}

long semihost_read(int fd, void *buf, size_t len)
{
    uintptr_t args[3] = {(uintptr_t)fd, (uintptr_t)buf, len};
    uintptr_t left = call(SYS_READ, args);
    return left > len ? -1 : (long)(len - left);
}

_Noreturn void semihost_exit(int status)
{
    /* ADP_Stopped_ApplicationExit: qemu exits 0; any other reason: 1. */
    call(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? 0x20026 : 0x20024));
    for (;;)
        ;
}
