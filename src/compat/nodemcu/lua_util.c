/* Small helpers over the Lua C API that read the same in 5.1 and 5.3. */
#include <math.h>

#include "compat/nodemcu/nm_internal.h"

void *nm_testudata(lua_State *L, int idx, const char *tname)
{
    void *p = lua_touserdata(L, idx);
    if (p == NULL || !lua_getmetatable(L, idx))
        return NULL;
    luaL_getmetatable(L, tname);
    bool same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same ? p : NULL;
}

void nm_newlib(lua_State *L, const luaL_Reg *l)
{
    lua_newtable(L);
    nm_setfuncs(L, l);
}

bool nm_isinteger(lua_State *L, int idx)
{
#if LUA_VERSION_NUM >= 503
    if (lua_isinteger(L, idx))
        return true;
#endif
    if (!lua_isnumber(L, idx)) /* numbers, and strings that convert (as luaL_checkinteger) */
        return false;
    lua_Number n = lua_tonumber(L, idx);
    return isfinite(n) && floor(n) == n;
}

lua_Integer nm_checkrange(lua_State *L, int idx, const char *what, lua_Integer lo, lua_Integer hi)
{
    if (!nm_isinteger(L, idx)) {
        const char *msg =
            lua_pushfstring(L, "%s must be an integer, got %s", what,
                            lua_isnumber(L, idx) ? "a fraction" : luaL_typename(L, idx));
        luaL_argerror(L, idx, msg);
    }
    lua_Number n = lua_tonumber(L, idx);
    if (n < (lua_Number)lo || n > (lua_Number)hi) {
        const char *msg =
            lua_pushfstring(L, "%s must be %d..%d, got %f", what, (int)lo, (int)hi, (double)n);
        luaL_argerror(L, idx, msg);
    }
    return (lua_Integer)n;
}

bool nm_push_ref(lua_State *L, int ref)
{
    if (ref == LUA_NOREF || ref == LUA_REFNIL)
        return false;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    return true;
}

void nm_unref(lua_State *L, int *ref)
{
    if (*ref != LUA_NOREF && *ref != LUA_REFNIL)
        luaL_unref(L, LUA_REGISTRYINDEX, *ref);
    *ref = LUA_NOREF;
}

void nm_lock_metatable(lua_State *L)
{
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
}
