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
    /* Mutual TLS (iotls_test_pair_client_auth): the server's trust for
     * client certificates and the client's own credentials. */
    iotls_trust_t *client_ca;
    iotls_creds_t *client_creds;
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

/* Mutual TLS, after setup: the server asks for client certificates (`mode`)
 * issued by the CA(s) in client_ca_path; the client presents client_chain /
 * client_key (both NULL: the client has no certificate). Load failures are
 * printed and leave the corresponding object empty. */
void iotls_test_pair_client_auth(iotls_test_pair_t *p, const char *client_ca_path,
                                 iotls_client_auth_t mode, const char *client_chain,
                                 const char *client_key);

/* Pump, then play the transport: when one side has closed (failed or
 * finished) while the other still waits, the waiting side gets end of
 * stream (iotls_session_feed_eof), as a real socket close would give it.
 * Returns once neither side makes progress. */
void iotls_test_pair_finish(iotls_test_pair_t *p);

void iotls_test_pair_free(iotls_test_pair_t *p);

#endif
