/* The runtime behind the modules: one per lua_State, kept in the registry,
 * released when the state is closed. Callbacks run in protected mode with
 * a traceback; an error in one is reported and the loop goes on (NodeMCU
 * would reboot the chip instead — docs/nodemcu.md). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/nodemcu/nm_internal.h"

static const char RT_KEY[] = "iotls.nodemcu.runtime";

void nm_log(nm_rt_t *rt, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (rt && rt->log)
        rt->log(rt->log_ctx, line);
    else {
        fprintf(stderr, "%s\n", line);
        fflush(stderr);
    }
}

void nm_tls_log(void *ctx, const char *line)
{
    nm_log(ctx, "tls: %s", line);
}

nm_rt_t *nm_rt_find(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, RT_KEY);
    nm_rt_t **slot = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return slot ? *slot : NULL;
}

nm_rt_t *nm_rt(lua_State *L)
{
    nm_rt_t *rt = nm_rt_find(L);
    if (rt == NULL)
        luaL_error(L, "the NodeMCU modules are closed");
    return rt;
}

uint64_t nm_uptime_us(nm_rt_t *rt)
{
    return (iotls_loop_now_ms(rt->loop) - rt->start_ms) * 1000u;
}

void nm_own(nm_rt_t *rt, nm_owned_t *o)
{
    o->prev = &rt->owned;
    o->next = rt->owned.next;
    rt->owned.next->prev = o;
    rt->owned.next = o;
}

void nm_disown(nm_rt_t *rt, nm_owned_t *o)
{
    (void)rt;
    if (o->next == NULL)
        return;
    o->prev->next = o->next;
    o->next->prev = o->prev;
    o->prev = o->next = NULL;
}

nm_shared_t *nm_shared_new(iotls_trust_t *trust, iotls_creds_t *creds)
{
    nm_shared_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->trust = trust;
    s->creds = creds;
    s->refs = 1;
    return s;
}

nm_shared_t *nm_shared_ref(nm_shared_t *s)
{
    if (s)
        s->refs++;
    return s;
}

void nm_shared_unref(nm_shared_t *s)
{
    if (s == NULL || --s->refs > 0)
        return;
    iotls_trust_free(s->trust);
    iotls_creds_free(s->creds);
    free(s);
}

/* Message handler: the error message plus a traceback. */
static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
#if LUA_VERSION_NUM >= 502
    luaL_traceback(L, L, msg, 1);
#else
    lua_getfield(L, LUA_GLOBALSINDEX, "debug");
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "traceback");
        if (lua_isfunction(L, -1)) {
            lua_pushstring(L, msg);
            lua_pushinteger(L, 2);
            lua_call(L, 2, 1);
            return 1;
        }
    }
    lua_pushstring(L, msg);
#endif
    return 1;
}

void iotls_nodemcu_report_error(lua_State *L, const char *where, const char *message)
{
    nm_rt_t *rt = nm_rt_find(L);
    if (rt)
        rt->errors++;
    nm_log(rt, "nodemcu: error in %s: %s", where, message ? message : "(no message)");
}

