/* tmr: timer objects (tmr.create(), NodeMCU 3.x) and the legacy static
 * timers 0..6 (tmr.alarm(id, ...), NodeMCU 2.x), both on iotls timers. A
 * running timer keeps the program going; its callback gets the timer. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat/nodemcu/nm_internal.h"

#define TIMER_MT "tmr.timer"
#define STATIC_KEY "iotls.nodemcu.static_timers"
#define STATIC_COUNT 7
#define ALARM_SINGLE 0
#define ALARM_AUTO 1
#define ALARM_SEMI 2
#define INTERVAL_MAX 6870947 /* NodeMCU's limit, ms */

typedef struct {
    nm_owned_t owned;
    nm_rt_t *rt;
    iotls_timer_t *timer;
    int cb_ref, self_ref;
    lua_Integer interval;
    int mode;
    bool registered, running;
} nm_tmr_t;

static void tmr_detach(nm_owned_t *o)
{
    nm_tmr_t *t = (nm_tmr_t *)o;
    if (t->timer)
        iotls_timer_free(t->timer);
    t->timer = NULL;
    t->running = false;
    t->rt = NULL;
}

static nm_tmr_t *check_tmr(lua_State *L, int idx)
{
    nm_tmr_t *t = luaL_checkudata(L, idx, TIMER_MT);
    if (t->rt == NULL)
        luaL_error(L, "tmr: the NodeMCU modules are closed");
    return t;
}

static void unanchor(lua_State *L, nm_tmr_t *t)
{
    nm_unref(L, &t->self_ref);
}

/* The callback, protected: state first (the callback may restart or
 * re-register), then the call. */
static int fire_run(lua_State *L)
{
    nm_tmr_t *t = lua_touserdata(L, 1);
    int cb = t->cb_ref;
    int self = t->self_ref;
    if (t->mode != ALARM_AUTO)
        t->running = false;
    if (t->mode == ALARM_SINGLE) {
        t->registered = false;
        t->cb_ref = LUA_NOREF; /* ours now: released below */
    }
    t->self_ref = t->running ? self : LUA_NOREF;
    nm_push_ref(L, cb);
    lua_rawgeti(L, LUA_REGISTRYINDEX, self); /* keeps the timer alive */
    if (self != t->self_ref)
        luaL_unref(L, LUA_REGISTRYINDEX, self);
    if (cb != t->cb_ref)
        luaL_unref(L, LUA_REGISTRYINDEX, cb);
    if (lua_isfunction(L, -2))
        lua_call(L, 1, 0);
    return 0;
}

static void on_timer(iotls_timer_t *timer, void *user)
{
    nm_tmr_t *t = user;
    (void)timer;
    if (t->rt && t->running)
        nm_dispatch(t->rt, fire_run, t, "tmr callback");
}

static nm_tmr_t *tmr_new(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    nm_tmr_t *t = lua_newuserdata(L, sizeof *t);
    memset(t, 0, sizeof *t);
    t->cb_ref = t->self_ref = LUA_NOREF;
    t->owned.detach = tmr_detach;
    luaL_getmetatable(L, TIMER_MT);
    lua_setmetatable(L, -2);
    t->timer = iotls_timer_new(rt->loop, on_timer, t);
    if (t->timer == NULL)
        luaL_error(L, "not enough memory");
    t->rt = rt;
    nm_own(rt, &t->owned);
    return t;
}

/* ---- operations shared by both forms (timer at stack index idx) ---------- */

static void do_stop(lua_State *L, nm_tmr_t *t)
{
    if (t->timer)
        iotls_timer_disarm(t->timer);
    t->running = false;
    unanchor(L, t);
}

static void do_register(lua_State *L, nm_tmr_t *t, int a)
{
    lua_Integer ms = nm_checkrange(L, a, "interval (ms)", 1, INTERVAL_MAX);
    int mode = (int)nm_checkrange(L, a + 1, "mode (tmr.ALARM_SINGLE/AUTO/SEMI)", 0, 2);
    luaL_checktype(L, a + 2, LUA_TFUNCTION);
    lua_pushvalue(L, a + 2);
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    do_stop(L, t);
    nm_unref(L, &t->cb_ref);
    t->cb_ref = ref;
    t->interval = ms;
    t->mode = mode;
    t->registered = true;
}

