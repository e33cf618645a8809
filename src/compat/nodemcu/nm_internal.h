/* Shared state of the NodeMCU compatibility layer. One runtime per
 * lua_State, found through the registry; single-threaded like NodeMCU. */
#ifndef IOTLS_COMPAT_NODEMCU_INTERNAL_H
#define IOTLS_COMPAT_NODEMCU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "iotls/compat/nodemcu.h"
#include "iotls/net.h"
#include "iotls/store.h"
#include "iotls/trust.h"

/* ---- Lua 5.1 / 5.3 differences ------------------------------------------ */

#if LUA_VERSION_NUM < 502
#define nm_rawlen(L, i) lua_objlen((L), (i))
#define nm_setfuncs(L, l) luaL_register((L), NULL, (l))
#else
#define nm_rawlen(L, i) lua_rawlen((L), (i))
#define nm_setfuncs(L, l) luaL_setfuncs((L), (l), 0)
#endif

/* luaL_testudata (5.2+): the userdata at idx if it has metatable tname. */
void *nm_testudata(lua_State *L, int idx, const char *tname);
/* A new table holding the functions of l. */
void nm_newlib(lua_State *L, const luaL_Reg *l);
/* Integer argument with a range check ("bad argument #n (what must be
 * lo..hi, got v)"). */
lua_Integer nm_checkrange(lua_State *L, int idx, const char *what, lua_Integer lo, lua_Integer hi);
/* Hide the metatable on top of the stack from scripts (getmetatable gives
 * false, setmetatable fails): its __gc must not be called by hand. */
void nm_lock_metatable(lua_State *L);
/* Is the number at idx integral (5.1 has floats only)? */
bool nm_isinteger(lua_State *L, int idx);

/* ---- runtime ------------------------------------------------------------- */

typedef struct nm_rt nm_rt_t;

/* A trust store or credentials shared by the connections configured with
 * them: the last one out frees it (tls.cert.* may change meanwhile). */
typedef struct {
    iotls_trust_t *trust;
    iotls_creds_t *creds;
    unsigned refs;
} nm_shared_t;

nm_shared_t *nm_shared_new(iotls_trust_t *trust, iotls_creds_t *creds);
nm_shared_t *nm_shared_ref(nm_shared_t *s);
void nm_shared_unref(nm_shared_t *s);

typedef enum { NM_CERT_OFF = 0, NM_CERT_STORED, NM_CERT_CALLBACK } nm_cert_mode_t;

typedef struct {
    char from_host[256];
    uint16_t from_port;
    char to_host[256];
    uint16_t to_port;
} nm_connect_to_t;

typedef struct nm_task nm_task_t;
typedef struct nm_gpio nm_gpio_t;

/* Objects holding iotls resources (sockets, timers) are linked to the
 * runtime so that closing the Lua state releases them in a safe order,
 * whichever __gc runs first. */
typedef struct nm_owned nm_owned_t;
struct nm_owned {
    nm_owned_t *prev, *next;
    void (*detach)(nm_owned_t *self); /* release iotls resources now */
};
void nm_own(nm_rt_t *rt, nm_owned_t *o);
void nm_disown(nm_rt_t *rt, nm_owned_t *o);

struct nm_rt {
    lua_State *L; /* the main thread: callbacks run on it */
    iotls_loop_t *loop;
    bool owns_loop;
    bool running; /* inside iotls_nodemcu_run */
    bool restart;
    unsigned errors;
    int debug_level;
    void (*log)(void *ctx, const char *line);
    void *log_ctx;

    iotls_flash_t flash;
    bool flash_open;
    uint8_t *flash_mem; /* in-memory image when no file is named */
    char *fs_dir;

    nm_connect_to_t *connect_to;
    size_t connect_to_count;

    nm_cert_mode_t verify_mode, auth_mode;
    int verify_cb, auth_cb;   /* registry refs (LUA_NOREF) */
    nm_shared_t *verify_from; /* stored CAs while verify_mode == STORED */
    nm_shared_t *auth_from;   /* stored credentials while auth_mode == STORED */

