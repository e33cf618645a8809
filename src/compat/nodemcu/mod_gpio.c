/* gpio: simulated pins 0..12. Outputs keep what was written (and log it
 * with --gpio-trace); inputs are set by the test hook, a descriptor from
 * which lines "PIN LEVEL" are read on the loop, firing gpio.trig callbacks
 * as a real edge would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat/nodemcu/nm_internal.h"

#define PINS 13
enum { MODE_INPUT = 0, MODE_OUTPUT = 1, MODE_INT = 2, MODE_OPENDRAIN = 3 };
enum { TRIG_NONE = 0, TRIG_UP, TRIG_DOWN, TRIG_BOTH, TRIG_LOW, TRIG_HIGH };

struct nm_gpio {
    int mode[PINS];
    int level[PINS];
    int trig[PINS];
    int trig_ref[PINS];
};

static nm_gpio_t *gpio_state(nm_rt_t *rt)
{
    if (rt->gpio == NULL) {
        rt->gpio = calloc(1, sizeof *rt->gpio);
        if (rt->gpio)
            for (int i = 0; i < PINS; i++)
                rt->gpio->trig_ref[i] = LUA_NOREF;
    }
    return rt->gpio;
}

static nm_gpio_t *check_gpio(lua_State *L)
{
    nm_gpio_t *g = gpio_state(nm_rt(L));
    if (g == NULL)
        luaL_error(L, "gpio: not enough memory");
    return g;
}

static int gpio_mode(lua_State *L)
{
    nm_gpio_t *g = check_gpio(L);
    int pin = (int)nm_checkrange(L, 1, "pin", 0, PINS - 1);
    int mode = (int)nm_checkrange(L, 2, "mode", MODE_INPUT, MODE_OPENDRAIN);
    int pull = lua_isnoneornil(L, 3) ? 0 : (int)nm_checkrange(L, 3, "pullup", 0, 1);
    g->mode[pin] = mode;
    if (mode != MODE_OUTPUT)
        g->level[pin] = pull; /* a pulled-up input reads high until driven */
    return 0;
}

static int gpio_read(lua_State *L)
{
    nm_gpio_t *g = check_gpio(L);
    int pin = (int)nm_checkrange(L, 1, "pin", 0, PINS - 1);
    lua_pushinteger(L, g->level[pin]);
    return 1;
}

static int gpio_write(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    nm_gpio_t *g = check_gpio(L);
    int pin = (int)nm_checkrange(L, 1, "pin", 0, PINS - 1);
    int level = (int)nm_checkrange(L, 2, "level", 0, 1);
    g->level[pin] = level;
    if (rt->gpio_trace)
        nm_log(rt, "gpio: pin %d = %s", pin, level ? "HIGH" : "LOW");
    return 0;
}

static int gpio_trig(lua_State *L)
{
    nm_gpio_t *g = check_gpio(L);
    int pin = (int)nm_checkrange(L, 1, "pin", 1, PINS - 1); /* pin 0 has no interrupt */
    static const char *const types[] = {"none", "up", "down", "both", "low", "high", NULL};
    int type = luaL_checkoption(L, 2, "none", types);
    if (g->mode[pin] != MODE_INT)
        return luaL_error(L, "gpio.trig: pin %d is not in gpio.INT mode", pin);
    if (lua_isfunction(L, 3)) {
        lua_pushvalue(L, 3);
        int ref = luaL_ref(L, LUA_REGISTRYINDEX);
        nm_unref(L, &g->trig_ref[pin]);
        g->trig_ref[pin] = ref;
    } else if (!lua_isnoneornil(L, 3))
        return luaL_argerror(L, 3, "function expected");
    if (type == TRIG_NONE)
        nm_unref(L, &g->trig_ref[pin]);
    g->trig[pin] = type;
    return 0;
}

/* ---- the test hook ------------------------------------------------------------- */

typedef struct {
    nm_rt_t *rt;
    int pin, level;
} edge_t;

static int edge_run(lua_State *L)
{
    edge_t *e = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, e->rt->gpio->trig_ref[e->pin]);
    lua_pushinteger(L, e->level);
    lua_pushinteger(L, (lua_Integer)(nm_uptime_us(e->rt) & 0x7FFFFFFFu));
    lua_pushinteger(L, 1); /* eventcount (3.x) */
    lua_call(L, 3, 0);
    return 0;
}

static void set_input(nm_rt_t *rt, int pin, int level)
{
    nm_gpio_t *g = gpio_state(rt);
    if (g == NULL || pin < 0 || pin >= PINS || (level != 0 && level != 1)) {
        nm_log(rt, "gpio hook: ignored pin %d level %d (pins 0..%d, levels 0/1)", pin, level,
               PINS - 1);
        return;
    }
    int old = g->level[pin];
    g->level[pin] = level;
    bool fire = false;
    switch (g->trig[pin]) {
    case TRIG_UP: fire = old == 0 && level == 1; break;
    case TRIG_DOWN: fire = old == 1 && level == 0; break;
    case TRIG_BOTH: fire = old != level; break;
    case TRIG_LOW: fire = level == 0; break;
    case TRIG_HIGH: fire = level == 1; break;
    default: break;
    }
    if (fire && g->mode[pin] == MODE_INT && g->trig_ref[pin] != LUA_NOREF) {
        edge_t e = {rt, pin, level};
        nm_dispatch(rt, edge_run, &e, "gpio.trig callback");
    }
}

static void on_readable(iotls_fd_watch_t *w, int fd, void *user)
{
    nm_rt_t *rt = user;
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
        iotls_fd_watch_free(w);
        rt->gpio_watch = NULL;
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (rt->gpio_line_len < sizeof rt->gpio_line - 1)
                rt->gpio_line[rt->gpio_line_len++] = buf[i];
            continue;
        }
        rt->gpio_line[rt->gpio_line_len] = '\0';
        rt->gpio_line_len = 0;
        int pin, level;
        if (sscanf(rt->gpio_line, "%d %d", &pin, &level) == 2)
            set_input(rt, pin, level);
        else if (rt->gpio_line[0] != '\0')
            nm_log(rt, "gpio hook: '%s' is not \"PIN LEVEL\"", rt->gpio_line);
    }
}

int nm_gpio_attach(nm_rt_t *rt, int fd, iotls_error_t *err)
{
    if (gpio_state(rt) == NULL)
        return iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory"), -1;
    rt->gpio_watch = iotls_loop_watch_readable(rt->loop, fd, on_readable, rt, err);
    if (rt->gpio_watch == NULL)
        return -1;
    return 0;
}

void nm_gpio_free(nm_rt_t *rt)
{
    if (rt->gpio_watch)
        iotls_fd_watch_free(rt->gpio_watch);
    rt->gpio_watch = NULL;
    free(rt->gpio);
    rt->gpio = NULL;
}

void nm_open_gpio(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"mode", gpio_mode}, {"read", gpio_read}, {"write", gpio_write},
        {"trig", gpio_trig}, {NULL, NULL},
    };
    nm_newlib(L, funcs);
    static const struct {
        const char *name;
        int value;
    } consts[] = {{"INPUT", MODE_INPUT}, {"OUTPUT", MODE_OUTPUT},
                  {"INT", MODE_INT},     {"OPENDRAIN", MODE_OPENDRAIN},
                  {"HIGH", 1},           {"LOW", 0},
                  {"PULLUP", 1},         {"FLOAT", 0}};
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        lua_pushinteger(L, consts[i].value);
        lua_setfield(L, -2, consts[i].name);
    }
}
