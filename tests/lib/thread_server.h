/*
 * An iotls server on its own thread, for tests that drive real client
 * programs (openssl s_client, curl) from the main thread. It answers a
 * request starting with "GET " with an HTTP 200 carrying `http_body`, and
 * otherwise echoes what it receives, closing after a line ends ('\n').
 * Counters are atomic; the report and error are read after stop (joined).
 */
#ifndef IOTLS_TEST_THREAD_SERVER_H
#define IOTLS_TEST_THREAD_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "iotls/net.h"

typedef struct {
    iotls_loop_t *loop;
    iotls_listener_t *listener;
    pthread_t thread;
    atomic_bool stop;
    const char *http_body;
    atomic_int connected, errors, clean_closes;
    iotls_report_copy_t last_copy; /* latest handshake: its texts */
    iotls_report_t last_report;    /* latest handshake (texts in last_copy) */
    iotls_error_t last_error;      /* latest failure */
} iotls_test_tserver_t;

/* Listen on 127.0.0.1 with an ephemeral port (returned) and start the
 * thread. cfg (creds, trust, client_auth...) must outlive the server. */
uint16_t iotls_test_tserver_start(iotls_test_tserver_t *s, const iotls_conn_config_t *cfg,
                                  const char *http_body);

/* Give a pending handshake up to 2 s to reach a callback (when none has
 * yet), then stop and join the thread and free the loop. */
void iotls_test_tserver_stop(iotls_test_tserver_t *s);

#endif
