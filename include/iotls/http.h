/*
 * iotls/http.h — HTTP/1.1 server and client over iotls connections.
 *
 * Layering: the HTTP code speaks to a transport through a small table of
 * functions (iotls_http_transport_ops_t), like lwIP's altcp. The server
 * ships two transports: TLS (iotls_conn_t from net.h, the normal case) and
 * plain TCP (for tests and development on a trusted network); both run the
 * same request code. A port can attach its own transport with
 * iotls_http_server_attach().
 *
 * Threading: single-threaded, on the loop. Handlers run from inside
 * iotls_loop_run(); they MAY answer at once or later (keep the request
 * pointer until the response ends or `closed` is reported through
 * iotls_http_req_on_closed).
 *
 * Memory: an idle keep-alive connection holds only its small HTTP state
 * (iotls_http_server_stats().http_bytes_per_conn) beside its transport.
 * A request allocates its head buffer (at most max_header_bytes) when its
 * first byte arrives and frees it when the response ends; a non-streaming
 * handler's body is collected in a buffer of at most max_body_buffered.
 * Nothing grows with what a client sends beyond these limits.
 */
#ifndef IOTLS_HTTP_H
#define IOTLS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/error.h"
#include "iotls/net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits and server configuration ------------------------------------ */

typedef struct {
    size_t max_request_line;    /* bytes incl. CRLF; over it: 414 (default 2048) */
    size_t max_header_bytes;    /* whole head incl. request line; over: 431 (8192) */
    unsigned max_headers;       /* header fields; over: 431 (32) */
    uint64_t max_body;          /* any body, streamed or not; over: 413 (1 MiB) */
    size_t max_body_buffered;   /* body collected for a non-streaming handler;
                                   over: 413 (16384) */
    uint32_t header_timeout_ms; /* the whole head must arrive within this
                                   (slowloris); then 408 and close (10000) */
    uint32_t idle_timeout_ms;   /* keep-alive: close after this long without a
                                   request, or without body progress (15000) */
    unsigned max_conns;         /* live connections per listener; more are
                                   accepted and closed at once (16) */
    size_t session_cache_bytes; /* TLS session cache created by listen_tls when
                                   the config has none (16384; 0 = none) */
} iotls_http_server_config_t;

void iotls_http_server_config_init(iotls_http_server_config_t *cfg);

/* ---- transports ---------------------------------------------------------- */

/* What the HTTP layer needs from a byte stream. `t` is the transport object. */
typedef struct {
    /* Queue all of data, or nothing and -1 (IOTLS_ERR_QUEUE_FULL). */
    int (*send)(void *t, const void *data, size_t len, iotls_error_t *err);
    size_t (*send_space)(void *t);
    void (*hold)(void *t, bool held);         /* stop / resume input */
    void (*close)(void *t);                   /* flush, then close */
    void (*abort)(void *t);                   /* drop now */
    const iotls_report_t *(*report)(void *t); /* NULL for plain TCP */
    const char *(*peer)(void *t);             /* "127.0.0.1:5000" */
} iotls_http_transport_ops_t;

/* ---- server -------------------------------------------------------------- */

typedef struct iotls_http_server iotls_http_server_t;
typedef struct iotls_http_req iotls_http_req_t;
/* One accepted connection as the server sees it (for custom transports). */
typedef struct iotls_http_sconn iotls_http_sconn_t;

typedef void (*iotls_http_handler_fn)(iotls_http_req_t *req, void *user);

iotls_http_server_t *iotls_http_server_new(iotls_loop_t *loop,
                                           const iotls_http_server_config_t *cfg,
                                           iotls_error_t *err);
/* Closes listeners and aborts live connections. */
void iotls_http_server_free(iotls_http_server_t *srv);

/* Route flags. */
#define IOTLS_HTTP_STREAM_BODY                                                                     \
    0x1u /* the handler reads the body itself (see
                                       iotls_http_req_read); otherwise it is
                                       called once, with the whole body */

