/* tls.socket: NodeMCU's TLS client socket over an iotls connection.
 *
 * Life cycle (as NodeMCU's tls.c): connect() resolves the name, the "dns"
 * event follows from the loop, then the handshake; "connection" after it.
 * The end is one "last call": "reconnection" (with a reason) for a failure
 * when that event has a callback, otherwise "disconnection" (reason or
 * nil). While connecting or connected the socket is anchored in the
 * registry, so a script may drop its own reference.
 *
 * Sends are queued in order, each handed to iotls in pieces as its send
 * queue has room; "sent" fires once per send, when its last byte is on the
 * wire (the chip does not promise this; see docs/nodemcu.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compat/nodemcu/nm_internal.h"

#define SOCKET_MT "tls.socket"
/* Record buffer NodeMCU's mbedTLS uses; iotls asks the server for this
 * max_fragment_length and falls back to a full buffer when it is ignored. */
#define SOCKET_BUFFER 4096

enum { EV_CONNECTION, EV_RECONNECTION, EV_DISCONNECTION, EV_RECEIVE, EV_SENT, EV_DNS, EV_COUNT };
static const char *const ev_names[EV_COUNT] = {"connection", "reconnection", "disconnection",
                                               "receive",    "sent",         "dns"};
static const char *const ev_where[EV_COUNT] = {
    "tls socket 'connection' callback",    "tls socket 'reconnection' callback",
    "tls socket 'disconnection' callback", "tls socket 'receive' callback",
    "tls socket 'sent' callback",          "tls socket 'dns' callback"};

typedef enum { S_IDLE = 0, S_RESOLVING, S_CONNECTING, S_CONNECTED, S_CLOSING } sock_state_t;

typedef struct {
    nm_owned_t owned; /* first: the runtime's list points here */
    nm_rt_t *rt;      /* NULL once the runtime closed */
    sock_state_t state;
    iotls_conn_t *conn;
    int self_ref; /* registry anchor while not idle */
    int cb[EV_COUNT];
    int queue_ref; /* table of pending send strings [q_head, q_tail) */
    lua_Integer q_head, q_tail;
    size_t cur_off; /* bytes of the head string handed to iotls */
    bool close_requested, dns_ok, held;
    char host[256]; /* as given to connect(): SNI and certificate name */
    char addr[64];  /* IPv4 address connected to */
    uint16_t port;
    nm_shared_t *trust, *creds;
    bool insecure;
    size_t memory; /* counted in rt->conn_memory while connected */
} nm_socket_t;

static nm_socket_t *check_socket(lua_State *L, int idx)
{
    nm_socket_t *s = luaL_checkudata(L, idx, SOCKET_MT);
    if (s->rt == NULL)
        luaL_error(L, "tls.socket: the NodeMCU modules are closed");
    return s;
}

static bool has_cb(const nm_socket_t *s, int ev)
{
    return s->cb[ev] != LUA_NOREF;
}

/* ---- releasing -------------------------------------------------------------- */

/* C side of going idle; no Lua calls (also used when the runtime closes). */
static void release_conn(nm_socket_t *s, bool abort)
{
    nm_rt_t *rt = s->rt;
    if (s->conn && abort)
        iotls_conn_abort(s->conn);
    s->conn = NULL;
    if (rt && s->state != S_IDLE && rt->live_sockets > 0)
        rt->live_sockets--;
    if (rt && s->memory <= rt->conn_memory)
        rt->conn_memory -= s->memory;
    s->memory = 0;
    nm_shared_unref(s->trust);
    nm_shared_unref(s->creds);
    s->trust = s->creds = NULL;
    s->state = S_IDLE;
    s->held = false;
    s->close_requested = false;
}

static void socket_detach(nm_owned_t *o)
{
    nm_socket_t *s = (nm_socket_t *)o;
    release_conn(s, true);
    s->rt = NULL;
}

/* ---- events --------------------------------------------------------------- */

typedef struct {
    nm_socket_t *s;
    int ev;
    const uint8_t *data; /* receive */
    size_t len;
    const char *text; /* dns address / failure reason; NULL = nil */
    bool last;        /* the last call: drop the anchor and the queue */
} sock_event_t;

