/*
 * http/server_conn.c — one server connection: request heads under the
 * limits, body framing (Content-Length, chunked, 100-continue), dispatch to
 * handlers, keep-alive and the timers that bound every phase.
 *
 * Re-entrancy: every entry point (input, drained, timer, a handler ending
 * its response from elsewhere) runs between sc_enter and sc_leave. Only the
 * outermost sc_leave finishes requests, feeds held input and frees a dead
 * connection, so a handler can never find its request freed under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

static void sc_take(iotls_http_sconn_t *sc, const uint8_t *data, size_t len);
static void keep_pending(iotls_http_sconn_t *sc, const uint8_t *data, size_t len);

static void sc_free(iotls_http_sconn_t *sc)
{
    iotls_http_server_t *srv = sc->srv;
    if (sc->prev)
        sc->prev->next = sc->next;
    else
        srv->conns = sc->next;
    if (sc->next)
        sc->next->prev = sc->prev;
    srv->stats.open_conns--;
    if (sc->conn_ctx_free && sc->conn_ctx)
        sc->conn_ctx_free(sc->conn_ctx);
    iotls_timer_free(sc->timer);
    free(sc->head);
    free(sc->meta);
    free(sc->pending);
    free(sc->tail);
    free(sc->req.body);
    free(sc->req.resp_headers);
    free(sc);
}

static void sc_enter(iotls_http_sconn_t *sc)
{
    sc->busy++;
}

static void notify_closed(iotls_http_sconn_t *sc)
{
    iotls_http_req_t *req = &sc->req;
    if (sc->have_req && !req->ended && req->on_closed) {
        iotls_http_handler_fn fn = req->on_closed;
        req->on_closed = NULL;
        fn(req, req->closed_user);
    }
}

static void sc_close(iotls_http_sconn_t *sc)
{
    if (sc->phase == SC_CLOSING || sc->dead)
        return;
    sc->phase = SC_CLOSING;
    iotls_timer_disarm(sc->timer);
    sc->ops->close(sc->t);
}

static void hold(iotls_http_sconn_t *sc, bool on)
{
    if (sc->held != on && !sc->dead) {
        sc->held = on;
        sc->ops->hold(sc->t, on);
    }
}

static void reset_request(iotls_http_sconn_t *sc)
{
    free(sc->req.body);
    free(sc->req.resp_headers);
    memset(&sc->req, 0, sizeof sc->req);
    sc->req.sc = sc;
    sc->have_req = false;
    free(sc->head);
    free(sc->meta);
    sc->head = sc->meta = NULL;
    sc->head_len = sc->head_cap = 0;
}

void http_request_finished(iotls_http_sconn_t *sc)
{
    iotls_http_req_t *req = &sc->req;
    bool keep = req->keep_alive && req->body_done && sc->phase != SC_CLOSING;
    reset_request(sc);
    if (!keep) {
        sc_close(sc);
        return;
    }
    sc->phase = SC_IDLE;
    iotls_timer_arm(sc->timer, sc->srv->cfg.idle_timeout_ms, 0);
}

static void sc_leave(iotls_http_sconn_t *sc)
{
    if (sc->busy > 1) {
        sc->busy--;
        return;
    }
    while (!sc->dead) {
        if (sc->have_req && sc->req.ended && sc->tail_len == 0 &&
            (sc->req.body_done || !sc->req.keep_alive)) {
            http_request_finished(sc);
            continue;
        }
        if (sc->pending_len && (sc->phase == SC_IDLE || sc->phase == SC_BODY)) {
            uint8_t *p = sc->pending;
            size_t n = sc->pending_len;
            sc->pending = NULL;
            sc->pending_len = 0;
            sc_take(sc, p, n);
            free(p);
            continue;
        }
        break;
    }
    if (!sc->dead && sc->pending_len == 0 && sc->phase != SC_HANDLER)
        hold(sc, false);
    sc->busy--;
    if (sc->dead)
        sc_free(sc);
}

void http_sconn_abort(iotls_http_sconn_t *sc)
{
    sc_enter(sc);
    if (!sc->dead) {
        sc->dead = true;
        notify_closed(sc);
        sc->ops->abort(sc->t);
    }
    sc_leave(sc);
}

static void on_timer(iotls_timer_t *t, void *user)
{
    iotls_http_sconn_t *sc = user;
    sc_enter(sc);
    switch (sc->phase) {
    case SC_IDLE: sc_close(sc); break;
    case SC_HEAD:
    case SC_BODY:
        if (sc->have_req && sc->req.started) {
            http_sconn_abort(sc);
        } else {
            if (!sc->have_req) {
                sc->have_req = true;
                sc->req.body_done = true;
            }
            sc->req.keep_alive = false;
            http_answer_error(&sc->req, 408, NULL);
        }
        break;
    default: break;
    }
    sc_leave(sc);
}

iotls_http_sconn_t *iotls_http_server_attach(iotls_http_server_t *srv,
                                             const iotls_http_transport_ops_t *ops, void *t,
                                             iotls_error_t *err)
{
    iotls_http_sconn_t *sc = calloc(1, sizeof *sc);
    if (sc)
        sc->timer = iotls_timer_new(srv->loop, on_timer, sc);
    if (!sc || !sc->timer) {
        free(sc);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for an http connection");
        return NULL;
    }
    sc->srv = srv;
    sc->ops = ops;
    sc->t = t;
    sc->req.sc = sc;
    sc->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = sc;
    srv->conns = sc;
    srv->stats.accepted++;
    srv->stats.open_conns++;
    iotls_timer_arm(sc->timer, srv->cfg.idle_timeout_ms, 0);
    return sc;
}

void iotls_http_sconn_secured(iotls_http_sconn_t *sc, const iotls_report_t *r)
{
    if (r && r->resumed)
        sc->srv->stats.handshakes_resumed++;
    else
        sc->srv->stats.handshakes_full++;
}

void iotls_http_sconn_gone(iotls_http_sconn_t *sc)
{
    sc_enter(sc);
    if (!sc->dead) {
        sc->dead = true;
        notify_closed(sc);
    }
    sc_leave(sc);
}

void iotls_http_sconn_drained(iotls_http_sconn_t *sc)
{
    sc_enter(sc);
    http_flush_tail(sc);
    iotls_http_req_t *req = &sc->req;
    if (!sc->dead && sc->tail_len == 0 && sc->have_req && req->started && !req->ended &&
        req->on_writable)
        req->on_writable(req, req->writable_user);
    sc_leave(sc);
}

/* ---- a request arrives ----------------------------------------------------- */

