/* httpd responses on the iotls HTTP server: one complete response
 * (httpd_resp_send) or a chunked one (httpd_resp_send_chunk, ended by a
 * chunk of length 0). Nothing blocks: bytes the connection cannot take yet
 * wait in the request's buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/esp-idf/httpd_internal.h"
#include "esp_log.h"

static const char *TAG = "httpd";

esp_err_t httpd_resp_set_status(httpd_req_t *r, const char *status)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (a == NULL || status == NULL)
        return ESP_ERR_INVALID_ARG;
    int code = atoi(status);
    if (code < 100 || code > 999)
        return ESP_ERR_INVALID_ARG;
    a->status = code;
    return ESP_OK;
}

esp_err_t httpd_resp_set_type(httpd_req_t *r, const char *type)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (a == NULL || type == NULL)
        return ESP_ERR_INVALID_ARG;
    a->type = type;
    return ESP_OK;
}

esp_err_t httpd_resp_set_hdr(httpd_req_t *r, const char *field, const char *value)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (a == NULL || field == NULL || value == NULL)
        return ESP_ERR_INVALID_ARG;
    if (a->hdr_count >= a->hdr_max)
        return ESP_ERR_HTTPD_RESP_HDR;
    a->hdr_names[a->hdr_count] = field;
    a->hdr_values[a->hdr_count] = value;
    a->hdr_count++;
    return ESP_OK;
}

/* Status line and headers, once. */
static esp_err_t start(httpd_req_t *r, int64_t length)
{
    httpd_aux_t *a = httpd_aux_of(r);
    for (unsigned i = 0; i < a->hdr_count; i++)
        if (iotls_http_resp_header(a->req, a->hdr_names[i], a->hdr_values[i]) != 0) {
            ESP_LOGE(TAG, "response header '%s' refused (CR/LF in it, or too many)",
                     a->hdr_names[i]);
            return ESP_ERR_HTTPD_RESP_HDR;
        }
    if (a->sess != NULL && a->sess->close_requested)
        iotls_http_resp_close_after(a->req);
    if (iotls_http_resp_start(a->req, a->status, a->type, length) != 0)
        return ESP_ERR_HTTPD_RESP_SEND;
    a->started = true;
    return ESP_OK;
}

esp_err_t httpd_resp_send(httpd_req_t *r, const char *buf, ssize_t buf_len)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (a == NULL)
        return ESP_ERR_HTTPD_INVALID_REQ;
    if (a->started)
        return ESP_ERR_HTTPD_RESP_SEND;
    size_t len = buf == NULL ? 0 : buf_len == HTTPD_RESP_USE_STRLEN ? strlen(buf) : (size_t)buf_len;
    esp_err_t rc = start(r, (int64_t)len);
    if (rc == ESP_OK && len > 0 && iotls_http_resp_write(a->req, buf, len) != 0)
        rc = ESP_ERR_HTTPD_RESP_SEND;
    if (rc == ESP_OK && iotls_http_resp_end(a->req) != 0)
        rc = ESP_ERR_HTTPD_RESP_SEND;
    a->ended = true;
    return rc;
}

esp_err_t httpd_resp_send_chunk(httpd_req_t *r, const char *buf, ssize_t buf_len)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (a == NULL)
        return ESP_ERR_HTTPD_INVALID_REQ;
    if (a->ended)
        return ESP_ERR_HTTPD_RESP_SEND;
    size_t len = buf == NULL ? 0 : buf_len == HTTPD_RESP_USE_STRLEN ? strlen(buf) : (size_t)buf_len;
    if (!a->started) {
        esp_err_t rc = start(r, -1);
        if (rc != ESP_OK)
            return rc;
    }
    if (len == 0) {
        a->ended = true;
        return iotls_http_resp_end(a->req) == 0 ? ESP_OK : ESP_ERR_HTTPD_RESP_SEND;
    }
    return iotls_http_resp_write(a->req, buf, len) == 0 ? ESP_OK : ESP_ERR_HTTPD_RESP_SEND;
}

