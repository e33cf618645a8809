/* The qemu mps2-an386 board for the Cortex-M port: console over
 * semihosting, and entropy from the host file named by the first
 * semihosting argument after the program name. That file is the test's
 * real random source (check.sh fills it from /dev/urandom for every run);
 * without it, or once it is used up, board_entropy fails and so does every
 * session: there is no built-in seed. */
#include <string.h>

#include "../board.h"
#include "semihost.h"

static int entropy_fd = -2; /* -2: not opened yet */

static int open_entropy(void)
{
    char cmdline[256];
    if (semihost_cmdline(cmdline, sizeof cmdline) < 0)
        return -1;
    /* "firmware-name entropy-path" */
    char *space = strchr(cmdline, ' ');
    if (!space || !space[1])
        return -1;
    return semihost_open_read(space + 1);
}

int board_entropy(void *buf, size_t len)
{
    if (entropy_fd == -2)
        entropy_fd = open_entropy();
    if (entropy_fd < 0)
        return -1;
    return semihost_read(entropy_fd, buf, len) == (long)len ? 0 : -1;
}

void board_console_write(const char *s, size_t n)
{
    semihost_write(s, n);
}
