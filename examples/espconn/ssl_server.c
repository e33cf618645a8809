/*
 * ssl_server.c — an ESP8266 SDK SSL server (manual chapter 2, IoT_Demo's
 * SERVER_SSL_ENABLE) that requires client certificates, built unchanged
 * for a PC with iotls:
 *
 *     cc ssl_server.c $(pkg-config --cflags --libs iotls-espconn)
 *     IOTLS_FLASH=flash.img ./a.out
 *
 * The server's certificate and key: IoT_Demo compiles them in (cert.h,
 * private_key.h); this example keeps them out of the firmware and reads
 * them from flash with spi_flash_read, where they were written in the
 * SDK's esp_cert_private_key.bin layout (per entry a 32-byte NUL-padded
 * name, a 16-bit little-endian length, the DER bytes; the key's name starts
 * with "private_key"), and passes them to espconn_secure_set_default_
 * certificate / _private_key. Client certificates are required and verified
 * against the CA list in flash: espconn_secure_ca_enable(0x02, sector).
 *
 * Each client gets "ok <n> bytes\n" once a received chunk ends in a
 * newline, then the server disconnects it.
 *
 * Host settings from the environment (defaults in brackets):
 *   SSL_PORT [4433] (0: any free port)   SSL_CA_SECTOR [0x3B] ("none": no
 *   client certificates)   SSL_KEY_SECTOR [0x39] (server certificate + key)
 *   SSL_BUFFER [2048]   SSL_MAX_CLIENTS [0 = serve forever]: stop listening
 *   (espconn_secure_delete) after that many clients have gone.
 * Prints "ACCEPT 127.0.0.1:<port>" when it listens (the line openssl
 * s_server prints, so test tools find the port).
 */
#include <stdlib.h>

#include "c_types.h"
#include "ets_sys.h"
#include "espconn.h"
#include "mem.h"
#include "os_type.h"
#include "osapi.h"
#include "spi_flash.h"
#include "user_interface.h"

#define ENTRY_NAME 32

LOCAL struct espconn server_conn;
LOCAL esp_tcp server_tcp;
LOCAL sint32 clients_left;

typedef struct {
    uint32 total; /* bytes received from this client */
} client_state;

LOCAL sint32 ICACHE_FLASH_ATTR env_num(const char *name, sint32 dflt)
{
    const char *v = getenv(name); /* host build: settings from the environment */
    if (v == NULL || v[0] == '\0')
        return dflt;
    if (os_strcmp(v, "none") == 0)
        return -1;
    return (sint32)strtol(v, NULL, 0);
}

/* The certificate and key from the esp_cert_private_key.bin list at
 * `sector`, handed to the SSL layer. */
LOCAL bool ICACHE_FLASH_ATTR load_server_identity(uint32 sector)
{
    uint32 *buf = (uint32 *)os_zalloc(SPI_FLASH_SEC_SIZE);
    bool have_cert = false, have_key = false;
    if (buf == NULL || spi_flash_read(sector * SPI_FLASH_SEC_SIZE, buf, SPI_FLASH_SEC_SIZE) !=
                           SPI_FLASH_RESULT_OK) {
        os_free(buf);
        return false;
    }
    const uint8 *p = (const uint8 *)buf;
    uint32 off = 0;
    while (off + ENTRY_NAME + 2 <= SPI_FLASH_SEC_SIZE && p[off] != 0xFF && p[off] != 0) {
        uint16 len = (uint16)(p[off + ENTRY_NAME] | (p[off + ENTRY_NAME + 1] << 8));
        const uint8 *der = p + off + ENTRY_NAME + 2;
        if (off + ENTRY_NAME + 2 + len > SPI_FLASH_SEC_SIZE)
            break;
        char name[ENTRY_NAME + 1];
        os_memcpy(name, p + off, ENTRY_NAME);
        name[ENTRY_NAME] = '\0';
        if (os_strncmp(name, "private_key", 11) == 0)
            have_key = espconn_secure_set_default_private_key(der, len);
        else if (!have_cert)
            have_cert = espconn_secure_set_default_certificate(der, len);
        off += ENTRY_NAME + 2 + len;
    }
    os_free(buf);
    os_printf("ssl_server: sector 0x%X: certificate %s, private key %s\n", sector,
              have_cert ? "set" : "missing", have_key ? "set" : "missing");
    return have_cert && have_key;
}

