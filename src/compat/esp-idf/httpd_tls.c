/* httpd_ssl_start: the server accepts TLS connections itself (an iotls
 * listener) and attaches each to the HTTP server, so that it sees every
 * connection's life: session numbers (the socket), session contexts,
 * user_cb at creation and close, open_fn / close_fn, trigger_close. */
#include <stdlib.h>
#include <string.h>

#include "compat/esp-idf/esp_tls_internal.h"
#include "compat/esp-idf/httpd_internal.h"
#include "esp_log.h"

static const char *TAG = "esp_https_server";

/* user_cb gets an esp_tls_t that stands for the server connection:
 * esp_tls_get_conn_sockfd and esp_tls_get_ssl_context (the iotls_conn_t)
 * work on it. */
static void call_user_cb(httpd_sess_t *s, httpd_ssl_user_cb_state_t state)
{
    if (s->srv->user_cb == NULL || s->conn == NULL)
        return;
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL)
        return;
    tls->conn = s->conn;
    tls->state = ESP_TLS_DONE;
    esp_https_server_user_cb_arg_t arg = {.user_cb_state = state, .tls = tls};
    s->srv->user_cb(&arg);
    tls->conn = NULL; /* the connection is not the handle's to close */
    esp_tls_conn_destroy(tls);
}

static void sess_free(httpd_sess_t *s)
{
    httpd_server_t *srv = s->srv;
    for (httpd_sess_t **p = &srv->sessions; *p != NULL; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    if (srv->cfg.close_fn != NULL)
        srv->cfg.close_fn(srv, s->fd);
    if (s->ctx != NULL && s->free_ctx != NULL)
        s->free_ctx(s->ctx);
    free(s);
}

static void *on_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    httpd_server_t *srv = user;
    httpd_sess_t *s = calloc(1, sizeof *s);
    iotls_error_t err;
    iotls_error_clear(&err);
    if (s != NULL)
        s->sc = iotls_http_server_attach(srv->http, iotls_http_tls_transport(), c, &err);
    if (s == NULL || s->sc == NULL) {
        free(s);
        iotls_conn_abort(c);
        return NULL;
    }
    s->srv = srv;
    s->conn = c;
    s->fd = iotls_conn_socket(c);
    s->next = srv->sessions;
    srv->sessions = s;
    if (srv->cfg.open_fn != NULL && srv->cfg.open_fn(srv, s->fd) != ESP_OK) {
        iotls_conn_abort(c); /* refused by the program: no callbacks follow */
        iotls_http_sconn_gone(s->sc);
        s->conn = NULL;
        sess_free(s);
        return NULL;
    }
    return s;
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    httpd_sess_t *s = user;
    s->secured = true;
    iotls_http_sconn_secured(s->sc, r);
    call_user_cb(s, HTTPD_SSL_USER_CB_SESS_CREATE);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    iotls_http_sconn_input(((httpd_sess_t *)user)->sc, data, len);
}

static void on_sent(iotls_conn_t *c, void *user)
{
    iotls_http_sconn_drained(((httpd_sess_t *)user)->sc);
}

static void end(httpd_sess_t *s, httpd_ssl_user_cb_state_t state)
{
    call_user_cb(s, state);
    s->conn = NULL;
    iotls_http_sconn_gone(s->sc);
    sess_free(s);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    end(user, HTTPD_SSL_USER_CB_SESS_CLOSE);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *e, void *user)
{
    httpd_sess_t *s = user;
    if (!s->secured)
        ESP_LOGW(TAG, "handshake with %s failed: %s", iotls_conn_peer(c), e->text);
    end(s, s->secured ? HTTPD_SSL_USER_CB_SESS_CLOSE : HTTPD_SSL_USER_CB_SESS_ERROR);
}

httpd_sess_t *httpd_sess_for(httpd_server_t *srv, const char *peer)
{
    for (httpd_sess_t *s = srv->sessions; s != NULL && peer != NULL; s = s->next)
        if (s->conn != NULL && strcmp(iotls_conn_peer(s->conn), peer) == 0)
            return s;
    return NULL;
}

