/* iotls errors -> the SDK's ESPCONN_* codes given to the reconnect
 * callback. The SDK gives a number only; the layer also logs the iotls
 * text, which names the cause. Table in docs/espconn.md. */
#include "compat/espconn/espconn_internal.h"

sint8 espc_map_error(const iotls_error_t *err, bool connected)
{
    switch (err->code) {
    case IOTLS_OK: return ESPCONN_OK;
    case IOTLS_ERR_PEER_RESET:
    case IOTLS_ERR_CONNECT_REFUSED: /* lwIP: a RST answering the SYN */ return ESPCONN_RST;
    case IOTLS_ERR_CONNECT_TIMEOUT:
    case IOTLS_ERR_HANDSHAKE_TIMEOUT:
    case IOTLS_ERR_IDLE_TIMEOUT: return ESPCONN_TIMEOUT;
    case IOTLS_ERR_CONNECT:
    case IOTLS_ERR_RESOLVE: return ESPCONN_CONN;
    case IOTLS_ERR_TRUNCATED: return connected ? ESPCONN_CLSD : ESPCONN_HANDSHAKE;
    case IOTLS_ERR_RECORD_TOO_LARGE: /* manual 4.7/4.10: record > espconn_secure_set_size */
        return ESPCONN_SSL_INVALID_DATA;
    case IOTLS_ERR_NO_MEMORY:
    case IOTLS_ERR_MEMORY_TOO_SMALL:
    case IOTLS_ERR_QUEUE_FULL: return ESPCONN_MEM;
    default: break;
    }
    switch (iotls_error_class(err->code)) {
    case IOTLS_CLASS_IO: return connected ? ESPCONN_ABRT : ESPCONN_HANDSHAKE;
    case IOTLS_CLASS_PROTOCOL:
    case IOTLS_CLASS_ALERT_RECEIVED:
    case IOTLS_CLASS_ALERT_SENT: return connected ? ESPCONN_SSL_INVALID_DATA : ESPCONN_HANDSHAKE;
    case IOTLS_CLASS_CERTIFICATE: return ESPCONN_HANDSHAKE;
    case IOTLS_CLASS_CONFIG: return ESPCONN_ARG;
    default: return ESPCONN_ABRT;
    }
}

const char *espc_code_name(sint8 code)
{
    switch (code) {
    case ESPCONN_OK: return "ESPCONN_OK";
    case ESPCONN_MEM: return "ESPCONN_MEM";
    case ESPCONN_TIMEOUT: return "ESPCONN_TIMEOUT";
    case ESPCONN_RTE: return "ESPCONN_RTE";
    case ESPCONN_INPROGRESS: return "ESPCONN_INPROGRESS";
    case ESPCONN_MAXNUM: return "ESPCONN_MAXNUM";
    case ESPCONN_ABRT: return "ESPCONN_ABRT";
    case ESPCONN_RST: return "ESPCONN_RST";
    case ESPCONN_CLSD: return "ESPCONN_CLSD";
    case ESPCONN_CONN: return "ESPCONN_CONN";
    case ESPCONN_ARG: return "ESPCONN_ARG";
    case ESPCONN_IF: return "ESPCONN_IF";
    case ESPCONN_ISCONN: return "ESPCONN_ISCONN";
    case ESPCONN_HANDSHAKE: return "ESPCONN_HANDSHAKE";
    case ESPCONN_SSL_INVALID_DATA: return "ESPCONN_SSL_INVALID_DATA";
    default: return "ESPCONN_?";
    }
}

void espc_tell_end(struct espconn *esp, sint8 code)
{
    esp->state = ESPCONN_CLOSE;
    esp_tcp *tcp = esp->proto.tcp;
    if (code == ESPCONN_OK) {
        if (tcp && tcp->disconnect_callback)
            tcp->disconnect_callback(esp);
    } else if (tcp && tcp->reconnect_callback) {
        tcp->reconnect_callback(esp, code);
    } else {
        espc_log("no reconnect callback registered for %s (error %d dropped)", espc_code_name(code),
                 code);
    }
}
