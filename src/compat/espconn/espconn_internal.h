/* Shared state of the espconn compatibility layer (single-threaded, like
 * the SDK it stands in for). One global: the SDK's API has no context
 * argument, its settings are per level (client / server). */
#ifndef IOTLS_COMPAT_ESPCONN_INTERNAL_H
#define IOTLS_COMPAT_ESPCONN_INTERNAL_H

#include <stdarg.h>

#include "iotls/compat/espconn.h"
#include "iotls/net.h"
#include "iotls/store.h"

/* Run-time maxima (the SDK: one SSL client, one SSL server with one client). */
#ifndef IOTLS_ESPCONN_MAX_CLIENTS
#define IOTLS_ESPCONN_MAX_CLIENTS 32 /* client connections at once */
#endif
#ifndef IOTLS_ESPCONN_SERVER_CONNS
#define IOTLS_ESPCONN_SERVER_CONNS 8 /* clients per server, unless espconn_tcp_set_max_con_allow */
#endif
#define ESPC_SIZE_DEFAULT 2048u
#define ESPC_SIZE_MAX 8192u
#define ESPC_DNS_CACHE 8
/* Most bytes one connection holds for sends not yet on the wire (a send
 * before the sent callback is queued behind the previous one). */
#define ESPC_SEND_QUEUE_MAX 32768u

typedef enum { ESPC_CLIENT = 0, ESPC_SERVER = 1 } espc_role_t;

typedef struct {
    bool ca_enabled;
    uint32_t ca_sector;
    iotls_trust_t *trust; /* from ca_sector while ca_enabled */
    bool cert_enabled;    /* client: cert_req_enable */
    uint32_t cert_sector;
    iotls_creds_t *creds; /* client: from cert_sector; server: set_default_* */
    uint16_t size;        /* as set by espconn_secure_set_size */
} espc_level_t;

typedef struct espc_server espc_server_t;
typedef struct espc_link espc_link_t;

struct espc_link {
    struct espconn *esp;    /* what callbacks get */
    struct espconn own_esp; /* server: the per-client espconn (esp points here) */
    esp_tcp own_tcp;
    espc_role_t role;
    espc_server_t *server;
    iotls_conn_t *conn;
    bool connected; /* connect callback delivered */
    bool send_busy; /* a send awaits its sent callback */
    bool close_after_send;
    uint8_t *pending; /* copy of the send not yet queued in iotls */
    size_t pending_len, pending_off;
    espc_link_t *next;
};

struct espc_server {
    struct espconn *esp;        /* the application's listening espconn */
    iotls_listener_t *listener; /* NULL until espconn_secure_accept */
    unsigned max_conns;
    espc_server_t *next;
};

typedef struct {
    char name[256];
    uint32_t addr; /* network order, as ip_addr_t */
} espc_dns_entry_t;

typedef struct {
    iotls_loop_t *loop;
    unsigned generation; /* bumped by shutdown: invalidates os_timer_t host timers */
    bool flash_attached;
    iotls_flash_t flash;
    espc_level_t level[2];
    uint8_t *srv_cert, *srv_key; /* server: set_default_* copies */
    size_t srv_cert_len, srv_key_len;
    espc_link_t *links;
    espc_server_t *servers;
    espc_dns_entry_t dns[ESPC_DNS_CACHE];
    unsigned dns_next;
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
} espc_state_t;

extern espc_state_t espc;

/* "espconn: " + the formatted text, to the log sink. */
void espc_log(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* iotls_config_t.log adapter. */
void espc_tls_log(void *ctx, const char *line);

iotls_loop_t *espc_loop(void);

/* vprintf to stdout, flushed (os_printf, ets_printf). */
int espc_vprint(const char *fmt, va_list ap);

/* Host-only redirections for tests (docs/espconn.md): the address
 * IOTLS_ESPCONN_HOSTS gives a name (false when it names none), and the
 * port IOTLS_ESPCONN_PORTS maps `port` to (`port` itself when unmapped).
 * Each use is logged, naming `fn`. */
bool espc_hosts_lookup(const char *name, uint32_t *addr);
int espc_port_map(const char *fn, int port);
/* Where servers listen: 127.0.0.1, or IOTLS_ESPCONN_BIND (NULL for "*",
 * every address). */
const char *espc_bind_addr(void);
struct sockaddr_in;
/* The address a plain TCP or UDP server binds for local_port: the bind
 * address (shown: its text, "*" for all) and the mapped port. false (after
 * a log line naming fn) when IOTLS_ESPCONN_BIND is not an IPv4 address. */
bool espc_bind_sockaddr(const char *fn, int local_port, struct sockaddr_in *a, const char **shown,
                        int *port);

/* Plain TCP/UDP (plain_tcp.c, udp.c): release everything without
 * callbacks (shutdown), and whether `esp` is one of theirs. */
void espc_plain_forget(void);
void espc_udp_forget(void);
sint8 espc_plain_send(struct espconn *espconn, uint8 *psent, uint16 length);
sint8 espc_plain_disconnect(struct espconn *espconn);
sint8 espc_plain_abort(struct espconn *espconn);
bool espc_plain_delete(struct espconn *espconn);
sint8 espc_udp_send(struct espconn *espconn, uint8 *psent, uint16 length);
bool espc_udp_delete(struct espconn *espconn);
/* Tasks and Wi-Fi events (system_task.c, wifi.c). */
void espc_tasks_forget(void);
void espc_wifi_forget(void);

/* The checks connect and accept share: the loop exists and `espconn` is a
 * TCP espconn with proto.tcp set. ESPCONN_OK, or the error to return
 * (after a log line naming `fn`). */
sint8 espc_check_tcp(const char *fn, const struct espconn *espconn);
iotls_flash_t *espc_flash(void);
void espc_defaults(void);

/* Roles named by a level: bit 0 client, bit 1 server; 0 (after a log line
 * naming `fn`) for a level other than 0x01/0x02/0x03. */
unsigned espc_level_roles(const char *fn, uint8 level);
/* True (after a log line) when a setting of `role` can no longer change:
 * a connection or listener of that role exists. */
bool espc_role_locked(const char *fn, espc_role_t role);

espc_link_t *espc_link_find(const struct espconn *esp);
void espc_link_add(espc_link_t *l);
void espc_link_remove(espc_link_t *l);
espc_server_t *espc_server_find(const struct espconn *esp);

/* Net callbacks shared by client and accepted connections. */
extern const iotls_conn_callbacks_t espc_conn_callbacks;

/* Appends data to a connection's unsent bytes (*buf: len bytes, the first
 * off taken). ESPCONN_OK, ESPCONN_MAXNUM past ESPC_SEND_QUEUE_MAX or
 * ESPCONN_MEM, each failure with a log line naming fn and who. */
sint8 espc_queue_append(uint8_t **buf, size_t *len, size_t *off, const uint8 *data, uint16 length,
                        const char *fn, const char *who);

/* A TCP or SSL connection is over: state ESPCONN_CLOSE, then the
 * disconnect callback (code ESPCONN_OK) or the reconnect callback with
 * code (a log line when none is registered). */
void espc_tell_end(struct espconn *esp, sint8 code);

/* ESPCONN_* for an iotls error; `connected`: after the handshake. */
sint8 espc_map_error(const iotls_error_t *err, bool connected);
const char *espc_code_name(sint8 code);

/* Fill esp_tcp remote_ip/remote_port from "a.b.c.d:port". */
void espc_set_remote(esp_tcp *tcp, const char *peer);
const char *espc_dns_name_for(const uint8 ip[4]);
void espc_timers_forget(void);
void espc_dns_forget(void);

#endif
