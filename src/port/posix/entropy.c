/* POSIX port: entropy from getrandom(2) (see iotls/port.h). */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "iotls/port.h"

int iotls_port_entropy(void *buf, size_t len, iotls_error_t *err)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            iotls_error_set(err, IOTLS_ERR_NO_ENTROPY,
                            "no entropy source: getrandom() failed (%s); refusing to "
                            "start TLS with a predictable seed",
                            strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}
