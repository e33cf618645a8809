/* URI handlers as ESP-IDF's httpd keeps and matches them: an exact URI (up
 * to '?'), or the program's uri_match_fn (httpd_uri_match_wildcard); 405 for
 * a known URI with another method, 404 for none, either answered by the
 * program's error handler when it registered one. */
#include <stdlib.h>
#include <string.h>

#include "compat/esp-idf/httpd_internal.h"
#include "esp_log.h"

static const char *TAG = "httpd";

/* Every method ESP-IDF programs register reaches one catch-all route. */
static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};

static int method_number(const char *m)
{
    static const struct {
        const char *name;
        int number;
    } table[] = {{"DELETE", HTTP_DELETE}, {"GET", HTTP_GET},         {"HEAD", HTTP_HEAD},
                 {"POST", HTTP_POST},     {"PUT", HTTP_PUT},         {"OPTIONS", HTTP_OPTIONS},
                 {"PATCH", HTTP_PATCH},   {"CONNECT", HTTP_CONNECT}, {"TRACE", HTTP_TRACE}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, m) == 0)
            return table[i].number;
    return -1;
}

bool httpd_uri_match_wildcard(const char *tpl, const char *uri, size_t match_upto)
{
    size_t tpl_len = strlen(tpl);
    size_t exact = strcspn(tpl, "?*");
    if (exact == tpl_len) /* no wildcard */
        return tpl_len == match_upto && strncmp(tpl, uri, match_upto) == 0;
    if (match_upto < exact || strncmp(tpl, uri, exact) != 0)
        return false;
    if (tpl[exact] == '*') /* "/a*": anything after the prefix */
        return true;
    /* "/a?" : the prefix, optionally followed by one more character, and
     * "/a?*" : then anything. */
    if (tpl[exact + 1] == '*')
        return true;
    return match_upto == exact || (match_upto == exact + 1 && uri[exact] == tpl[exact - 1]);
}

static bool uri_matches(const httpd_server_t *srv, const char *tpl, const char *uri, size_t len)
{
    if (srv->cfg.uri_match_fn != NULL)
        return srv->cfg.uri_match_fn(tpl, uri, len);
    return strlen(tpl) == len && strncmp(tpl, uri, len) == 0;
}

esp_err_t httpd_register_uri_handler(httpd_handle_t handle, const httpd_uri_t *h)
{
    httpd_server_t *srv = handle;
    if (srv == NULL || h == NULL || h->uri == NULL || h->handler == NULL)
        return ESP_ERR_INVALID_ARG;
    esp_err_t rc = ESP_ERR_HTTPD_HANDLERS_FULL;
    pthread_mutex_lock(&srv->lock);
    for (unsigned i = 0; i < srv->cfg.max_uri_handlers; i++) {
        httpd_uri_t *slot = &srv->handlers[i];
        if (slot->uri != NULL && slot->method == h->method && strcmp(slot->uri, h->uri) == 0) {
            rc = ESP_ERR_HTTPD_HANDLER_EXISTS;
            break;
        }
    }
    for (unsigned i = 0; rc == ESP_ERR_HTTPD_HANDLERS_FULL && i < srv->cfg.max_uri_handlers; i++)
        if (srv->handlers[i].uri == NULL) {
            char *copy = strdup(h->uri);
            rc = ESP_ERR_HTTPD_ALLOC_MEM;
            if (copy != NULL) {
                srv->handlers[i] = *h;
                srv->handlers[i].uri = copy;
                rc = ESP_OK;
            }
        }
    pthread_mutex_unlock(&srv->lock);
    if (rc == ESP_ERR_HTTPD_HANDLERS_FULL)
        ESP_LOGW(TAG, "no slot left for URI handler %s (max_uri_handlers %u)", h->uri,
                 srv->cfg.max_uri_handlers);
    return rc;
}

static esp_err_t unregister(httpd_server_t *srv, const char *uri, int method, bool any_method)
{
    if (srv == NULL || uri == NULL)
        return ESP_ERR_INVALID_ARG;
    esp_err_t rc = ESP_ERR_NOT_FOUND;
    pthread_mutex_lock(&srv->lock);
    for (unsigned i = 0; i < srv->cfg.max_uri_handlers; i++) {
        httpd_uri_t *slot = &srv->handlers[i];
        if (slot->uri != NULL && strcmp(slot->uri, uri) == 0 &&
            (any_method || (int)slot->method == method)) {
            free((char *)slot->uri);
            memset(slot, 0, sizeof *slot);
            rc = ESP_OK;
        }
    }
    pthread_mutex_unlock(&srv->lock);
    return rc;
}

esp_err_t httpd_unregister_uri_handler(httpd_handle_t handle, const char *uri,
                                       httpd_method_t method)
{
    return unregister(handle, uri, (int)method, false);
}

