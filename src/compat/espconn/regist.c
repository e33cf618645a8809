/* espconn_regist_* and espconn_port: where the SDK keeps each callback
 * (struct espconn holds recv/sent, esp_tcp the others). */
#include <stdlib.h>

#include "compat/espconn/espconn_internal.h"

static esp_tcp *tcp_of(const char *fn, struct espconn *esp)
{
    if (esp == NULL || esp->proto.tcp == NULL) {
        espc_log("%s: espconn %s", fn, esp ? "has no proto.tcp" : "is NULL");
        return NULL;
    }
    return esp->proto.tcp;
}

sint8 espconn_regist_connectcb(struct espconn *espconn, espconn_connect_callback connect_cb)
{
    esp_tcp *t = tcp_of("espconn_regist_connectcb", espconn);
    if (t == NULL)
        return ESPCONN_ARG;
    t->connect_callback = connect_cb;
    return ESPCONN_OK;
}

sint8 espconn_regist_reconcb(struct espconn *espconn, espconn_reconnect_callback recon_cb)
{
    esp_tcp *t = tcp_of("espconn_regist_reconcb", espconn);
    if (t == NULL)
        return ESPCONN_ARG;
    t->reconnect_callback = recon_cb;
    return ESPCONN_OK;
}

sint8 espconn_regist_disconcb(struct espconn *espconn, espconn_connect_callback discon_cb)
{
    esp_tcp *t = tcp_of("espconn_regist_disconcb", espconn);
    if (t == NULL)
        return ESPCONN_ARG;
    t->disconnect_callback = discon_cb;
    return ESPCONN_OK;
}

sint8 espconn_regist_write_finish(struct espconn *espconn, espconn_connect_callback write_finish_fn)
{
    esp_tcp *t = tcp_of("espconn_regist_write_finish", espconn);
    if (t == NULL)
        return ESPCONN_ARG;
    t->write_finish_fn = write_finish_fn;
    return ESPCONN_OK;
}

sint8 espconn_regist_recvcb(struct espconn *espconn, espconn_recv_callback recv_cb)
{
    if (espconn == NULL) {
        espc_log("espconn_regist_recvcb: espconn is NULL");
        return ESPCONN_ARG;
    }
    espconn->recv_callback = recv_cb;
    return ESPCONN_OK;
}

sint8 espconn_regist_sentcb(struct espconn *espconn, espconn_sent_callback sent_cb)
{
    if (espconn == NULL) {
        espc_log("espconn_regist_sentcb: espconn is NULL");
        return ESPCONN_ARG;
    }
    espconn->sent_callback = sent_cb;
    return ESPCONN_OK;
}

uint32 espconn_port(void)
{
    static uint32 next;
    if (next == 0)
        next = 1024u + (uint32)(os_random() % 50000u);
    uint32 p = next++;
    if (next > 65535u)
        next = 1024u;
    return p;
}
