/* esp_tls_conn_read / esp_tls_conn_write and the calls around them. In
 * blocking mode a call waits on the handle's loop (at most timeout_ms for
 * a read, as esp-tls's socket receive timeout does); in non-blocking mode
 * it makes one pass and answers ESP_TLS_ERR_SSL_WANT_READ/_WRITE. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "compat/esp-idf/esp_tls_internal.h"

static bool live(const esp_tls_t *tls)
{
    return tls->conn != NULL && !tls->failed && !tls->closed;
}

/* Run the loop until `done(tls)` or the connection ends; at most
 * timeout_ms when blocking, one pass otherwise. */
static void wait_for(esp_tls_t *tls, bool (*done)(const esp_tls_t *))
{
    if (!tls->non_block) {
        uint64_t deadline = iotls_loop_now_ms(tls->loop) + (uint64_t)tls->timeout_ms;
        while (!done(tls) && live(tls)) {
            uint64_t now = iotls_loop_now_ms(tls->loop);
            if (now >= deadline)
                break;
            iotls_loop_run_once(tls->loop, (int)(deadline - now));
        }
    } else if (!done(tls) && live(tls)) {
        iotls_loop_run_once(tls->loop, 0);
    }
}

static bool has_rx(const esp_tls_t *tls)
{
    return tls->rx_len > tls->rx_off;
}

static bool queue_empty(const esp_tls_t *tls)
{
    return tls->sent_all;
}

static ssize_t plain_read(esp_tls_t *tls, void *data, size_t datalen)
{
    ssize_t n = recv(tls->plain_fd, data, datalen, tls->non_block ? MSG_DONTWAIT : 0);
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return ESP_TLS_ERR_SSL_WANT_READ;
    espt_fail_iotls_text(tls, IOTLS_ERR_IO, "recv: %s", strerror(errno));
    return espt_io_error(tls);
}

ssize_t esp_tls_conn_read(esp_tls_t *tls, void *data, size_t datalen)
{
    if (tls == NULL || data == NULL)
        return -1;
    if (tls->plain)
        return plain_read(tls, data, datalen);
    if (tls->state != ESP_TLS_DONE && !tls->failed)
        return ESP_TLS_ERR_SSL_WANT_READ;
    if (!has_rx(tls))
        wait_for(tls, has_rx);
    if (has_rx(tls)) {
        size_t n = tls->rx_len - tls->rx_off;
        if (n > datalen)
            n = datalen;
        memcpy(data, tls->rx + tls->rx_off, n);
        tls->rx_off += n;
        if (tls->held && tls->rx_len - tls->rx_off < ESPT_RX_HOLD_AT / 2 && tls->conn != NULL) {
            iotls_conn_unhold(tls->conn);
            tls->held = false;
        }
        return (ssize_t)n;
    }
    if (tls->failed)
        return espt_io_error(tls);
    if (tls->closed || tls->conn == NULL)
        return 0;
    return ESP_TLS_ERR_SSL_WANT_READ;
}

/* Writing after the peer closed: a failure, recorded like esp-tls's. */
static ssize_t closed_for_write(esp_tls_t *tls)
{
    espt_fail_text(tls, ESP_ERR_MBEDTLS_SSL_WRITE_FAILED, ESPT_MBEDTLS_NET_SEND_FAILED,
                   ESP_TLS_ERR_TYPE_MBEDTLS, IOTLS_ERR_BAD_STATE,
                   "the connection is closed: nothing can be written");
    return ESPT_MBEDTLS_NET_SEND_FAILED;
}

ssize_t esp_tls_conn_write(esp_tls_t *tls, const void *data, size_t datalen)
{
    if (tls == NULL || (data == NULL && datalen > 0))
        return -1;
    if (tls->plain) {
        ssize_t n =
            send(tls->plain_fd, data, datalen, MSG_NOSIGNAL | (tls->non_block ? MSG_DONTWAIT : 0));
        if (n >= 0)
            return n;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return ESP_TLS_ERR_SSL_WANT_WRITE;
        espt_fail_iotls_text(tls, IOTLS_ERR_IO, "send: %s", strerror(errno));
        return espt_io_error(tls);
    }
    if (tls->failed)
        return espt_io_error(tls);
    if (tls->state != ESP_TLS_DONE)
        return ESP_TLS_ERR_SSL_WANT_WRITE;
    if (!live(tls))
        return closed_for_write(tls);
    size_t space = iotls_conn_send_space(tls->conn);
    if (space == 0) {
        tls->sent_all = false;
        wait_for(tls, queue_empty);
        if (tls->failed)
            return espt_io_error(tls);
        if (!live(tls))
            return closed_for_write(tls);
        space = iotls_conn_send_space(tls->conn);
        if (space == 0)
            return ESP_TLS_ERR_SSL_WANT_WRITE;
    }
    size_t n = datalen < space ? datalen : space;
    iotls_error_t err;
    iotls_error_clear(&err);
    tls->sent_all = false;
    if (iotls_conn_send(tls->conn, data, n, &err) < 0) {
        espt_fail_iotls(tls, &err);
        return espt_io_error(tls);
    }
    /* Blocking: return once the bytes are on the wire, as esp-tls does. */
    if (!tls->non_block)
        wait_for(tls, queue_empty);
    else
        iotls_loop_run_once(tls->loop, 0);
    if (tls->failed)
        return espt_io_error(tls);
    return (ssize_t)n;
}

ssize_t esp_tls_get_bytes_avail(esp_tls_t *tls)
{
    if (tls == NULL)
        return -1;
    return (ssize_t)(tls->rx_len - tls->rx_off);
}

esp_err_t esp_tls_get_conn_sockfd(esp_tls_t *tls, int *sockfd)
{
    if (tls == NULL || sockfd == NULL)
        return ESP_ERR_INVALID_ARG;
    *sockfd = tls->plain ? tls->plain_fd : iotls_conn_socket(tls->conn);
    return ESP_OK;
}
