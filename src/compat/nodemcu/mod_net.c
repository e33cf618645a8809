/* net: the constants, net.dns.resolve, and net.createConnection(net.TCP, 1)
 * (the old spelling of a TLS socket). Plain TCP/UDP sockets and servers are
 * not provided: iotls speaks TLS (docs/nodemcu.md). */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compat/nodemcu/nm_internal.h"

#define NET_TCP 1
#define NET_UDP 2

bool nm_resolve_ipv4(const char *host, char *out, size_t cap)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET; /* NodeMCU's lwIP is IPv4 */
    hints.ai_socktype = SOCK_STREAM;
    /* getaddrinfo may block briefly; the result is still delivered from the loop. */
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
        return false;
    const struct sockaddr_in *sin = (const struct sockaddr_in *)res->ai_addr;
    bool ok = inet_ntop(AF_INET, &sin->sin_addr, out, (socklen_t)cap) != NULL;
    freeaddrinfo(res);
    return ok;
}

typedef struct {
    int fn_ref;
    bool ok;
    char addr[64];
} dns_job_t;

static int dns_run(lua_State *L)
{
    dns_job_t *j = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, j->fn_ref);
    lua_pushnil(L); /* NodeMCU passes no socket here */
    if (j->ok)
        lua_pushstring(L, j->addr);
    else
        lua_pushnil(L);
    lua_call(L, 2, 0);
    return 0;
}

static void dns_done(nm_rt_t *rt, void *arg)
{
    dns_job_t *j = arg;
    if (rt) {
        nm_dispatch(rt, dns_run, j, "net.dns.resolve callback");
        luaL_unref(rt->L, LUA_REGISTRYINDEX, j->fn_ref);
    }
    free(j);
}

static int dns_resolve(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    const char *host = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX); /* may raise: before any malloc */
    dns_job_t *j = calloc(1, sizeof *j);
    if (j == NULL) {
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        return luaL_error(L, "not enough memory");
    }
    j->fn_ref = ref;
    j->ok = nm_resolve_ipv4(host, j->addr, sizeof j->addr);
    if (nm_task_post(rt, 1, dns_done, j) < 0) {
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        free(j);
        return luaL_error(L, "not enough memory");
    }
    return 0;
}

static int dns_getdnsserver(lua_State *L)
{
    nm_checkrange(L, 1, "dns server index", 0, 1);
    lua_pushstring(L, "127.0.0.1");
    return 1;
}

static int dns_setdnsserver(lua_State *L)
{
    luaL_checkstring(L, 1);
    return 0; /* the host's resolver is used */
}

static int net_create_connection(lua_State *L)
{
    lua_Integer type = lua_isnoneornil(L, 1) ? NET_TCP : luaL_checkinteger(L, 1);
    lua_Integer secure = lua_isnoneornil(L, 2) ? 0 : luaL_checkinteger(L, 2);
    if (type != NET_TCP || secure != 1)
        return luaL_error(L,
                          "net.createConnection(%d, %d): only TLS sockets are provided on "
                          "iotls: use tls.createConnection() or net.createConnection(net.TCP, 1)",
                          (int)type, (int)secure);
    lua_settop(L, 0);
    return nm_tls_socket_create(L);
}

static int net_unsupported(lua_State *L)
{
    return luaL_error(L, "net: servers and UDP sockets are not provided on iotls (TLS clients "
                         "only: tls.createConnection)");
}

void nm_open_net(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"createConnection", net_create_connection},
        {"createServer", net_unsupported},
        {"createUDPSocket", net_unsupported},
        {NULL, NULL},
    };
    static const luaL_Reg dns[] = {
        {"resolve", dns_resolve},
        {"getdnsserver", dns_getdnsserver},
        {"setdnsserver", dns_setdnsserver},
        {NULL, NULL},
    };
    nm_newlib(L, funcs);
    lua_pushinteger(L, NET_TCP);
    lua_setfield(L, -2, "TCP");
    lua_pushinteger(L, NET_UDP);
    lua_setfield(L, -2, "UDP");
    nm_newlib(L, dns);
    lua_setfield(L, -2, "dns");
}
