/* http/http_internal.h — server objects shared by the files of src/http/. */
#ifndef IOTLS_HTTP_INTERNAL_H
#define IOTLS_HTTP_INTERNAL_H

#include "http/parse.h"
#include "iotls/http.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_RESP_HEADERS 2048 /* bytes of handler-added response headers */
#define HTTP_MAX_PENDING 65536     /* input held while a response is produced */
#define HTTP_MAX_USER 128          /* Basic auth user name bytes */
#define HTTP_HEAD_START 1024       /* first head buffer; most heads fit */

typedef struct http_route {
    struct http_route *next;
    char *method;
    char *pattern;
    unsigned flags;
    iotls_http_handler_fn fn;
    void *user;
} http_route_t;

typedef struct http_listener {
    struct http_listener *next;
    iotls_listener_t *tls;         /* TLS listener, or */
    struct http_tcp_listener *tcp; /* plain TCP listener */
    iotls_session_cache_t *cache;  /* made for this listener, or NULL */
} http_listener_t;

struct iotls_http_server {
    iotls_loop_t *loop;
    iotls_http_server_config_t cfg;
    http_route_t *routes;
    http_listener_t *listeners;
    iotls_http_sconn_t *conns;
    http_listener_t *caches; /* closed listeners, kept until conns are gone */
    char *auth_realm;
    char *auth_userpass; /* "user:password" */
    size_t auth_user_len;
    iotls_http_server_stats_t stats;
    unsigned long tcp_rejected;
    unsigned tcp_active; /* plain TCP connections (max_conns applies) */
    struct http_static *statics;
};

typedef enum { BODY_COLLECT, BODY_STREAM, BODY_DISCARD } http_body_mode_t;

struct iotls_http_req {
    iotls_http_sconn_t *sc;
    http_head_t head;
    const http_route_t *route;
    const char *path, *query;
    const char *param_names[HTTP_MAX_PARAMS];
    size_t param_name_lens[HTTP_MAX_PARAMS];
    const char *param_values[HTTP_MAX_PARAMS];
    unsigned param_count;
    char *scratch;    /* path copy */
    char *user_area;  /* the Basic auth user name (HTTP_MAX_USER + 1) */
    char *param_area; /* parameter values, NUL-terminated, one after another */
    const char *auth_user;
    bool head_only;
    bool keep_alive;

    /* request body */
    http_body_kind_t body_kind;
    uint64_t body_left; /* Content-Length bytes still to come */
    uint64_t body_seen;
    http_chunked_t chunked;
    bool body_done;
    http_body_mode_t body_mode;
    uint8_t *body; /* BODY_COLLECT */
    size_t body_len, body_cap;
    const uint8_t *stream_data; /* BODY_STREAM: what read() hands out now */
    size_t stream_len;

    /* response */
    bool started, ended, chunked_out;
    int status;
    int64_t out_left; /* Content-Length bytes the handler still owes, -1 chunked */
    char *resp_headers;
    size_t resp_headers_len;
    iotls_http_handler_fn on_writable, on_closed;
    void *writable_user, *closed_user;
    void *ctx;
};

struct iotls_http_sconn {
    iotls_http_server_t *srv;
    iotls_http_sconn_t *next, *prev;
    const iotls_http_transport_ops_t *ops;
    void *t;
    iotls_timer_t *timer;
    enum { SC_IDLE, SC_HEAD, SC_BODY, SC_HANDLER, SC_CLOSING } phase;
    bool have_req;
    bool held;
    bool dead; /* transport closed or aborted: free when not busy */
    unsigned busy;
    char *head; /* the request head; grows from HTTP_HEAD_START to max_header_bytes */
    size_t head_len, head_cap;
    char *meta;       /* field table + scratch, sized for the parsed head */
    uint8_t *pending; /* input that arrived while a response was produced */
    size_t pending_len;
    uint8_t *tail; /* response bytes the transport could not take yet */
    size_t tail_len, tail_cap;
    void *conn_ctx; /* iotls_http_req_set_conn_ctx */
    void (*conn_ctx_free)(void *ctx);
    iotls_http_req_t req;
};

/* server_conn.c */
void http_sconn_abort(iotls_http_sconn_t *sc);
/* response.c: hand bytes to the transport or the tail. -1 out of memory. */
int http_out(iotls_http_sconn_t *sc, const void *data, size_t len);
void http_flush_tail(iotls_http_sconn_t *sc);
/* A response from the server itself (limits, 404, 405, 401). */
void http_answer_error(iotls_http_req_t *req, int status, const char *extra_header);
/* A request that ended (response done, flushed): next one or close. */
void http_request_finished(iotls_http_sconn_t *sc);

/* routes.c */
const http_route_t *http_route_match(const iotls_http_server_t *srv, iotls_http_req_t *req,
                                     bool *path_known, char *allow, size_t allow_cap);

/* static.c */
void http_static_handler(iotls_http_req_t *req, void *user);
void http_static_free_all(iotls_http_server_t *srv);

/* transport_tcp.c */
struct http_tcp_listener;
struct http_tcp_listener *http_tcp_listen(iotls_http_server_t *srv, const char *host, uint16_t port,
                                          iotls_error_t *err);
uint16_t http_tcp_listener_port(const struct http_tcp_listener *l);
void http_tcp_listener_free(struct http_tcp_listener *l);

#endif
