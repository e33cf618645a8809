/*
 * ssl_client.c — an ESP8266 SDK SSL client (manual chapter 3, bi-directional
 * verification as in section 3.1), built unchanged for a PC with iotls:
 *
 *     cc ssl_client.c $(pkg-config --cflags --libs iotls-espconn)
 *     IOTLS_FLASH=flash.img ./a.out
 *
 * user_init() sets up the SSL client the way IoT_Demo's CLIENT_SSL_ENABLE
 * code does: CA verification from the flash sector holding esp_ca_cert.bin
 * (or an iotls CA blob), its own certificate + key from the sector holding
 * esp_cert_private_key.bin (or an iotls credentials blob), callbacks, then
 * espconn_secure_connect. It sends a message, prints what comes back, and
 * ends when the server closes (or after a timeout, with an os_timer).
 *
 * On the chip the target would be compiled in; on the host it comes from
 * the environment (defaults in brackets):
 *   SSL_HOST [127.0.0.1] (a name is resolved with espconn_gethostbyname)
 *   SSL_PORT [4433]   SSL_CA_SECTOR [0x3B] ("none": no CA verification)
 *   SSL_CERT_SECTOR [0x3A] ("none": no client certificate)
 *   SSL_BUFFER [2048] (espconn_secure_set_size)   SSL_TIMEOUT_MS [10000]
 *   SSL_MESSAGE ["hello from the ESP8266 SSL client\n"]
 *   SSL_SEND_BYTES [0]: instead, send that many pattern bytes (<= 65535)
 *       SSL_SEND_COUNT [1] times, each after the previous sent callback,
 *       then "END-OF-DATA\n".
 */
#include <stdlib.h>

#include "c_types.h"
#include "ets_sys.h"
#include "espconn.h"
#include "mem.h"
#include "os_type.h"
#include "osapi.h"
#include "user_interface.h"

LOCAL struct espconn ssl_conn;
LOCAL esp_tcp ssl_tcp;
LOCAL ip_addr_t ssl_ip;
LOCAL os_timer_t timeout_timer;
LOCAL uint8 *bulk;
LOCAL uint32 bulk_len, sends_left;
LOCAL uint32 received_total;

LOCAL const char *ICACHE_FLASH_ATTR env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name); /* host build: settings from the environment */
    return v != NULL && v[0] != '\0' ? v : dflt;
}

LOCAL sint32 ICACHE_FLASH_ATTR env_num(const char *name, sint32 dflt)
{
    const char *v = env_or(name, NULL);
    if (v == NULL)
        return dflt;
    if (os_strcmp(v, "none") == 0)
        return -1;
    return (sint32)strtol(v, NULL, 0);
}

LOCAL void ICACHE_FLASH_ATTR ssl_timeout(void *arg)
{
    os_printf("ssl_client: timeout, disconnecting\n");
    espconn_secure_disconnect(&ssl_conn);
}

LOCAL void ICACHE_FLASH_ATTR ssl_send_next(struct espconn *conn)
{
    if (sends_left > 0) {
        sends_left--;
        sint8 rc = espconn_secure_send(conn, bulk, (uint16)bulk_len);
        os_printf("ssl_client: send %u bytes -> %d\n", bulk_len, rc);
    } else if (bulk != NULL) {
        os_free(bulk);
        bulk = NULL;
        espconn_secure_send(conn, (uint8 *)"END-OF-DATA\n", 12);
    }
}

LOCAL void ICACHE_FLASH_ATTR ssl_recv_cb(void *arg, char *pdata, unsigned short len)
{
    received_total += len;
    os_printf("ssl_client: recv %u bytes: %.*s%s", len, (int)len, pdata,
              len > 0 && pdata[len - 1] == '\n' ? "" : "\n");
}

LOCAL void ICACHE_FLASH_ATTR ssl_sent_cb(void *arg)
{
    os_printf("ssl_client: sent callback\n");
    if (bulk != NULL || sends_left > 0)
        ssl_send_next(arg);
}

