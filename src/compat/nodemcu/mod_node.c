/* node: task.post, heap, restart and the few informational calls scripts
 * make around TLS. A PC does not reboot: node.restart() (and dsleep,
 * flashreload) end the program once the current callback returns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/nodemcu/nm_internal.h"

typedef struct {
    int fn_ref;
} posted_t;

static int posted_run(lua_State *L)
{
    posted_t *p = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->fn_ref);
    lua_call(L, 0, 0);
    return 0;
}

static void posted_done(nm_rt_t *rt, void *arg)
{
    posted_t *p = arg;
    if (rt) {
        if (!rt->restart)
            nm_dispatch(rt, posted_run, p, "node.task.post callback");
        luaL_unref(rt->L, LUA_REGISTRYINDEX, p->fn_ref);
    }
    free(p);
}

/* node.task.post([priority,] fn) */
static int task_post(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    int prio = 1; /* MEDIUM, NodeMCU's default */
    int fi = 1;
    if (lua_type(L, 1) == LUA_TNUMBER) {
        prio = (int)nm_checkrange(L, 1, "priority (node.task.LOW/MEDIUM/HIGH_PRIORITY)", 0, 2);
        fi = 2;
    }
    luaL_checktype(L, fi, LUA_TFUNCTION);
    lua_pushvalue(L, fi);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    posted_t *p = malloc(sizeof *p);
    if (p)
        p->fn_ref = ref;
    if (p == NULL || nm_task_post(rt, prio, posted_done, p) < 0) {
        free(p);
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        return luaL_error(L, "node.task.post: not enough memory");
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int node_heap(lua_State *L)
{
    /* A model (docs/nodemcu.md): NodeMCU's typical free heap after boot,
     * minus what live TLS connections occupy in iotls. */
    nm_rt_t *rt = nm_rt(L);
    long heap = (long)IOTLS_NODEMCU_HEAP_NOMINAL - (long)rt->conn_memory;
    lua_pushinteger(L, heap > 0 ? heap : 0);
    return 1;
}

static void end_program(lua_State *L, const char *what)
{
    nm_rt_t *rt = nm_rt(L);
    if (!rt->restart)
        nm_log(rt, "node: %s: the program ends here (a PC does not reboot)", what);
    rt->restart = true;
    iotls_loop_stop(rt->loop);
}

static int node_restart(lua_State *L)
{
    end_program(L, "node.restart()");
    return 0;
}

static int node_dsleep(lua_State *L)
{
    luaL_optinteger(L, 1, 0);
    end_program(L, "node.dsleep()");
    return 0;
}

static int node_flashreload(lua_State *L)
{
    const char *image = luaL_checkstring(L, 1);
    nm_log(nm_rt(L), "node.flashreload('%s'): LFS images cannot be loaded on a PC", image);
    end_program(L, "node.flashreload()");
    return 0;
}

static int node_chipid(lua_State *L)
{
    lua_pushinteger(L, 0x10CA15); /* fixed: there is no chip */
    return 1;
}

static int node_uptime(lua_State *L)
{
    lua_pushnumber(L, (lua_Number)nm_uptime_us(nm_rt(L)));
    return 1;
}

static int node_setcpufreq(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 1);
    lua_pushinteger(L, f == 160 ? 160 : 80);
    return 1;
}

static int node_getcpufreq(lua_State *L)
{
    lua_pushinteger(L, 80);
    return 1;
}

static int node_bootreason(lua_State *L)
{
    lua_pushinteger(L, 2); /* power-on, as a fresh start */
    lua_pushinteger(L, 0);
    return 2;
}

static int node_noop(lua_State *L)
{
    (void)L;
    return 0;
}

static int node_random(lua_State *L)
{
    /* NodeMCU 3.x: node.random() in [0,1), (u) in 1..u, (l, u) in l..u. */
    double r = (double)rand() / ((double)RAND_MAX + 1.0);
    if (lua_isnoneornil(L, 1)) {
        lua_pushnumber(L, r);
        return 1;
    }
    lua_Integer lo = 1, hi = luaL_checkinteger(L, 1);
    if (!lua_isnoneornil(L, 2)) {
        lo = hi;
        hi = luaL_checkinteger(L, 2);
    }
    luaL_argcheck(L, lo <= hi, 1, "interval is empty");
    lua_pushinteger(L, lo + (lua_Integer)(r * (double)(hi - lo + 1)));
    return 1;
}

void nm_open_node(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"heap", node_heap},
        {"restart", node_restart},
        {"dsleep", node_dsleep},
        {"flashreload", node_flashreload},
        {"chipid", node_chipid},
        {"flashid", node_chipid},
        {"uptime", node_uptime},
        {"setcpufreq", node_setcpufreq},
        {"getcpufreq", node_getcpufreq},
        {"bootreason", node_bootreason},
        {"stripdebug", node_noop},
        {"osprint", node_noop},
        {"random", node_random},
        {NULL, NULL},
    };
    static const luaL_Reg task[] = {
        {"post", task_post},
        {NULL, NULL},
    };
    static const luaL_Reg egc[] = {
        {"setmode", node_noop},
        {NULL, NULL},
    };
    nm_newlib(L, funcs);
    nm_newlib(L, task);
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "LOW_PRIORITY");
    lua_pushinteger(L, 1);
    lua_setfield(L, -2, "MEDIUM_PRIORITY");
    lua_pushinteger(L, 2);
    lua_setfield(L, -2, "HIGH_PRIORITY");
    lua_setfield(L, -2, "task");
    nm_newlib(L, egc);
    lua_setfield(L, -2, "egc");
    lua_pushinteger(L, 80);
    lua_setfield(L, -2, "CPU80MHZ");
    lua_pushinteger(L, 160);
    lua_setfield(L, -2, "CPU160MHZ");
}