static int event_run(lua_State *L)
{
    sock_event_t *e = lua_touserdata(L, 1);
    nm_socket_t *s = e->s;
    int self = s->self_ref;
    if (e->last) {
        /* Idle from here on: a callback may connect() again (a new anchor). */
        s->self_ref = LUA_NOREF;
        nm_unref(L, &s->queue_ref);
        s->q_head = s->q_tail = 0;
        s->cur_off = 0;
    }
    if (self == LUA_NOREF)
        return 0;
    bool call = nm_push_ref(L, s->cb[e->ev]);
    lua_rawgeti(L, LUA_REGISTRYINDEX, self); /* keeps the socket alive below */
    if (e->last)
        luaL_unref(L, LUA_REGISTRYINDEX, self);
    if (!call)
        return 0;
    int nargs = 1;
    if (e->ev == EV_RECEIVE) {
        lua_pushlstring(L, (const char *)e->data, e->len);
        nargs = 2;
    } else if (e->ev == EV_DNS || e->ev == EV_RECONNECTION || e->ev == EV_DISCONNECTION) {
        if (e->text)
            lua_pushstring(L, e->text);
        else
            lua_pushnil(L);
        nargs = 2;
    }
    lua_call(L, nargs, 0);
    return 0;
}

static void fire(nm_socket_t *s, int ev, const uint8_t *data, size_t len, const char *text,
                 bool last)
{
    sock_event_t e = {s, ev, data, len, text, last};
    nm_dispatch(s->rt, event_run, &e, ev_where[ev]);
}

/* NodeMCU: "disconnection" gets everything unless "reconnection" has a
 * callback, which then gets the failures. */
static void last_call(nm_socket_t *s, const char *reason)
{
    int ev = (reason && has_cb(s, EV_RECONNECTION)) ? EV_RECONNECTION : EV_DISCONNECTION;
    release_conn(s, true);
    fire(s, ev, NULL, 0, reason, true);
}

/* NodeMCU's reason words (from the SDK codes), then iotls's cause. */
static const char *reason_words(const iotls_error_t *e, bool connected)
{
    switch (e->code) {
    case IOTLS_ERR_NO_MEMORY: return "Out of memory";
    case IOTLS_ERR_CONNECT_TIMEOUT:
    case IOTLS_ERR_HANDSHAKE_TIMEOUT:
    case IOTLS_ERR_IDLE_TIMEOUT: return "Timeout";
    case IOTLS_ERR_CONNECT_REFUSED:
    case IOTLS_ERR_PEER_RESET: return "Connection reset";
    case IOTLS_ERR_RESOLVE: return "DNS failure";
    default: break;
    }
    switch (iotls_error_class(e->code)) {
    case IOTLS_CLASS_IO:
    case IOTLS_CLASS_RESOURCE: return "Connection aborted";
    default: return connected ? "SSL application invalid" : "SSL handshake failed";
    }
}

/* ---- sending ------------------------------------------------------------- */

/* Hand queued strings to iotls as far as its queue has room, stopping after
 * the head string so that each send gets its own "sent". Lua reads only
 * (no allocation): safe outside protected mode. */
static void pump(nm_socket_t *s)
{
    lua_State *L = s->rt->L;
    if (s->conn == NULL || s->queue_ref == LUA_NOREF || s->q_head >= s->q_tail)
        return;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->queue_ref);
    lua_rawgeti(L, -1, s->q_head);
    size_t len;
    const char *data = lua_tolstring(L, -1, &len);
    while (data && s->cur_off < len) {
        size_t space = iotls_conn_send_space(s->conn);
        if (space == 0)
            break;
        size_t n = len - s->cur_off < space ? len - s->cur_off : space;
        iotls_error_t err;
        iotls_error_clear(&err);
        if (iotls_conn_send(s->conn, data + s->cur_off, n, &err) < 0)
            break; /* the connection failed: its error callback follows */
        s->cur_off += n;
    }
    lua_pop(L, 2);
}

/* The head string is on the wire: drop it from the queue, fire "sent". */
static int sent_run(lua_State *L)
{
    nm_socket_t *s = lua_touserdata(L, 1);
    if (s->queue_ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, s->queue_ref);
        lua_pushnil(L);
        lua_rawseti(L, -2, s->q_head);
        lua_pop(L, 1);
    }
    s->q_head++;
    s->cur_off = 0;
    if (!nm_push_ref(L, s->cb[EV_SENT]))
        return 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->self_ref);
    lua_call(L, 1, 0);
    return 0;
}

static size_t head_len(nm_socket_t *s)
{
    lua_State *L = s->rt->L;
    if (s->queue_ref == LUA_NOREF || s->q_head >= s->q_tail)
        return (size_t)-1;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->queue_ref);
    lua_rawgeti(L, -1, s->q_head);
    size_t len = lua_type(L, -1) == LUA_TSTRING ? nm_rawlen(L, -1) : (size_t)-1;
    lua_pop(L, 2);
    return len;
}

