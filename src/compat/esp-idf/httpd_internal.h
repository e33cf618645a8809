/* ESP-IDF's httpd on the iotls HTTP server. One server = one task (a
 * thread) running an iotls loop; the program's URI handlers run there.
 * Registration may happen from any task: the handler table is guarded. */
#ifndef IOTLS_COMPAT_ESPIDF_HTTPD_INTERNAL_H
#define IOTLS_COMPAT_ESPIDF_HTTPD_INTERNAL_H

#include <pthread.h>

#include "esp_http_server.h"
#include "esp_https_server.h"
#include "iotls/http.h"
#include "iotls/net.h"

/* The largest request body collected for a handler (413 beyond). */
#ifndef CONFIG_IOTLS_HTTPD_MAX_BODY
#define CONFIG_IOTLS_HTTPD_MAX_BODY 65536
#endif

typedef struct httpd_sess httpd_sess_t;

/* A TLS connection the server accepted itself (httpd_tls.c). */
struct httpd_sess {
    struct httpd_server *srv;
    iotls_conn_t *conn;
    iotls_http_sconn_t *sc;
    int fd;
    void *ctx;
    httpd_free_ctx_fn_t free_ctx;
    bool close_requested;
    bool secured;
    httpd_sess_t *next;
};

typedef struct httpd_server {
    httpd_config_t cfg;
    pthread_t task;
    bool task_running;
    iotls_loop_t *loop;
    iotls_http_server_t *http;
    iotls_fd_watch_t *work_watch;
    int work_pipe[2];

    pthread_mutex_t lock; /* handlers and error handlers */
    httpd_uri_t *handlers;
    httpd_err_handler_func_t err_handlers[HTTPD_ERR_CODE_MAX];

    /* TLS (httpd_ssl_start) */
    bool secure;
    iotls_listener_t *listener;
    iotls_creds_t *creds;
    iotls_trust_t *client_ca;
    iotls_session_cache_t *cache;
    esp_https_server_user_cb *user_cb;
    uint16_t suites[32]; /* ciphersuites_list, as the listener keeps a pointer */
    httpd_sess_t *sessions;
    int next_fd; /* plain connections' numbers */
} httpd_server_t;

/* What httpd_req_t.aux points at. */
typedef struct {
    iotls_http_req_t *req;
    httpd_server_t *srv;
    httpd_sess_t *sess; /* NULL over plain TCP */
    int fd;
    size_t body_off;
    int status;
    const char *type;
    const char **hdr_names, **hdr_values;
    unsigned hdr_count, hdr_max;
    bool started, ended;
} httpd_aux_t;

/* The request's httpd_aux_t; NULL for a NULL request (programs pass what
 * they were given, and every httpd_req_* / httpd_resp_* call checks). */
static inline httpd_aux_t *httpd_aux_of(httpd_req_t *r)
{
    return r != NULL ? r->aux : NULL;
}

/* Create the server object and its loop (no listener, no task yet). */
esp_err_t httpd_server_create(const httpd_config_t *cfg, httpd_server_t **out);
/* Start the server task that runs the loop. */
esp_err_t httpd_server_run(httpd_server_t *srv);
/* Stop the task and free everything. */
esp_err_t httpd_server_destroy(httpd_server_t *srv);
/* The port to bind for the port the program asked for (IOTLS_ESPIDF_PORTS). */
uint16_t httpd_port_mapped(uint16_t port);

/* Routes every request of the iotls server to the httpd handlers. */
esp_err_t httpd_dispatch_install(httpd_server_t *srv);

/* The session a request came on (TLS), by its peer address. */
httpd_sess_t *httpd_sess_for(httpd_server_t *srv, const char *peer);
httpd_sess_t *httpd_sess_by_fd(httpd_server_t *srv, int fd);

/* Finish a request after its handler returned `ret`. */
void httpd_resp_finish(httpd_req_t *r, esp_err_t ret);

#endif