int iotls_nodemcu_pcall(lua_State *L, int nargs, const char *where)
{
    int base = lua_gettop(L) - nargs; /* the function */
    lua_pushcfunction(L, traceback);
    lua_insert(L, base);
    int rc = lua_pcall(L, nargs, 0, base);
    lua_remove(L, base);
    if (rc != 0) {
        iotls_nodemcu_report_error(L, where, lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    return 0;
}

int nm_call(nm_rt_t *rt, int nargs, const char *where)
{
    return iotls_nodemcu_pcall(rt->L, nargs, where);
}

int nm_dispatch(nm_rt_t *rt, lua_CFunction fn, void *arg, const char *where)
{
    lua_pushcfunction(rt->L, fn);
    lua_pushlightuserdata(rt->L, arg);
    return nm_call(rt, 1, where);
}

bool nm_connect_to_parse(const char *rule, nm_connect_to_t *out)
{
    /* HOST:PORT:HOST2:PORT2 — names and IPv4 literals (NodeMCU is IPv4). */
    char copy[600];
    if (rule == NULL || strlen(rule) >= sizeof copy)
        return false;
    memcpy(copy, rule, strlen(rule) + 1);
    char *part[4];
    char *p = copy;
    for (int i = 0; i < 4; i++) {
        part[i] = p;
        char *colon = strchr(p, ':');
        if (i < 3) {
            if (colon == NULL)
                return false;
            *colon = '\0';
            p = colon + 1;
        } else if (colon != NULL)
            return false;
    }
    char *end;
    unsigned long fp = strtoul(part[1], &end, 10);
    if (*part[1] == '\0' || *end || fp == 0 || fp > 65535)
        return false;
    unsigned long tp = strtoul(part[3], &end, 10);
    if (*part[3] == '\0' || *end || tp == 0 || tp > 65535)
        return false;
    if (*part[0] == '\0' || *part[2] == '\0' || strlen(part[0]) >= sizeof out->from_host ||
        strlen(part[2]) >= sizeof out->to_host)
        return false;
    memcpy(out->from_host, part[0], strlen(part[0]) + 1);
    memcpy(out->to_host, part[2], strlen(part[2]) + 1);
    out->from_port = (uint16_t)fp;
    out->to_port = (uint16_t)tp;
    return true;
}

/* ---- flash ---------------------------------------------------------------- */

static int flash_attach(nm_rt_t *rt, const char *path, iotls_error_t *err)
{
    if (path == NULL) {
        rt->flash_mem = malloc(IOTLS_NODEMCU_MEM_FLASH_SIZE);
        if (rt->flash_mem == NULL) {
            iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "no memory for the flash image");
            return -1;
        }
        memset(rt->flash_mem, 0xFF, IOTLS_NODEMCU_MEM_FLASH_SIZE);
        if (iotls_flash_init_mem(&rt->flash, rt->flash_mem, IOTLS_NODEMCU_MEM_FLASH_SIZE, err) < 0)
            return -1;
    } else {
        FILE *probe = fopen(path, "rb");
        int rc;
        if (probe) {
            fclose(probe);
            rc = iotls_flash_open_file(&rt->flash, path, true, err);
        } else
            rc = iotls_flash_create_file(&rt->flash, path, IOTLS_FLASH_DEFAULT_SIZE, err);
        if (rc < 0)
            return -1;
    }
    rt->flash_open = true;
    return 0;
}

/* ---- open / close ---------------------------------------------------------- */

static void rt_release(nm_rt_t *rt)
{
    /* Sockets and timers first: they hold connections and timers of the loop. */
    while (rt->owned.next != &rt->owned) {
        nm_owned_t *o = rt->owned.next;
        nm_disown(rt, o);
        o->detach(o);
    }
    nm_tasks_free(rt);
    nm_gpio_free(rt);
    nm_cert_release(rt);
    if (rt->owns_loop)
        iotls_loop_free(rt->loop);
    if (rt->flash_open)
        iotls_flash_close(&rt->flash);
    free(rt->flash_mem);
    free(rt->fs_dir);
    free(rt->connect_to);
    free(rt);
}

static int rt_gc(lua_State *L)
{
    nm_rt_t **slot = lua_touserdata(L, 1);
    if (slot && *slot) {
        rt_release(*slot);
        *slot = NULL;
    }
    return 0;
}

void iotls_nodemcu_options_init(iotls_nodemcu_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->gpio_in_fd = -1;
}

static nm_rt_t *rt_new(lua_State *L, const iotls_nodemcu_options_t *opt, iotls_error_t *err)
{
    nm_rt_t *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory");
        return NULL;
    }
    rt->owned.next = rt->owned.prev = &rt->owned;
    rt->L = L;
    rt->verify_cb = rt->auth_cb = LUA_NOREF;
    rt->debug_level = opt->debug_level;
    rt->log = opt->log;
    rt->log_ctx = opt->log_ctx;
    rt->gpio_trace = opt->gpio_trace;
    rt->fs_dir = strdup(opt->fs_dir ? opt->fs_dir : ".");
    if (rt->fs_dir == NULL)
        goto oom;
    if (opt->connect_to_count > 0) {
        rt->connect_to = calloc(opt->connect_to_count, sizeof *rt->connect_to);
        if (rt->connect_to == NULL)
            goto oom;
        for (size_t i = 0; i < opt->connect_to_count; i++)
            if (!nm_connect_to_parse(opt->connect_to[i], &rt->connect_to[i])) {
                iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                                "connect-to rule '%s' is not HOST:PORT:HOST2:PORT2",
                                opt->connect_to[i]);
                goto fail;
            }
        rt->connect_to_count = opt->connect_to_count;
    }
    if (opt->loop) {
        rt->loop = opt->loop;
    } else {
        rt->loop = iotls_loop_new(err);
        if (rt->loop == NULL)
            goto fail;
        rt->owns_loop = true;
    }
    rt->start_ms = iotls_loop_now_ms(rt->loop);
    if (flash_attach(rt, opt->flash_path, err) < 0)
        goto fail;
    return rt;
