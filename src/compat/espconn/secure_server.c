/* Manual 4.7: espconn_secure_accept — an iotls listener with the server
 * level's settings; each accepted client gets its own struct espconn with
 * the listening one's callbacks, as in the SDK. */
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

static espc_server_t *server_get(struct espconn *esp)
{
    espc_server_t *s = espc_server_find(esp);
    if (s == NULL && (s = calloc(1, sizeof *s)) != NULL) {
        s->esp = esp;
        s->max_conns = IOTLS_ESPCONN_SERVER_CONNS;
        s->next = espc.servers;
        espc.servers = s;
    }
    return s;
}

static void server_forget(espc_server_t *s)
{
    for (espc_server_t **p = &espc.servers; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    free(s);
}

static void *on_accepted(iotls_listener_t *lst, iotls_conn_t *c, void *user)
{
    (void)lst;
    espc_server_t *s = user;
    espc_link_t *l = calloc(1, sizeof *l);
    if (l == NULL) {
        espc_log("%s: out of memory for an accepted connection: closed", iotls_conn_peer(c));
        iotls_conn_abort(c);
        return NULL;
    }
    l->own_esp = *s->esp;
    if (s->esp->proto.tcp != NULL)
        l->own_tcp = *s->esp->proto.tcp;
    l->own_esp.proto.tcp = &l->own_tcp;
    l->own_esp.state = ESPCONN_WAIT;
    l->esp = &l->own_esp;
    l->role = ESPC_SERVER;
    l->server = s;
    l->conn = c;
    espc_set_remote(&l->own_tcp, iotls_conn_peer(c));
    espc_link_add(l);
    return l;
}

sint8 espconn_secure_accept(struct espconn *espconn)
{
    const char *fn = "espconn_secure_accept";
    sint8 rc = espc_check_tcp(fn, espconn);
    if (rc != ESPCONN_OK)
        return rc;
    iotls_loop_t *loop = espc_loop();
    esp_tcp *tcp = espconn->proto.tcp;
    espc_server_t *s = espc_server_find(espconn);
    if (s != NULL && s->listener != NULL) {
        espc_log("%s: this espconn already listens on port %d", fn, tcp->local_port);
        return ESPCONN_ISCONN;
    }
    if (espc_link_find(espconn) != NULL) {
        espc_log("%s: this espconn is a live SSL connection", fn);
        return ESPCONN_ARG;
    }
    if (tcp->local_port < 0 || tcp->local_port > 65535) {
        espc_log("%s: local_port %d is not a port", fn, tcp->local_port);
        return ESPCONN_ARG;
    }
    espc_level_t *lv = &espc.level[ESPC_SERVER];
    if (lv->creds == NULL) {
        espc_log("%s: no server certificate and key: call "
                 "espconn_secure_set_default_certificate and _private_key first",
                 fn);
        return ESPCONN_ARG;
    }
    if ((s = server_get(espconn)) == NULL) {
        espc_log("%s: out of memory", fn);
        return ESPCONN_MEM;
    }
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.buffer_size = iotls_buffer_effective(lv->size);
    /* One record's worth: espconn_secure_send keeps the rest of a send and
     * queues it as records go out (SDK-sized RAM per connection). */
    cfg.send_queue = cfg.tls.buffer_size;
    cfg.tls.log = espc_tls_log;
    cfg.tls.creds = lv->creds;
    if (lv->ca_enabled) {
        cfg.tls.trust = lv->trust;
        cfg.tls.client_auth = IOTLS_CLIENT_AUTH_REQUIRE;
    }
    const char *bind = espc_bind_addr();
    int port = espc_port_map(fn, tcp->local_port);
    iotls_listener_callbacks_t cb = {.accepted = on_accepted, .conn = espc_conn_callbacks};
    iotls_error_t err;
    iotls_error_clear(&err);
    s->listener = iotls_listener_new(loop, bind, (uint16_t)port, s->max_conns, &cfg, &cb, s, &err);
    if (s->listener == NULL) {
        sint8 code = err.code == IOTLS_ERR_NO_MEMORY ? ESPCONN_MEM : ESPCONN_ARG;
        espc_log("%s: cannot listen on %s:%d: %s", fn, bind ? bind : "*", port, err.text);
        server_forget(s);
        return code;
    }
    if (tcp->local_port == 0)
        tcp->local_port = iotls_listener_port(s->listener);
    espconn->state = ESPCONN_LISTEN;
    espc_log("SSL server listening on %s:%d (%zu-byte records, client certificates %s, "
             "at most %u clients)",
             bind ? bind : "*", iotls_listener_port(s->listener), iotls_buffer_effective(lv->size),
             lv->ca_enabled ? "required" : "not requested", s->max_conns);
    return ESPCONN_OK;
}

sint8 espconn_secure_delete(struct espconn *espconn)
{
    espc_server_t *s = espconn ? espc_server_find(espconn) : NULL;
    if (s == NULL || s->listener == NULL) {
        espc_log("espconn_secure_delete: this espconn is not an SSL server");
        return ESPCONN_ARG;
    }
    iotls_listener_free(s->listener);
    s->listener = NULL;
    /* Accepted connections keep their copy of the callbacks; they no longer
     * update the listening espconn. */
    for (espc_link_t *l = espc.links; l; l = l->next)
        if (l->server == s)
            l->server = NULL;
    server_forget(s);
    espconn->state = ESPCONN_CLOSE;
    return ESPCONN_OK;
}

sint8 espconn_tcp_set_max_con_allow(struct espconn *espconn, uint8 num)
{
    if (espconn == NULL || num == 0) {
        espc_log("espconn_tcp_set_max_con_allow: espconn NULL or num 0");
        return ESPCONN_ARG;
    }
    espc_server_t *s = espc_server_find(espconn);
    if (s != NULL && s->listener != NULL) {
        espc_log("espconn_tcp_set_max_con_allow: call it before espconn_secure_accept");
        return ESPCONN_ARG;
    }
    if ((s = server_get(espconn)) == NULL)
        return ESPCONN_MEM;
    s->max_conns = num;
    return ESPCONN_OK;
}

sint8 espconn_tcp_get_max_con_allow(struct espconn *espconn)
{
    espc_server_t *s = espconn ? espc_server_find(espconn) : NULL;
    if (s == NULL)
        return espconn ? (sint8)IOTLS_ESPCONN_SERVER_CONNS : ESPCONN_ARG;
    return (sint8)s->max_conns;
}
