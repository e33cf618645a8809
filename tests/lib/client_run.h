/*
 * Run one iotls client connection to completion in a fresh event loop:
 * connect, send `request` after the handshake, collect what arrives until
 * the peer closes (or `close_after` bytes arrived, then close gracefully),
 * and record every callback. For interop tests against real peers.
 */
#ifndef IOTLS_TEST_CLIENT_RUN_H
#define IOTLS_TEST_CLIENT_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "iotls/net.h"

typedef struct {
    bool connected, disconnected, errored;
    iotls_report_copy_t report_copy; /* copy taken in `connected`, with its texts */
    iotls_report_t report;           /* the same (texts in report_copy) */
    iotls_error_t error;             /* from `error` */
    bool retried_full_buffer;        /* iotls_conn_retried_full_buffer at the end */
    iotls_mfl_outcome_t mfl_outcome; /* iotls_conn_mfl_outcome at the end */
    size_t memory;                   /* iotls_conn_memory in `connected` */
    unsigned char *data;             /* everything received (malloc'd) */
    size_t len;
    /* iotls_conn_session_save() taken in `connected` (0 = nothing to save):
     * pass as cfg.tls.resume to resume. Holds the master secret. */
    uint8_t session[IOTLS_SAVED_SESSION_MAX];
    size_t session_len;
} iotls_test_client_result_t;

/* cfg may be NULL (defaults). Trust / creds are the caller's. */
void iotls_test_client_run(const char *host, unsigned port, const iotls_conn_config_t *cfg,
                           const void *request, size_t request_len, size_t close_after,
                           iotls_test_client_result_t *out);
/* The same on a loop the caller keeps (what a loop remembers, such as
 * servers that ignore max_fragment_length, carries over between runs). */
void iotls_test_client_run_on(iotls_loop_t *loop, const char *host, unsigned port,
                              const iotls_conn_config_t *cfg, const void *request,
                              size_t request_len, size_t close_after,
                              iotls_test_client_result_t *out);
void iotls_test_client_result_free(iotls_test_client_result_t *r);

#endif