    unsigned live_sockets; /* connecting or connected tls sockets */
    size_t conn_memory;    /* iotls_conn_memory of those connected */

    nm_owned_t owned; /* list head */

    nm_task_t *tasks;          /* posted, not yet run (see tasks.c) */
    iotls_timer_t *task_timer; /* runs one posted task per expiry */

    nm_gpio_t *gpio;
    iotls_fd_watch_t *gpio_watch;
    bool gpio_trace;
    char gpio_line[64];
    size_t gpio_line_len;
    uint64_t start_ms;
};

/* The runtime of L (the layer must be open in L; raises a Lua error if not). */
nm_rt_t *nm_rt(lua_State *L);
/* The same, or NULL (for C callers that must not raise). */
nm_rt_t *nm_rt_find(lua_State *L);

/* One line on the layer's log. */
void nm_log(nm_rt_t *rt, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* iotls_config_t.log adapter. */
void nm_tls_log(void *ctx, const char *line);

/* Push the function referenced by `ref`, or return false (nothing pushed). */
bool nm_push_ref(lua_State *L, int ref);
/* luaL_unref and set *ref to LUA_NOREF. */
void nm_unref(lua_State *L, int *ref);
/* Protected call of the function + nargs on the stack of rt->L; errors are
 * reported with traceback. Returns 0 or -1. */
int nm_call(nm_rt_t *rt, int nargs, const char *where);
/* Run fn(L) with `arg` as its light userdata argument, protected: how C
 * code called from the loop does all its Lua work (any Lua call may raise). */
int nm_dispatch(nm_rt_t *rt, lua_CFunction fn, void *arg, const char *where);

/* Microseconds since the runtime started. */
uint64_t nm_uptime_us(nm_rt_t *rt);

/* ---- modules ----------------------------------------------------------- */

/* Each pushes its module table (open_tls also registers tls.socket). */
void nm_open_tls(lua_State *L);
void nm_open_net(lua_State *L);
void nm_open_tmr(lua_State *L);
void nm_open_node(lua_State *L);
void nm_open_wifi(lua_State *L);
void nm_open_file(lua_State *L);
void nm_open_uart(lua_State *L);
void nm_open_gpio(lua_State *L);
void nm_open_sjson(lua_State *L);
void nm_open_http(lua_State *L);
void nm_open_mqtt(lua_State *L);

void nm_open_tls_cert(lua_State *L);

/* tls.socket creation, shared with net.createConnection(net.TCP, 1). */
int nm_tls_socket_create(lua_State *L);

/* What a new connection uses, per tls.cert.verify / tls.cert.auth: on
 * success *trust / *creds (each may be NULL) hold references the caller
 * releases with nm_shared_unref, *insecure tells verification is off.
 * Raises a Lua error for a callback returning bad data. */
void nm_cert_for_connection(lua_State *L, nm_rt_t *rt, nm_shared_t **trust, nm_shared_t **creds,
                            bool *insecure);
void nm_cert_release(nm_rt_t *rt);

/* Resolve an IPv4 address for host (NodeMCU speaks IPv4) into out (dotted
 * quad). false when it does not resolve. */
bool nm_resolve_ipv4(const char *host, char *out, size_t cap);

/* Posted work (node.task.post, deferred events): run `fn(rt, arg)` from the
 * loop, in order of priority (2 high .. 0 low), FIFO within one. A task
 * still pending when the runtime closes gets fn(NULL, arg): release arg only. */
typedef void (*nm_task_fn)(nm_rt_t *rt, void *arg);
int nm_task_post(nm_rt_t *rt, int priority, nm_task_fn fn, void *arg);
void nm_tasks_free(nm_rt_t *rt);

/* gpio state (mod_gpio.c); attach: the test hook reading "PIN LEVEL" lines. */
int nm_gpio_attach(nm_rt_t *rt, int fd, iotls_error_t *err);
void nm_gpio_free(nm_rt_t *rt);

/* Parse "HOST:PORT:HOST2:PORT2". false for a malformed rule. */
bool nm_connect_to_parse(const char *rule, nm_connect_to_t *out);

#endif
