/*
 * espconn.h — host version of the ESP8266 SDK's espconn API, limited to what
 * SSL applications use (ESP8266 SSL User Manual v1.4, chapter 4), running
 * on iotls (docs/espconn.md).
 *
 * Types, field names, error values and prototypes are the SDK's, so SDK
 * sources compile unchanged. Behaviour follows the manual; where iotls does
 * something different (limits lifted, verification warnings, host names)
 * docs/espconn.md says what and why.
 *
 * Threading: single-threaded, like the SDK. Every callback runs from the
 * event loop (espconn_host_run() / the runtime's main()), never from inside
 * the espconn_* call that caused it. Callbacks may call any espconn_* or
 * os_* function, including espconn_secure_disconnect on their own
 * connection and espconn_secure_connect again from the reconnect callback.
 *
 * Callback argument: always the `struct espconn *` of the connection. For a
 * client that is the application's own struct. For a server it is a struct
 * the layer allocates per accepted client (as the SDK does), with a copy of
 * the listening espconn's callbacks, `reverse` and ports; it is freed after
 * its disconnect or reconnect callback returns.
 */
#ifndef IOTLS_COMPAT_ESP8266_ESPCONN_H
#define IOTLS_COMPAT_ESP8266_ESPCONN_H

#include "c_types.h"
#include "ip_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef sint8 err_t;
typedef void *espconn_handle;
typedef void (*espconn_connect_callback)(void *arg);
typedef void (*espconn_reconnect_callback)(void *arg, sint8 err);
typedef void (*espconn_recv_callback)(void *arg, char *pdata, unsigned short len);
typedef void (*espconn_sent_callback)(void *arg);

/* Error values: the SDK's (they mirror lwIP's err_t). */
#define ESPCONN_OK 0                 /* no error */
#define ESPCONN_MEM -1               /* out of memory */
#define ESPCONN_TIMEOUT -3           /* connect / handshake / idle timeout */
#define ESPCONN_RTE -4               /* routing problem (no route to host) */
#define ESPCONN_INPROGRESS -5        /* operation in progress (a send awaits its sent callback) */
#define ESPCONN_MAXNUM -7            /* more connections than the set maximum */
#define ESPCONN_ABRT -8              /* connection aborted (other I/O failure) */
#define ESPCONN_RST -9               /* connection reset / refused by the peer */
#define ESPCONN_CLSD -10             /* connection closed */
#define ESPCONN_CONN -11             /* not connected (connect failed) */
#define ESPCONN_ARG -12              /* illegal argument / unknown connection */
#define ESPCONN_IF -14               /* low-level error */
#define ESPCONN_ISCONN -15           /* already connected */
#define ESPCONN_HANDSHAKE -28        /* SSL handshake failed */
#define ESPCONN_SSL_INVALID_DATA -61 /* SSL record invalid or larger than the buffer */

/* espconn_secure_* levels: the SDK's names for the manual's 0x01/0x02/0x03. */
enum { ESPCONN_IDLE = 0, ESPCONN_CLIENT, ESPCONN_SERVER, ESPCONN_BOTH, ESPCONN_MAX };
#define ESPCONN_CLIENT_LEVEL ESPCONN_CLIENT /* iotls's earlier names, kept */
#define ESPCONN_SERVER_LEVEL ESPCONN_SERVER
#define ESPCONN_BOTH_LEVEL ESPCONN_BOTH

enum espconn_type { ESPCONN_INVALID = 0, ESPCONN_TCP = 0x10, ESPCONN_UDP = 0x20 };

enum espconn_state {
    ESPCONN_NONE,
    ESPCONN_WAIT,
    ESPCONN_LISTEN,
    ESPCONN_CONNECT,
    ESPCONN_WRITE,
    ESPCONN_READ,
    ESPCONN_CLOSE
};

typedef struct _esp_tcp {
    int remote_port;
    int local_port;
    uint8 local_ip[4];
    uint8 remote_ip[4];
    espconn_connect_callback connect_callback;
    espconn_reconnect_callback reconnect_callback;
    espconn_connect_callback disconnect_callback;
    espconn_connect_callback write_finish_fn;
} esp_tcp;

typedef struct _esp_udp {
    int remote_port;
    int local_port;
    uint8 local_ip[4];
    uint8 remote_ip[4];
} esp_udp;

typedef struct _remot_info {
    enum espconn_state state;
    int remote_port;
    uint8 remote_ip[4];
} remot_info;

enum espconn_option {
    ESPCONN_START = 0x00,
    ESPCONN_REUSEADDR = 0x01,
    ESPCONN_NODELAY = 0x02,
    ESPCONN_COPY = 0x04,
    ESPCONN_KEEPALIVE = 0x08,
    ESPCONN_END
};

