/* `require "nodemcu"` from a stock interpreter: defines the NodeMCU globals
 * and returns {run = ..., run_once = ..., errors = ...}. NodeMCU runs its
 * callbacks after the script returns; a plain interpreter does not, so the
 * script calls nodemcu.run() where the chip's event loop would take over.
 * IOTLS_FLASH names a flash image, as for the ESP8266 SDK layer. */
#include <stdlib.h>

#include "compat/nodemcu/nm_internal.h"

static int mod_run(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    if (rt->running)
        return luaL_error(L, "nodemcu.run: the loop is already running");
    if (iotls_nodemcu_run(L) < 0)
        return luaL_error(L, "nodemcu.run: the event loop failed");
    lua_pushboolean(L, rt->restart);
    return 1;
}

static int mod_run_once(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    lua_Integer ms = nm_checkrange(L, 1, "timeout (ms)", -1, 86400000);
    if (rt->running)
        return luaL_error(L, "nodemcu.run_once: the loop is already running");
    rt->running = true;
    int n = iotls_loop_run_once(rt->loop, (int)ms);
    rt->running = false;
    lua_pushinteger(L, n);
    return 1;
}

static int mod_errors(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)iotls_nodemcu_callback_errors(L));
    return 1;
}

int luaopen_nodemcu(lua_State *L)
{
    if (nm_rt_find(L) == NULL) {
        iotls_nodemcu_options_t opt;
        iotls_nodemcu_options_init(&opt);
        opt.flash_path = getenv("IOTLS_FLASH");
        iotls_error_t err;
        iotls_error_clear(&err);
        if (iotls_nodemcu_open(L, &opt, &err) < 0)
            return luaL_error(L, "nodemcu: %s", err.text);
    }
    static const luaL_Reg funcs[] = {
        {"run", mod_run},
        {"run_once", mod_run_once},
        {"errors", mod_errors},
        {NULL, NULL},
    };
    nm_newlib(L, funcs);
    return 1;
}
