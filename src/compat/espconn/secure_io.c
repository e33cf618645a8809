/* A live SSL connection as the SDK shows it: net callbacks turned into the
 * espconn callbacks, espconn_secure_send (one send in flight, any length)
 * and espconn_secure_disconnect (manual 4.11, 4.12). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

void espc_set_remote(esp_tcp *tcp, const char *peer)
{
    unsigned a, b, c, d, port;
    if (tcp == NULL || peer == NULL || sscanf(peer, "%u.%u.%u.%u:%u", &a, &b, &c, &d, &port) != 5)
        return;
    tcp->remote_ip[0] = (uint8)a;
    tcp->remote_ip[1] = (uint8)b;
    tcp->remote_ip[2] = (uint8)c;
    tcp->remote_ip[3] = (uint8)d;
    tcp->remote_port = (int)port;
}

/* Move as much of the pending copy into the connection's queue as fits. */
static void push_pending(espc_link_t *l)
{
    while (l->pending && l->pending_off < l->pending_len) {
        size_t space = iotls_conn_send_space(l->conn);
        size_t left = l->pending_len - l->pending_off;
        size_t n = left < space ? left : space;
        if (n == 0)
            return;
        iotls_error_t err;
        iotls_error_clear(&err);
        if (iotls_conn_send(l->conn, l->pending + l->pending_off, n, &err) < 0) {
            espc_log("%s: send failed: %s", iotls_conn_peer(l->conn), err.text);
            return;
        }
        l->pending_off += n;
    }
    free(l->pending);
    l->pending = NULL;
    l->pending_len = l->pending_off = 0;
    if (l->close_after_send) {
        l->close_after_send = false;
        iotls_conn_close(l->conn);
    }
}

/* The connection is over: forget it first (the callback may connect the
 * same espconn again), then tell the application, then free. */
static void link_end(espc_link_t *l, sint8 code)
{
    espc_link_remove(l);
    free(l->pending);
    l->pending = NULL;
    espc_tell_end(l->esp, code);
    free(l);
}

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    espc_link_t *l = user;
    if (l == NULL)
        return;
    l->connected = true;
    struct espconn *esp = l->esp;
    esp->state = ESPCONN_CONNECT;
    espc_set_remote(esp->proto.tcp, iotls_conn_peer(c));
    if (l->server != NULL) {
        struct espconn *ls = l->server->esp;
        espc_set_remote(ls->proto.tcp, iotls_conn_peer(c));
    }
    espc_log("%s: SSL %s connected: %s %s, %zu-byte records, peer %s (%s)", iotls_conn_peer(c),
             l->role == ESPC_CLIENT ? "client" : "server",
             r->version_name ? r->version_name : "TLS",
             r->cipher_suite_name ? r->cipher_suite_name : "", r->buffer_payload,
             r->verified ? "verified" : "not verified", r->auth ? r->auth : "none");
    if (esp->proto.tcp && esp->proto.tcp->connect_callback)
        esp->proto.tcp->connect_callback(esp);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    (void)c;
    espc_link_t *l = user;
    if (l == NULL)
        return;
    struct espconn *esp = l->esp;
    while (len > 0) {
        unsigned short n = len > 0xFFFF ? 0xFFFF : (unsigned short)len;
        if (esp->recv_callback)
            esp->recv_callback(esp, (char *)data, n);
        data += n;
        len -= n;
    }
}

static void on_sent(iotls_conn_t *c, void *user)
{
    (void)c;
    espc_link_t *l = user;
    if (l == NULL || !l->send_busy)
        return;
    if (l->pending) { /* more of the application's data to queue first */
        push_pending(l);
        return;
    }
    l->send_busy = false;
    struct espconn *esp = l->esp;
    if (esp->sent_callback)
        esp->sent_callback(esp);
    if (esp->proto.tcp && esp->proto.tcp->write_finish_fn)
        esp->proto.tcp->write_finish_fn(esp);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    (void)c;
    if (user != NULL)
        link_end(user, ESPCONN_OK);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    espc_link_t *l = user;
    if (l == NULL)
        return;
    if (err->code == IOTLS_ERR_TRUNCATED && l->connected) {
        /* The SDK reports a TCP close as a disconnect, close_notify or not. */
        espc_log("%s: peer closed the connection without close_notify: disconnect callback",
                 iotls_conn_peer(c));
        link_end(l, ESPCONN_OK);
        return;
    }
    sint8 code = espc_map_error(err, l->connected);
    espc_log("%s: SSL %s failed: %s [%s] -> reconnect callback with %s (%d)",
             iotls_conn_peer(c)[0] ? iotls_conn_peer(c) : "connection",
             l->role == ESPC_CLIENT ? "client" : "server", err->text,
             iotls_error_code_name(err->code), espc_code_name(code), code);
    link_end(l, code);
}

const iotls_conn_callbacks_t espc_conn_callbacks = {
    .connected = on_connected,
    .received = on_received,
    .sent = on_sent,
    .disconnected = on_disconnected,
    .error = on_error,
};

sint8 espconn_secure_send(struct espconn *espconn, uint8 *psent, uint16 length)
{
    const char *fn = "espconn_secure_send";
    espc_link_t *l = espconn ? espc_link_find(espconn) : NULL;
    if (l == NULL) {
        espc_log("%s: this espconn has no SSL connection (connect or accept first)", fn);
        return ESPCONN_ARG;
    }
    if (!l->connected) {
        espc_log("%s: %s: handshake not finished: send from the connect callback on", fn,
                 iotls_conn_peer(l->conn));
        return ESPCONN_ARG;
    }
    if (psent == NULL || length == 0) {
        espc_log("%s: nothing to send (data %s, length %u)", fn, psent ? "set" : "NULL",
                 (unsigned)length);
        return ESPCONN_ARG;
    }
    if (l->close_after_send) {
        espc_log("%s: %s: espconn_secure_disconnect was called", fn, iotls_conn_peer(l->conn));
        return ESPCONN_ARG;
    }
    sint8 rc = espc_queue_append(&l->pending, &l->pending_len, &l->pending_off, psent, length, fn,
                                 iotls_conn_peer(l->conn));
    if (rc != ESPCONN_OK)
        return rc;
    l->send_busy = true;
    push_pending(l);
    return ESPCONN_OK;
}

sint8 espconn_secure_disconnect(struct espconn *espconn)
{
    espc_link_t *l = espconn ? espc_link_find(espconn) : NULL;
    if (l == NULL) {
        espc_log("espconn_secure_disconnect: this espconn has no SSL connection");
        return ESPCONN_ARG;
    }
    if (l->pending)
        l->close_after_send = true; /* push_pending closes once all is queued */
    else
        iotls_conn_close(l->conn);
    return ESPCONN_OK;
}
