/* sjson: encode, decode, and the decoder object (write pieces, then
 * result()) NodeMCU scripts use to parse a JSON body arriving in "receive"
 * chunks. The decoder keeps the text and parses it at result(); every
 * table it makes gets opts.metatable first, so a __newindex that keeps only
 * some fields (NodeMCU's sjson-streaming example) works as on the chip.
 * Nesting is limited (opts.depth, default 20 as NodeMCU), so hostile input
 * gives a Lua error, never a deep C recursion. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/nodemcu/nm_internal.h"

#define DECODER_MT "sjson.decoder"
#define BUF_MT "sjson.buffer"
#define DEPTH_DEFAULT 20
#define DEPTH_MAX 256
#define TEXT_MAX (16u * 1024u * 1024u)

static const char null_tag; /* sjson.NULL is a light userdata pointing here */

static void push_null(lua_State *L)
{
    lua_pushlightuserdata(L, (void *)&null_tag);
}

static bool is_null(lua_State *L, int idx)
{
    return lua_islightuserdata(L, idx) && lua_touserdata(L, idx) == &null_tag;
}

/* ---- a growable buffer owned by a userdata (freed by __gc if we raise) ---- */

typedef struct {
    char *p;
    size_t len, cap;
} sbuf_t;

static int sbuf_gc(lua_State *L)
{
    sbuf_t *b = lua_touserdata(L, 1);
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    return 0;
}

static sbuf_t *sbuf_push(lua_State *L)
{
    sbuf_t *b = lua_newuserdata(L, sizeof *b);
    memset(b, 0, sizeof *b);
    luaL_getmetatable(L, BUF_MT);
    lua_setmetatable(L, -2);
    return b;
}

static void sbuf_add(lua_State *L, sbuf_t *b, const char *s, size_t n)
{
    if (n > TEXT_MAX || b->len > TEXT_MAX - n)
        luaL_error(L, "sjson: text larger than %d bytes", (int)TEXT_MAX);
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            luaL_error(L, "sjson: not enough memory");
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* ---- encoding ------------------------------------------------------------ */

static void enc_string(lua_State *L, sbuf_t *b, const char *s, size_t n)
{
    sbuf_add(L, b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        const char *out = NULL;
        switch (c) {
        case '"': out = "\\\""; break;
        case '\\': out = "\\\\"; break;
        case '\n': out = "\\n"; break;
        case '\r': out = "\\r"; break;
        case '\t': out = "\\t"; break;
        case '\b': out = "\\b"; break;
        case '\f': out = "\\f"; break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                out = esc;
            }
        }
        if (out)
            sbuf_add(L, b, out, strlen(out));
        else
            sbuf_add(L, b, (const char *)&s[i], 1);
    }
    sbuf_add(L, b, "\"", 1);
}

static void enc_value(lua_State *L, sbuf_t *b, int idx, int depth);

/* An array: keys exactly 1..n (n > 0). */
static size_t array_length(lua_State *L, int idx)
{
    size_t n = nm_rawlen(L, idx), count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER || !nm_isinteger(L, -1) || lua_tonumber(L, -1) < 1 ||
            lua_tonumber(L, -1) > (lua_Number)n) {
            lua_pop(L, 1);
            return 0;
        }
        count++;
    }
    return count == n ? n : 0;
}

static void enc_table(lua_State *L, sbuf_t *b, int idx, int depth)
{
    if (depth <= 0)
        luaL_error(L, "sjson.encode: nesting too deep (a table that contains itself?)");
    luaL_checkstack(L, 4, "sjson.encode");
    size_t n = array_length(L, idx);
    if (n > 0) {
        sbuf_add(L, b, "[", 1);
        for (size_t i = 1; i <= n; i++) {
            if (i > 1)
                sbuf_add(L, b, ",", 1);
            lua_rawgeti(L, idx, (int)i);
            enc_value(L, b, lua_gettop(L), depth - 1);
            lua_pop(L, 1);
        }
        sbuf_add(L, b, "]", 1);
        return;
    }
    sbuf_add(L, b, "{", 1);
    bool first = true;
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        int kt = lua_type(L, -2);
        if (kt != LUA_TSTRING && kt != LUA_TNUMBER)
            luaL_error(L, "sjson.encode: cannot encode a key of type %s", luaL_typename(L, -2));
        if (!first)
            sbuf_add(L, b, ",", 1);
        first = false;
        lua_pushvalue(L, -2); /* a copy: tolstring must not change the key lua_next uses */
        size_t kl;
        const char *k = lua_tolstring(L, -1, &kl);
        enc_string(L, b, k, kl);
        lua_pop(L, 1);
        sbuf_add(L, b, ":", 1);
        enc_value(L, b, lua_gettop(L), depth - 1);
        lua_pop(L, 1);
    }
    sbuf_add(L, b, "}", 1);
}