enum espconn_level { ESPCONN_KEEPIDLE, ESPCONN_KEEPINTVL, ESPCONN_KEEPCNT };

struct espconn_packet {
    uint16 sent_length;
    uint16 snd_buf_size;
    uint16 snd_queuelen;
    uint16 total_queuelen;
    uint32 packseqno;
    uint32 packseqid;
    uint32 packnum;
};

struct espconn {
    enum espconn_type type;
    enum espconn_state state;
    union {
        esp_tcp *tcp;
        esp_udp *udp;
    } proto;
    espconn_recv_callback recv_callback;
    espconn_sent_callback sent_callback;
    uint8 link_cnt;
    void *reverse; /* the application's pointer; copied to accepted connections */
};

/* ---- callbacks and helpers (SDK programming guide) --------------------- */

/* Return 0, or ESPCONN_ARG when espconn or its proto.tcp is NULL. */
sint8 espconn_regist_connectcb(struct espconn *espconn, espconn_connect_callback connect_cb);
sint8 espconn_regist_reconcb(struct espconn *espconn, espconn_reconnect_callback recon_cb);
sint8 espconn_regist_disconcb(struct espconn *espconn, espconn_connect_callback discon_cb);
sint8 espconn_regist_recvcb(struct espconn *espconn, espconn_recv_callback recv_cb);
sint8 espconn_regist_sentcb(struct espconn *espconn, espconn_sent_callback sent_cb);
sint8 espconn_regist_write_finish(struct espconn *espconn,
                                  espconn_connect_callback write_finish_fn);

/* A local port number for a client (1024..65535, different each call). The
 * host's kernel picks the real local port; see docs/espconn.md. */
uint32 espconn_port(void);

/* Server: most clients connected at once (the SDK's limit is 1 for SSL).
 * Call before espconn_secure_accept. 0 or ESPCONN_ARG. */
sint8 espconn_tcp_set_max_con_allow(struct espconn *espconn, uint8 num);
sint8 espconn_tcp_get_max_con_allow(struct espconn *espconn);

/* ---- plain TCP and UDP (SDK programming guide), on the same loop ------- */

/*
 * TCP client: connect to proto.tcp->remote_ip:remote_port; the connect
 * callback follows from the loop, the reconnect callback with
 * ESPCONN_RST (refused/reset) or ESPCONN_TIMEOUT if it fails.
 * 0, ESPCONN_ARG, ESPCONN_ISCONN, ESPCONN_MEM, ESPCONN_MAXNUM.
 */
sint8 espconn_connect(struct espconn *espconn);
/* TCP server on proto.tcp->local_port (0 picks one and writes it back);
 * accepted clients get a struct espconn of their own with the listening
 * one's callbacks and `reverse`, as on the SDK. Binds like
 * espconn_secure_accept (127.0.0.1 unless IOTLS_ESPCONN_BIND). */
sint8 espconn_accept(struct espconn *espconn);
/* Send on a TCP connection (copied; the sent callback follows once it is
 * written) or, for UDP, a datagram to proto.udp->remote_ip:remote_port.
 * ESPCONN_INPROGRESS while a TCP send awaits its sent callback. */
sint8 espconn_send(struct espconn *espconn, uint8 *psent, uint16 length);
sint8 espconn_sent(struct espconn *espconn, uint8 *psent, uint16 length);
sint16 espconn_sendto(struct espconn *espconn, uint8 *psent, uint16 length);
/* Close after queued data; the disconnect callback follows. */
sint8 espconn_disconnect(struct espconn *espconn);
/* Close at once, no callback (SDK: RST). TCP and SSL connections. */
sint8 espconn_abort(struct espconn *espconn);
/* Stop a TCP or SSL server, release a UDP socket, or forget a TCP/SSL
 * connection without callbacks. ESPCONN_ARG when espconn is unknown. */
sint8 espconn_delete(struct espconn *espconn);
/* UDP: bind proto.udp->local_port (0 picks one); datagrams reach the
 * receive callback with remote_ip/remote_port set to the sender. */
sint8 espconn_create(struct espconn *espconn);
/* Server idle timeout in seconds (0..7200; type_flag 0: every server
 * connection of this espconn, 1: this connection only). Idle accepted
 * connections are closed with a disconnect callback. */
sint8 espconn_regist_time(struct espconn *espconn, uint32 interval, uint8 type_flag);
/* The server's current clients (remote address and port each). */
sint8 espconn_get_connection_info(struct espconn *pespconn, remot_info **pcon_info,
                                  uint8 typeflags);
