/* Synchronous wrapper around one iotls client connection (tests only). */
#include <stdlib.h>
#include <string.h>

#include "client_run.h"

struct run {
    iotls_test_client_result_t *out;
    const void *request;
    size_t request_len;
    size_t close_after;
};

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    struct run *run = user;
    run->out->connected = true;
    iotls_report_copy(&run->out->report_copy, r); /* the connection goes away */
    run->out->report = run->out->report_copy.report;
    run->out->memory = iotls_conn_memory(c);
    run->out->session_len = iotls_conn_session_save(c, run->out->session, sizeof run->out->session);
    if (run->request_len)
        iotls_conn_send(c, run->request, run->request_len, NULL);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    struct run *run = user;
    iotls_test_client_result_t *o = run->out;
    unsigned char *bigger = realloc(o->data, o->len + len);
    if (!bigger)
        abort();
    memcpy(bigger + o->len, data, len);
    o->data = bigger;
    o->len += len;
    if (run->close_after && o->len >= run->close_after)
        iotls_conn_close(c);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    struct run *run = user;
    run->out->disconnected = true;
    run->out->retried_full_buffer = iotls_conn_retried_full_buffer(c);
    run->out->mfl_outcome = iotls_conn_mfl_outcome(c);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    struct run *run = user;
    run->out->errored = true;
    run->out->error = *err;
    run->out->retried_full_buffer = iotls_conn_retried_full_buffer(c);
    run->out->mfl_outcome = iotls_conn_mfl_outcome(c);
}

void iotls_test_client_run(const char *host, unsigned port, const iotls_conn_config_t *cfg,
                           const void *request, size_t request_len, size_t close_after,
                           iotls_test_client_result_t *out)
{
    iotls_test_client_run_on(NULL, host, port, cfg, request, request_len, close_after, out);
}

void iotls_test_client_run_on(iotls_loop_t *shared, const char *host, unsigned port,
                              const iotls_conn_config_t *cfg, const void *request,
                              size_t request_len, size_t close_after,
                              iotls_test_client_result_t *out)
{
    memset(out, 0, sizeof *out);
    iotls_error_clear(&out->error);
    struct run run = {out, request, request_len, close_after};
    iotls_conn_config_t defaults;
    if (!cfg) {
        iotls_conn_config_init(&defaults);
        cfg = &defaults;
    }
    iotls_loop_t *loop = shared ? shared : iotls_loop_new(&out->error);
    if (!loop) {
        out->errored = true;
        return;
    }
    iotls_conn_callbacks_t cb = {on_connected, on_received, NULL, on_disconnected, on_error};
    if (!iotls_conn_connect(loop, host, (uint16_t)port, cfg, &cb, &run, &out->error))
        out->errored = true;
    else
        iotls_loop_run(loop);
    if (!shared)
        iotls_loop_free(loop);
}

void iotls_test_client_result_free(iotls_test_client_result_t *r)
{
    free(r->data);
    r->data = NULL;
}
