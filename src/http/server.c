/*
 * http/server.c — the server object: configuration, routes, Basic
 * authentication, listeners (TLS through net/, plain TCP) and statistics.
 */
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

void iotls_http_server_config_init(iotls_http_server_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->max_request_line = 2048;
    cfg->max_header_bytes = 8192;
    cfg->max_headers = 32;
    cfg->max_body = 1u << 20;
    cfg->max_body_buffered = 16384;
    cfg->header_timeout_ms = 10000;
    cfg->idle_timeout_ms = 15000;
    cfg->max_conns = 16;
    cfg->session_cache_bytes = 16384;
}

iotls_http_server_t *
iotls_http_server_new(iotls_loop_t *loop, const iotls_http_server_config_t *cfg, iotls_error_t *err)
{
    if (!loop) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "http server needs a loop");
        return NULL;
    }
    iotls_http_server_config_t c;
    if (cfg)
        c = *cfg;
    else
        iotls_http_server_config_init(&c);
    if (c.max_request_line < 16 || c.max_header_bytes < c.max_request_line || c.max_headers == 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "http limits: max_request_line >= 16, max_header_bytes >= "
                        "max_request_line, max_headers >= 1");
        return NULL;
    }
    iotls_http_server_t *srv = calloc(1, sizeof *srv);
    if (!srv) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for the http server");
        return NULL;
    }
    srv->loop = loop;
    srv->cfg = c;
    srv->stats.started_ms = iotls_loop_now_ms(loop);
    srv->stats.http_bytes_per_conn = sizeof(iotls_http_sconn_t);
    return srv;
}

static bool valid_method(const char *m)
{
    if (!m || !*m)
        return false;
    for (; *m; m++)
        if (*m < 'A' || *m > 'Z')
            return false;
    return true;
}

int iotls_http_server_route(iotls_http_server_t *srv, const char *method, const char *pattern,
                            unsigned flags, iotls_http_handler_fn fn, void *user,
                            iotls_error_t *err)
{
    if (!srv || !valid_method(method) || !pattern || pattern[0] != '/' || !fn) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "route needs an upper-case method, a pattern starting with '/' and a "
                        "handler");
        return -1;
    }
    unsigned params = 0;
    for (const char *p = pattern; *p; p++)
        if (*p == '{')
            params++;
    if (params > HTTP_MAX_PARAMS) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "route '%s' has more than %d parameters",
                        pattern, HTTP_MAX_PARAMS);
        return -1;
    }
    http_route_t *r = calloc(1, sizeof *r);
    if (r) {
        r->method = strdup(method);
        r->pattern = strdup(pattern);
    }
    if (!r || !r->method || !r->pattern) {
        if (r) {
            free(r->method);
            free(r->pattern);
        }
        free(r);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for a route");
        return -1;
    }
    r->flags = flags;
    r->fn = fn;
    r->user = user;
    http_route_t **tail = &srv->routes;
    while (*tail)
        tail = &(*tail)->next;
    *tail = r;
    return 0;
}

int iotls_http_server_basic_auth(iotls_http_server_t *srv, const char *realm, const char *user,
                                 const char *password, iotls_error_t *err)
{
    if (!srv || !realm || !user || !password || strchr(user, ':') || strchr(realm, '"') ||
        strpbrk(realm, "\r\n")) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "basic auth: realm without quotes or line breaks, user without ':'");
        return -1;
    }
    size_t ul = strlen(user), pl = strlen(password);
    if (ul > HTTP_MAX_USER || ul + pl > 200) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "basic auth: user at most %d bytes, user + password at most 200",
                        HTTP_MAX_USER);
        return -1;
    }
    char *up = malloc(ul + pl + 2);
    char *rl = strdup(realm);
    if (!up || !rl) {
        free(up);
        free(rl);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for basic auth");
        return -1;
    }
    memcpy(up, user, ul);
    up[ul] = ':';
    memcpy(up + ul + 1, password, pl + 1);
    free(srv->auth_userpass);
    free(srv->auth_realm);
    srv->auth_userpass = up;
    srv->auth_user_len = ul;
    srv->auth_realm = rl;
    return 0;
}

/* ---- TLS transport over net/ connections ---------------------------------- */

static int tls_send(void *t, const void *data, size_t len, iotls_error_t *err)
{
    return iotls_conn_send(t, data, len, err) < 0 ? -1 : 0;
}
static size_t tls_space(void *t)
{
    return iotls_conn_send_space(t);
}
static void tls_hold(void *t, bool held)
{
    if (held)
        iotls_conn_hold(t);
    else
        iotls_conn_unhold(t);
}
static void tls_close(void *t)
{
    iotls_conn_close(t);
}
static void tls_abort(void *t)
{
    iotls_conn_abort(t);
}
static const iotls_report_t *tls_report(void *t)
{
    return iotls_conn_report(t);
}
static const char *tls_peer(void *t)
{
    return iotls_conn_peer(t);
}