static const struct {
    int status;
    const char *text;
} errors[HTTPD_ERR_CODE_MAX] = {
    [HTTPD_500_INTERNAL_SERVER_ERROR] = {500, "Server has encountered an unexpected error"},
    [HTTPD_501_METHOD_NOT_IMPLEMENTED] = {501, "Server does not support this method"},
    [HTTPD_505_VERSION_NOT_SUPPORTED] = {505, "HTTP version not supported by server"},
    [HTTPD_400_BAD_REQUEST] = {400, "Bad request syntax"},
    [HTTPD_401_UNAUTHORIZED] = {401, "No permission -- see authorization schemes"},
    [HTTPD_403_FORBIDDEN] = {403, "Request forbidden -- authorization will not help"},
    [HTTPD_404_NOT_FOUND] = {404, "Nothing matches the given URI"},
    [HTTPD_405_METHOD_NOT_ALLOWED] = {405, "Specified method is invalid for this resource"},
    [HTTPD_408_REQ_TIMEOUT] = {408, "Server closed this connection"},
    [HTTPD_411_LENGTH_REQUIRED] = {411, "Client must specify Content-Length"},
    [HTTPD_413_CONTENT_TOO_LARGE] = {413, "Content is too large"},
    [HTTPD_414_URI_TOO_LONG] = {414, "URI is too long"},
    [HTTPD_431_REQ_HDR_FIELDS_TOO_LARGE] = {431, "Header fields are too long"},
};

esp_err_t httpd_resp_send_err(httpd_req_t *req, httpd_err_code_t error, const char *msg)
{
    if (error >= HTTPD_ERR_CODE_MAX)
        return ESP_ERR_INVALID_ARG;
    char status[48];
    snprintf(status, sizeof status, "%d", errors[error].status);
    esp_err_t rc = httpd_resp_send_custom_err(req, status, msg ? msg : errors[error].text);
    /* As ESP-IDF: an internal error also ends the session. */
    return rc == ESP_OK && error == HTTPD_500_INTERNAL_SERVER_ERROR ? ESP_FAIL : rc;
}

esp_err_t httpd_resp_send_custom_err(httpd_req_t *req, const char *status, const char *msg)
{
    httpd_aux_t *a = httpd_aux_of(req);
    if (a == NULL || status == NULL)
        return ESP_ERR_INVALID_ARG;
    if (a->started)
        return ESP_ERR_HTTPD_RESP_SEND;
    esp_err_t rc = httpd_resp_set_status(req, status);
    if (rc == ESP_OK) {
        a->type = "text/html";
        rc = httpd_resp_send(req, msg, msg ? HTTPD_RESP_USE_STRLEN : 0);
    }
    return rc;
}

static void close_when_written(iotls_http_req_t *req, void *user)
{
    httpd_sess_t *sess = user;
    if (sess->conn != NULL)
        iotls_conn_close(sess->conn);
}

void httpd_resp_finish(httpd_req_t *r, esp_err_t ret)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (ret != ESP_OK) {
        /* ESP-IDF closes the session of a failing handler. */
        if (!a->started) {
            iotls_http_resp_close_after(a->req);
            ESP_LOGW(TAG, "handler for %s returned %s: closing the connection", r->uri,
                     esp_err_to_name(ret));
            a->status = 500;
            httpd_resp_send(r, NULL, 0);
        } else if (a->sess != NULL) {
            a->sess->close_requested = true;
        }
    }
    if (!a->started) {
        ESP_LOGW(TAG, "handler for %s sent no response: answering 500", r->uri);
        a->status = 500;
        httpd_resp_send(r, NULL, 0);
    } else if (!a->ended) {
        a->ended = true; /* a chunked response the handler did not end */
        iotls_http_resp_end(a->req);
    }
    /* Asked to close after the response began: once it is written. */
    if (a->sess != NULL && a->sess->close_requested && a->sess->conn != NULL) {
        if (iotls_http_resp_pending(a->req) == 0)
            iotls_conn_close(a->sess->conn);
        else
            iotls_http_req_on_writable(a->req, close_when_written, a->sess);
    }
}