httpd_sess_t *httpd_sess_by_fd(httpd_server_t *srv, int fd)
{
    for (httpd_sess_t *s = srv->sessions; s != NULL; s = s->next)
        if (s->fd == fd)
            return s;
    return NULL;
}

/* Server credentials and client CA from the configuration. */
static esp_err_t load_identity(httpd_server_t *srv, const httpd_ssl_config_t *c)
{
    const void *key = c->prvtkey_pem;
    size_t key_len = c->prvtkey_len;
    if (c->server_key != NULL) {
        if (c->server_key->source != ESP_KEY_SOURCE_BUFFER) {
            ESP_LOGE(TAG, "server_key: only ESP_KEY_SOURCE_BUFFER exists on this host");
            return ESP_ERR_NOT_SUPPORTED;
        }
        key = c->server_key->buffer.data;
        key_len = c->server_key->buffer.len ? c->server_key->buffer.len
                                            : strlen(c->server_key->buffer.data) + 1;
    }
    if (c->use_secure_element || c->use_ecdsa_peripheral) {
        ESP_LOGE(TAG, "use_secure_element / use_ecdsa_peripheral are ESP32 hardware this host "
                      "does not have: give the key in prvtkey_pem or server_key");
        return ESP_ERR_NOT_SUPPORTED;
    }
    if (c->cert_select_cb != NULL) {
        ESP_LOGE(TAG, "cert_select_cb is an mbedTLS hook: not supported on iotls");
        return ESP_ERR_NOT_SUPPORTED;
    }
    if (c->tls_version == ESP_TLS_VER_TLS_1_3) {
        ESP_LOGE(TAG, "tls_version ESP_TLS_VER_TLS_1_3: iotls speaks TLS 1.2 only (BearSSL 0.6)");
        return ESP_ERR_NOT_SUPPORTED;
    }
    if (c->servercert == NULL || key == NULL) {
        ESP_LOGE(TAG, "the server needs servercert and prvtkey_pem (or server_key)");
        return ESP_ERR_INVALID_ARG;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    srv->creds = iotls_creds_new();
    if (srv->creds == NULL ||
        iotls_creds_set(srv->creds, c->servercert, c->servercert_len, key, key_len, &err) != 0) {
        ESP_LOGE(TAG, "server certificate and key: %s", err.text[0] ? err.text : "out of memory");
        return ESP_FAIL;
    }
    if (c->cacert_pem != NULL) {
        srv->client_ca = iotls_trust_new();
        if (srv->client_ca == NULL ||
            iotls_trust_add_pem(srv->client_ca, c->cacert_pem, c->cacert_len, &err) < 0) {
            ESP_LOGE(TAG, "cacert_pem: %s", err.text[0] ? err.text : "out of memory");
            return ESP_FAIL;
        }
    }
    return ESP_OK;
}

static esp_err_t listen_secure(httpd_server_t *srv, const httpd_ssl_config_t *c)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_conn_config_t cc;
    iotls_conn_config_init(&cc);
    cc.tls.creds = srv->creds;
    if (srv->client_ca != NULL) {
        cc.tls.trust = srv->client_ca;
        cc.tls.client_auth = c->client_cert_authmode_optional ? IOTLS_CLIENT_AUTH_REQUEST
                                                              : IOTLS_CLIENT_AUTH_REQUIRE;
    }
    if (c->tls_handshake_timeout_ms > 0)
        cc.handshake_timeout_ms = c->tls_handshake_timeout_ms;
    cc.tls.alpn = c->alpn_protos;
    for (const char **p = c->alpn_protos; p != NULL && *p != NULL; p++)
        cc.tls.alpn_count++;
    size_t n = 0;
    for (const int *s = c->ciphersuites_list; s != NULL && *s != 0 && n < 32; s++)
        srv->suites[n++] = (uint16_t)*s;
    cc.tls.suites = n ? srv->suites : NULL;
    cc.tls.suite_count = n;
    srv->cache = iotls_session_cache_new(16384, &err); /* resumption on */
    cc.tls.session_cache = srv->cache;
    iotls_listener_callbacks_t cb = {
        on_accepted, {on_connected, on_received, on_sent, on_disconnected, on_error}};
    unsigned max = srv->cfg.max_open_sockets ? srv->cfg.max_open_sockets : 4;
    uint16_t port = httpd_port_mapped(c->port_secure);
    srv->listener =
        srv->cache ? iotls_listener_new(srv->loop, NULL, port, max, &cc, &cb, srv, &err) : NULL;
    if (srv->listener == NULL) {
        ESP_LOGE(TAG, "cannot listen on port %u: %s", c->port_secure, err.text);
        return ESP_ERR_HTTPD_TASK;
    }
    ESP_LOGI("httpd", "listening on port %u (HTTPS; the program asked for %u)",
             iotls_listener_port(srv->listener), c->port_secure);
    return ESP_OK;
}