/*
 * Register a handler for `method` ("GET", "PUT", ...) and a path pattern:
 * literal segments and "{name}" segments that match one segment each
 * ("/api/led/{id}"), or a pattern whose last segment is "*", matching any
 * rest (its value is the parameter "*").
 * A GET route also answers HEAD (the body is not sent). A path that
 * matches a route of another method gets 405 with Allow; none: 404.
 * Returns 0 or -1 (IOTLS_ERR_BAD_ARGUMENT, IOTLS_ERR_NO_MEMORY).
 */
int iotls_http_server_route(iotls_http_server_t *srv, const char *method, const char *pattern,
                            unsigned flags, iotls_http_handler_fn fn, void *user,
                            iotls_error_t *err);

/* Serve files below `dir` for GET/HEAD under `prefix` ("/" or "/static").
 * "/prefix/" serves index.html. Paths that leave `dir` ("..", symlinks
 * pointing outside) get 404. */
int iotls_http_server_static(iotls_http_server_t *srv, const char *prefix, const char *dir,
                             iotls_error_t *err);

/* Require HTTP Basic authentication for every request (401 with
 * WWW-Authenticate otherwise). Use over TLS only: the password travels in
 * every request. The strings are copied. */
int iotls_http_server_basic_auth(iotls_http_server_t *srv, const char *realm, const char *user,
                                 const char *password, iotls_error_t *err);

/* Listen with TLS. cfg->tls.creds is required; when cfg->tls.session_cache
 * is NULL the server makes one (resumption on by default). Returns the
 * port (useful with port 0) or -1. Several listeners are allowed. */
int iotls_http_server_listen_tls(iotls_http_server_t *srv, const char *host, uint16_t port,
                                 const iotls_conn_config_t *cfg, iotls_error_t *err);
/* Listen on plain TCP (no encryption: tests, development). Same limits,
 * same handlers. Returns the port or -1. */
int iotls_http_server_listen_tcp(iotls_http_server_t *srv, const char *host, uint16_t port,
                                 iotls_error_t *err);

typedef struct {
    unsigned open_conns;
    unsigned long accepted;
    unsigned long rejected; /* refused: over max_conns, no memory */
    unsigned long evicted;  /* TLS: dropped in their handshake at the cap for a
                               newer client (net/ lock-out policy) */
    unsigned long handshakes_full;
    unsigned long handshakes_resumed;
    unsigned long requests;
    unsigned long errors_4xx;   /* answered by the server itself (limits, 404...) */
    size_t tls_bytes_per_conn;  /* last TLS connection: iotls_conn_memory() */
    size_t http_bytes_per_conn; /* HTTP state of an idle connection */
    uint64_t started_ms;        /* loop clock when the server was made */
} iotls_http_server_stats_t;

void iotls_http_server_stats(const iotls_http_server_t *srv, iotls_http_server_stats_t *st);

/* Custom transports: attach a connection, feed it what arrives, tell it
 * when the send queue drained and when the transport is gone (after which
 * the sconn is freed). NULL with `err` set when out of memory. */
iotls_http_sconn_t *iotls_http_server_attach(iotls_http_server_t *srv,
                                             const iotls_http_transport_ops_t *ops, void *t,
                                             iotls_error_t *err);
void iotls_http_sconn_input(iotls_http_sconn_t *sc, const uint8_t *data, size_t len);
void iotls_http_sconn_drained(iotls_http_sconn_t *sc);
void iotls_http_sconn_gone(iotls_http_sconn_t *sc);
/* The transport finished its handshake (TLS): counts full/resumed. */
void iotls_http_sconn_secured(iotls_http_sconn_t *sc, const iotls_report_t *r);
/* The operations of the TLS transport listen_tls uses (t is an
 * iotls_conn_t): for servers that accept TLS connections themselves (to
 * see each connection's life) and attach them. */
