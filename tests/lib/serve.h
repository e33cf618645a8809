/*
 * tests/lib/serve.h — `iotls serve` (the tool's HTTPS device server) as a
 * test peer on 127.0.0.1, with the test PKI's server-ec certificate.
 */
#ifndef IOTLS_TEST_SERVE_H
#define IOTLS_TEST_SERVE_H

#include "peer.h"

/* Starts `$IOTLS_BUILD/iotls serve --cert ... --key ... EXTRA... 127.0.0.1:0`
 * (extra: NULL-terminated, may be NULL) and waits for its "ACCEPT" line.
 * 0 on success (p filled), -1 on failure (its stderr printed). */
int iotls_test_serve_start(iotls_test_peer_t *p, const char *const *extra);

#endif
