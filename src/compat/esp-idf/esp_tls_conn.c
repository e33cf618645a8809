/* esp-tls connections: the 5.x sync/async calls and the 4.x forms, over an
 * iotls client connection on the handle's own event loop. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat/esp-idf/esp_tls_internal.h"
#include "esp_log.h"

static const char *TAG = "esp-tls";

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    esp_tls_t *tls = user;
    if (r->peer_sha256) /* kept: the config asks for it (esp_tls_cfg.c) */
        memcpy(tls->peer_sha256, r->peer_sha256, sizeof tls->peer_sha256);
    tls->saved_len = iotls_conn_session_save(c, tls->saved, sizeof tls->saved);
    if (tls->keep_alive)
        espt_keep_alive(iotls_conn_socket(c), &tls->keep_alive_cfg);
    tls->state = ESP_TLS_DONE;
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    esp_tls_t *tls = user;
    size_t have = tls->rx_len - tls->rx_off;
    if (tls->rx_off > 0) { /* keep what is unread at the front */
        memmove(tls->rx, tls->rx + tls->rx_off, have);
        tls->rx_off = 0;
        tls->rx_len = have;
    }
    uint8_t *grown = realloc(tls->rx, have + len);
    if (grown == NULL) {
        espt_fail_iotls_text(tls, IOTLS_ERR_NO_MEMORY, "no memory for %zu received bytes", len);
        iotls_conn_abort(c);
        tls->conn = NULL;
        return;
    }
    tls->rx = grown;
    memcpy(tls->rx + tls->rx_len, data, len);
    tls->rx_len += len;
    /* Back-pressure: stop reading the peer while the program has not read. */
    if (tls->rx_len >= ESPT_RX_HOLD_AT && !tls->held) {
        iotls_conn_hold(c);
        tls->held = true;
    }
}

static void on_sent(iotls_conn_t *c, void *user)
{
    ((esp_tls_t *)user)->sent_all = true;
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    esp_tls_t *tls = user;
    tls->closed = true;
    tls->conn = NULL;
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    esp_tls_t *tls = user;
    tls->conn = NULL;
    espt_fail_iotls(tls, err);
}

static const iotls_conn_callbacks_t espt_callbacks = {
    .connected = on_connected,
    .received = on_received,
    .sent = on_sent,
    .disconnected = on_disconnected,
    .error = on_error,
};

esp_tls_t *esp_tls_init(void)
{
    esp_tls_t *tls = calloc(1, sizeof *tls);
    if (tls == NULL)
        return NULL;
    tls->plain_fd = -1;
    tls->state = ESP_TLS_INIT;
    iotls_error_clear(&tls->error);
    return tls;
}

/* Everything up to a started connection (state CONNECTING / HANDSHAKE). */
static int start(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                 esp_tls_t *tls)
{
    if (hostname == NULL || hostlen <= 0 || hostlen > 253 || port <= 0 || port > 65535) {
        espt_fail_text(tls, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME, 0, ESP_TLS_ERR_TYPE_ESP,
                       IOTLS_ERR_BAD_ARGUMENT, "host name (length %d) or port %d invalid", hostlen,
                       port);
        return -1;
    }
    char host[256];
    memcpy(host, hostname, (size_t)hostlen);
    host[hostlen] = '\0';
    tls->plain = cfg == NULL || cfg->is_plain_tcp;
    tls->non_block = cfg != NULL && cfg->non_block;
    tls->timeout_ms =
        cfg != NULL && cfg->timeout_ms > 0 ? cfg->timeout_ms : ESPT_DEFAULT_TIMEOUT_MS;

    char addr[64];
    if (espt_resolve(tls, host, &port, cfg ? cfg->addr_family : ESP_TLS_AF_UNSPEC, addr,
                     sizeof addr) != ESP_OK)
        return -1;
    if (tls->plain) {
        tls->plain_fd = espt_tcp_connect(addr, port, tls->timeout_ms,
                                         cfg ? cfg->keep_alive_cfg : NULL, &tls->error);
        if (tls->plain_fd < 0) {
            espt_fail_iotls(tls, &tls->error);
            return -1;
        }
        tls->state = ESP_TLS_DONE;
        return 1;
    }

    iotls_conn_config_t cc;
    if (espt_config_build(tls, cfg, &cc) != ESP_OK)
        return -1;
    /* The name checked (and sent as SNI): common_name, else the host;
     * none with skip_common_name, as esp-tls sets no host name then. */
    if (!cfg->skip_common_name)
        cc.verify_name = cfg->common_name != NULL ? cfg->common_name : host;
    iotls_error_t err;
    iotls_error_clear(&err);
    tls->loop = iotls_loop_new(&err);
    if (tls->loop == NULL) {
        espt_fail_iotls(tls, &err);
        return -1;
    }
    tls->state = ESP_TLS_CONNECTING;
    tls->conn =
        iotls_conn_connect(tls->loop, addr, (uint16_t)port, &cc, &espt_callbacks, tls, &err);
    if (tls->conn == NULL) {
        espt_fail_iotls(tls, &err);
        return -1;
    }
    ESP_LOGD(TAG, "connecting to %s:%d (%s)", host, port, addr);
    return 0;
}

