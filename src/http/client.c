/*
 * http/client.c — one request at a time over an iotls connection: the
 * request goes out in pieces as the send queue frees up, the response
 * head is parsed under limits, the body is decoded (Content-Length,
 * chunked, or until close). A kept-alive connection is reused for the
 * same host and port; each host's TLS session is saved and offered next
 * time. A reused connection that the server had already closed is
 * retried once on a fresh one (nothing of the response had arrived).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "iotls/http.h"

#define CLIENT_SESSIONS 4
#define CLIENT_MAX_HEADERS_CAP 256

typedef enum { RC_IDLE, RC_CONNECTING, RC_HEAD, RC_BODY } rc_phase_t;

struct iotls_http_client {
    iotls_loop_t *loop;
    iotls_conn_config_t cfg;
    size_t max_header_bytes;
    unsigned max_headers;

    iotls_conn_t *conn;
    char conn_host[256];
    uint16_t conn_port;
    bool conn_open; /* handshake done, not closed */

    struct {
        char host[256];
        uint16_t port;
        size_t len;
        uint8_t data[IOTLS_SAVED_SESSION_MAX];
    } sessions[CLIENT_SESSIONS];
    unsigned next_session;

    /* the request in flight */
    rc_phase_t phase;
    iotls_http_client_callbacks_t cb;
    void *user;
    uint8_t *out;
    size_t out_len, out_sent;
    bool is_head, reused, retried, got_bytes;

    /* its response */
    char *head;
    size_t head_len;
    http_field_t *fields;
    const char **names, **values;
    http_head_t h;
    http_body_kind_t body_kind;
    uint64_t body_left;
    http_chunked_t chunked;
    bool keep_alive;
};

void iotls_http_client_limits(iotls_http_client_t *cl, size_t max_header_bytes,
                              unsigned max_headers)
{
    if (cl->phase != RC_IDLE)
        return;
    cl->max_header_bytes = max_header_bytes >= 64 ? max_header_bytes : 64;
    cl->max_headers = max_headers ? max_headers : 1;
    if (cl->max_headers > CLIENT_MAX_HEADERS_CAP)
        cl->max_headers = CLIENT_MAX_HEADERS_CAP;
}

iotls_http_client_t *iotls_http_client_new(iotls_loop_t *loop, const iotls_conn_config_t *cfg,
                                           iotls_error_t *err)
{
    if (!loop || !cfg) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "http client needs a loop and a config");
        return NULL;
    }
    iotls_http_client_t *cl = calloc(1, sizeof *cl);
    if (!cl) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for the http client");
        return NULL;
    }
    cl->loop = loop;
    cl->cfg = *cfg;
    cl->max_header_bytes = 8192;
    cl->max_headers = 64;
    return cl;
}

static void drop_conn(iotls_http_client_t *cl, bool graceful)
{
    if (!cl->conn)
        return;
    iotls_conn_t *c = cl->conn;
    cl->conn = NULL;
    cl->conn_open = false;
    if (graceful)
        iotls_conn_close(c); /* its late callbacks find c != cl->conn */
    else
        iotls_conn_abort(c);
}

static void clear_response(iotls_http_client_t *cl)
{
    free(cl->head);
    free(cl->fields);
    free(cl->names);
    free(cl->values);
    cl->head = NULL;
    cl->fields = NULL;
    cl->names = cl->values = NULL;
    cl->head_len = 0;
    memset(&cl->h, 0, sizeof cl->h);
}

static void finish(iotls_http_client_t *cl, const iotls_error_t *err)
{
    if (cl->phase == RC_IDLE)
        return;
    if (err || !cl->keep_alive)
        drop_conn(cl, err == NULL);
    cl->phase = RC_IDLE;
    free(cl->out);
    cl->out = NULL;
    clear_response(cl);
    iotls_http_client_callbacks_t cb = cl->cb;
    if (cb.done)
        cb.done(cl, err, cl->user); /* may start the next request */
}

static void fail(iotls_http_client_t *cl, iotls_err_t code, const char *text)
{
    iotls_error_t e;
    iotls_error_clear(&e);
    iotls_error_set(&e, code, "%s", text);
    finish(cl, &e);
}

static void pump_out(iotls_http_client_t *cl)
{
    while (cl->conn && cl->out_sent < cl->out_len) {
        size_t room = iotls_conn_send_space(cl->conn);
        if (room == 0)
            return;
        size_t n = cl->out_len - cl->out_sent;
        if (n > room)
            n = room;
        if (iotls_conn_send(cl->conn, cl->out + cl->out_sent, n, NULL) < 0)
            return;
        cl->out_sent += n;
    }
}