/* ---- iotls callbacks ----------------------------------------------------- */

static void on_connected(iotls_conn_t *c, const iotls_report_t *report, void *user)
{
    nm_socket_t *s = user;
    nm_rt_t *rt = s->rt;
    s->state = S_CONNECTED;
    s->memory = iotls_conn_memory(c);
    rt->conn_memory += s->memory;
    if (rt->debug_level >= 1)
        nm_log(rt, "tls: connected to %s (%s:%u): %s %s, %s, %zu bytes", s->host, s->addr,
               (unsigned)s->port, report->version_name, report->cipher_suite_name,
               report->verified ? report->auth : "not verified (tls.cert.verify is off)",
               s->memory);
    if (rt->debug_level >= 2) {
        char buf[2048];
        iotls_report_format(report, "tls:   ", buf, sizeof buf);
        nm_log(rt, "%s", buf);
    }
    if (has_cb(s, EV_CONNECTION))
        fire(s, EV_CONNECTION, NULL, 0, NULL, false);
    else if (!has_cb(s, EV_DISCONNECTION) && !has_cb(s, EV_SENT) && !has_cb(s, EV_RECEIVE)) {
        iotls_conn_close(c); /* nobody listens (NodeMCU does the same) */
        s->state = S_CLOSING;
    }
    if (s->conn)
        pump(s);
}

static void on_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    nm_socket_t *s = user;
    if (has_cb(s, EV_RECEIVE))
        fire(s, EV_RECEIVE, data, len, NULL, false);
    else if (!has_cb(s, EV_DISCONNECTION) && !has_cb(s, EV_SENT) && s->conn) {
        iotls_conn_close(c);
        s->state = S_CLOSING;
    }
}

static void on_sent(iotls_conn_t *c, void *user)
{
    nm_socket_t *s = user;
    (void)c;
    size_t len = head_len(s);
    if (len != (size_t)-1 && s->cur_off == len)
        nm_dispatch(s->rt, sent_run, s, ev_where[EV_SENT]);
    if (s->conn)
        pump(s);
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
    nm_socket_t *s = user;
    (void)c;
    s->conn = NULL; /* iotls releases it when we return */
    last_call(s, NULL);
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    nm_socket_t *s = user;
    nm_rt_t *rt = s->rt;
    (void)c;
    bool connected = s->state == S_CONNECTED || s->state == S_CLOSING;
    s->conn = NULL;
    if (connected && err->code == IOTLS_ERR_TRUNCATED) {
        /* The chip reports a TCP close as a disconnection; so do we, but say
         * that the end of the data was not authenticated. */
        nm_log(rt,
               "tls: %s (%s:%u): peer closed without close_notify (reported as a "
               "disconnection, as NodeMCU does)",
               s->host, s->addr, (unsigned)s->port);
        last_call(s, NULL);
        return;
    }
    char reason[IOTLS_ERROR_TEXT_MAX + 96];
    snprintf(reason, sizeof reason, "%s: %s [%s]", reason_words(err, connected), err->text,
             iotls_error_code_name(err->code));
    if (rt->debug_level >= 1 || !has_cb(s, EV_RECONNECTION))
        nm_log(rt, "tls: %s (%s:%u): %s", s->host, s->addr, (unsigned)s->port, reason);
    last_call(s, reason);
}

static const iotls_conn_callbacks_t conn_callbacks = {
    .connected = on_connected,
    .received = on_received,
    .sent = on_sent,
    .disconnected = on_disconnected,
    .error = on_error,
};

/* ---- connecting ---------------------------------------------------------- */

static void start_connection(nm_socket_t *s)
{
    nm_rt_t *rt = s->rt;
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = s->trust ? s->trust->trust : NULL;
    cfg.tls.creds = s->creds ? s->creds->creds : NULL;
    cfg.tls.insecure = s->insecure;
    cfg.tls.buffer_size = SOCKET_BUFFER;
    cfg.tls.log = nm_tls_log;
    cfg.tls.log_ctx = rt;
    cfg.mfl_policy = IOTLS_MFL_RETRY_FULL;
    /* Sends wait in the script's strings (the queue table), not in iotls:
     * one record's worth queued there is enough to keep the wire busy. */
    cfg.send_queue = SOCKET_BUFFER;
    cfg.verify_name = s->host;
    iotls_error_t err;
    iotls_error_clear(&err);
    s->state = S_CONNECTING;
    s->conn = iotls_conn_connect(rt->loop, s->addr, s->port, &cfg, &conn_callbacks, s, &err);
    if (s->conn == NULL) {
        char reason[IOTLS_ERROR_TEXT_MAX + 96];
        snprintf(reason, sizeof reason, "%s: %s [%s]", reason_words(&err, false), err.text,
                 iotls_error_code_name(err.code));
        nm_log(rt, "tls: %s: %s", s->host, reason);
        last_call(s, reason);
    }
}