const iotls_http_transport_ops_t *iotls_http_tls_transport(void);

/* ---- the request a handler sees ------------------------------------------ */

const char *iotls_http_req_method(const iotls_http_req_t *req);
const char *iotls_http_req_target(const iotls_http_req_t *req); /* "/a/b?x=1" as sent */
const char *iotls_http_req_path(const iotls_http_req_t *req);   /* "/a/b" (not decoded) */
const char *iotls_http_req_query(const iotls_http_req_t *req);  /* "x=1", "" if none */
/* Value of a "{name}" path segment (not decoded), NULL if no such name. */
const char *iotls_http_req_param(const iotls_http_req_t *req, const char *name);
/* First header of that name (case-insensitive), NULL if absent. */
const char *iotls_http_req_header(const iotls_http_req_t *req, const char *name);
size_t iotls_http_req_header_count(const iotls_http_req_t *req);
bool iotls_http_req_header_at(const iotls_http_req_t *req, size_t i, const char **name,
                              const char **value);
/* Declared body length, or -1 for a chunked body. */
int64_t iotls_http_req_content_length(const iotls_http_req_t *req);
/* Non-streaming routes: the whole body (NUL-terminated for convenience;
 * the NUL is not counted). */
const uint8_t *iotls_http_req_body(const iotls_http_req_t *req, size_t *len);

/* Streaming routes: the handler is called when the head is complete, again
 * whenever body bytes arrived, and once more when the body has ended.
 * read() returns bytes copied (>0), 0 when the body has ended, or
 * IOTLS_HTTP_AGAIN when nothing is there yet (return and wait for the
 * next call). */
#define IOTLS_HTTP_AGAIN (-2)
long iotls_http_req_read(iotls_http_req_t *req, void *buf, size_t cap);

/* TLS facts (peer_subject, peer_sha256 of a client certificate when the
 * server's TLS config has report_peer_identity, resumed, cipher suite);
 * NULL over plain TCP. */
const iotls_report_t *iotls_http_req_tls(const iotls_http_req_t *req);
const char *iotls_http_req_peer(const iotls_http_req_t *req);
/* The user name that passed Basic authentication, or NULL. */
const char *iotls_http_req_auth_user(const iotls_http_req_t *req);
/* A pointer the handler keeps with the request (streaming state). */
void iotls_http_req_set_ctx(iotls_http_req_t *req, void *ctx);
void *iotls_http_req_ctx(const iotls_http_req_t *req);
/* A pointer kept with the CONNECTION across its keep-alive requests (a
 * login, a parser, what esp_https_server calls sess_ctx). free_fn (may be
 * NULL) is called with it when the connection ends or it is replaced. */
void iotls_http_req_set_conn_ctx(iotls_http_req_t *req, void *ctx, void (*free_fn)(void *ctx));
void *iotls_http_req_conn_ctx(const iotls_http_req_t *req);

/* Find `key` in a query string ("a=1&b=x%20y") and percent-decode its
 * value into out (NUL-terminated). Returns the value's length, or -1 when
 * absent or when it does not fit. */
long iotls_http_query_value(const char *query, const char *key, char *out, size_t cap);

/* ---- the response --------------------------------------------------------- */

/* Add a response header (before the response starts). Values with CR or
 * LF are refused. 0 or -1. */
int iotls_http_resp_header(iotls_http_req_t *req, const char *name, const char *value);
/* A complete response with Content-Length. content_type may be NULL. */
int iotls_http_resp_send(iotls_http_req_t *req, int status, const char *content_type,
                         const void *body, size_t len);
/* Start a streamed response: content_length >= 0 sends it, -1 uses
 * chunked transfer coding. Then write() any number of times and end(). */
int iotls_http_resp_start(iotls_http_req_t *req, int status, const char *content_type,
                          int64_t content_length);
/* Always takes all bytes (what the transport cannot take yet waits in the
 * request's own buffer); watch iotls_http_resp_pending and the writable
 * callback to keep memory small. 0 or -1 (not started, or more than the
 * declared Content-Length). */