static void save_session(iotls_http_client_t *cl)
{
    for (unsigned i = 0; i < CLIENT_SESSIONS; i++)
        if (cl->sessions[i].port == cl->conn_port && !strcmp(cl->sessions[i].host, cl->conn_host)) {
            cl->sessions[i].len = iotls_conn_session_save(cl->conn, cl->sessions[i].data,
                                                          sizeof cl->sessions[i].data);
            return;
        }
    unsigned i = cl->next_session++ % CLIENT_SESSIONS;
    snprintf(cl->sessions[i].host, sizeof cl->sessions[i].host, "%s", cl->conn_host);
    cl->sessions[i].port = cl->conn_port;
    cl->sessions[i].len =
        iotls_conn_session_save(cl->conn, cl->sessions[i].data, sizeof cl->sessions[i].data);
}

static const uint8_t *find_session(const iotls_http_client_t *cl, const char *host, uint16_t port,
                                   size_t *len)
{
    for (unsigned i = 0; i < CLIENT_SESSIONS; i++)
        if (cl->sessions[i].len && cl->sessions[i].port == port &&
            !strcmp(cl->sessions[i].host, host)) {
            *len = cl->sessions[i].len;
            return cl->sessions[i].data;
        }
    *len = 0;
    return NULL;
}

const char *iotls_http_client_host(const iotls_http_client_t *cl)
{
    return cl->conn_host;
}

size_t iotls_http_client_session(const iotls_http_client_t *cl, uint8_t *out, size_t cap)
{
    size_t len;
    const uint8_t *s = find_session(cl, cl->conn_host, cl->conn_port, &len);
    if (!s || len > cap)
        return 0;
    memcpy(out, s, len);
    return len;
}

/* ---- response parsing ------------------------------------------------------ */

static void body_bytes(iotls_http_client_t *cl, const uint8_t *d, size_t n)
{
    if (n && cl->cb.body)
        cl->cb.body(cl, d, n, cl->user);
}

/* Returns bytes consumed, or -1 when the exchange ended (finish called). */
static long take_body(iotls_http_client_t *cl, const uint8_t *d, size_t n)
{
    if (cl->body_kind == HTTP_BODY_UNTIL_CLOSE) {
        body_bytes(cl, d, n);
        return (long)n;
    }
    if (cl->body_kind == HTTP_BODY_LENGTH) {
        size_t k = n < cl->body_left ? n : (size_t)cl->body_left;
        cl->body_left -= k;
        body_bytes(cl, d, k);
        if (cl->phase != RC_BODY)
            return -1;
        if (cl->body_left == 0) {
            finish(cl, NULL);
            return -1;
        }
        return (long)k;
    }
    size_t off, dl;
    bool done;
    long r = http_chunked_step(&cl->chunked, d, n, &off, &dl, &done);
    if (r < 0) {
        fail(cl, IOTLS_ERR_PROTOCOL, "malformed chunked body from the server");
        return -1;
    }
    body_bytes(cl, d + off, dl);
    if (cl->phase != RC_BODY)
        return -1;
    if (done) {
        finish(cl, NULL);
        return -1;
    }
    return r;
}