static void enc_value(lua_State *L, sbuf_t *b, int idx, int depth)
{
    char num[64];
    switch (lua_type(L, idx)) {
    case LUA_TNIL: sbuf_add(L, b, "null", 4); return;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx))
            sbuf_add(L, b, "true", 4);
        else
            sbuf_add(L, b, "false", 5);
        return;
    case LUA_TNUMBER: {
        lua_Number v = lua_tonumber(L, idx);
        if (!isfinite(v))
            luaL_error(L, "sjson.encode: cannot encode %s", isnan(v) ? "nan" : "inf");
        if (nm_isinteger(L, idx) && fabs(v) < 9.007199254740992e15)
            snprintf(num, sizeof num, "%.0f", (double)v);
        else
            snprintf(num, sizeof num, "%.14g", (double)v);
        sbuf_add(L, b, num, strlen(num));
        return;
    }
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        enc_string(L, b, s, n);
        return;
    }
    case LUA_TTABLE: enc_table(L, b, idx, depth); return;
    default:
        if (is_null(L, idx)) {
            sbuf_add(L, b, "null", 4);
            return;
        }
        luaL_error(L, "sjson.encode: cannot encode a value of type %s", luaL_typename(L, idx));
    }
}

static int depth_option(lua_State *L, int opts)
{
    if (!lua_istable(L, opts))
        return DEPTH_DEFAULT;
    lua_getfield(L, opts, "depth");
    int d = DEPTH_DEFAULT;
    if (!lua_isnil(L, -1))
        d = (int)nm_checkrange(L, -1, "depth", 1, DEPTH_MAX);
    lua_pop(L, 1);
    return d;
}

static int sjson_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    int depth = depth_option(L, 2);
    lua_settop(L, 1);
    sbuf_t *b = sbuf_push(L);
    enc_value(L, b, 1, depth + 1);
    lua_pushlstring(L, b->p ? b->p : "", b->len);
    return 1;
}

/* ---- decoding ------------------------------------------------------------ */

typedef struct {
    lua_State *L;
    const char *s;
    size_t len, pos;
    int mt;   /* stack index of the metatable for new tables, 0 = none */
    int null; /* stack index of what JSON null becomes */
} parser_t;

static int perr(parser_t *p, const char *what)
{
    return luaL_error(p->L, "sjson: %s at offset %d", what, (int)p->pos);
}

static void skip_ws(parser_t *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static int hex4(parser_t *p)
{
    if (p->len - p->pos < 4)
        perr(p, "truncated \\u escape");
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            perr(p, "bad \\u escape");
    }
    return v;
}

