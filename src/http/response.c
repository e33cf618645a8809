/*
 * http/response.c — status line, headers, Content-Length or chunked body,
 * and the tail buffer that holds what the transport cannot take yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

const char *iotls_http_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

static int push(iotls_http_sconn_t *sc, const uint8_t *data, size_t len)
{
    while (len > 0) {
        size_t room = sc->ops->send_space(sc->t);
        if (room == 0)
            break;
        size_t n = len < room ? len : room;
        if (sc->ops->send(sc->t, data, n, NULL) < 0)
            break;
        data += n;
        len -= n;
    }
    return (int)len; /* not taken */
}

int http_out(iotls_http_sconn_t *sc, const void *data, size_t len)
{
    if (sc->dead || len == 0)
        return 0;
    const uint8_t *d = data;
    if (sc->tail_len == 0) {
        size_t left = (size_t)push(sc, d, len);
        d += len - left;
        len = left;
        if (len == 0)
            return 0;
    }
    if (sc->tail_len + len > sc->tail_cap) {
        size_t cap = sc->tail_cap ? sc->tail_cap : 1024;
        while (cap < sc->tail_len + len)
            cap *= 2;
        uint8_t *t = realloc(sc->tail, cap);
        if (!t) {
            http_sconn_abort(sc);
            return -1;
        }
        sc->tail = t;
        sc->tail_cap = cap;
    }
    memcpy(sc->tail + sc->tail_len, d, len);
    sc->tail_len += len;
    return 0;
}

void http_flush_tail(iotls_http_sconn_t *sc)
{
    if (sc->dead || sc->tail_len == 0)
        return;
    size_t left = (size_t)push(sc, sc->tail, sc->tail_len);
    memmove(sc->tail, sc->tail + (sc->tail_len - left), left);
    sc->tail_len = left;
    if (left == 0 && sc->tail_cap > 4096) {
        /* A large response is over: give its memory back. */
        free(sc->tail);
        sc->tail = NULL;
        sc->tail_cap = 0;
    }
}

static bool header_ok(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

int iotls_http_resp_header(iotls_http_req_t *req, const char *name, const char *value)
{
    if (req->started || !header_ok(name) || !header_ok(value) || !*name || strchr(name, ':'))
        return -1;
    size_t add = strlen(name) + strlen(value) + 4;
    if (req->resp_headers_len + add > HTTP_MAX_RESP_HEADERS)
        return -1;
    char *h = realloc(req->resp_headers, req->resp_headers_len + add + 1);
    if (!h)
        return -1;
    req->resp_headers = h;
    snprintf(h + req->resp_headers_len, add + 1, "%s: %s\r\n", name, value);
    req->resp_headers_len += add;
    return 0;
}

void iotls_http_resp_close_after(iotls_http_req_t *req)
{
    if (req && !req->started)
        req->keep_alive = false;
}

int iotls_http_resp_start(iotls_http_req_t *req, int status, const char *content_type,
                          int64_t content_length)
{
    iotls_http_sconn_t *sc = req->sc;
    if (req->started || status < 200 || status > 999 || (content_type && !header_ok(content_type)))
        return -1;
    req->started = true;
    req->status = status;
    /* A body the client is still sending will not be read after this
     * response: say so, and close afterwards. */
    if (!req->body_done && req->body_mode != BODY_STREAM)
        req->keep_alive = false;
    bool no_body = status == 204 || status == 304;
    char head[512];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\n", status, iotls_http_reason(status));
    if (content_type && !no_body)
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Type: %s\r\n", content_type);
    if (no_body)
        content_length = 0;
    else if (content_length >= 0)
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %lld\r\n",
                      (long long)content_length);
    else
        n += snprintf(head + n, sizeof head - (size_t)n, "Transfer-Encoding: chunked\r\n");
    if (!req->keep_alive)
        n += snprintf(head + n, sizeof head - (size_t)n, "Connection: close\r\n");
    else if (req->head.version_minor == 0)
        n += snprintf(head + n, sizeof head - (size_t)n, "Connection: keep-alive\r\n");
    if ((size_t)n >= sizeof head)
        return -1;
    req->out_left = content_length;
    req->chunked_out = content_length < 0;
    if (http_out(sc, head, (size_t)n) < 0 ||
        http_out(sc, req->resp_headers ? req->resp_headers : "", req->resp_headers_len) < 0 ||
        http_out(sc, "\r\n", 2) < 0)
        return -1;
    if (no_body || req->head_only)
        req->chunked_out = false;
    return 0;
}

