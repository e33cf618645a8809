/*
 * libFuzzer target for the HTTP server's connection state machine
 * (src/http/server_conn.c and friends) over an in-memory transport.
 * Input: 1 byte of transport room (x64 bytes, 0 = none until drained) +
 * a byte stream cut into pieces at each 0xFF byte. Each piece is fed as
 * one input; the transport then drains. Routes cover buffered,
 * streamed and chunked handlers. The server must never crash or leak,
 * whatever it is fed, and must free every connection.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    size_t room, queued;
    bool closed, aborted;
} mem_t;

static int m_send(void *t, const void *d, size_t len, iotls_error_t *err)
{
    mem_t *m = t;
    if (m->closed || m->aborted || len > m->room - m->queued)
        return -1;
    m->queued += len;
    return 0;
}
static size_t m_space(void *t)
{
    mem_t *m = t;
    return m->closed || m->aborted ? 0 : m->room - m->queued;
}
static void m_hold(void *t, bool held)
{
}
static void m_close(void *t)
{
    ((mem_t *)t)->closed = true;
}
static void m_abort(void *t)
{
    ((mem_t *)t)->aborted = true;
}
static const char *m_peer(void *t)
{
    return "fuzz";
}
static const iotls_http_transport_ops_t ops = {m_send,  m_space, m_hold, m_close,
                                               m_abort, NULL,    m_peer};

static void h_get(iotls_http_req_t *req, void *user)
{
    char v[16];
    iotls_http_query_value(iotls_http_req_query(req), "a", v, sizeof v);
    iotls_http_resp_header(req, "X-Id", iotls_http_req_param(req, "id"));
    iotls_http_resp_send(req, 200, "text/plain", v, strlen(v));
}

static void h_put(iotls_http_req_t *req, void *user)
{
    size_t len;
    const uint8_t *b = iotls_http_req_body(req, &len);
    iotls_http_resp_start(req, 200, NULL, -1);
    iotls_http_resp_write(req, b, len);
    iotls_http_resp_end(req);
}

static void h_stream(iotls_http_req_t *req, void *user)
{
    uint8_t buf[7];
    long n;
    while ((n = iotls_http_req_read(req, buf, sizeof buf)) > 0)
        if (buf[0] == 'X')
            iotls_http_resp_send(req, 400, NULL, "x", 1); /* answer early */
    if (n == 0)
        iotls_http_resp_send(req, 201, NULL, NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static iotls_loop_t *loop;
    if (!loop && !(loop = iotls_loop_new(NULL)))
        return 0;
    if (size < 1)
        return 0;
    iotls_http_server_config_t cfg;
    iotls_http_server_config_init(&cfg);
    cfg.max_header_bytes = 512;
    cfg.max_request_line = 128;
    cfg.max_headers = 8;
    cfg.max_body = 300;
    cfg.max_body_buffered = 100;
    iotls_http_server_t *srv = iotls_http_server_new(loop, &cfg, NULL);
    if (!srv)
        return 0;
    iotls_http_server_route(srv, "GET", "/i/{id}", 0, h_get, NULL, NULL);
    iotls_http_server_route(srv, "PUT", "/b", 0, h_put, NULL, NULL);
    iotls_http_server_route(srv, "POST", "/s/*", IOTLS_HTTP_STREAM_BODY, h_stream, NULL, NULL);
    mem_t m = {.room = (size_t)data[0] * 64};
    iotls_http_sconn_t *sc = iotls_http_server_attach(srv, &ops, &m, NULL);
    if (sc) {
        const uint8_t *p = data + 1, *end = data + size;
        while (p < end && !m.aborted && !m.closed) {
            const uint8_t *cut = memchr(p, 0xFF, (size_t)(end - p));
            size_t n = cut ? (size_t)(cut - p) : (size_t)(end - p);
            iotls_http_sconn_input(sc, p, n);
            if (m.aborted || m.closed)
                break;
            m.queued = 0;
            if (!m.room)
                m.room = 256;
            iotls_http_sconn_drained(sc);
            p += n + (cut ? 1 : 0);
        }
        if (!m.aborted)
            iotls_http_sconn_gone(sc);
    }
    iotls_http_server_free(srv);
    return 0;
}