static void call_handler(iotls_http_req_t *req)
{
    iotls_http_sconn_t *sc = req->sc;
    if (req->ended || sc->dead)
        return;
    sc_enter(sc);
    req->route->fn(req, req->route->user);
    sc_leave(sc);
}

static void body_complete(iotls_http_sconn_t *sc)
{
    iotls_http_req_t *req = &sc->req;
    req->body_done = true;
    if (sc->phase == SC_BODY)
        sc->phase = SC_HANDLER;
    iotls_timer_disarm(sc->timer);
    if (req->body_mode == BODY_COLLECT && req->body)
        req->body[req->body_len] = '\0';
    if (req->body_mode != BODY_DISCARD)
        call_handler(req);
    else if (!req->ended)
        http_answer_error(req, 500, NULL);
}

static bool collect(iotls_http_req_t *req, const uint8_t *data, size_t n)
{
    size_t limit = req->sc->srv->cfg.max_body_buffered;
    if (req->body_len + n > limit)
        return false;
    if (req->body_len + n + 1 > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap * 2 : 1024;
        while (cap < req->body_len + n + 1)
            cap *= 2;
        if (cap > limit + 1)
            cap = limit + 1;
        uint8_t *b = realloc(req->body, cap);
        if (!b)
            return false;
        req->body = b;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, n);
    req->body_len += n;
    return true;
}