int iotls_http_resp_write(iotls_http_req_t *req, const void *data, size_t len)
{
    iotls_http_sconn_t *sc = req->sc;
    if (!req->started || req->ended)
        return -1;
    if (!req->chunked_out && req->out_left >= 0) {
        if ((uint64_t)len > (uint64_t)req->out_left)
            return -1;
        req->out_left -= (int64_t)len;
    }
    if (req->head_only || len == 0 || req->status == 204 || req->status == 304)
        return 0;
    if (req->chunked_out) {
        char size[24];
        int n = snprintf(size, sizeof size, "%zx\r\n", len);
        if (http_out(sc, size, (size_t)n) < 0 || http_out(sc, data, len) < 0 ||
            http_out(sc, "\r\n", 2) < 0)
            return -1;
        return 0;
    }
    return http_out(sc, data, len);
}

int iotls_http_resp_end(iotls_http_req_t *req)
{
    iotls_http_sconn_t *sc = req->sc;
    if (!req->started || req->ended)
        return -1;
    if (req->chunked_out && http_out(sc, "0\r\n\r\n", 5) < 0)
        return -1;
    if (!req->chunked_out && req->out_left > 0 && !req->head_only)
        req->keep_alive = false; /* short body: only a close tells the client */
    req->ended = true;
    /* A streaming handler may answer before the body ends: the rest is
     * read and dropped so the connection can be kept. */
    if (!req->body_done)
        req->body_mode = BODY_DISCARD;
    if (!sc->busy && !sc->dead)
        iotls_http_sconn_drained(sc); /* a deferred answer: move on */
    return 0;
}

int iotls_http_resp_send(iotls_http_req_t *req, int status, const char *content_type,
                         const void *body, size_t len)
{
    if (iotls_http_resp_start(req, status, content_type, (int64_t)len) < 0)
        return -1;
    if (iotls_http_resp_write(req, body, len) < 0)
        return -1;
    return iotls_http_resp_end(req);
}

size_t iotls_http_resp_pending(const iotls_http_req_t *req)
{
    return req->sc->tail_len;
}

void iotls_http_req_on_writable(iotls_http_req_t *req, iotls_http_handler_fn fn, void *user)
{
    req->on_writable = fn;
    req->writable_user = user;
}

void iotls_http_req_on_closed(iotls_http_req_t *req, iotls_http_handler_fn fn, void *user)
{
    req->on_closed = fn;
    req->closed_user = user;
}

void http_answer_error(iotls_http_req_t *req, int status, const char *extra_header)
{
    if (req->started)
        return;
    req->sc->srv->stats.errors_4xx += status >= 400 && status < 500;
    if (extra_header) {
        /* "Name: value\r\n" as built by the server itself. */
        free(req->resp_headers);
        req->resp_headers = NULL;
        size_t l = strlen(extra_header);
        req->resp_headers = malloc(l + 1);
        if (req->resp_headers) {
            memcpy(req->resp_headers, extra_header, l + 1);
            req->resp_headers_len = l;
        } else {
            req->resp_headers_len = 0;
        }
    }
    char body[80];
    int n = snprintf(body, sizeof body, "%d %s\n", status, iotls_http_reason(status));
    iotls_http_resp_send(req, status, "text/plain; charset=utf-8", body, (size_t)n);
}
