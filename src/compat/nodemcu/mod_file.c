/* file: NodeMCU's SPIFFS/LFS file API on a directory of the PC (--fs DIR,
 * default "."). Names are relative to that directory; absolute names and
 * ".." are refused so a script stays inside it. Both forms: file objects
 * (3.x, fd = file.open(...)) and the module-level calls on the file opened
 * last (2.x, file.open(...) then file.read()). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <dirent.h>

#include "compat/nodemcu/nm_internal.h"

#define FILE_MT "file.obj"
#define CURRENT_KEY "iotls.nodemcu.file_current"
#define READ_CHUNK 1024 /* NodeMCU's FILE_READ_CHUNK */
#define READ_MAX (16 * 1024 * 1024)

typedef struct {
    FILE *fp;
} nm_file_t;

/* Full path of a script-given name (pushed on the stack), or a Lua error.
 * Callers fix the stack size first (lua_settop) so that later argument
 * indices do not land on the pushed path. */
static const char *path_of(lua_State *L, int idx)
{
    nm_rt_t *rt = nm_rt(L);
    size_t len;
    const char *name = luaL_checklstring(L, idx, &len);
    if (len == 0 || strlen(name) != len)
        luaL_argerror(L, idx, "empty file name");
    if (name[0] == '/')
        luaL_argerror(L, idx, "absolute names are not allowed (files live in the --fs directory)");
    for (const char *p = name; p && *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            luaL_argerror(L, idx, "'..' is not allowed in file names");
        p = slash ? slash + 1 : NULL;
    }
    return lua_pushfstring(L, "%s/%s", rt->fs_dir, name);
}

static nm_file_t *check_file(lua_State *L, int idx)
{
    nm_file_t *f = luaL_checkudata(L, idx, FILE_MT);
    if (f->fp == NULL)
        luaL_error(L, "file is closed");
    return f;
}

/* ---- file objects -------------------------------------------------------------- */

static int f_read_common(lua_State *L, nm_file_t *f, int arg)
{
    size_t max = READ_CHUNK;
    int delim = -1;
    if (lua_type(L, arg) == LUA_TNUMBER)
        max = (size_t)nm_checkrange(L, arg, "byte count", 1, READ_MAX);
    else if (lua_type(L, arg) == LUA_TSTRING) {
        size_t dl;
        const char *d = lua_tolstring(L, arg, &dl);
        luaL_argcheck(L, dl == 1, arg, "one delimiter character expected");
        delim = (unsigned char)d[0];
    } else if (!lua_isnoneornil(L, arg))
        luaL_argerror(L, arg, "byte count or delimiter character expected");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t got = 0;
    int c = 0;
    while (got < max && (c = getc(f->fp)) != EOF) {
        luaL_addchar(&b, (char)c);
        got++;
        if (c == delim)
            break;
    }
    if (got == 0) {
        lua_pushnil(L);
        return 1;
    }
    luaL_pushresult(&b);
    return 1;
}

static int f_read(lua_State *L)
{
    return f_read_common(L, check_file(L, 1), 2);
}

static int f_readline(lua_State *L)
{
    nm_file_t *f = check_file(L, 1);
    lua_settop(L, 1);
    lua_pushliteral(L, "\n");
    return f_read_common(L, f, 2);
}

