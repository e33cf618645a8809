/* ARM semihosting calls (bkpt 0xAB), as qemu implements them: console
 * output, files on the host (the test's entropy), exit with a status. */
#ifndef IOTLS_MPS2_SEMIHOST_H
#define IOTLS_MPS2_SEMIHOST_H

#include <stddef.h>

void semihost_write(const char *s, size_t n);
/* The command line qemu was given (-semihosting-config arg=...). */
int semihost_cmdline(char *buf, size_t len);
int semihost_open_read(const char *path);
/* Bytes read (fewer at end of file), or -1. */
long semihost_read(int fd, void *buf, size_t len);
_Noreturn void semihost_exit(int status);

#endif
