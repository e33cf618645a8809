/*
 * min_handshake.h — the blocking socket loop of the code-size programs
 * (min-client, min-server): what a device's simplest driver of the
 * sans-IO session does.
 */
#ifndef IOTLS_BENCH_MIN_HANDSHAKE_H
#define IOTLS_BENCH_MIN_HANDSHAKE_H

#include <stdbool.h>

#include "iotls/tls.h"

/* Moves s's bytes over the connected blocking socket fd until the
 * handshake is done or the session closed; true when it is done. */
bool min_handshake(iotls_session_t *s, int fd);

#endif
