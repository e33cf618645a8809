/* Cortex-M port: entropy from the board's hardware source (see
 * include/iotls/port.h). There is no software fallback: a board without a
 * working source gets no TLS session. */
#include "board.h"
#include "iotls/port.h"

int iotls_port_entropy(void *buf, size_t len, iotls_error_t *err)
{
    if (board_entropy(buf, len) == 0)
        return 0;
    iotls_error_set(err, IOTLS_ERR_NO_ENTROPY,
                    "no entropy source: the board's random source failed; refusing to start "
                    "TLS with a predictable seed");
    return -1;
}