static void add_utf8(luaL_Buffer *b, unsigned long cp)
{
    if (cp < 0x80)
        luaL_addchar(b, (char)cp);
    else if (cp < 0x800) {
        luaL_addchar(b, (char)(0xC0 | (cp >> 6)));
        luaL_addchar(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        luaL_addchar(b, (char)(0xE0 | (cp >> 12)));
        luaL_addchar(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        luaL_addchar(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        luaL_addchar(b, (char)(0xF0 | (cp >> 18)));
        luaL_addchar(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        luaL_addchar(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        luaL_addchar(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* At the opening quote; pushes the string. */
static void parse_string(parser_t *p)
{
    luaL_Buffer b;
    p->pos++;
    luaL_buffinit(p->L, &b);
    for (;;) {
        if (p->pos >= p->len)
            perr(p, "unterminated string");
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c == '"')
            break;
        if (c < 0x20)
            perr(p, "control character in string");
        if (c != '\\') {
            luaL_addchar(&b, (char)c);
            continue;
        }
        if (p->pos >= p->len)
            perr(p, "unterminated string");
        char e = p->s[p->pos++];
        switch (e) {
        case '"': luaL_addchar(&b, '"'); break;
        case '\\': luaL_addchar(&b, '\\'); break;
        case '/': luaL_addchar(&b, '/'); break;
        case 'b': luaL_addchar(&b, '\b'); break;
        case 'f': luaL_addchar(&b, '\f'); break;
        case 'n': luaL_addchar(&b, '\n'); break;
        case 'r': luaL_addchar(&b, '\r'); break;
        case 't': luaL_addchar(&b, '\t'); break;
        case 'u': {
            unsigned long cp = (unsigned long)hex4(p);
            if (cp >= 0xD800 && cp <= 0xDBFF && p->len - p->pos >= 6 && p->s[p->pos] == '\\' &&
                p->s[p->pos + 1] == 'u') {
                size_t save = p->pos;
                p->pos += 2;
                unsigned long lo = (unsigned long)hex4(p);
                if (lo >= 0xDC00 && lo <= 0xDFFF)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else
                    p->pos = save;
            }
            add_utf8(&b, cp);
            break;
        }
        default: perr(p, "bad escape in string");
        }
    }
    luaL_pushresult(&b);
}

static void parse_number(parser_t *p)
{
    size_t start = p->pos;
    bool frac = false;
    if (p->s[p->pos] == '-')
        p->pos++;
    if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
        perr(p, "bad number");
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c >= '0' && c <= '9')
            p->pos++;
        else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
            frac = true;
            p->pos++;
        } else
            break;
    }
    char num[64];
    size_t n = p->pos - start;
    if (n >= sizeof num)
        perr(p, "number too long");
    memcpy(num, p->s + start, n);
    num[n] = '\0';
    char *end;
    double v = strtod(num, &end);
    if (*end != '\0')
        perr(p, "bad number");
    if (!isfinite(v)) /* 1e999: not representable, and encode() could not write it back */
        perr(p, "number out of range");
    if (!frac && fabs(v) < 9.007199254740992e15)
        lua_pushinteger(p->L, (lua_Integer)v);
    else
        lua_pushnumber(p->L, (lua_Number)v);
}

static void parse_value(parser_t *p, int depth);

static void new_table(parser_t *p, int depth)
{
    if (depth <= 0)
        perr(p, "nesting deeper than the depth limit");
    luaL_checkstack(p->L, 4, "sjson");
    lua_newtable(p->L);
    if (p->mt) {
        lua_pushvalue(p->L, p->mt);
        lua_setmetatable(p->L, -2);
    }
}

static void parse_object(parser_t *p, int depth)
{
    new_table(p, depth);
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == '}') {
        p->pos++;
        return;
    }
    for (;;) {
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != '"')
            perr(p, "object key expected");
        parse_string(p);
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != ':')
            perr(p, "':' expected");
        p->pos++;
        parse_value(p, depth - 1);
        lua_settable(p->L, -3); /* honours the metatable's __newindex */
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            return;
        }
        perr(p, "',' or '}' expected");
    }
}

static void parse_array(parser_t *p, int depth)
{
    new_table(p, depth);
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ']') {
        p->pos++;
        return;
    }
    for (lua_Integer i = 1;; i++) {
        lua_pushinteger(p->L, i);
        parse_value(p, depth - 1);
        lua_settable(p->L, -3);
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == ']') {
            p->pos++;
            return;
        }
        perr(p, "',' or ']' expected");
    }
}

static bool literal(parser_t *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos >= n && memcmp(p->s + p->pos, word, n) == 0) {
        p->pos += n;
        return true;
    }
    return false;
}