esp_err_t httpd_unregister_uri(httpd_handle_t handle, const char *uri)
{
    return unregister(handle, uri, 0, true);
}

esp_err_t httpd_register_err_handler(httpd_handle_t handle, httpd_err_code_t error,
                                     httpd_err_handler_func_t fn)
{
    httpd_server_t *srv = handle;
    if (srv == NULL || error >= HTTPD_ERR_CODE_MAX)
        return ESP_ERR_INVALID_ARG;
    pthread_mutex_lock(&srv->lock);
    srv->err_handlers[error] = fn;
    pthread_mutex_unlock(&srv->lock);
    return ESP_OK;
}

/* Look the request up: the handler, or which error it is. */
static bool find(httpd_server_t *srv, int method, const char *uri, httpd_uri_t *out,
                 httpd_err_code_t *why)
{
    size_t len = strcspn(uri, "?");
    bool uri_known = false, found = false;
    pthread_mutex_lock(&srv->lock);
    for (int pass = 0; pass < 2 && !found; pass++) {
        /* A HEAD request falls back to the GET handler (the body is not sent). */
        int want = pass == 0 ? method : (method == HTTP_HEAD ? HTTP_GET : -2);
        for (unsigned i = 0; i < srv->cfg.max_uri_handlers && !found; i++) {
            const httpd_uri_t *h = &srv->handlers[i];
            if (h->uri == NULL || !uri_matches(srv, h->uri, uri, len))
                continue;
            uri_known = true;
            if ((int)h->method == want || (int)h->method == HTTP_ANY) {
                *out = *h;
                found = true;
            }
        }
    }
    pthread_mutex_unlock(&srv->lock);
    *why = uri_known ? HTTPD_405_METHOD_NOT_ALLOWED : HTTPD_404_NOT_FOUND;
    return found;
}

static void on_request(iotls_http_req_t *req, void *user)
{
    httpd_server_t *srv = user;
    const char *target = iotls_http_req_target(req);
    httpd_aux_t aux = {.req = req, .srv = srv, .status = 200, .type = "text/html"};
    const char *hdr_names[64], *hdr_values[64];
    aux.hdr_max = srv->cfg.max_resp_headers < 64 ? srv->cfg.max_resp_headers : 64;
    aux.hdr_names = hdr_names;
    aux.hdr_values = hdr_values;
    aux.sess = httpd_sess_for(srv, iotls_http_req_peer(req));
    aux.fd = aux.sess ? aux.sess->fd : srv->next_fd++;

    httpd_req_t *r = calloc(1, sizeof *r);
    if (r == NULL) {
        iotls_http_resp_send(req, 503, "text/plain", "out of memory\n", 14);
        return;
    }
    r->handle = srv;
    r->method = method_number(iotls_http_req_method(req));
    r->aux = &aux;
    size_t body_len = 0;
    iotls_http_req_body(req, &body_len);
    r->content_len = body_len;
    if (aux.sess != NULL)
        r->sess_ctx = aux.sess->ctx;
    if (strlen(target) > srv->cfg.max_uri_len || strlen(target) > CONFIG_HTTPD_MAX_URI_LEN) {
        httpd_resp_send_err(r, HTTPD_414_URI_TOO_LONG, NULL);
        free(r);
        return;
    }
    memcpy((char *)r->uri, target, strlen(target) + 1);

    httpd_uri_t h;
    httpd_err_code_t why;
    esp_err_t ret;
    if (find(srv, r->method, r->uri, &h, &why)) {
        r->user_ctx = h.user_ctx;
        ret = h.handler(r);
    } else {
        pthread_mutex_lock(&srv->lock);
        httpd_err_handler_func_t eh = srv->err_handlers[why];
        pthread_mutex_unlock(&srv->lock);
        ret = eh != NULL ? eh(r, why) : httpd_resp_send_err(r, why, NULL);
    }
    httpd_resp_finish(r, ret);
    /* The handler may have set or replaced the session context. */
    if (aux.sess != NULL && !r->ignore_sess_ctx_changes && r->sess_ctx != aux.sess->ctx) {
        if (aux.sess->ctx != NULL && aux.sess->free_ctx != NULL)
            aux.sess->free_ctx(aux.sess->ctx);
        aux.sess->ctx = r->sess_ctx;
        aux.sess->free_ctx = r->free_ctx;
    } else if (aux.sess == NULL && r->sess_ctx != NULL && r->free_ctx != NULL) {
        r->free_ctx(r->sess_ctx); /* plain HTTP: a context lives for one request */
    }
    free(r);
}

esp_err_t httpd_dispatch_install(httpd_server_t *srv)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (iotls_http_server_route(srv->http, methods[i], "/*", 0, on_request, srv, &err) != 0) {
            ESP_LOGE(TAG, "%s", err.text);
            return ESP_FAIL;
        }
    return ESP_OK;
}