static const iotls_http_transport_ops_t tls_ops = {tls_send,  tls_space,  tls_hold, tls_close,
                                                   tls_abort, tls_report, tls_peer};

const iotls_http_transport_ops_t *iotls_http_tls_transport(void)
{
    return &tls_ops;
}

static void *on_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    iotls_http_server_t *srv = user;
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_http_sconn_t *sc = iotls_http_server_attach(srv, &tls_ops, c, &err);
    if (!sc) {
        srv->tcp_rejected++;
        iotls_conn_abort(c);
    }
    return sc;
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    iotls_http_sconn_t *sc = user;
    sc->srv->stats.tls_bytes_per_conn = iotls_conn_memory(c);
    iotls_http_sconn_secured(sc, r);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    iotls_http_sconn_input(user, data, len);
}

static void on_sent(iotls_conn_t *c, void *user)
{
    iotls_http_sconn_drained(user);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    iotls_http_sconn_gone(user);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *e, void *user)
{
    iotls_http_sconn_gone(user);
}

static http_listener_t *add_listener(iotls_http_server_t *srv, iotls_error_t *err)
{
    http_listener_t *hl = calloc(1, sizeof *hl);
    if (!hl)
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for a listener");
    return hl;
}

int iotls_http_server_listen_tls(iotls_http_server_t *srv, const char *host, uint16_t port,
                                 const iotls_conn_config_t *cfg, iotls_error_t *err)
{
    if (!srv || !cfg) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "listen_tls needs a server and a config");
        return -1;
    }
    iotls_conn_config_t c = *cfg;
    http_listener_t *hl = add_listener(srv, err);
    if (!hl)
        return -1;
    /* One cache per listener: listeners may differ in client_auth, and a
     * session made without a client certificate must not resume where one
     * is required. */
    if (!c.tls.session_cache && srv->cfg.session_cache_bytes) {
        hl->cache = iotls_session_cache_new(srv->cfg.session_cache_bytes, err);
        if (!hl->cache) {
            free(hl);
            return -1;
        }
        c.tls.session_cache = hl->cache;
    }
    iotls_listener_callbacks_t cb = {
        on_accepted, {on_connected, on_received, on_sent, on_disconnected, on_error}};
    hl->tls = iotls_listener_new(srv->loop, host, port, srv->cfg.max_conns, &c, &cb, srv, err);
    if (!hl->tls) {
        iotls_session_cache_free(hl->cache);
        free(hl);
        return -1;
    }
    hl->next = srv->listeners;
    srv->listeners = hl;
    return iotls_listener_port(hl->tls);
}

int iotls_http_server_listen_tcp(iotls_http_server_t *srv, const char *host, uint16_t port,
                                 iotls_error_t *err)
{
    if (!srv) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "listen_tcp needs a server");
        return -1;
    }
    http_listener_t *hl = add_listener(srv, err);
    if (!hl)
        return -1;
    hl->tcp = http_tcp_listen(srv, host, port, err);
    if (!hl->tcp) {
        free(hl);
        return -1;
    }
    hl->next = srv->listeners;
    srv->listeners = hl;
    return http_tcp_listener_port(hl->tcp);
}

void iotls_http_server_stats(const iotls_http_server_t *srv, iotls_http_server_stats_t *st)
{
    *st = srv->stats;
    st->rejected = srv->tcp_rejected;
    for (const http_listener_t *hl = srv->listeners; hl; hl = hl->next)
        if (hl->tls) {
            st->rejected += iotls_listener_rejected(hl->tls);
            st->evicted += iotls_listener_evicted(hl->tls);
        }
}

void iotls_http_server_free(iotls_http_server_t *srv)
{
    if (!srv)
        return;
    while (srv->listeners) {
        http_listener_t *hl = srv->listeners;
        srv->listeners = hl->next;
        if (hl->tls)
            iotls_listener_free(hl->tls);
        if (hl->tcp)
            http_tcp_listener_free(hl->tcp);
        /* The cache outlives the listener until its connections are gone. */
        hl->next = srv->caches;
        srv->caches = hl;
    }
    while (srv->conns)
        http_sconn_abort(srv->conns);
    while (srv->caches) {
        http_listener_t *hl = srv->caches;
        srv->caches = hl->next;
        iotls_session_cache_free(hl->cache);
        free(hl);
    }
    while (srv->routes) {
        http_route_t *r = srv->routes;
        srv->routes = r->next;
        free(r->method);
        free(r->pattern);
        free(r);
    }
    http_static_free_all(srv);
    free(srv->auth_realm);
    if (srv->auth_userpass)
        memset(srv->auth_userpass, 0, strlen(srv->auth_userpass));
    free(srv->auth_userpass);
    free(srv);
}