static int f_write(lua_State *L)
{
    nm_file_t *f = check_file(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    if (fwrite(s, 1, len, f->fp) != len) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int f_writeline(lua_State *L)
{
    nm_file_t *f = check_file(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    if (fwrite(s, 1, len, f->fp) != len || fputc('\n', f->fp) == EOF) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int f_seek(lua_State *L)
{
    nm_file_t *f = check_file(L, 1);
    static const char *const names[] = {"set", "cur", "end", NULL};
    static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    int w = luaL_checkoption(L, 2, "cur", names);
    lua_Integer off = luaL_optinteger(L, 3, 0);
    if (fseek(f->fp, (long)off, whence[w]) != 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)ftell(f->fp));
    return 1;
}

static int f_flush(lua_State *L)
{
    nm_file_t *f = check_file(L, 1);
    lua_pushboolean(L, fflush(f->fp) == 0);
    return 1;
}

static int f_close(lua_State *L)
{
    nm_file_t *f = luaL_checkudata(L, 1, FILE_MT);
    if (f->fp)
        fclose(f->fp);
    f->fp = NULL;
    return 0;
}

/* ---- module-level calls on the current file (2.x) ---------------------------- */

/* Put the current file object at index 1 (shifting the arguments). */
static bool push_current(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, CURRENT_KEY);
    nm_file_t *f = nm_testudata(L, -1, FILE_MT);
    if (f == NULL || f->fp == NULL) {
        lua_pop(L, 1);
        return false;
    }
    lua_insert(L, 1);
    return true;
}

#define CURRENT_FORM(name, method)                                                                 \
    static int name(lua_State *L)                                                                  \
    {                                                                                              \
        if (!push_current(L)) {                                                                    \
            lua_pushnil(L);                                                                        \
            return 1;                                                                              \
        }                                                                                          \
        return method(L);                                                                          \
    }
CURRENT_FORM(m_read, f_read)
CURRENT_FORM(m_readline, f_readline)
CURRENT_FORM(m_write, f_write)
CURRENT_FORM(m_writeline, f_writeline)
CURRENT_FORM(m_seek, f_seek)
CURRENT_FORM(m_flush, f_flush)

static int m_close(lua_State *L)
{
    if (push_current(L)) {
        lua_settop(L, 1);
        f_close(L);
    }
    lua_pushnil(L);
    lua_setfield(L, LUA_REGISTRYINDEX, CURRENT_KEY);
    return 0;
}

/* ---- file.* ------------------------------------------------------------------------ */

static int file_open(lua_State *L)
{
    const char *mode = luaL_optstring(L, 2, "r");
    lua_settop(L, 2); /* path_of pushes: keep argument indices stable */
    const char *path = path_of(L, 1);
    static const char *const modes[] = {"r", "w", "a", "r+", "w+", "a+", NULL};
    bool ok = false;
    for (int i = 0; modes[i]; i++)
        ok = ok || strcmp(mode, modes[i]) == 0;
    if (!ok)
        return luaL_argerror(L, 2, "mode must be r, w, a, r+, w+ or a+");
    nm_file_t *f = lua_newuserdata(L, sizeof *f);
    f->fp = NULL;
    luaL_getmetatable(L, FILE_MT);
    lua_setmetatable(L, -2);
    f->fp = fopen(path, mode);
    if (f->fp == NULL) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, CURRENT_KEY);
    return 1;
}

static int file_exists(lua_State *L)
{
    struct stat st;
    lua_pushboolean(L, stat(path_of(L, 1), &st) == 0 && S_ISREG(st.st_mode));
    return 1;
}

static int file_remove(lua_State *L)
{
    remove(path_of(L, 1));
    return 0;
}

static int file_rename(lua_State *L)
{
    lua_settop(L, 2);
    const char *from = path_of(L, 1);
    const char *to = path_of(L, 2);
    struct stat st;
    if (stat(to, &st) == 0) { /* NodeMCU refuses to overwrite */
        lua_pushboolean(L, 0);
        return 1;
    }
    lua_pushboolean(L, rename(from, to) == 0);
    return 1;
}

static int file_list(lua_State *L)
{
    nm_rt_t *rt = nm_rt(L);
    const char *pattern = luaL_optstring(L, 1, NULL);
    DIR *d = opendir(rt->fs_dir);
    lua_newtable(L);
    if (d == NULL)
        return 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        lua_pushfstring(L, "%s/%s", rt->fs_dir, e->d_name);
        bool regular = stat(lua_tostring(L, -1), &st) == 0 && S_ISREG(st.st_mode);
        lua_pop(L, 1);
        if (!regular)
            continue;
        if (pattern) {
            lua_getglobal(L, "string");
            lua_getfield(L, -1, "match");
            lua_pushstring(L, e->d_name);
            lua_pushstring(L, pattern);
            if (lua_pcall(L, 2, 1, 0) != 0) {
                closedir(d);
                return lua_error(L);
            }
            bool match = !lua_isnil(L, -1);
            lua_pop(L, 2);
            if (!match)
                continue;
        }
        lua_pushinteger(L, (lua_Integer)st.st_size);
        lua_setfield(L, -2, e->d_name);
    }
    closedir(d);
    return 1;
}