static void deliver(iotls_http_sconn_t *sc, const uint8_t *data, size_t n)
{
    iotls_http_req_t *req = &sc->req;
    req->body_seen += n;
    if (req->body_seen > sc->srv->cfg.max_body && req->ended) {
        http_sconn_abort(sc); /* still sending after its answer: stop it */
        return;
    }
    if (req->body_seen > sc->srv->cfg.max_body) {
        req->body_mode = BODY_DISCARD;
        req->keep_alive = false;
        http_answer_error(req, 413, NULL);
        return;
    }
    switch (req->body_mode) {
    case BODY_COLLECT:
        if (!collect(req, data, n)) {
            req->body_mode = BODY_DISCARD;
            req->keep_alive = false;
            http_answer_error(req, 413, NULL);
        }
        break;
    case BODY_STREAM:
        req->stream_data = data;
        req->stream_len = n;
        call_handler(req);
        /* Unread bytes wait in the body buffer for the next read() (not
         * when the handler has answered: the rest is dropped then). */
        if (req->stream_len && !sc->dead && req->body_mode == BODY_STREAM) {
            const uint8_t *rest = req->stream_data;
            size_t len = req->stream_len;
            req->stream_len = 0;
            if (!collect(req, rest, len))
                http_sconn_abort(sc);
        }
        req->stream_len = 0;
        break;
    case BODY_DISCARD: break;
    }
}

/* Body bytes; returns how many were taken. */
static size_t feed_body(iotls_http_sconn_t *sc, const uint8_t *data, size_t len)
{
    iotls_http_req_t *req = &sc->req;
    iotls_timer_arm(sc->timer, sc->srv->cfg.idle_timeout_ms, 0);
    if (req->body_kind == HTTP_BODY_LENGTH) {
        size_t n = len < req->body_left ? len : (size_t)req->body_left;
        req->body_left -= n;
        deliver(sc, data, n);
        if (req->body_left == 0 && !sc->dead)
            body_complete(sc);
        return n;
    }
    size_t off, dl;
    bool done;
    long r = http_chunked_step(&req->chunked, data, len, &off, &dl, &done);
    if (r < 0) {
        req->keep_alive = false;
        req->body_mode = BODY_DISCARD;
        if (!req->started)
            http_answer_error(req, 400, NULL);
        else
            http_sconn_abort(sc);
        req->body_done = true;
        sc->phase = SC_HANDLER;
        return len;
    }
    if (dl)
        deliver(sc, data + off, dl);
    if (done && !sc->dead)
        body_complete(sc);
    return (size_t)r;
}

/* The parser refused the head: answer and close. */
static void head_error(iotls_http_sconn_t *sc, int status)
{
    sc->have_req = true;
    sc->req.keep_alive = false;
    sc->req.body_done = true;
    sc->phase = SC_HANDLER;
    http_answer_error(&sc->req, status, NULL);
}

static bool check_auth(iotls_http_sconn_t *sc, iotls_http_req_t *req)
{
    const iotls_http_server_t *srv = sc->srv;
    if (!srv->auth_userpass)
        return true;
    const char *h = http_head_field(&req->head, "Authorization");
    if (!h || strncmp(h, "Basic ", 6) != 0)
        return false;
    h += 6;
    uint8_t dec[256];
    long n = http_base64_decode(h, strlen(h), dec, sizeof dec);
    size_t want = strlen(srv->auth_userpass);
    if (n < 0)
        return false;
    /* Constant time over the expected string. */
    unsigned diff = (size_t)n != want;
    for (size_t i = 0; i < want; i++)
        diff |= (unsigned)(dec[i < (size_t)n ? i : 0] ^ (uint8_t)srv->auth_userpass[i]);
    if (diff)
        return false;
    /* The user name is the part before ':' in our own copy. */
    char *user = req->user_area;
    memcpy(user, srv->auth_userpass, srv->auth_user_len);
    user[srv->auth_user_len] = '\0';
    req->auth_user = user;
    return true;
}