static void parse_value(parser_t *p, int depth)
{
    skip_ws(p);
    if (p->pos >= p->len)
        perr(p, "unexpected end of JSON text");
    char c = p->s[p->pos];
    if (c == '{')
        parse_object(p, depth);
    else if (c == '[')
        parse_array(p, depth);
    else if (c == '"')
        parse_string(p);
    else if (c == '-' || (c >= '0' && c <= '9'))
        parse_number(p);
    else if (literal(p, "true"))
        lua_pushboolean(p->L, 1);
    else if (literal(p, "false"))
        lua_pushboolean(p->L, 0);
    else if (literal(p, "null"))
        lua_pushvalue(p->L, p->null);
    else
        perr(p, "unexpected character");
}

/* Options at `opts` (or none): pushes the metatable and the null value;
 * fills the parser's indices. */
static void parser_options(lua_State *L, int opts, parser_t *p, int *depth)
{
    *depth = DEPTH_DEFAULT;
    p->mt = 0;
    if (lua_istable(L, opts)) {
        *depth = depth_option(L, opts);
        lua_getfield(L, opts, "metatable");
        if (lua_istable(L, -1))
            p->mt = lua_gettop(L);
        else if (!lua_isnil(L, -1))
            luaL_error(L, "sjson: opts.metatable must be a table");
        else
            lua_pop(L, 1);
        lua_getfield(L, opts, "null");
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            push_null(L);
        }
    } else
        push_null(L);
    p->null = lua_gettop(L);
}

static int decode_text(lua_State *L, const char *s, size_t len, int opts)
{
    parser_t p = {L, s, len, 0, 0, 0};
    int depth;
    parser_options(L, opts, &p, &depth);
    parse_value(&p, depth + 1);
    skip_ws(&p);
    if (p.pos != p.len)
        perr(&p, "text after the JSON value");
    return 1;
}

static int sjson_decode(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    return decode_text(L, s, len, 2);
}

/* ---- the decoder object ----------------------------------------------------- */

typedef struct {
    sbuf_t text;
    int opts_ref;
} decoder_t;

static int sjson_decoder(lua_State *L)
{
    if (!lua_isnoneornil(L, 1))
        luaL_checktype(L, 1, LUA_TTABLE);
    decoder_t *d = lua_newuserdata(L, sizeof *d);
    memset(d, 0, sizeof *d);
    d->opts_ref = LUA_NOREF;
    luaL_getmetatable(L, DECODER_MT);
    lua_setmetatable(L, -2);
    if (lua_istable(L, 1)) {
        depth_option(L, 1); /* a bad depth is reported here, not at result() */
        lua_pushvalue(L, 1);
        d->opts_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    return 1;
}

static int decoder_write(lua_State *L)
{
    decoder_t *d = luaL_checkudata(L, 1, DECODER_MT);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    sbuf_add(L, &d->text, s, len);
    return 0;
}

static int decoder_result(lua_State *L)
{
    decoder_t *d = luaL_checkudata(L, 1, DECODER_MT);
    lua_settop(L, 1);
    if (d->opts_ref != LUA_NOREF)
        lua_rawgeti(L, LUA_REGISTRYINDEX, d->opts_ref);
    else
        lua_pushnil(L);
    return decode_text(L, d->text.p ? d->text.p : "", d->text.len, 2);
}

static int decoder_gc(lua_State *L)
{
    decoder_t *d = luaL_checkudata(L, 1, DECODER_MT);
    free(d->text.p);
    d->text.p = NULL;
    nm_unref(L, &d->opts_ref);
    return 0;
}

void nm_open_sjson(lua_State *L)
{
    luaL_newmetatable(L, BUF_MT);
    nm_lock_metatable(L);
    lua_pushcfunction(L, sbuf_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);

    static const luaL_Reg methods[] = {
        {"write", decoder_write},
        {"result", decoder_result},
        {NULL, NULL},
    };
    luaL_newmetatable(L, DECODER_MT);
    nm_lock_metatable(L);
    nm_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, decoder_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);

    static const luaL_Reg funcs[] = {
        {"encode", sjson_encode},
        {"decode", sjson_decode},
        {"decoder", sjson_decoder},
        {NULL, NULL},
    };
    nm_newlib(L, funcs);
    push_null(L);
    lua_setfield(L, -2, "NULL");
}
