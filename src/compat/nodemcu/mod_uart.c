/* uart: the console is the program's stdout. */
#include <stdio.h>

#include "compat/nodemcu/nm_internal.h"

/* uart.write(id, data, ...): strings as they are, numbers as one byte. */
static int uart_write(lua_State *L)
{
    nm_checkrange(L, 1, "uart id", 0, 1);
    int top = lua_gettop(L);
    for (int i = 2; i <= top; i++) {
        if (lua_type(L, i) == LUA_TNUMBER) {
            int byte = (int)nm_checkrange(L, i, "byte", 0, 255);
            putchar(byte);
        } else {
            size_t len;
            const char *s = luaL_checklstring(L, i, &len);
            fwrite(s, 1, len, stdout);
        }
    }
    fflush(stdout);
    return 0;
}

static int uart_setup(lua_State *L)
{
    nm_checkrange(L, 1, "uart id", 0, 1);
    lua_Integer baud = luaL_checkinteger(L, 2);
    lua_pushinteger(L, baud);
    return 1;
}

static int uart_getconfig(lua_State *L)
{
    nm_checkrange(L, 1, "uart id", 0, 1);
    lua_pushinteger(L, 115200);
    lua_pushinteger(L, 8);
    lua_pushinteger(L, 0);
    lua_pushinteger(L, 1);
    return 4;
}

/* uart.on("data", ...): the PC's console input is not routed to scripts. */
static int uart_on(lua_State *L)
{
    luaL_checkstring(L, 1);
    if (nm_rt(L)->debug_level >= 1)
        nm_log(nm_rt(L), "uart.on: console input is not delivered to scripts on iotls");
    return 0;
}

static int uart_alt(lua_State *L)
{
    (void)L;
    return 0;
}

void nm_open_uart(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"write", uart_write}, {"setup", uart_setup}, {"getconfig", uart_getconfig},
        {"on", uart_on},       {"alt", uart_alt},     {NULL, NULL},
    };
    nm_newlib(L, funcs);
    static const struct {
        const char *name;
        int value;
    } consts[] = {{"STOPBITS_1", 1},  {"STOPBITS_1_5", 3}, {"STOPBITS_2", 2},
                  {"PARITY_NONE", 0}, {"PARITY_EVEN", 1},  {"PARITY_ODD", 2}};
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        lua_pushinteger(L, consts[i].value);
        lua_setfield(L, -2, consts[i].name);
    }
}