static int file_stat(lua_State *L)
{
    const char *path = path_of(L, 1);
    struct stat st;
    if (stat(path, &st) != 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_newtable(L);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "name");
    lua_pushinteger(L, (lua_Integer)st.st_size);
    lua_setfield(L, -2, "size");
    lua_pushboolean(L, S_ISDIR(st.st_mode));
    lua_setfield(L, -2, "is_dir");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "is_rdonly");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "is_hidden");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "is_sys");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "is_arch");
    struct tm tm;
    time_t t = st.st_mtime;
    gmtime_r(&t, &tm);
    lua_newtable(L);
    static const char *const keys[] = {"year", "mon", "day", "hour", "min", "sec"};
    int vals[] = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    for (int i = 0; i < 6; i++) {
        lua_pushinteger(L, vals[i]);
        lua_setfield(L, -2, keys[i]);
    }
    lua_setfield(L, -2, "time");
    return 1;
}

static int file_fsinfo(lua_State *L)
{
    struct statvfs vfs;
    if (statvfs(nm_rt(L)->fs_dir, &vfs) != 0)
        return luaL_error(L, "file.fsinfo: %s", strerror(errno));
    double total = (double)vfs.f_blocks * (double)vfs.f_frsize;
    double avail = (double)vfs.f_bavail * (double)vfs.f_frsize;
    lua_pushnumber(L, avail);
    lua_pushnumber(L, total - avail);
    lua_pushnumber(L, total);
    return 3;
}

static int file_getcontents(lua_State *L)
{
    const char *path = path_of(L, 1);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        lua_pushnil(L);
        return 1;
    }
    if (st.st_size > READ_MAX)
        return luaL_error(L, "file.getcontents: '%s' is larger than %d bytes", lua_tostring(L, 1),
                          READ_MAX);
    /* Lua memory first (it may raise), then the FILE (closed on every path). */
    char *buf = lua_newuserdata(L, st.st_size > 0 ? (size_t)st.st_size : 1);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        lua_pushnil(L);
        return 1;
    }
    size_t n = fread(buf, 1, (size_t)st.st_size, fp);
    fclose(fp);
    lua_pushlstring(L, buf, n);
    return 1;
}

static int file_putcontents(lua_State *L)
{
    lua_settop(L, 2);
    const char *path = path_of(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    FILE *fp = fopen(path, "wb");
    bool ok = fp && fwrite(s, 1, len, fp) == len;
    if (fp && fclose(fp) != 0)
        ok = false;
    if (ok)
        lua_pushboolean(L, 1);
    else
        lua_pushnil(L);
    return 1;
}

void nm_open_file(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"read", f_read}, {"readline", f_readline}, {"write", f_write}, {"writeline", f_writeline},
        {"seek", f_seek}, {"flush", f_flush},       {"close", f_close}, {NULL, NULL},
    };
    static const luaL_Reg funcs[] = {
        {"open", file_open},
        {"close", m_close},
        {"read", m_read},
        {"readline", m_readline},
        {"write", m_write},
        {"writeline", m_writeline},
        {"seek", m_seek},
        {"flush", m_flush},
        {"exists", file_exists},
        {"remove", file_remove},
        {"rename", file_rename},
        {"list", file_list},
        {"stat", file_stat},
        {"fsinfo", file_fsinfo},
        {"getcontents", file_getcontents},
        {"putcontents", file_putcontents},
        {NULL, NULL},
    };
    luaL_newmetatable(L, FILE_MT);
    nm_lock_metatable(L);
    nm_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, f_close);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    nm_newlib(L, funcs);
}