LOCAL void ICACHE_FLASH_ATTR server_recv_cb(void *arg, char *pdata, unsigned short len)
{
    struct espconn *conn = arg;
    client_state *st = conn->reverse;
    st->total += len;
    if (len > 0 && pdata[len - 1] == '\n') {
        char reply[32];
        os_sprintf(reply, "ok %u bytes\n", st->total);
        espconn_secure_send(conn, (uint8 *)reply, (uint16)os_strlen(reply));
    }
}

LOCAL void ICACHE_FLASH_ATTR server_sent_cb(void *arg)
{
    espconn_secure_disconnect(arg);
}

LOCAL void ICACHE_FLASH_ATTR client_gone(struct espconn *conn)
{
    os_free(conn->reverse);
    conn->reverse = NULL;
    if (clients_left > 0 && --clients_left == 0) {
        os_printf("ssl_server: last client served, closing the server\n");
        espconn_secure_delete(&server_conn);
    }
}

LOCAL void ICACHE_FLASH_ATTR server_discon_cb(void *arg)
{
    struct espconn *conn = arg;
    client_state *st = conn->reverse;
    os_printf("ssl_server: client " IPSTR ":%d disconnected after %u bytes\n",
              IP2STR(conn->proto.tcp->remote_ip), conn->proto.tcp->remote_port, st ? st->total : 0);
    client_gone(conn);
}

LOCAL void ICACHE_FLASH_ATTR server_recon_cb(void *arg, sint8 err)
{
    struct espconn *conn = arg;
    os_printf("ssl_server: client " IPSTR ":%d failed, error %d\n",
              IP2STR(conn->proto.tcp->remote_ip), conn->proto.tcp->remote_port, err);
    client_gone(conn);
}

LOCAL void ICACHE_FLASH_ATTR server_connect_cb(void *arg)
{
    struct espconn *conn = arg;
    conn->reverse = os_zalloc(sizeof(client_state));
    os_printf("ssl_server: client " IPSTR ":%d connected, heap %u\n",
              IP2STR(conn->proto.tcp->remote_ip), conn->proto.tcp->remote_port,
              system_get_free_heap_size());
    espconn_regist_recvcb(conn, server_recv_cb);
    espconn_regist_sentcb(conn, server_sent_cb);
}

void ICACHE_FLASH_ATTR user_init(void)
{
    sint32 ca = env_num("SSL_CA_SECTOR", 0x3B);
    sint32 keys = env_num("SSL_KEY_SECTOR", 0x39);
    clients_left = env_num("SSL_MAX_CLIENTS", 0);

    if (keys < 0 || !load_server_identity((uint32)keys)) {
        os_printf("ssl_server: no certificate and key, not starting\n");
        return;
    }
    if (ca >= 0 && !espconn_secure_ca_enable(0x02, (uint32)ca)) {
        os_printf("ssl_server: espconn_secure_ca_enable failed, not starting\n");
        return;
    }
    espconn_secure_set_size(0x02, (uint16)env_num("SSL_BUFFER", 2048));

    server_conn.type = ESPCONN_TCP;
    server_conn.state = ESPCONN_NONE;
    server_conn.proto.tcp = &server_tcp;
    server_tcp.local_port = env_num("SSL_PORT", 4433);
    espconn_regist_connectcb(&server_conn, server_connect_cb);
    espconn_regist_disconcb(&server_conn, server_discon_cb);
    espconn_regist_reconcb(&server_conn, server_recon_cb);

    sint8 rc = espconn_secure_accept(&server_conn);
    if (rc != ESPCONN_OK) {
        os_printf("ssl_server: espconn_secure_accept -> %d\n", rc);
        return;
    }
    os_printf("ACCEPT 127.0.0.1:%d\n", server_tcp.local_port);
}