/* A complete head of hl bytes is in cl->head. -1 when finished. */
static int head_done(iotls_http_client_t *cl, size_t hl)
{
    int rc = http_head_parse_response(cl->head, hl, cl->fields, cl->max_headers, &cl->h);
    if (rc) {
        fail(cl, IOTLS_ERR_PROTOCOL,
             rc == 431 ? "response has more header fields than the client's limit"
                       : "malformed HTTP response head");
        return -1;
    }
    if (cl->h.status >= 100 && cl->h.status < 200)
        return 1; /* interim (100 Continue): the real head follows */
    const char *conn = http_head_field(&cl->h, "Connection");
    cl->keep_alive = cl->h.version_minor >= 1 ? !http_value_has_token(conn, "close")
                                              : http_value_has_token(conn, "keep-alive");
    if (cl->is_head || cl->h.status == 204 || cl->h.status == 304) {
        cl->body_kind = HTTP_BODY_NONE;
    } else if (http_body_framing(&cl->h, false, &cl->body_kind, &cl->body_left)) {
        fail(cl, IOTLS_ERR_PROTOCOL, "response with conflicting or unknown body framing");
        return -1;
    }
    if (cl->body_kind == HTTP_BODY_UNTIL_CLOSE)
        cl->keep_alive = false;
    http_chunked_init(&cl->chunked);
    for (unsigned i = 0; i < cl->h.field_count; i++) {
        cl->names[i] = cl->h.fields[i].name;
        cl->values[i] = cl->h.fields[i].value;
    }
    iotls_http_response_t resp = {
        .status = cl->h.status,
        .reason = cl->h.reason,
        .version_minor = cl->h.version_minor,
        .content_length = cl->body_kind == HTTP_BODY_LENGTH ? (int64_t)cl->body_left
                          : cl->body_kind == HTTP_BODY_NONE ? 0
                                                            : -1,
        .header_count = cl->h.field_count,
        .header_names = cl->names,
        .header_values = cl->values,
        .tls = cl->conn ? iotls_conn_report(cl->conn) : NULL,
        .conn = cl->conn,
        .reused = cl->reused,
    };
    cl->phase = RC_BODY;
    if (cl->cb.response)
        cl->cb.response(cl, &resp, cl->user);
    if (cl->phase != RC_BODY)
        return -1;
    if (cl->body_kind == HTTP_BODY_NONE) {
        finish(cl, NULL);
        return -1;
    }
    return 0;
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    iotls_http_client_t *cl = user;
    if (c != cl->conn || cl->phase == RC_IDLE)
        return; /* a kept-alive connection talking out of turn: ignored */
    cl->got_bytes = true;
    while (len > 0 && cl->phase != RC_IDLE) {
        if (cl->phase == RC_BODY) {
            long n = take_body(cl, data, len);
            if (n < 0)
                return;
            data += n;
            len -= (size_t)n;
            continue;
        }
        size_t room = cl->max_header_bytes - cl->head_len;
        size_t n = len < room ? len : room;
        size_t before = cl->head_len;
        memcpy(cl->head + cl->head_len, data, n);
        cl->head_len += n;
        long end =
            http_head_scan(cl->head, cl->head_len, cl->max_header_bytes, cl->max_header_bytes);
        if (end < 0 || (end == 0 && cl->head_len == cl->max_header_bytes)) {
            fail(cl, IOTLS_ERR_PROTOCOL, "response head larger than the client's limit");
            return;
        }
        if (end == 0)
            return;
        size_t used = (size_t)end - before;
        data += used;
        len -= used;
        int r = head_done(cl, (size_t)end);
        if (r < 0)
            return;
        if (r == 1)
            cl->head_len = 0; /* interim response: parse the next head */
    }
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    iotls_http_client_t *cl = user;
    if (c != cl->conn)
        return;
    cl->conn_open = true;
    save_session(cl);
    if (cl->phase == RC_CONNECTING)
        cl->phase = RC_HEAD;
    pump_out(cl);
}

static void on_sent(iotls_conn_t *c, void *user)
{
    iotls_http_client_t *cl = user;
    if (c == cl->conn)
        pump_out(cl);
}

static int send_request(iotls_http_client_t *cl, iotls_error_t *err);

static void conn_ended(iotls_http_client_t *cl, const iotls_error_t *err)
{
    cl->conn = NULL;
    cl->conn_open = false;
    if (cl->phase == RC_IDLE)
        return;
    if (cl->reused && !cl->got_bytes && !cl->retried) {
        /* The server closed the idle connection as we reused it. */
        cl->retried = true;
        cl->reused = false;
        iotls_error_t e;
        iotls_error_clear(&e);
        if (send_request(cl, &e) < 0)
            finish(cl, &e);
        return;
    }
    if (!err && cl->phase == RC_BODY && cl->body_kind == HTTP_BODY_UNTIL_CLOSE) {
        finish(cl, NULL);
        return;
    }
    iotls_error_t e;
    iotls_error_clear(&e);
    if (err)
        iotls_error_copy(&e, err);
    else
        iotls_error_set(&e, IOTLS_ERR_TRUNCATED, "the server closed before the response ended");
    finish(cl, &e);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    iotls_http_client_t *cl = user;
    if (c == cl->conn)
        conn_ended(cl, NULL);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    iotls_http_client_t *cl = user;
    if (c == cl->conn)
        conn_ended(cl, err);
}

static const iotls_conn_callbacks_t client_cbs = {on_connected, on_received, on_sent,
                                                  on_disconnected, on_error};

/* Send cl->out on the kept connection or a new one to conn_host:conn_port. */
static int send_request(iotls_http_client_t *cl, iotls_error_t *err)
{
    cl->got_bytes = false;
    cl->out_sent = 0;
    cl->head_len = 0;
    if (cl->conn && cl->conn_open) {
        cl->reused = true;
        cl->phase = RC_HEAD;
        pump_out(cl);
        return 0;
    }
    drop_conn(cl, false);
    iotls_conn_config_t cfg = cl->cfg;
    size_t slen;
    const uint8_t *s = find_session(cl, cl->conn_host, cl->conn_port, &slen);
    if (s) { /* this client's latest session beats one given in cfg */
        cfg.tls.resume = s;
        cfg.tls.resume_len = slen;
    }
    cl->phase = RC_CONNECTING;
    cl->conn =
        iotls_conn_connect(cl->loop, cl->conn_host, cl->conn_port, &cfg, &client_cbs, cl, err);
    if (!cl->conn) {
        cl->phase = RC_IDLE;
        return -1;
    }
    return 0;
}

