/* http/request.c — what a handler reads from the request. */
#include <string.h>

#include "http/http_internal.h"

const char *iotls_http_req_method(const iotls_http_req_t *req)
{
    return req->head.method ? req->head.method : "";
}

const char *iotls_http_req_target(const iotls_http_req_t *req)
{
    return req->head.target ? req->head.target : "";
}

const char *iotls_http_req_path(const iotls_http_req_t *req)
{
    return req->path ? req->path : "";
}

const char *iotls_http_req_query(const iotls_http_req_t *req)
{
    return req->query ? req->query : "";
}

const char *iotls_http_req_param(const iotls_http_req_t *req, const char *name)
{
    size_t nl = strlen(name);
    for (unsigned i = 0; i < req->param_count; i++)
        if (req->param_name_lens[i] == nl && memcmp(req->param_names[i], name, nl) == 0)
            return req->param_values[i];
    return NULL;
}

const char *iotls_http_req_header(const iotls_http_req_t *req, const char *name)
{
    return http_head_field(&req->head, name);
}

size_t iotls_http_req_header_count(const iotls_http_req_t *req)
{
    return req->head.field_count;
}

bool iotls_http_req_header_at(const iotls_http_req_t *req, size_t i, const char **name,
                              const char **value)
{
    if (i >= req->head.field_count)
        return false;
    *name = req->head.fields[i].name;
    *value = req->head.fields[i].value;
    return true;
}

int64_t iotls_http_req_content_length(const iotls_http_req_t *req)
{
    if (req->body_kind == HTTP_BODY_CHUNKED)
        return -1;
    if (req->body_kind == HTTP_BODY_NONE)
        return 0;
    return (int64_t)(req->body_left + req->body_seen);
}

const uint8_t *iotls_http_req_body(const iotls_http_req_t *req, size_t *len)
{
    *len = req->body_mode == BODY_COLLECT ? req->body_len : 0;
    return req->body && req->body_mode == BODY_COLLECT ? req->body : (const uint8_t *)"";
}

long iotls_http_req_read(iotls_http_req_t *req, void *buf, size_t cap)
{
    if (req->body_mode != BODY_STREAM || cap == 0)
        return req->body_done ? 0 : IOTLS_HTTP_AGAIN;
    /* Bytes an earlier call left unread come first. */
    if (req->body_len) {
        size_t n = req->body_len < cap ? req->body_len : cap;
        memcpy(buf, req->body, n);
        memmove(req->body, req->body + n, req->body_len - n);
        req->body_len -= n;
        return (long)n;
    }
    if (req->stream_len) {
        size_t n = req->stream_len < cap ? req->stream_len : cap;
        memcpy(buf, req->stream_data, n);
        req->stream_data += n;
        req->stream_len -= n;
        return (long)n;
    }
    return req->body_done ? 0 : IOTLS_HTTP_AGAIN;
}

const iotls_report_t *iotls_http_req_tls(const iotls_http_req_t *req)
{
    return req->sc->ops->report ? req->sc->ops->report(req->sc->t) : NULL;
}

const char *iotls_http_req_peer(const iotls_http_req_t *req)
{
    return req->sc->ops->peer ? req->sc->ops->peer(req->sc->t) : "";
}

const char *iotls_http_req_auth_user(const iotls_http_req_t *req)
{
    return req->auth_user;
}

void iotls_http_req_set_ctx(iotls_http_req_t *req, void *ctx)
{
    req->ctx = ctx;
}

void *iotls_http_req_ctx(const iotls_http_req_t *req)
{
    return req->ctx;
}

void iotls_http_req_set_conn_ctx(iotls_http_req_t *req, void *ctx, void (*free_fn)(void *ctx))
{
    iotls_http_sconn_t *sc = req->sc;
    if (sc->conn_ctx_free && sc->conn_ctx && sc->conn_ctx != ctx)
        sc->conn_ctx_free(sc->conn_ctx);
    sc->conn_ctx = ctx;
    sc->conn_ctx_free = free_fn;
}

void *iotls_http_req_conn_ctx(const iotls_http_req_t *req)
{
    return req->sc->conn_ctx;
}

long iotls_http_query_value(const char *query, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *q = query; q && *q;) {
        size_t l = strcspn(q, "&");
        const char *eq = memchr(q, '=', l);
        size_t nl = eq ? (size_t)(eq - q) : l;
        if (nl == kl && memcmp(q, key, kl) == 0) {
            const char *v = eq ? eq + 1 : q + l;
            return http_pct_decode(v, (size_t)(q + l - v), true, out, cap);
        }
        q += l;
        if (*q == '&')
            q++;
    }
    return -1;
}