int iotls_http_resp_write(iotls_http_req_t *req, const void *data, size_t len);
int iotls_http_resp_end(iotls_http_req_t *req);
/* Bytes written by the handler that the transport has not taken yet. */
size_t iotls_http_resp_pending(const iotls_http_req_t *req);
/* Close the connection after this response (adds "Connection: close");
 * before the response starts. */
void iotls_http_resp_close_after(iotls_http_req_t *req);
/* Called when everything written so far has been handed to the transport. */
void iotls_http_req_on_writable(iotls_http_req_t *req, iotls_http_handler_fn fn, void *user);
/* Called if the connection ends before the response did (the request is
 * freed right after). */
void iotls_http_req_on_closed(iotls_http_req_t *req, iotls_http_handler_fn fn, void *user);
/* Standard reason phrase ("Not Found"); "Unknown" for others. */
const char *iotls_http_reason(int status);

/* ---- client ---------------------------------------------------------------- */

typedef struct iotls_http_client iotls_http_client_t;

typedef struct {
    int status;
    const char *reason;
    int version_minor;      /* HTTP/1.x */
    int64_t content_length; /* -1 when not given (chunked or until close) */
    size_t header_count;
    const char *const *header_names;
    const char *const *header_values;
    const iotls_report_t *tls; /* the connection's report */
    iotls_conn_t *conn;        /* the connection (memory, MFL outcome); do not close it */
    bool reused;               /* sent on a kept-alive connection */
} iotls_http_response_t;

typedef struct {
    /* Status line and headers arrived. */
    void (*response)(iotls_http_client_t *cl, const iotls_http_response_t *resp, void *user);
    /* Body bytes (decoded from chunked). */
    void (*body)(iotls_http_client_t *cl, const uint8_t *data, size_t len, void *user);
    /* The exchange ended: err is NULL on success. Exactly once per request. */
    void (*done)(iotls_http_client_t *cl, const iotls_error_t *err, void *user);
} iotls_http_client_callbacks_t;

/* cfg: the connection settings (trust, pins, client certificate, time
 * policy, buffer size, MFL policy, timeouts), copied; what it points to
 * must outlive the client. The client saves each host's TLS session and
 * offers it on the next connection (resumption on by default), and keeps
 * one kept-alive connection for reuse. */
iotls_http_client_t *iotls_http_client_new(iotls_loop_t *loop, const iotls_conn_config_t *cfg,
                                           iotls_error_t *err);
void iotls_http_client_free(iotls_http_client_t *cl);

/* Limits for responses the client reads (defaults: 8192-byte head, 64
 * headers). */
void iotls_http_client_limits(iotls_http_client_t *cl, size_t max_header_bytes,
                              unsigned max_headers);

/*
 * Start one request (one at a time per client). url: "https://host[:port]
 * /path?query" (IPv6 as "[::1]"). headers: "Name: value" strings or NULL.
 * body may be NULL. Redirects are not followed (the 3xx is the answer).
 * Returns 0, or -1 with err (bad URL, busy, connect failure).
 */
int iotls_http_client_request(iotls_http_client_t *cl, const char *method, const char *url,
                              const char *const *headers, size_t header_count, const void *body,
                              size_t body_len, const iotls_http_client_callbacks_t *cb, void *user,
                              iotls_error_t *err);

/* Close a kept-alive connection gracefully (the loop can then end). */
void iotls_http_client_close_idle(iotls_http_client_t *cl);

/* The saved session for the host of the last request (0 when none): what
 * the client would offer next; iotls_http_client_host() names that host.
 * The bytes hold the session's master secret. */
size_t iotls_http_client_session(const iotls_http_client_t *cl, uint8_t *out, size_t cap);
const char *iotls_http_client_host(const iotls_http_client_t *cl);

#ifdef __cplusplus
}
#endif
#endif