static bool append(char **buf, size_t *len, size_t *cap, const void *d, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 512;
        while (c < *len + n + 1)
            c *= 2;
        char *b = realloc(*buf, c);
        if (!b)
            return false;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, d, n);
    *len += n;
    (*buf)[*len] = '\0';
    return true;
}

int iotls_http_client_request(iotls_http_client_t *cl, const char *method, const char *url,
                              const char *const *headers, size_t header_count, const void *body,
                              size_t body_len, const iotls_http_client_callbacks_t *cb, void *user,
                              iotls_error_t *err)
{
    if (!cl || !method || !url || !cb) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "request needs a method, a URL and callbacks");
        return -1;
    }
    if (cl->phase != RC_IDLE) {
        iotls_error_set(err, IOTLS_ERR_BAD_STATE, "the client has a request in flight");
        return -1;
    }
    http_url_t u;
    if (http_url_parse(url, &u) < 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "bad URL '%s' (expected https://host[:port]/path?query)", url);
        return -1;
    }
    if (strcmp(u.scheme, "https") != 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "'%s': the client speaks https:// only (TLS is not optional)", url);
        return -1;
    }
    for (const char *m = method; *m; m++)
        if (*m < 'A' || *m > 'Z') {
            iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "bad method '%s'", method);
            return -1;
        }
    for (size_t i = 0; i < header_count; i++)
        if (!headers[i] || strpbrk(headers[i], "\r\n") || !strchr(headers[i], ':')) {
            iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "bad header '%s' (Name: value)",
                            headers[i] ? headers[i] : "(null)");
            return -1;
        }
    char *out = NULL;
    size_t len = 0, cap = 0;
    char line[2400];
    bool v6 = strchr(u.host, ':') != NULL;
    bool default_port = u.port == 443;
    int n = snprintf(line, sizeof line, "%s %s HTTP/1.1\r\nHost: %s%s%s", method, u.target,
                     v6 ? "[" : "", u.host, v6 ? "]" : "");
    bool ok = n > 0 && (size_t)n < sizeof line && append(&out, &len, &cap, line, (size_t)n);
    if (ok && !default_port) {
        n = snprintf(line, sizeof line, ":%u", (unsigned)u.port);
        ok = append(&out, &len, &cap, line, (size_t)n);
    }
    static const char std[] = "\r\nUser-Agent: iotls\r\nAccept: */*\r\n";
    ok = ok && append(&out, &len, &cap, std, sizeof std - 1);
    for (size_t i = 0; ok && i < header_count; i++)
        ok = append(&out, &len, &cap, headers[i], strlen(headers[i])) &&
             append(&out, &len, &cap, "\r\n", 2);
    bool bodyless = !strcmp(method, "GET") || !strcmp(method, "HEAD") || !strcmp(method, "DELETE");
    if (ok && (body || !bodyless)) {
        n = snprintf(line, sizeof line, "Content-Length: %zu\r\n", body ? body_len : 0);
        ok = append(&out, &len, &cap, line, (size_t)n);
    }
    ok = ok && append(&out, &len, &cap, "\r\n", 2);
    if (ok && body && body_len)
        ok = append(&out, &len, &cap, body, body_len);
    cl->head = malloc(cl->max_header_bytes);
    cl->fields = calloc(cl->max_headers, sizeof *cl->fields);
    cl->names = calloc(cl->max_headers, sizeof *cl->names);
    cl->values = calloc(cl->max_headers, sizeof *cl->values);
    if (!ok || !cl->head || !cl->fields || !cl->names || !cl->values) {
        free(out);
        clear_response(cl);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for the request");
        return -1;
    }
    /* A kept connection to another server is of no use now. */
    if (cl->conn && (strcmp(cl->conn_host, u.host) || cl->conn_port != u.port))
        drop_conn(cl, true);
    snprintf(cl->conn_host, sizeof cl->conn_host, "%s", u.host);
    cl->conn_port = u.port;
    cl->out = (uint8_t *)out;
    cl->out_len = len;
    cl->cb = *cb;
    cl->user = user;
    cl->is_head = !strcmp(method, "HEAD");
    cl->reused = cl->retried = false;
    cl->keep_alive = false;
    if (send_request(cl, err) < 0) {
        free(cl->out);
        cl->out = NULL;
        clear_response(cl);
        return -1;
    }
    return 0;
}

void iotls_http_client_close_idle(iotls_http_client_t *cl)
{
    if (cl && cl->phase == RC_IDLE)
        drop_conn(cl, true);
}

void iotls_http_client_free(iotls_http_client_t *cl)
{
    if (!cl)
        return;
    drop_conn(cl, false);
    free(cl->out);
    clear_response(cl);
    memset(cl->sessions, 0, sizeof cl->sessions); /* master secrets */
    free(cl);
}
