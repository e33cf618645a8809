/* wifi: a station that is always connected, as 127.0.0.1. Event callbacks
 * for "connected" and "got IP" are delivered (from the loop) as soon as
 * they are registered, since the link is up already. */
#include <stdlib.h>
#include <string.h>

#include "compat/nodemcu/nm_internal.h"

enum { NULLMODE = 0, STATION = 1, SOFTAP = 2, STATIONAP = 3 };
enum { STA_IDLE = 0, STA_CONNECTING, STA_WRONGPWD, STA_APNOTFOUND, STA_FAIL, STA_GOTIP };
enum { EV_STA_CONNECTED = 0, EV_STA_DISCONNECTED, EV_STA_AUTHMODE_CHANGE, EV_STA_GOT_IP };

#define MODE_KEY "iotls.nodemcu.wifi_mode"
#define SSID "iotls-host"
#define MAC "02:00:00:00:00:01"

typedef struct {
    int fn_ref;
    int event; /* EV_*, or -1: the legacy eventMonReg form (previous state) */
} wifi_event_t;

static int event_run(lua_State *L)
{
    wifi_event_t *e = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->fn_ref);
    if (e->event < 0) {
        lua_pushinteger(L, STA_CONNECTING); /* previous state */
        lua_call(L, 1, 0);
        return 0;
    }
    lua_newtable(L);
    if (e->event == EV_STA_CONNECTED) {
        lua_pushstring(L, SSID);
        lua_setfield(L, -2, "SSID");
        lua_pushstring(L, MAC);
        lua_setfield(L, -2, "BSSID");
        lua_pushinteger(L, 1);
        lua_setfield(L, -2, "channel");
    } else {
        lua_pushstring(L, "127.0.0.1");
        lua_setfield(L, -2, "IP");
        lua_pushstring(L, "255.0.0.0");
        lua_setfield(L, -2, "netmask");
        lua_pushstring(L, "127.0.0.1");
        lua_setfield(L, -2, "gateway");
    }
    lua_call(L, 1, 0);
    return 0;
}

static void event_done(nm_rt_t *rt, void *arg)
{
    wifi_event_t *e = arg;
    if (rt) {
        nm_dispatch(rt, event_run, e, "wifi event callback");
        luaL_unref(rt->L, LUA_REGISTRYINDEX, e->fn_ref);
    }
    free(e);
}

/* Deliver event `ev` to the function at idx once, from the loop. */
static void post_event(lua_State *L, int idx, int ev)
{
    nm_rt_t *rt = nm_rt(L);
    lua_pushvalue(L, idx);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    wifi_event_t *e = malloc(sizeof *e);
    if (e) {
        e->fn_ref = ref;
        e->event = ev;
    }
    if (e == NULL || nm_task_post(rt, 1, event_done, e) < 0) {
        free(e);
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
        luaL_error(L, "wifi: not enough memory");
    }
}

static int wifi_setmode(lua_State *L)
{
    lua_Integer m = nm_checkrange(L, 1, "mode", NULLMODE, STATIONAP);
    lua_pushinteger(L, m);
    lua_setfield(L, LUA_REGISTRYINDEX, MODE_KEY);
    lua_pushinteger(L, m);
    return 1;
}

static int wifi_getmode(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, MODE_KEY);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushinteger(L, STATION);
    }
    return 1;
}