static void start_request(iotls_http_sconn_t *sc, size_t head_len)
{
    iotls_http_server_t *srv = sc->srv;
    iotls_http_req_t *req = &sc->req;
    const iotls_http_server_config_t *cfg = &srv->cfg;
    sc->have_req = true;
    /* Field table and scratch sized for this head: a line per field at
     * most, a path and its parameters no longer than the first line. */
    unsigned lines = 0;
    for (size_t i = 0; i < head_len; i++)
        lines += sc->head[i] == '\n';
    unsigned nf = lines < cfg->max_headers ? lines : cfg->max_headers;
    const char *nl = memchr(sc->head, '\n', head_len); /* there: the head is complete */
    size_t line = nl ? (size_t)(nl - sc->head) + 1 : head_len;
    sc->meta = malloc((size_t)nf * sizeof(http_field_t) + 2 * line + HTTP_MAX_USER + 1);
    if (!sc->meta) {
        http_sconn_abort(sc);
        return;
    }
    http_field_t *fields = (http_field_t *)(void *)sc->meta;
    req->scratch = (char *)(fields + nf);
    req->user_area = req->scratch + line;
    req->param_area = req->user_area + HTTP_MAX_USER + 1;
    int rc = http_head_parse_request(sc->head, head_len, fields, nf, &req->head);
    if (rc) {
        head_error(sc, rc);
        return;
    }
    srv->stats.requests++;
    const http_head_t *h = &req->head;
    const char *conn = http_head_field(h, "Connection");
    req->keep_alive = h->version_minor >= 1 ? !http_value_has_token(conn, "close")
                                            : http_value_has_token(conn, "keep-alive");
    if (h->version_minor >= 1 && !http_head_field(h, "Host")) {
        head_error(sc, 400);
        return;
    }
    rc = http_body_framing(h, true, &req->body_kind, &req->body_left);
    if (rc) {
        head_error(sc, rc);
        return;
    }
    /* Path and query: the path is copied so the target stays intact. */
    const char *q = strchr(h->target, '?');
    size_t pl = q ? (size_t)(q - h->target) : strlen(h->target);
    memcpy(req->scratch, h->target, pl);
    req->scratch[pl] = '\0';
    req->path = req->scratch;
    req->query = q ? q + 1 : "";
    req->head_only = strcmp(h->method, "HEAD") == 0;
    req->body_done = req->body_kind == HTTP_BODY_NONE;

    if (!check_auth(sc, req)) {
        char www[160];
        snprintf(www, sizeof www, "WWW-Authenticate: Basic realm=\"%s\", charset=\"UTF-8\"\r\n",
                 srv->auth_realm);
        req->body_mode = BODY_DISCARD;
        http_answer_error(req, 401, www);
        goto after_answer;
    }
    bool known = false;
    char allow[128];
    req->route = http_route_match(srv, req, &known, allow, sizeof allow);
    if (!req->route) {
        req->body_mode = BODY_DISCARD;
        if (known) {
            char hdr[160];
            snprintf(hdr, sizeof hdr, "Allow: %s\r\n", allow);
            http_answer_error(req, 405, hdr);
        } else {
            http_answer_error(req, 404, NULL);
        }
        goto after_answer;
    }
    bool stream = req->route->flags & IOTLS_HTTP_STREAM_BODY;
    req->body_mode = stream ? BODY_STREAM : BODY_COLLECT;
    uint64_t limit = stream ? cfg->max_body : cfg->max_body_buffered;
    if (req->body_kind == HTTP_BODY_LENGTH && req->body_left > limit) {
        req->body_mode = BODY_DISCARD;
        req->keep_alive = false;
        http_answer_error(req, 413, NULL);
        goto after_answer;
    }
    if (req->body_kind == HTTP_BODY_LENGTH && !stream) {
        req->body = malloc((size_t)req->body_left + 1);
        if (!req->body) {
            http_sconn_abort(sc);
            return;
        }
        req->body_cap = (size_t)req->body_left + 1;
    }
    if (!req->body_done) {
        const char *expect = http_head_field(h, "Expect");
        if (expect && http_ieq(expect, "100-continue") && h->version_minor >= 1) {
            static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
            http_out(sc, cont, sizeof cont - 1);
        }
        sc->phase = SC_BODY;
        iotls_timer_arm(sc->timer, cfg->idle_timeout_ms, 0);
        if (stream)
            call_handler(req);
        return;
    }
    sc->phase = SC_HANDLER;
    iotls_timer_disarm(sc->timer);
    call_handler(req);
    return;

after_answer:
    /* A body we will not read: the connection closes after the answer. */
    if (!req->body_done) {
        req->keep_alive = false;
        req->body_done = true;
    }
    sc->phase = SC_HANDLER;
}

