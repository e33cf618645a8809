/* iotls-lua5.1 / iotls-lua5.3 — the NodeMCU runtime on a PC (what
 * `iotls lua` runs): load the modules, run the script, then drive the
 * event loop until nothing is pending (timers, sockets, posted tasks) or
 * node.restart(). Exit status 0, or 1 when the script or any callback
 * raised an error (each is reported with its traceback), 2 for bad usage. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "iotls/compat/nodemcu.h"

#define MAX_RULES 16

static void usage(FILE *out)
{
    fprintf(out,
            "usage: iotls lua [--lua 5.1|5.3] [--flash IMAGE] [--fs DIR] [--debug N]\n"
            "                 [--connect-to HOST:PORT:HOST2:PORT2]... [--gpio-in FD] "
            "[--gpio-trace]\n"
            "                 SCRIPT.lua [ARG...]\n"
            "  --flash IMAGE   flash image holding tls.cert state (created when missing;\n"
            "                  default: an in-memory image lost at exit)\n"
            "  --fs DIR        directory the file module works in (default: the script's)\n"
            "  --connect-to    connect to HOST2:PORT2 when the script asks for HOST:PORT\n"
            "                  (SNI and the certificate check still use HOST)\n"
            "  --gpio-in FD    read \"PIN LEVEL\" lines from descriptor FD (simulated inputs)\n"
            "  --gpio-trace    log every gpio.write\n"
            "  --debug N       initial tls.setDebug level\n");
}

static const char *value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "iotls lua: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* The directory part of a path ("." when there is none). */
static char *dir_of(const char *path)
{
    char *d = strdup(path);
    if (d == NULL)
        return NULL;
    char *slash = strrchr(d, '/');
    if (slash == NULL) {
        free(d);
        return strdup(".");
    }
    if (slash == d)
        slash[1] = '\0';
    else
        *slash = '\0';
    return d;
}

/* An error outside any protected call (in practice: no memory left even to
 * report one) ends the program with a message instead of abort(). */
static int panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "iotls lua: unrecoverable Lua error: %s\n", msg ? msg : "(no message)");
    fflush(stdout);
    _exit(1);
}

int main(int argc, char **argv)
{
    iotls_nodemcu_options_t opt;
    iotls_nodemcu_options_init(&opt);
    const char *rules[MAX_RULES];
    size_t nrules = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--lua")) {
            if ((v = value(argc, argv, &i)) == NULL)
                return 2; /* chosen by `iotls lua`; accepted here too */
        } else if (!strcmp(a, "--flash")) {
            if ((opt.flash_path = value(argc, argv, &i)) == NULL)
                return 2;
        } else if (!strcmp(a, "--fs")) {
            if ((opt.fs_dir = value(argc, argv, &i)) == NULL)
                return 2;
        } else if (!strcmp(a, "--connect-to")) {
            if ((v = value(argc, argv, &i)) == NULL)
                return 2;
            if (nrules == MAX_RULES) {
                fprintf(stderr, "iotls lua: at most %d --connect-to rules\n", MAX_RULES);
                return 2;
            }
            rules[nrules++] = v;
        } else if (!strcmp(a, "--gpio-in")) {
            if ((v = value(argc, argv, &i)) == NULL)
                return 2;
            char *end;
            long fd = strtol(v, &end, 10);
            if (*v == '\0' || *end || fd < 0 || fd > INT_MAX) {
                fprintf(stderr, "iotls lua: --gpio-in needs a descriptor number, got '%s'\n", v);
                return 2;
            }
            opt.gpio_in_fd = (int)fd;
        } else if (!strcmp(a, "--gpio-trace")) {
            opt.gpio_trace = true;
        } else if (!strcmp(a, "--debug")) {
            if ((v = value(argc, argv, &i)) == NULL)
                return 2;
            opt.debug_level = atoi(v);
        } else if (!strcmp(a, "--")) {
            i++;
            break;
        } else {
            fprintf(stderr, "iotls lua: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *script = argv[i];
    opt.connect_to = rules;
    opt.connect_to_count = nrules;
    char *script_dir = dir_of(script);
    /* Absolute: the runner changes into it below. */
    char *fs_dir = realpath(opt.fs_dir ? opt.fs_dir : (script_dir ? script_dir : "."), NULL);
    if (fs_dir == NULL) {
        fprintf(stderr, "iotls lua: no directory '%s'\n", opt.fs_dir ? opt.fs_dir : script_dir);
        free(script_dir), free(fs_dir);
        return 2;
    }
    opt.fs_dir = fs_dir;

    lua_State *L = luaL_newstate();
    if (L == NULL) {
        fprintf(stderr, "iotls lua: out of memory\n");
        free(script_dir), free(fs_dir);
        return 1;
    }
    lua_atpanic(L, panic);
    luaL_openlibs(L);
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_nodemcu_open(L, &opt, &err) < 0) {
        fprintf(stderr, "iotls lua: %s [%s]\n", err.text, iotls_error_code_name(err.code));
        lua_close(L);
        free(script_dir), free(fs_dir);
        return 1;
    }

    /* `arg` as the stock interpreter sets it; the chunk also gets ARGs as `...`. */
    lua_newtable(L);
    for (int k = i; k < argc; k++) {
        lua_pushstring(L, argv[k]);
        lua_rawseti(L, -2, k - i);
    }
    lua_setglobal(L, "arg");

    int status = 0;
    if (luaL_loadfile(L, script) != 0) {
        fprintf(stderr, "iotls lua: %s\n", lua_tostring(L, -1));
        lua_close(L);
        free(script_dir), free(fs_dir);
        return 1;
    }
    /* dofile/require find the script's neighbours, as on the chip's file system. */
    if (chdir(opt.fs_dir) != 0) {
        fprintf(stderr, "iotls lua: cannot enter '%s'\n", opt.fs_dir);
        lua_close(L);
        free(script_dir), free(fs_dir);
        return 1;
    }
    for (int k = i + 1; k < argc; k++)
        lua_pushstring(L, argv[k]);
    /* An error in the main chunk is reported; callbacks it registered still
     * run, as on NodeMCU (where init.lua failing leaves the loop running). */
    iotls_nodemcu_pcall(L, argc - i - 1, "the script");
    if (iotls_nodemcu_run(L) < 0) {
        fprintf(stderr, "iotls lua: the event loop failed\n");
        status = 1;
    }
    if (iotls_nodemcu_callback_errors(L) > 0)
        status = 1;
    lua_close(L);
    free(script_dir), free(fs_dir);
    return status;
}
