/*
 * tests/lib/http_tserver.h — an iotls HTTP server (include/iotls/http.h) on
 * its own loop thread, for tests that drive it with real clients (raw
 * sockets, curl, s_client) from the main thread; plus a large streamed
 * response handler and a descriptor counter for leak checks.
 *
 * Use: init (loop + server), register routes and listen on s->srv, run
 * (starts the thread), talk to it, stop (waits until no connection is
 * left, joins, frees). stats pauses the thread to read the statistics.
 */
#ifndef IOTLS_TEST_HTTP_TSERVER_H
#define IOTLS_TEST_HTTP_TSERVER_H

#include <pthread.h>
#include <stdatomic.h>

#include "iotls/http.h"

typedef struct {
    iotls_loop_t *loop;
    iotls_http_server_t *srv;
    pthread_t thread;
    atomic_bool stop;
} iotls_test_http_tserver_t;

/* Loop and server (cfg NULL = defaults). 0, or -1 with a message. */
int iotls_test_http_tserver_init(iotls_test_http_tserver_t *s,
                                 const iotls_http_server_config_t *cfg);
int iotls_test_http_tserver_run(iotls_test_http_tserver_t *s);
/* Stop the thread (join) so the test may touch loop objects; run resumes. */
void iotls_test_http_tserver_pause(iotls_test_http_tserver_t *s);
void iotls_test_http_tserver_stats(iotls_test_http_tserver_t *s, iotls_http_server_stats_t *st);
/* Waits up to 5 s for every connection to end, then stops the thread and
 * frees the server and loop. Returns the connections still open then (0 is
 * what a test expects). */
unsigned iotls_test_http_tserver_stop(iotls_test_http_tserver_t *s);

/* A handler answering *(size_t *)user bytes of 'x' with Content-Length,
 * written as the connection drains. */
void iotls_test_http_big_handler(iotls_http_req_t *req, void *user);

/* Open descriptors of this process (/proc/self/fd entries). */
int iotls_test_count_fds(void);

#endif
