/* The espconn calls shared by TCP, UDP and SSL espconns: each goes to the
 * kind of connection the espconn is (docs/espconn.md, "Plain TCP/UDP"). */
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

sint8 espconn_send(struct espconn *espconn, uint8 *psent, uint16 length)
{
    if (espconn != NULL && espconn->type == ESPCONN_UDP)
        return espc_udp_send(espconn, psent, length);
    return espc_plain_send(espconn, psent, length);
}

sint8 espconn_sent(struct espconn *espconn, uint8 *psent, uint16 length)
{
    return espconn_send(espconn, psent, length);
}

sint16 espconn_sendto(struct espconn *espconn, uint8 *psent, uint16 length)
{
    return espc_udp_send(espconn, psent, length);
}

sint8 espconn_disconnect(struct espconn *espconn)
{
    if (espc_plain_disconnect(espconn) == ESPCONN_OK)
        return ESPCONN_OK;
    espc_log("espconn_disconnect: this espconn has no TCP connection%s",
             espconn && espc_link_find(espconn)
                 ? " (it is an SSL connection: espconn_secure_disconnect)"
                 : "");
    return ESPCONN_ARG;
}

sint8 espconn_abort(struct espconn *espconn)
{
    if (espc_plain_abort(espconn) == ESPCONN_OK)
        return ESPCONN_OK;
    espc_link_t *l = espconn ? espc_link_find(espconn) : NULL;
    if (l == NULL) {
        espc_log("espconn_abort: this espconn has no TCP or SSL connection");
        return ESPCONN_ARG;
    }
    /* No callback for an aborted SSL connection: iotls frees it now. */
    espc_link_remove(l);
    iotls_conn_abort(l->conn);
    free(l->pending);
    espconn->state = ESPCONN_CLOSE;
    free(l);
    return ESPCONN_OK;
}

sint8 espconn_delete(struct espconn *espconn)
{
    if (espconn == NULL)
        return ESPCONN_ARG;
    if (espc_udp_delete(espconn) || espc_plain_delete(espconn))
        return ESPCONN_OK;
    espc_server_t *s = espc_server_find(espconn);
    if (s != NULL && s->listener != NULL)
        return espconn_secure_delete(espconn);
    if (espc_link_find(espconn) != NULL)
        return espconn_abort(espconn);
    /* Applications call it on connections that already ended (from their
     * disconnect callback); the SDK answers ESPCONN_ARG without fuss. */
    return ESPCONN_ARG;
}

sint8 espconn_set_opt(struct espconn *espconn, uint8 opt)
{
    if (espconn == NULL)
        return ESPCONN_ARG;
    (void)opt; /* NODELAY is always on, REUSEADDR on for servers, COPY moot */
    return ESPCONN_OK;
}

sint8 espconn_clear_opt(struct espconn *espconn, uint8 opt)
{
    return espconn_set_opt(espconn, opt);
}

sint8 espconn_set_keepalive(struct espconn *espconn, uint8 level, void *optarg)
{
    if (espconn == NULL || optarg == NULL || level > ESPCONN_KEEPCNT)
        return ESPCONN_ARG;
    return ESPCONN_OK;
}

sint8 espconn_get_keepalive(struct espconn *espconn, uint8 level, void *optarg)
{
    if (espconn == NULL || optarg == NULL || level > ESPCONN_KEEPCNT)
        return ESPCONN_ARG;
    memset(optarg, 0, sizeof(uint32));
    return ESPCONN_OK;
}
