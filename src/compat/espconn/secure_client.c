/* Manual 4.10: espconn_secure_connect — an iotls client connection to
 * proto.tcp->remote_ip:remote_port with the client level's settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

static unsigned client_links(void)
{
    unsigned n = 0;
    for (espc_link_t *l = espc.links; l; l = l->next)
        n += l->role == ESPC_CLIENT;
    return n;
}

sint8 espconn_secure_connect(struct espconn *espconn)
{
    const char *fn = "espconn_secure_connect";
    sint8 rc = espc_check_tcp(fn, espconn);
    if (rc != ESPCONN_OK)
        return rc;
    iotls_loop_t *loop = espc_loop();
    esp_tcp *tcp = espconn->proto.tcp;
    if (espc_link_find(espconn) != NULL) {
        espc_log("%s: this espconn is already connected or connecting "
                 "(espconn_secure_disconnect first)",
                 fn);
        return ESPCONN_ISCONN;
    }
    if (espc_server_find(espconn) != NULL) {
        espc_log("%s: this espconn is an SSL server (espconn_secure_accept)", fn);
        return ESPCONN_ARG;
    }
    if (tcp->remote_port <= 0 || tcp->remote_port > 65535) {
        espc_log("%s: remote_port %d is not a port", fn, tcp->remote_port);
        return ESPCONN_ARG;
    }
    if (client_links() >= IOTLS_ESPCONN_MAX_CLIENTS) {
        espc_log("%s: %u SSL client connections already (IOTLS_ESPCONN_MAX_CLIENTS)", fn,
                 (unsigned)IOTLS_ESPCONN_MAX_CLIENTS);
        return ESPCONN_MAXNUM;
    }
    int port = espc_port_map(fn, tcp->remote_port);
    char host[16];
    snprintf(host, sizeof host, "%u.%u.%u.%u", tcp->remote_ip[0], tcp->remote_ip[1],
             tcp->remote_ip[2], tcp->remote_ip[3]);

    espc_level_t *lv = &espc.level[ESPC_CLIENT];
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.buffer_size = iotls_buffer_effective(lv->size);
    /* One record's worth: espconn_secure_send keeps the rest of a send and
     * queues it as records go out (SDK-sized RAM per connection). */
    cfg.send_queue = cfg.tls.buffer_size;
    cfg.tls.log = espc_tls_log;
    cfg.tls.creds = lv->cert_enabled ? lv->creds : NULL;
    /* The SDK connects by address only. A name from espconn_gethostbyname
     * (or the environment) is sent as SNI whenever one is known — many
     * servers need it even when nothing is verified — and is the name the
     * certificate is checked against once verification is on. */
    const char *name = getenv(ESPCONN_HOST_ENV_VERIFY_NAME);
    if (name == NULL || name[0] == '\0')
        name = espc_dns_name_for(tcp->remote_ip);
    cfg.verify_name = name;
    if (lv->ca_enabled) {
        cfg.tls.trust = lv->trust;
    } else {
        cfg.tls.insecure = true; /* the SDK default; iotls logs a warning per connection */
    }

    espc_link_t *l = calloc(1, sizeof *l);
    if (l == NULL) {
        espc_log("%s: out of memory", fn);
        return ESPCONN_MEM;
    }
    l->esp = espconn;
    l->role = ESPC_CLIENT;
    iotls_error_t err;
    iotls_error_clear(&err);
    l->conn = iotls_conn_connect(loop, host, (uint16_t)port, &cfg, &espc_conn_callbacks, l, &err);
    if (l->conn == NULL) {
        free(l);
        sint8 code = err.code == IOTLS_ERR_NO_MEMORY ? ESPCONN_MEM : ESPCONN_ARG;
        espc_log("%s: %s:%d: %s -> %s", fn, host, port, err.text, espc_code_name(code));
        return code;
    }
    espc_link_add(l);
    espconn->state = ESPCONN_WAIT;
    return ESPCONN_OK;
}