LOCAL void ICACHE_FLASH_ATTR ssl_connect_cb(void *arg)
{
    struct espconn *conn = arg;
    os_printf("ssl_client: connected to " IPSTR ":%d, heap %u\n",
              IP2STR(conn->proto.tcp->remote_ip), conn->proto.tcp->remote_port,
              system_get_free_heap_size());
    espconn_regist_recvcb(conn, ssl_recv_cb);
    espconn_regist_sentcb(conn, ssl_sent_cb);

    sint32 n = env_num("SSL_SEND_BYTES", 0);
    if (n > 0 && n <= 65535) {
        bulk_len = (uint32)n;
        bulk = (uint8 *)os_zalloc(bulk_len);
        if (bulk == NULL)
            return;
        for (uint32 i = 0; i < bulk_len; i++)
            bulk[i] = (uint8)('a' + i % 26);
        sends_left = (uint32)env_num("SSL_SEND_COUNT", 1);
        ssl_send_next(conn);
    } else {
        const char *msg = env_or("SSL_MESSAGE", "hello from the ESP8266 SSL client\n");
        espconn_secure_send(conn, (uint8 *)msg, (uint16)os_strlen(msg));
    }
}

LOCAL void ICACHE_FLASH_ATTR ssl_discon_cb(void *arg)
{
    os_timer_disarm(&timeout_timer);
    os_printf("ssl_client: disconnected after %u bytes received\n", received_total);
}

LOCAL void ICACHE_FLASH_ATTR ssl_recon_cb(void *arg, sint8 err)
{
    os_timer_disarm(&timeout_timer);
    os_free(bulk);
    bulk = NULL;
    os_printf("ssl_client: reconnect callback, error %d\n", err);
}

LOCAL void ICACHE_FLASH_ATTR ssl_start(void)
{
    ssl_conn.type = ESPCONN_TCP;
    ssl_conn.state = ESPCONN_NONE;
    ssl_conn.proto.tcp = &ssl_tcp;
    ssl_tcp.local_port = espconn_port();
    ssl_tcp.remote_port = env_num("SSL_PORT", 4433);
    os_memcpy(ssl_tcp.remote_ip, &ssl_ip.addr, 4);

    espconn_regist_connectcb(&ssl_conn, ssl_connect_cb);
    espconn_regist_disconcb(&ssl_conn, ssl_discon_cb);
    espconn_regist_reconcb(&ssl_conn, ssl_recon_cb);

    os_timer_disarm(&timeout_timer);
    os_timer_setfn(&timeout_timer, ssl_timeout, NULL);
    os_timer_arm(&timeout_timer, (uint32)env_num("SSL_TIMEOUT_MS", 10000), 0);

    sint8 rc = espconn_secure_connect(&ssl_conn);
    os_printf("ssl_client: espconn_secure_connect -> %d\n", rc);
    if (rc != ESPCONN_OK)
        os_timer_disarm(&timeout_timer);
}

LOCAL void ICACHE_FLASH_ATTR ssl_dns_found(const char *name, ip_addr_t *ipaddr, void *arg)
{
    if (ipaddr == NULL) {
        os_printf("ssl_client: %s not found\n", name);
        return;
    }
    ssl_ip = *ipaddr;
    os_printf("ssl_client: %s is " IPSTR "\n", name, IP2STR(&ssl_ip.addr));
    ssl_start();
}

void ICACHE_FLASH_ATTR user_init(void)
{
    sint32 ca = env_num("SSL_CA_SECTOR", 0x3B);
    sint32 cert = env_num("SSL_CERT_SECTOR", 0x3A);
    sint32 size = env_num("SSL_BUFFER", 2048);

    /* Manual 3.1: CA verification and the client certificate, both from
     * flash, before espconn_secure_connect. */
    if (ca >= 0 && !espconn_secure_ca_enable(0x01, (uint32)ca))
        os_printf("ssl_client: espconn_secure_ca_enable failed\n");
    if (cert >= 0 && !espconn_secure_cert_req_enable(0x01, (uint32)cert))
        os_printf("ssl_client: espconn_secure_cert_req_enable failed\n");
    if (!espconn_secure_set_size(0x01, (uint16)size))
        os_printf("ssl_client: espconn_secure_set_size failed\n");
    os_printf("ssl_client: buffer %d bytes\n", espconn_secure_get_size(0x01));

    const char *host = env_or("SSL_HOST", "127.0.0.1");
    sint8 rc = espconn_gethostbyname(&ssl_conn, host, &ssl_ip, ssl_dns_found);
    if (rc == ESPCONN_OK)
        ssl_start();
    else if (rc != ESPCONN_INPROGRESS)
        os_printf("ssl_client: espconn_gethostbyname(%s) -> %d\n", host, rc);
}