/* Feed what the current phase accepts; returns bytes taken (0: none now). */
static size_t sc_feed(iotls_http_sconn_t *sc, const uint8_t *data, size_t len)
{
    const iotls_http_server_config_t *cfg = &sc->srv->cfg;
    if (sc->phase == SC_BODY)
        return feed_body(sc, data, len);
    if (sc->phase != SC_IDLE && sc->phase != SC_HEAD)
        return 0;
    /* The head buffer grows by doubling up to max_header_bytes, so a
     * typical request holds about 1 KB while it arrives. */
    size_t max = cfg->max_header_bytes;
    if (sc->head_len + len > sc->head_cap && sc->head_cap < max) {
        size_t cap = sc->head_cap ? sc->head_cap : HTTP_HEAD_START;
        while (cap < sc->head_len + len && cap < max)
            cap *= 2;
        if (cap > max)
            cap = max;
        char *h = realloc(sc->head, cap);
        if (!h) {
            http_sconn_abort(sc);
            return len;
        }
        sc->head = h;
        sc->head_cap = cap;
    }
    if (sc->phase == SC_IDLE) {
        sc->phase = SC_HEAD;
        iotls_timer_arm(sc->timer, cfg->header_timeout_ms, 0);
    }
    size_t room = sc->head_cap - sc->head_len;
    size_t n = len < room ? len : room;
    size_t before = sc->head_len;
    memcpy(sc->head + sc->head_len, data, n);
    sc->head_len += n;
    long end = http_head_scan(sc->head, sc->head_len, cfg->max_request_line, max);
    if (end < 0 || (end == 0 && sc->head_len == max)) {
        head_error(sc, end < 0 ? (int)-end : 431);
        return len;
    }
    if (end == 0)
        return n;
    /* Bytes of this input past the head belong to the body or the next
     * request: hand them back. */
    size_t used = (size_t)end - before;
    sc->head_len = (size_t)end;
    start_request(sc, (size_t)end);
    return used;
}

static void sc_take(iotls_http_sconn_t *sc, const uint8_t *data, size_t len)
{
    while (len > 0 && !sc->dead) {
        size_t n = sc_feed(sc, data, len);
        if (n == 0)
            break;
        data += n;
        len -= n;
    }
    if (len == 0 || sc->dead || sc->phase == SC_CLOSING)
        return;
    keep_pending(sc, data, len);
}

/* Pipelined bytes while a response is produced: keep them, stop input. */
static void keep_pending(iotls_http_sconn_t *sc, const uint8_t *data, size_t len)
{
    if (sc->pending_len + len > HTTP_MAX_PENDING) {
        http_sconn_abort(sc);
        return;
    }
    uint8_t *p = realloc(sc->pending, sc->pending_len + len);
    if (!p) {
        http_sconn_abort(sc);
        return;
    }
    memcpy(p + sc->pending_len, data, len);
    sc->pending = p;
    sc->pending_len += len;
    hold(sc, true);
}

void iotls_http_sconn_input(iotls_http_sconn_t *sc, const uint8_t *data, size_t len)
{
    sc_enter(sc);
    if (sc->pending_len)
        keep_pending(sc, data, len); /* older bytes wait: keep the order */
    else
        sc_take(sc, data, len);
    sc_leave(sc);
}
