/* What an httpd handler reads: the body (collected before the handler
 * runs), headers, the query string. */
#include <string.h>
#include <strings.h>

#include "compat/esp-idf/httpd_internal.h"

int httpd_req_to_sockfd(httpd_req_t *r)
{
    httpd_aux_t *a = httpd_aux_of(r);
    return a != NULL ? a->fd : -1;
}

int httpd_req_recv(httpd_req_t *r, char *buf, size_t buf_len)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (a == NULL || buf == NULL)
        return HTTPD_SOCK_ERR_INVALID;
    size_t len = 0;
    const uint8_t *body = iotls_http_req_body(a->req, &len);
    size_t n = len - a->body_off < buf_len ? len - a->body_off : buf_len;
    if (n > 0)
        memcpy(buf, body + a->body_off, n);
    a->body_off += n;
    return (int)n;
}

size_t httpd_req_get_hdr_value_len(httpd_req_t *r, const char *field)
{
    httpd_aux_t *a = httpd_aux_of(r);
    const char *v = a != NULL && field != NULL ? iotls_http_req_header(a->req, field) : NULL;
    return v != NULL ? strlen(v) : 0;
}

/* Copy src into buf: ESP_OK, or ESP_ERR_HTTPD_RESULT_TRUNC with as much as
 * fits (NUL-terminated), as ESP-IDF does. */
static esp_err_t copy_out(const char *src, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return ESP_ERR_INVALID_ARG;
    size_t len = strlen(src);
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(buf, src, n);
    buf[n] = '\0';
    return n < len ? ESP_ERR_HTTPD_RESULT_TRUNC : ESP_OK;
}

esp_err_t httpd_req_get_hdr_value_str(httpd_req_t *r, const char *field, char *val, size_t val_size)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (a == NULL || field == NULL)
        return ESP_ERR_INVALID_ARG;
    const char *v = iotls_http_req_header(a->req, field);
    return v != NULL ? copy_out(v, val, val_size) : ESP_ERR_NOT_FOUND;
}

size_t httpd_req_get_url_query_len(httpd_req_t *r)
{
    httpd_aux_t *a = httpd_aux_of(r);
    return a != NULL ? strlen(iotls_http_req_query(a->req)) : 0;
}

esp_err_t httpd_req_get_url_query_str(httpd_req_t *r, char *buf, size_t buf_len)
{
    httpd_aux_t *a = httpd_aux_of(r);
    if (a == NULL)
        return ESP_ERR_INVALID_ARG;
    const char *q = iotls_http_req_query(a->req);
    return q[0] != '\0' ? copy_out(q, buf, buf_len) : ESP_ERR_NOT_FOUND;
}

/* Finds "key=value" among items separated by `sep`; copies value raw. */
static esp_err_t find_pair(const char *list, const char *key, char sep, char *val, size_t size)
{
    if (list == NULL || key == NULL || val == NULL || size == 0)
        return ESP_ERR_INVALID_ARG;
    size_t key_len = strlen(key);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t item = strcspn(p, (char[]){sep, '\0'});
        if (item > key_len && strncmp(p, key, key_len) == 0 && p[key_len] == '=') {
            size_t vlen = item - key_len - 1;
            size_t n = vlen < size - 1 ? vlen : size - 1;
            memcpy(val, p + key_len + 1, n);
            val[n] = '\0';
            return n < vlen ? ESP_ERR_HTTPD_RESULT_TRUNC : ESP_OK;
        }
        p += item;
        if (*p == sep)
            p++;
    }
    return ESP_ERR_NOT_FOUND;
}

esp_err_t httpd_query_key_value(const char *qry, const char *key, char *val, size_t val_size)
{
    return find_pair(qry, key, '&', val, val_size);
}

esp_err_t httpd_req_get_cookie_val(httpd_req_t *req, const char *cookie_name, char *val,
                                   size_t *val_size)
{
    httpd_aux_t *a = httpd_aux_of(req);
    if (a == NULL || val_size == NULL)
        return ESP_ERR_INVALID_ARG;
    const char *cookies = iotls_http_req_header(a->req, "Cookie");
    if (cookies == NULL)
        return ESP_ERR_NOT_FOUND;
    esp_err_t rc = find_pair(cookies, cookie_name, ';', val, *val_size);
    if (rc == ESP_OK || rc == ESP_ERR_HTTPD_RESULT_TRUNC)
        *val_size = strlen(val);
    return rc;
}