uint8 espconn_tcp_get_max_con(void);
sint8 espconn_tcp_set_max_con(uint8 num);
/* Options are accepted and logged; TCP_NODELAY is set on the socket. */
sint8 espconn_set_opt(struct espconn *espconn, uint8 opt);
sint8 espconn_clear_opt(struct espconn *espconn, uint8 opt);
sint8 espconn_set_keepalive(struct espconn *espconn, uint8 level, void *optarg);
sint8 espconn_get_keepalive(struct espconn *espconn, uint8 level, void *optarg);
sint8 espconn_recv_hold(struct espconn *pespconn);
sint8 espconn_recv_unhold(struct espconn *pespconn);
void espconn_dns_setserver(uint8 numdns, ip_addr_t *dnsserver);

typedef void (*dns_found_callback)(const char *name, ip_addr_t *ipaddr, void *callback_arg);
/*
 * Resolve hostname (IPv4). ESPCONN_OK with *addr set when hostname is a
 * dotted IP or was resolved before; ESPCONN_INPROGRESS when `found` will be
 * called from the loop with the address (NULL if the name did not resolve)
 * and pespconn as callback_arg — also when asked again while that lookup
 * is still pending (as lwIP says); ESPCONN_ARG for bad arguments.
 * Host-only: IOTLS_ESPCONN_HOSTS="name=a.b.c.d,..." answers those names
 * without DNS (tests point an application's fixed host name at 127.0.0.1).
 * iotls remembers the name: a later espconn_secure_connect to that address
 * sends it as SNI and checks the certificate against it.
 */
err_t espconn_gethostbyname(struct espconn *pespconn, const char *hostname, ip_addr_t *addr,
                            dns_found_callback found);

/* ---- SSL (manual chapter 4) ------------------------------------------- */

/* 4.1/4.2 CA verification: level 0x01 verifies the server's certificate,
 * 0x02 requires and verifies client certificates, 0x03 both, against the
 * CA list in flash at flash_sector (esp_ca_cert.bin or an iotls CA blob).
 * The sector is read at once: false (and a log line) when nothing usable
 * is there. Before espconn_secure_connect / _accept only. */
bool espconn_secure_ca_enable(uint8 level, uint32 flash_sector);
bool espconn_secure_ca_disable(uint8 level);

/* 4.3/4.4 The client's own certificate and key (level 0x01 only) from
 * flash_sector (esp_cert_private_key.bin or an iotls credentials blob),
 * presented when a server asks. Before espconn_secure_connect only. */
bool espconn_secure_cert_req_enable(uint8 level, uint32 flash_sector);
bool espconn_secure_cert_req_disable(uint8 level);

/* 4.5/4.6 The server's certificate and private key (DER as in the SDK, or
 * PEM). Copied. Before espconn_secure_accept only. */
bool espconn_secure_set_default_certificate(const uint8_t *certificate, uint16_t length);
bool espconn_secure_set_default_private_key(const uint8_t *key, uint16_t length);

/* 4.7 Listen on proto.tcp->local_port (0: one is picked and written back).
 * 0, ESPCONN_ARG (bad espconn, no certificate/key, port in use: the log
 * says which), ESPCONN_MEM, ESPCONN_ISCONN (this espconn already listens). */
sint8 espconn_secure_accept(struct espconn *espconn);
/* Stop listening (later SDKs); connections already accepted continue. */
sint8 espconn_secure_delete(struct espconn *espconn);

/* 4.8/4.9 Record buffer size per level: 1..8192, default 2048. get returns
 * what was set; the engine uses the next size TLS can negotiate (512, 1024,
 * 2048, 4096, 16384 — docs/espconn.md). get_size(0x03) answers when both
 * levels hold the same size, otherwise ESPCONN_ARG. */
bool espconn_secure_set_size(uint8 level, uint16 size);
sint16 espconn_secure_get_size(uint8 level);

/* 4.10 Connect to proto.tcp->remote_ip:remote_port and run the handshake;
 * connect callback once it is done, reconnect callback (with an ESPCONN_*
 * code) if it fails. 0, ESPCONN_ARG, ESPCONN_MEM, ESPCONN_ISCONN,
 * ESPCONN_MAXNUM. */
sint8 espconn_secure_connect(struct espconn *espconn);

/* 4.11 Send (copied; any length, split into records). Again only after the
 * sent callback: ESPCONN_INPROGRESS before. ESPCONN_ARG when espconn is not
 * a connected SSL connection. */
sint8 espconn_secure_send(struct espconn *espconn, uint8 *psent, uint16 length);
#define espconn_secure_sent espconn_secure_send

/* 4.12 Close (sends what is queued, then close_notify); the disconnect
 * callback follows. 0 or ESPCONN_ARG. */
sint8 espconn_secure_disconnect(struct espconn *espconn);

#ifdef __cplusplus
}
#endif

/* Host-only additions (flash image, loop, log), when built with iotls. */
#include "espconn_host.h"

#endif