esp_err_t httpd_ssl_start(httpd_handle_t *handle, httpd_ssl_config_t *config)
{
    if (handle == NULL || config == NULL)
        return ESP_ERR_INVALID_ARG;
    if (config->transport_mode == HTTPD_SSL_TRANSPORT_INSECURE) {
        config->httpd.server_port = config->port_insecure;
        return httpd_start(handle, &config->httpd);
    }
    httpd_server_t *srv;
    esp_err_t rc = httpd_server_create(&config->httpd, &srv);
    if (rc != ESP_OK)
        return rc;
    srv->secure = true;
    srv->user_cb = config->user_cb;
    rc = load_identity(srv, config);
    if (rc == ESP_OK)
        rc = listen_secure(srv, config);
    if (rc == ESP_OK)
        rc = httpd_server_run(srv);
    if (rc != ESP_OK) {
        httpd_server_destroy(srv);
        return rc;
    }
    *handle = srv;
    return ESP_OK;
}

esp_err_t httpd_ssl_stop(httpd_handle_t handle)
{
    return httpd_stop(handle);
}

void *httpd_sess_get_ctx(httpd_handle_t handle, int sockfd)
{
    httpd_sess_t *s = handle != NULL ? httpd_sess_by_fd(handle, sockfd) : NULL;
    return s != NULL ? s->ctx : NULL;
}

void httpd_sess_set_ctx(httpd_handle_t handle, int sockfd, void *ctx, httpd_free_ctx_fn_t free_fn)
{
    httpd_sess_t *s = handle != NULL ? httpd_sess_by_fd(handle, sockfd) : NULL;
    if (s == NULL)
        return;
    if (s->ctx != NULL && s->ctx != ctx && s->free_ctx != NULL)
        s->free_ctx(s->ctx);
    s->ctx = ctx;
    s->free_ctx = free_fn;
}

typedef struct {
    httpd_server_t *srv;
    int fd;
} close_job_t;

static void close_on_task(void *arg)
{
    close_job_t *job = arg;
    httpd_sess_t *s = httpd_sess_by_fd(job->srv, job->fd);
    if (s != NULL && s->conn != NULL)
        s->close_requested = true; /* ends after its current response */
    if (s != NULL && s->conn != NULL && iotls_conn_send_space(s->conn) > 0)
        iotls_conn_close(s->conn);
    free(job);
}

esp_err_t httpd_sess_trigger_close(httpd_handle_t handle, int sockfd)
{
    httpd_server_t *srv = handle;
    if (srv == NULL)
        return ESP_ERR_INVALID_ARG;
    if (srv->task_running && pthread_equal(pthread_self(), srv->task)) {
        httpd_sess_t *s = httpd_sess_by_fd(srv, sockfd);
        if (s == NULL)
            return ESP_ERR_NOT_FOUND;
        s->close_requested = true; /* a handler: after its response */
        return ESP_OK;
    }
    close_job_t *job = malloc(sizeof *job);
    if (job == NULL)
        return ESP_ERR_NO_MEM;
    *job = (close_job_t){srv, sockfd};
    esp_err_t rc = httpd_queue_work(srv, close_on_task, job);
    if (rc != ESP_OK)
        free(job);
    return rc;
}
