/* httpd_start / httpd_stop: the server task (a thread running the iotls
 * loop) and httpd_queue_work through a pipe the loop watches. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat/esp-idf/httpd_internal.h"
#include "esp_log.h"

static const char *TAG = "httpd";

typedef struct {
    httpd_work_fn_t fn; /* NULL: stop the server */
    void *arg;
} work_t;

/* IOTLS_ESPIDF_PORTS="8443=0,80=18080": programs keep their fixed ports;
 * tests map them (0 = any free port; the log line tells which). */
uint16_t httpd_port_mapped(uint16_t port)
{
    const char *map = getenv("IOTLS_ESPIDF_PORTS");
    for (const char *p = map; p != NULL && *p;) {
        char *end;
        long from = strtol(p, &end, 10);
        if (*end == '=') {
            long to = strtol(end + 1, &end, 10);
            if (from == port && to >= 0 && to <= 65535)
                return (uint16_t)to;
        }
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    return port;
}

static void run_work(iotls_fd_watch_t *w, int fd, void *user)
{
    httpd_server_t *srv = user;
    work_t job;
    while (read(fd, &job, sizeof job) == (ssize_t)sizeof job) {
        if (job.fn == NULL) {
            iotls_loop_stop(srv->loop);
            return;
        }
        job.fn(job.arg);
    }
}

esp_err_t httpd_server_create(const httpd_config_t *cfg, httpd_server_t **out)
{
    if (cfg == NULL || out == NULL || cfg->max_uri_handlers == 0)
        return ESP_ERR_INVALID_ARG;
    if (cfg->if_name != NULL) {
        ESP_LOGE(TAG, "if_name: binding to a network interface is not supported on this host");
        return ESP_ERR_NOT_SUPPORTED;
    }
    httpd_server_t *srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return ESP_ERR_HTTPD_ALLOC_MEM;
    srv->cfg = *cfg;
    srv->work_pipe[0] = srv->work_pipe[1] = -1;
    srv->next_fd = 1000;
    pthread_mutex_init(&srv->lock, NULL);
    srv->handlers = calloc(cfg->max_uri_handlers, sizeof *srv->handlers);
    iotls_error_t err;
    iotls_error_clear(&err);
    srv->loop = srv->handlers ? iotls_loop_new(&err) : NULL;
    iotls_http_server_config_t hc;
    iotls_http_server_config_init(&hc);
    hc.max_request_line = cfg->max_uri_len + 32; /* method, version, CRLF */
    hc.max_header_bytes = hc.max_request_line + cfg->max_req_hdr_len;
    hc.max_body = CONFIG_IOTLS_HTTPD_MAX_BODY;
    hc.max_body_buffered = CONFIG_IOTLS_HTTPD_MAX_BODY;
    hc.header_timeout_ms = (uint32_t)(cfg->recv_wait_timeout ? cfg->recv_wait_timeout : 5) * 1000u;
    hc.max_conns = cfg->max_open_sockets ? cfg->max_open_sockets : 7;
    srv->http = srv->loop ? iotls_http_server_new(srv->loop, &hc, &err) : NULL;
    if (srv->http == NULL || pipe2(srv->work_pipe, O_CLOEXEC | O_NONBLOCK) != 0 ||
        (srv->work_watch = iotls_loop_watch_readable(srv->loop, srv->work_pipe[0], run_work, srv,
                                                     &err)) == NULL ||
        httpd_dispatch_install(srv) != ESP_OK) {
        ESP_LOGE(TAG, "cannot create the server: %s", err.text[0] ? err.text : strerror(errno));
        httpd_server_destroy(srv);
        return ESP_ERR_HTTPD_ALLOC_MEM;
    }
    *out = srv;
    return ESP_OK;
}

static void *server_task(void *arg)
{
    httpd_server_t *srv = arg;
    iotls_loop_run(srv->loop);
    return NULL;
}

esp_err_t httpd_server_run(httpd_server_t *srv)
{
    if (pthread_create(&srv->task, NULL, server_task, srv) != 0) {
        ESP_LOGE(TAG, "cannot start the server task");
        return ESP_ERR_HTTPD_TASK;
    }
    srv->task_running = true;
    return ESP_OK;
}

esp_err_t httpd_server_destroy(httpd_server_t *srv)
{
    if (srv->task_running) {
        if (pthread_equal(pthread_self(), srv->task)) {
            ESP_LOGE(TAG, "httpd_stop called from a handler: call it from another task");
            return ESP_ERR_INVALID_STATE;
        }
        work_t stop = {NULL, NULL};
        if (write(srv->work_pipe[1], &stop, sizeof stop) != (ssize_t)sizeof stop)
            return ESP_FAIL;
        pthread_join(srv->task, NULL);
    }
    if (srv->listener != NULL)
        iotls_listener_free(srv->listener);
    if (srv->http != NULL)
        iotls_http_server_free(srv->http);
    while (srv->sessions != NULL) { /* aborted with the loop's connections */
        httpd_sess_t *s = srv->sessions;
        srv->sessions = s->next;
        if (s->free_ctx != NULL && s->ctx != NULL)
            s->free_ctx(s->ctx);
        free(s);
    }
    if (srv->work_watch != NULL)
        iotls_fd_watch_free(srv->work_watch);
    if (srv->loop != NULL)
        iotls_loop_free(srv->loop);
    for (int i = 0; i < 2; i++)
        if (srv->work_pipe[i] >= 0)
            close(srv->work_pipe[i]);
    iotls_session_cache_free(srv->cache);
    iotls_creds_free(srv->creds);
    iotls_trust_free(srv->client_ca);
    if (srv->cfg.global_user_ctx_free_fn != NULL)
        srv->cfg.global_user_ctx_free_fn(srv->cfg.global_user_ctx);
    free(srv->handlers);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
    return ESP_OK;
}

esp_err_t httpd_start(httpd_handle_t *handle, const httpd_config_t *config)
{
    if (handle == NULL || config == NULL)
        return ESP_ERR_INVALID_ARG;
    httpd_server_t *srv;
    esp_err_t rc = httpd_server_create(config, &srv);
    if (rc != ESP_OK)
        return rc;
    iotls_error_t err;
    iotls_error_clear(&err);
    int port = iotls_http_server_listen_tcp(srv->http, "0.0.0.0",
                                            httpd_port_mapped(config->server_port), &err);
    if (port < 0) {
        ESP_LOGE(TAG, "cannot listen on port %u: %s", config->server_port, err.text);
        httpd_server_destroy(srv);
        return ESP_ERR_HTTPD_TASK;
    }
    ESP_LOGI(TAG, "listening on port %d (plain HTTP; the program asked for %u)", port,
             config->server_port);
    rc = httpd_server_run(srv);
    if (rc != ESP_OK) {
        httpd_server_destroy(srv);
        return rc;
    }
    *handle = srv;
    return ESP_OK;
}

esp_err_t httpd_stop(httpd_handle_t handle)
{
    return handle != NULL ? httpd_server_destroy(handle) : ESP_ERR_INVALID_ARG;
}

esp_err_t httpd_queue_work(httpd_handle_t handle, httpd_work_fn_t work, void *arg)
{
    httpd_server_t *srv = handle;
    if (srv == NULL || work == NULL)
        return ESP_ERR_INVALID_ARG;
    work_t job = {work, arg};
    /* A pipe write of this size is atomic: tasks may queue concurrently. */
    return write(srv->work_pipe[1], &job, sizeof job) == (ssize_t)sizeof job ? ESP_OK : ESP_FAIL;
}

void *httpd_get_global_user_ctx(httpd_handle_t handle)
{
    return handle != NULL ? ((httpd_server_t *)handle)->cfg.global_user_ctx : NULL;
}