/* One step (timeout 0) or until done / failed / timeout_ms passed. */
static int progress(esp_tls_t *tls, bool wait)
{
    uint64_t deadline = iotls_loop_now_ms(tls->loop) + (uint64_t)tls->timeout_ms;
    for (;;) {
        if (tls->state == ESP_TLS_DONE)
            return 1;
        if (tls->failed || tls->closed || tls->conn == NULL) {
            if (!tls->failed)
                espt_fail_iotls_text(tls, IOTLS_ERR_PEER_CLOSED_HANDSHAKE,
                                     "the server closed the connection during the handshake");
            tls->state = ESP_TLS_FAIL;
            return -1;
        }
        uint64_t now = iotls_loop_now_ms(tls->loop);
        if (!wait) {
            iotls_loop_run_once(tls->loop, 0);
            if (tls->state != ESP_TLS_DONE && !tls->failed && tls->conn != NULL)
                return 0;
            continue;
        }
        if (now >= deadline) {
            iotls_conn_abort(tls->conn);
            tls->conn = NULL;
            espt_fail_text(tls, ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT, 0, ESP_TLS_ERR_TYPE_ESP,
                           IOTLS_ERR_HANDSHAKE_TIMEOUT,
                           "no TLS connection within timeout_ms (%d ms)", tls->timeout_ms);
            tls->state = ESP_TLS_FAIL;
            return -1;
        }
        iotls_loop_run_once(tls->loop, (int)(deadline - now));
    }
}

static int conn_new(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                    esp_tls_t *tls, bool wait)
{
    if (tls == NULL)
        return -1;
    if (tls->state == ESP_TLS_FAIL)
        return -1;
    if (tls->state == ESP_TLS_DONE)
        return 1;
    if (tls->state == ESP_TLS_INIT) {
        int rc = start(hostname, hostlen, port, cfg, tls);
        if (rc != 0) {
            tls->state = rc > 0 ? ESP_TLS_DONE : ESP_TLS_FAIL;
            return rc;
        }
    }
    return progress(tls, wait);
}

int esp_tls_conn_new_sync(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                          esp_tls_t *tls)
{
    return conn_new(hostname, hostlen, port, cfg, tls, true);
}

int esp_tls_conn_new_async(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                           esp_tls_t *tls)
{
    return conn_new(hostname, hostlen, port, cfg, tls, false);
}

/* "https://host[:port][/...]", "http://...", IPv6 in brackets. The
 * default port follows the scheme (443, or 80 for http). */