static bool do_start(lua_State *L, nm_tmr_t *t, int idx)
{
    if (!t->registered)
        return false;
    if (t->self_ref == LUA_NOREF) {
        lua_pushvalue(L, idx);
        t->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    uint64_t ms = (uint64_t)t->interval;
    iotls_timer_arm(t->timer, ms, t->mode == ALARM_AUTO ? ms : 0);
    t->running = true;
    return true;
}

static int push_state(lua_State *L, nm_tmr_t *t)
{
    if (!t->registered) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushboolean(L, t->running);
    lua_pushinteger(L, t->mode);
    return 2;
}

/* ---- timer objects ------------------------------------------------------------ */

static int t_register(lua_State *L)
{
    do_register(L, check_tmr(L, 1), 2);
    return 0;
}

static int t_alarm(lua_State *L)
{
    nm_tmr_t *t = check_tmr(L, 1);
    do_register(L, t, 2);
    lua_pushboolean(L, do_start(L, t, 1));
    return 1;
}

static int t_start(lua_State *L)
{
    nm_tmr_t *t = check_tmr(L, 1);
    lua_pushboolean(L, do_start(L, t, 1));
    return 1;
}

static int t_stop(lua_State *L)
{
    nm_tmr_t *t = check_tmr(L, 1);
    bool was = t->running;
    do_stop(L, t);
    lua_pushboolean(L, was);
    return 1;
}

static int t_unregister(lua_State *L)
{
    nm_tmr_t *t = check_tmr(L, 1);
    do_stop(L, t);
    nm_unref(L, &t->cb_ref);
    t->registered = false;
    return 0;
}

static int t_interval(lua_State *L)
{
    nm_tmr_t *t = check_tmr(L, 1);
    t->interval = nm_checkrange(L, 2, "interval (ms)", 1, INTERVAL_MAX);
    if (t->running)
        do_start(L, t, 1);
    return 0;
}

static int t_state(lua_State *L)
{
    return push_state(L, check_tmr(L, 1));
}

static int t_gc(lua_State *L)
{
    nm_tmr_t *t = luaL_checkudata(L, 1, TIMER_MT);
    if (t->rt) {
        nm_disown(t->rt, &t->owned);
        tmr_detach(&t->owned);
    }
    nm_unref(L, &t->cb_ref);
    return 0;
}

/* ---- legacy static timers: tmr.alarm(id, ...) ------------------------------ */

/* Push static timer `id` (argument 1), creating it on first use. */
static nm_tmr_t *static_timer(lua_State *L)
{
    int id = (int)nm_checkrange(L, 1, "timer id", 0, STATIC_COUNT - 1);
    lua_getfield(L, LUA_REGISTRYINDEX, STATIC_KEY);
    lua_rawgeti(L, -1, id);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        tmr_new(L);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, id);
    }
    lua_remove(L, -2);
    lua_replace(L, 1); /* the timer takes the id's place */
    return check_tmr(L, 1);
}

static int s_alarm(lua_State *L)
{
    return t_alarm((static_timer(L), L));
}
static int s_register(lua_State *L)
{
    return t_register((static_timer(L), L));
}
static int s_start(lua_State *L)
{
    return t_start((static_timer(L), L));
}
static int s_stop(lua_State *L)
{
    return t_stop((static_timer(L), L));
}
static int s_unregister(lua_State *L)
{
    return t_unregister((static_timer(L), L));
}
static int s_interval(lua_State *L)
{
    return t_interval((static_timer(L), L));
}
static int s_state(lua_State *L)
{
    return t_state((static_timer(L), L));
}

/* ---- the rest of tmr ------------------------------------------------------------- */

static int tmr_create(lua_State *L)
{
    tmr_new(L);
    return 1;
}

static int tmr_now(lua_State *L)
{
    /* NodeMCU's system_get_time() wraps at 2^31 µs. */
    lua_pushinteger(L, (lua_Integer)(nm_uptime_us(nm_rt(L)) & 0x7FFFFFFFu));
    return 1;
}

static int tmr_time(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)(nm_uptime_us(nm_rt(L)) / 1000000u));
    return 1;
}

static int tmr_delay(lua_State *L)
{
    /* Busy-waits on the chip (and blocks everything); sleeps here. */
    lua_Integer us = nm_checkrange(L, 1, "delay (us)", 0, 60000000);
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0)
        ;
    return 0;
}

static int tmr_noop(lua_State *L)
{
    (void)L;
    return 0;
}

static int tmr_ccount(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)((nm_uptime_us(nm_rt(L)) * 80u) & 0x7FFFFFFFu));
    return 1;
}

void nm_open_tmr(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"register", t_register},     {"alarm", t_alarm},
        {"start", t_start},           {"stop", t_stop},
        {"unregister", t_unregister}, {"interval", t_interval},
        {"state", t_state},           {NULL, NULL},
    };
    static const luaL_Reg funcs[] = {
        {"create", tmr_create},   {"alarm", s_alarm},     {"register", s_register},
        {"start", s_start},       {"stop", s_stop},       {"unregister", s_unregister},
        {"interval", s_interval}, {"state", s_state},     {"now", tmr_now},
        {"time", tmr_time},       {"delay", tmr_delay},   {"wdclr", tmr_noop},
        {"softwd", tmr_noop},     {"ccount", tmr_ccount}, {NULL, NULL},
    };
    luaL_newmetatable(L, TIMER_MT);
    nm_lock_metatable(L);
    nm_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, t_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);

    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, STATIC_KEY);

    nm_newlib(L, funcs);
    static const struct {
        const char *name;
        int value;
    } consts[] = {
        {"ALARM_SINGLE", ALARM_SINGLE}, {"ALARM_AUTO", ALARM_AUTO}, {"ALARM_SEMI", ALARM_SEMI}};
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        lua_pushinteger(L, consts[i].value);
        lua_setfield(L, -2, consts[i].name);
    }
}
