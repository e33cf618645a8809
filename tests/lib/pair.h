/*
 * In-memory client <-> server session pair (no sockets): both ends in one
 * process, bytes moved by iotls_test_pair_pump(). The state machine tests
 * drive every handshake outcome through this.
 */
#ifndef IOTLS_TEST_PAIR_H
#define IOTLS_TEST_PAIR_H

#include <stdbool.h>

#include "iotls/tls.h"

typedef struct {
    iotls_config_t ccfg, scfg;
    void *cmem, *smem;
    iotls_session_t *client, *server;
    iotls_error_t cerr, serr; /* init errors */
    iotls_trust_t *trust;
    iotls_creds_t *creds;
    char log[2048]; /* warnings the sessions logged */
} iotls_test_pair_t;

/* Load trust (ca_path may be NULL) and server credentials into p and
 * configure the client with `buffer` bytes and the server with full-size
 * buffers (a server cannot limit what clients send); sessions are not
 * started. */
void iotls_test_pair_setup(iotls_test_pair_t *p, const char *ca_path, const char *chain_path,
                           const char *key_path, size_t buffer);

/* Start both sessions; returns false if either init failed (see cerr/serr). */
bool iotls_test_pair_start(iotls_test_pair_t *p, const char *server_name);

/* Move bytes both ways until neither side makes progress. Returns the
 * number of bytes moved. */
size_t iotls_test_pair_pump(iotls_test_pair_t *p);

void iotls_test_pair_free(iotls_test_pair_t *p);

#endif