/* From the loop after connect(): the "dns" event, then the connection. */
static void dns_done(nm_rt_t *rt, void *arg)
{
    nm_socket_t *s = arg;
    if (rt == NULL || s->rt == NULL || s->state != S_RESOLVING)
        return;
    if (has_cb(s, EV_DNS))
        fire(s, EV_DNS, NULL, 0, s->dns_ok ? s->addr : NULL, false);
    if (s->state != S_RESOLVING)
        return; /* the callback closed or failed it */
    if (s->close_requested)
        last_call(s, NULL);
    else if (!has_cb(s, EV_CONNECTION) && !has_cb(s, EV_DISCONNECTION) && !has_cb(s, EV_SENT) &&
             !has_cb(s, EV_RECEIVE))
        last_call(s, "No callbacks");
    else if (!s->dns_ok)
        last_call(s, "DNS failure");
    else
        start_connection(s);
}

static int s_connect(lua_State *L)
{
    nm_socket_t *s = check_socket(L, 1);
    nm_rt_t *rt = s->rt;
    if (s->state != S_IDLE)
        return luaL_error(L, "already connected");
    lua_Integer port = nm_checkrange(L, 2, "port", 1, 65535);
    size_t hl;
    const char *host = luaL_checklstring(L, 3, &hl);
    if (hl == 0 || hl >= sizeof s->host || strlen(host) != hl)
        return luaL_argerror(L, 3, "invalid domain");

    /* What this connection trusts and presents; raises for a bad callback
     * before anything changed. Stored at once so every later path frees it. */
    nm_shared_t *trust = NULL, *creds = NULL;
    bool insecure = false;
    nm_cert_for_connection(L, rt, &trust, &creds, &insecure);
    s->trust = trust;
    s->creds = creds;
    s->insecure = insecure;

    memcpy(s->host, host, hl + 1);
    const char *target = host;
    uint16_t target_port = (uint16_t)port;
    for (size_t i = 0; i < rt->connect_to_count; i++) {
        const nm_connect_to_t *m = &rt->connect_to[i];
        if (m->from_port == target_port && strcasecmp(m->from_host, host) == 0) {
            target = m->to_host;
            target_port = m->to_port;
            break;
        }
    }
    s->port = target_port;
    s->dns_ok = nm_resolve_ipv4(target, s->addr, sizeof s->addr);

    lua_pushvalue(L, 1);
    s->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (nm_task_post(rt, 1, dns_done, s) < 0) {
        release_conn(s, true);
        nm_unref(L, &s->self_ref);
        return luaL_error(L, "not enough memory");
    }
    s->state = S_RESOLVING;
    rt->live_sockets++;
    return 0;
}

/* ---- the other methods ------------------------------------------------------ */

static int s_on(lua_State *L)
{
    nm_socket_t *s = check_socket(L, 1);
    const char *name = luaL_checkstring(L, 2);
    int ev = -1;
    for (int i = 0; i < EV_COUNT; i++)
        if (strcmp(name, ev_names[i]) == 0)
            ev = i;
    if (ev < 0)
        return luaL_error(L,
                          "invalid method '%s' (connection, reconnection, disconnection, "
                          "receive, sent or dns)",
                          name);
    if (lua_isfunction(L, 3)) {
        lua_pushvalue(L, 3);
        int ref = luaL_ref(L, LUA_REGISTRYINDEX);
        nm_unref(L, &s->cb[ev]);
        s->cb[ev] = ref;
    } else if (lua_isnoneornil(L, 3)) {
        nm_unref(L, &s->cb[ev]);
    } else {
        return luaL_error(L, "invalid callback function");
    }
    return 0;
}