static int url_split(const char *url, const char **host, int *hostlen, int *port)
{
    const char *p = strstr(url, "://");
    if (p == NULL)
        return -1;
    *port = (p - url == 4 && strncmp(url, "http", 4) == 0) ? 80 : 443;
    p += 3;
    const char *end;
    if (*p == '[') {
        end = strchr(p, ']');
        if (end == NULL)
            return -1;
        *host = p + 1;
        *hostlen = (int)(end - p - 1);
        end++;
    } else {
        end = p + strcspn(p, ":/?#");
        *host = p;
        *hostlen = (int)(end - p);
    }
    if (*end == ':') {
        char *stop;
        long v = strtol(end + 1, &stop, 10);
        if (stop == end + 1 || v <= 0 || v > 65535 || (*stop && !strchr("/?#", *stop)))
            return -1;
        *port = (int)v;
    }
    return *hostlen > 0 ? 0 : -1;
}

static int http_new(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls, bool wait)
{
    if (tls == NULL)
        return -1;
    const char *host = NULL;
    int hostlen = 0, port = 0;
    if (tls->state == ESP_TLS_INIT &&
        (url == NULL || url_split(url, &host, &hostlen, &port) != 0)) {
        espt_fail_text(tls, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME, 0, ESP_TLS_ERR_TYPE_ESP,
                       IOTLS_ERR_BAD_ARGUMENT, "'%s' is not a URL (scheme://host[:port]/...)",
                       url ? url : "(null)");
        tls->state = ESP_TLS_FAIL;
        return -1;
    }
    return conn_new(host, hostlen, port, cfg, tls, wait);
}

int esp_tls_conn_http_new_sync(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls)
{
    return http_new(url, cfg, tls, true);
}

int esp_tls_conn_http_new_async(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls)
{
    return http_new(url, cfg, tls, false);
}

esp_tls_t *esp_tls_conn_new(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg)
{
    esp_tls_t *tls = esp_tls_init();
    if (tls != NULL && esp_tls_conn_new_sync(hostname, hostlen, port, cfg, tls) != 1) {
        esp_tls_conn_destroy(tls);
        return NULL;
    }
    return tls;
}

esp_tls_t *esp_tls_conn_http_new(const char *url, const esp_tls_cfg_t *cfg)
{
    esp_tls_t *tls = esp_tls_init();
    if (tls != NULL && esp_tls_conn_http_new_sync(url, cfg, tls) != 1) {
        esp_tls_conn_destroy(tls);
        return NULL;
    }
    return tls;
}

int esp_tls_conn_destroy(esp_tls_t *tls)
{
    if (tls == NULL)
        return -1;
    if (tls->conn != NULL) {
        /* Send close_notify (best effort, bounded), then drop the socket. */
        iotls_conn_close(tls->conn);
        uint64_t deadline = iotls_loop_now_ms(tls->loop) + 1000;
        while (tls->conn != NULL && iotls_loop_now_ms(tls->loop) < deadline)
            iotls_loop_run_once(tls->loop, (int)(deadline - iotls_loop_now_ms(tls->loop)));
        if (tls->conn != NULL)
            iotls_conn_abort(tls->conn);
    }
    if (tls->loop != NULL)
        iotls_loop_free(tls->loop);
    if (tls->plain_fd >= 0)
        close(tls->plain_fd);
    iotls_trust_free(tls->own_trust);
    iotls_creds_free(tls->creds);
    memset(tls->saved, 0, sizeof tls->saved); /* a master secret */
    free(tls->rx);
    free(tls);
    return 0;
}

void esp_tls_conn_delete(esp_tls_t *tls)
{
    esp_tls_conn_destroy(tls);
}

esp_err_t esp_tls_get_conn_state(esp_tls_t *tls, esp_tls_conn_state_t *conn_state)
{
    if (tls == NULL || conn_state == NULL)
        return ESP_ERR_INVALID_ARG;
    *conn_state = tls->state;
    return ESP_OK;
}

esp_err_t esp_tls_set_conn_state(esp_tls_t *tls, esp_tls_conn_state_t conn_state)
{
    if (tls == NULL || conn_state < ESP_TLS_INIT || conn_state > ESP_TLS_DONE)
        return ESP_ERR_INVALID_ARG;
    tls->state = conn_state;
    return ESP_OK;
}

void *esp_tls_get_ssl_context(esp_tls_t *tls)
{
    return tls != NULL ? tls->conn : NULL;
}
