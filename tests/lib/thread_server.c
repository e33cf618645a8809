/* Threaded iotls test server (see thread_server.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thread_server.h"

static void *on_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    return user;
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    iotls_test_tserver_t *s = user;
    iotls_report_copy(&s->last_copy, r); /* the connection goes away */
    s->last_report = s->last_copy.report;
    atomic_fetch_add(&s->connected, 1);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    iotls_test_tserver_t *s = user;
    if (len >= 4 && !memcmp(data, "GET ", 4)) {
        /* The requests of these tests fit one read; answer once whole. */
        if (!memcmp(data + len - 4, "\r\n\r\n", 4)) {
            char resp[512];
            int n = snprintf(resp, sizeof resp,
                             "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                             "%zu\r\nConnection: close\r\n\r\n%s",
                             strlen(s->http_body), s->http_body);
            iotls_conn_send(c, resp, (size_t)n, NULL);
            iotls_conn_close(c);
        }
        return;
    }
    iotls_conn_send(c, data, len, NULL);
    if (len > 0 && data[len - 1] == '\n')
        iotls_conn_close(c);
}

static void on_closed(iotls_conn_t *c, void *user)
{
    iotls_test_tserver_t *s = user;
    atomic_fetch_add(&s->clean_closes, 1);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    iotls_test_tserver_t *s = user;
    s->last_error = *err;
    atomic_fetch_add(&s->errors, 1);
}

static void *run(void *arg)
{
    iotls_test_tserver_t *s = arg;
    while (!atomic_load(&s->stop))
        iotls_loop_run_once(s->loop, 20);
    return NULL;
}

uint16_t iotls_test_tserver_start(iotls_test_tserver_t *s, const iotls_conn_config_t *cfg,
                                  const char *http_body)
{
    memset(s, 0, sizeof *s);
    s->http_body = http_body ? http_body : "";
    iotls_error_clear(&s->last_error);
    iotls_error_t err;
    iotls_error_clear(&err);
    s->loop = iotls_loop_new(&err);
    if (s->loop) {
        iotls_listener_callbacks_t cb = {on_accepted,
                                         {on_connected, on_received, NULL, on_closed, on_error}};
        s->listener = iotls_listener_new(s->loop, "127.0.0.1", 0, 16, cfg, &cb, s, &err);
    }
    if (!s->listener || pthread_create(&s->thread, NULL, run, s) != 0) {
        fprintf(stderr, "thread server: %s\n", err.text);
        abort();
    }
    return iotls_listener_port(s->listener);
}

void iotls_test_tserver_stop(iotls_test_tserver_t *s)
{
    for (int i = 0; i < 200 && atomic_load(&s->connected) + atomic_load(&s->errors) == 0; i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    iotls_listener_free(s->listener);
    iotls_loop_free(s->loop);
}