static int sta_config(lua_State *L)
{
    /* 3.x: a table (ssid, pwd, auto, connected_cb, got_ip_cb, ...);
     * 2.x: ssid, pwd[, auto[, bssid]]. */
    if (lua_istable(L, 1)) {
        lua_getfield(L, 1, "connected_cb");
        if (lua_isfunction(L, -1))
            post_event(L, lua_gettop(L), EV_STA_CONNECTED);
        lua_getfield(L, 1, "got_ip_cb");
        if (lua_isfunction(L, -1))
            post_event(L, lua_gettop(L), EV_STA_GOT_IP);
    } else {
        luaL_checkstring(L, 1);
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int sta_connect(lua_State *L)
{
    if (lua_isfunction(L, 1))
        post_event(L, 1, EV_STA_CONNECTED);
    return 0;
}

static int sta_getip(lua_State *L)
{
    lua_pushstring(L, "127.0.0.1");
    lua_pushstring(L, "255.0.0.0");
    lua_pushstring(L, "127.0.0.1");
    return 3;
}

static int sta_status(lua_State *L)
{
    lua_pushinteger(L, STA_GOTIP);
    return 1;
}

static int sta_getmac(lua_State *L)
{
    lua_pushstring(L, MAC);
    return 1;
}

static int sta_getrssi(lua_State *L)
{
    lua_pushinteger(L, -50);
    return 1;
}

static int sta_hostname(lua_State *L)
{
    if (lua_gettop(L) >= 1) { /* sethostname */
        luaL_checkstring(L, 1);
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushstring(L, "nodemcu");
    return 1;
}

static int sta_true(lua_State *L)
{
    lua_pushboolean(L, 1);
    return 1;
}

/* 2.x: wifi.sta.eventMonReg(wifi.STA_GOTIP, fn): fn(previous_state). */
static int sta_eventmonreg(lua_State *L)
{
    lua_Integer st = nm_checkrange(L, 1, "status", STA_IDLE, STA_GOTIP);
    if (st == STA_GOTIP && lua_isfunction(L, 2))
        post_event(L, 2, -1);
    return 0;
}

static int eventmon_register(lua_State *L)
{
    lua_Integer ev = nm_checkrange(L, 1, "event", 0, 12);
    if (lua_isfunction(L, 2) && (ev == EV_STA_CONNECTED || ev == EV_STA_GOT_IP))
        post_event(L, 2, (int)ev);
    return 0;
}

static int wifi_noop(lua_State *L)
{
    (void)L;
    return 0;
}

void nm_open_wifi(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"setmode", wifi_setmode}, {"getmode", wifi_getmode}, {"setphymode", wifi_setmode},
        {"startsmart", wifi_noop}, {"stopsmart", wifi_noop},  {NULL, NULL},
    };
    static const luaL_Reg sta[] = {
        {"config", sta_config},
        {"connect", sta_connect},
        {"disconnect", wifi_noop},
        {"autoconnect", wifi_noop},
        {"getip", sta_getip},
        {"status", sta_status},
        {"getmac", sta_getmac},
        {"getrssi", sta_getrssi},
        {"gethostname", sta_hostname},
        {"sethostname", sta_hostname},
        {"setip", sta_true},
        {"eventMonReg", sta_eventmonreg},
        {"eventMonStart", wifi_noop},
        {"eventMonStop", wifi_noop},
        {NULL, NULL},
    };
    static const luaL_Reg eventmon[] = {
        {"register", eventmon_register},
        {"unregister", wifi_noop},
        {NULL, NULL},
    };
    static const struct {
        const char *name;
        int value;
    } consts[] = {{"NULLMODE", NULLMODE},
                  {"STATION", STATION},
                  {"SOFTAP", SOFTAP},
                  {"STATIONAP", STATIONAP},
                  {"STA_IDLE", STA_IDLE},
                  {"STA_CONNECTING", STA_CONNECTING},
                  {"STA_WRONGPWD", STA_WRONGPWD},
                  {"STA_APNOTFOUND", STA_APNOTFOUND},
                  {"STA_FAIL", STA_FAIL},
                  {"STA_GOTIP", STA_GOTIP},
                  {"PHYMODE_B", 1},
                  {"PHYMODE_G", 2},
                  {"PHYMODE_N", 3}};
    nm_newlib(L, funcs);
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        lua_pushinteger(L, consts[i].value);
        lua_setfield(L, -2, consts[i].name);
    }
    nm_newlib(L, sta);
    lua_setfield(L, -2, "sta");
    nm_newlib(L, eventmon);
    static const struct {
        const char *name;
        int value;
    } events[] = {{"STA_CONNECTED", EV_STA_CONNECTED},
                  {"STA_DISCONNECTED", EV_STA_DISCONNECTED},
                  {"STA_AUTHMODE_CHANGE", EV_STA_AUTHMODE_CHANGE},
                  {"STA_GOT_IP", EV_STA_GOT_IP}};
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        lua_pushinteger(L, events[i].value);
        lua_setfield(L, -2, events[i].name);
    }
    lua_setfield(L, -2, "eventmon");
}