oom:
    iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory");
fail:
    rt_release(rt);
    return NULL;
}

/* Lua part of opening, in protected mode (any allocation may raise). */
static int open_modules(lua_State *L)
{
    nm_rt_t *rt = lua_touserdata(L, 1);
    nm_rt_t **slot = lua_newuserdata(L, sizeof *slot);
    *slot = rt;
    lua_newtable(L);
    lua_pushcfunction(L, rt_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, RT_KEY);

    static const struct {
        const char *name;
        void (*open)(lua_State *L);
    } mods[] = {{"tls", nm_open_tls},   {"net", nm_open_net},   {"tmr", nm_open_tmr},
                {"node", nm_open_node}, {"wifi", nm_open_wifi}, {"file", nm_open_file},
                {"uart", nm_open_uart}, {"gpio", nm_open_gpio}, {"sjson", nm_open_sjson},
                {"http", nm_open_http}, {"mqtt", nm_open_mqtt}}; /* these two use tls, tmr, node */
    for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
        mods[i].open(L);
        lua_setglobal(L, mods[i].name);
    }
    return 0;
}

int iotls_nodemcu_open(lua_State *L, const iotls_nodemcu_options_t *opt, iotls_error_t *err)
{
    iotls_nodemcu_options_t defaults;
    if (opt == NULL) {
        iotls_nodemcu_options_init(&defaults);
        opt = &defaults;
    }
    if (nm_rt_find(L) != NULL) {
        iotls_error_set(err, IOTLS_ERR_BAD_STATE, "the NodeMCU modules are already open here");
        return -1;
    }
#if LUA_VERSION_NUM >= 502
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    lua_State *main = lua_tothread(L, -1);
    lua_pop(L, 1);
#else
    lua_State *main = L;
#endif
    nm_rt_t *rt = rt_new(main, opt, err);
    if (rt == NULL)
        return -1;
    lua_pushcfunction(L, open_modules);
    lua_pushlightuserdata(L, rt);
    if (lua_pcall(L, 1, 0, 0) != 0) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "opening the modules failed: %s",
                        lua_tostring(L, -1));
        lua_pop(L, 1);
        if (nm_rt_find(L) == NULL) /* not yet owned by the registry */
            rt_release(rt);
        return -1;
    }
    /* On failure the runtime is already the registry's: lua_close frees it. */
    if (opt->gpio_in_fd >= 0 && nm_gpio_attach(rt, opt->gpio_in_fd, err) < 0)
        return -1;
    return 0;
}

int iotls_nodemcu_run(lua_State *L)
{
    nm_rt_t *rt = nm_rt_find(L);
    if (rt == NULL || rt->running)
        return -1;
    if (rt->restart)
        return 0;
    rt->running = true;
    int rc = iotls_loop_run(rt->loop);
    rt->running = false;
    return rc < 0 ? -1 : 0;
}

unsigned iotls_nodemcu_callback_errors(lua_State *L)
{
    nm_rt_t *rt = nm_rt_find(L);
    return rt ? rt->errors : 0;
}

bool iotls_nodemcu_restart_requested(lua_State *L)
{
    nm_rt_t *rt = nm_rt_find(L);
    return rt && rt->restart;
}