static int s_send(lua_State *L)
{
    nm_socket_t *s = check_socket(L, 1);
    size_t len;
    luaL_checklstring(L, 2, &len);
    if (s->state == S_IDLE || s->state == S_CLOSING) {
        if (s->rt->debug_level >= 1)
            nm_log(s->rt, "tls: send(%zu bytes) on a socket that is not connected: ignored", len);
        return 0;
    }
    if (len == 0)
        return 0; /* nothing to put on the wire, so no "sent" either */
    if (s->queue_ref == LUA_NOREF) {
        lua_newtable(L);
        s->queue_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        s->q_head = s->q_tail = 1;
        s->cur_off = 0;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->queue_ref);
    lua_pushvalue(L, 2);
    if (lua_type(L, -1) != LUA_TSTRING) /* a number: NodeMCU sends its text */
        lua_tolstring(L, -1, NULL);
    lua_rawseti(L, -2, s->q_tail);
    s->q_tail++;
    lua_pop(L, 1);
    pump(s);
    return 0;
}

static int s_close(lua_State *L)
{
    nm_socket_t *s = check_socket(L, 1);
    if (s->state == S_RESOLVING)
        s->close_requested = true; /* the pending "dns" step ends it */
    else if (s->conn && s->state != S_CLOSING) {
        s->state = S_CLOSING;
        if (s->held) { /* the close must be able to read the peer's close_notify */
            iotls_conn_unhold(s->conn);
            s->held = false;
        }
        iotls_conn_close(s->conn); /* "disconnection" follows from the loop */
    }
    return 0;
}

static int s_hold(lua_State *L)
{
    nm_socket_t *s = check_socket(L, 1);
    if (s->state == S_CLOSING)
        return 0; /* a closing socket must read the peer's close_notify */
    if (s->conn && !s->held)
        iotls_conn_hold(s->conn);
    if (s->conn)
        s->held = true;
    return 0;
}

static int s_unhold(lua_State *L)
{
    nm_socket_t *s = check_socket(L, 1);
    if (s->conn && s->held)
        iotls_conn_unhold(s->conn);
    s->held = false;
    return 0;
}

static int s_getpeer(lua_State *L)
{
    nm_socket_t *s = check_socket(L, 1);
    if (s->state != S_IDLE && s->dns_ok) {
        lua_pushstring(L, s->addr);
        lua_pushinteger(L, s->port);
    } else {
        lua_pushnil(L);
        lua_pushnil(L);
    }
    return 2;
}

static int s_gc(lua_State *L)
{
    nm_socket_t *s = luaL_checkudata(L, 1, SOCKET_MT);
    if (s->rt) {
        nm_disown(s->rt, &s->owned);
        socket_detach(&s->owned);
    }
    for (int i = 0; i < EV_COUNT; i++)
        nm_unref(L, &s->cb[i]);
    nm_unref(L, &s->queue_ref);
    return 0;
}

static int s_tostring(lua_State *L)
{
    nm_socket_t *s = luaL_checkudata(L, 1, SOCKET_MT);
    static const char *const names[] = {"idle", "resolving", "connecting", "connected", "closing"};
    lua_pushfstring(L, "tls.socket (%s%s%s): %p", names[s->state], s->state ? " " : "",
                    s->state ? s->host : "", (void *)s);
    return 1;
}

int nm_tls_socket_create(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    nm_socket_t *s = lua_newuserdata(L, sizeof *s);
    memset(s, 0, sizeof *s);
    s->self_ref = s->queue_ref = LUA_NOREF;
    for (int i = 0; i < EV_COUNT; i++)
        s->cb[i] = LUA_NOREF;
    s->owned.detach = socket_detach;
    luaL_getmetatable(L, SOCKET_MT);
    lua_setmetatable(L, -2);
    s->rt = rt;
    nm_own(rt, &s->owned);
    return 1;
}

/* tls.createConnection() and the legacy tls.createConnection(net.TCP, 0|1):
 * the arguments are accepted and mean nothing (as in NodeMCU 3.x). */
static int tls_create(lua_State *L)
{
    if (!lua_isnoneornil(L, 1))
        luaL_checkinteger(L, 1);
    lua_settop(L, 0);
    return nm_tls_socket_create(L);
}

static int tls_set_debug(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    rt->debug_level = (int)nm_checkrange(L, 1, "level", 0, 5);
    return 0;
}

void nm_open_tls(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"connect", s_connect}, {"close", s_close},   {"on", s_on},           {"send", s_send},
        {"hold", s_hold},       {"unhold", s_unhold}, {"getpeer", s_getpeer}, {NULL, NULL},
    };
    luaL_newmetatable(L, SOCKET_MT);
    nm_lock_metatable(L);
    nm_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, s_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, s_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);

    static const luaL_Reg funcs[] = {
        {"createConnection", tls_create},
        {"setDebug", tls_set_debug},
        {NULL, NULL},
    };
    nm_newlib(L, funcs);
    nm_open_tls_cert(L);
    lua_setfield(L, -2, "cert");
}
