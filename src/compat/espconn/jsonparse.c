/* json/jsonparse.h: a pull parser over a bounded buffer. Each nesting level
 * keeps one phase character in state->stack saying what may come next, so
 * every token is checked where it stands (a name only where a member may
 * start, ':' only after a name, ',' only after a value) and nothing is
 * read past state->len. */
#include <stdlib.h>
#include <string.h>

#include "iotls/compat/esp8266/json/jsonparse.h"

/* Phases of a nesting level (stored in state->stack). */
enum {
    OBJ_FIRST = 'a', /* after '{': a name or '}' */
    OBJ_NAME,        /* after ',': a name */
    OBJ_COLON,       /* after a name: ':' */
    OBJ_VALUE,       /* after ':': a value */
    OBJ_AFTER,       /* after a member: ',' or '}' */
    ARR_FIRST,       /* after '[': a value or ']' */
    ARR_VALUE,       /* after ',': a value */
    ARR_AFTER        /* after an element: ',' or ']' */
};

void jsonparse_setup(struct jsonparse_state *state, const char *json, int len)
{
    memset(state, 0, sizeof *state);
    state->json = json;
    state->len = json != NULL && len > 0 ? len : 0;
}

static int fail(struct jsonparse_state *state, int error)
{
    state->error = (char)error;
    return JSON_TYPE_ERROR;
}

/* A string at pos (the opening quote): its content, escapes kept. */
static int read_string(struct jsonparse_state *state, int type)
{
    int p = state->pos + 1;
    while (p < state->len && state->json[p] != '"')
        p += state->json[p] == '\\' ? 2 : 1;
    if (p >= state->len)
        return fail(state, JSON_ERROR_SYNTAX);
    state->vstart = state->pos + 1;
    state->vlen = p - state->vstart;
    state->vtype = (char)type;
    state->pos = p + 1;
    return type;
}

static int read_atom(struct jsonparse_state *state)
{
    const char *s = state->json + state->pos;
    int left = state->len - state->pos;
    static const struct {
        const char *word;
        int type;
    } words[] = {{"true", JSON_TYPE_TRUE}, {"false", JSON_TYPE_FALSE}, {"null", JSON_TYPE_NULL}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        int n = (int)strlen(words[i].word);
        if (left >= n && memcmp(s, words[i].word, (size_t)n) == 0) {
            state->vstart = state->pos;
            state->vlen = n;
            state->vtype = (char)words[i].type;
            state->pos += n;
            return words[i].type;
        }
    }
    int n = 0;
    while (n < left && strchr("0123456789+-.eE", s[n]) != NULL && s[n] != '\0')
        n++;
    if (n == 0 || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
        return fail(state, JSON_ERROR_SYNTAX);
    state->vstart = state->pos;
    state->vlen = n;
    state->vtype = JSON_TYPE_NUMBER;
    state->pos += n;
    return JSON_TYPE_NUMBER;
}

/* A value where one may stand; `after` is the level's phase once read. */
static int read_value(struct jsonparse_state *state, char c, char *phase, char after)
{
    if (c == '{' || c == '[') {
        if (state->depth >= JSONPARSE_MAX_DEPTH)
            return fail(state, JSON_ERROR_SYNTAX);
        if (phase)
            *phase = after;
        state->stack[state->depth++] = c == '{' ? OBJ_FIRST : ARR_FIRST;
        state->pos++;
        state->vtype = c;
        return c;
    }
    int type = c == '"' ? read_string(state, JSON_TYPE_STRING) : read_atom(state);
    if (type != JSON_TYPE_ERROR && phase)
        *phase = after;
    return type;
}

static int close_level(struct jsonparse_state *state, char c)
{
    state->depth--;
    state->pos++;
    return c;
}

int jsonparse_next(struct jsonparse_state *state)
{
    if (state->error != JSON_ERROR_OK)
        return JSON_TYPE_ERROR;
    while (state->pos < state->len && strchr(" \t\r\n", state->json[state->pos]) != NULL &&
           state->json[state->pos] != '\0')
        state->pos++;
    if (state->pos >= state->len)
        return state->depth > 0 ? fail(state, JSON_ERROR_SYNTAX) : 0;
    char c = state->json[state->pos];
    if (state->depth == 0) {
        if (state->vtype != 0) /* one value per text */
            return fail(state, JSON_ERROR_SYNTAX);
        return read_value(state, c, NULL, 0);
    }
    char *phase = &state->stack[state->depth - 1];
    switch (*phase) {
    case OBJ_FIRST:
        if (c == '}')
            return close_level(state, c);
        /* fall through */
    case OBJ_NAME:
        if (c != '"')
            return fail(state, JSON_ERROR_SYNTAX);
        *phase = OBJ_COLON;
        return read_string(state, JSON_TYPE_PAIR_NAME);
    case OBJ_COLON:
        if (c != ':')
            return fail(state, JSON_ERROR_SYNTAX);
        *phase = OBJ_VALUE;
        state->pos++;
        return JSON_TYPE_PAIR;
    case OBJ_VALUE:
        if (c == '}' || c == ']' || c == ',' || c == ':')
            return fail(state, JSON_ERROR_SYNTAX);
        return read_value(state, c, phase, OBJ_AFTER);
    case OBJ_AFTER:
        if (c == '}')
            return close_level(state, c);
        if (c != ',')
            return fail(state, c == '"'   ? JSON_ERROR_UNEXPECTED_STRING
                               : c == '{' ? JSON_ERROR_UNEXPECTED_OBJECT
                               : c == '[' ? JSON_ERROR_UNEXPECTED_ARRAY
                                          : JSON_ERROR_SYNTAX);
        *phase = OBJ_NAME;
        state->pos++;
        return c;
    case ARR_FIRST:
        if (c == ']')
            return close_level(state, c);
        /* fall through */
    case ARR_VALUE:
        if (c == ']')
            return fail(state, JSON_ERROR_UNEXPECTED_END_OF_ARRAY);
        if (c == '}' || c == ',' || c == ':')
            return fail(state, JSON_ERROR_SYNTAX);
        return read_value(state, c, phase, ARR_AFTER);
    case ARR_AFTER:
        if (c == ']')
            return close_level(state, c);
        if (c != ',')
            return fail(state, c == '}' ? JSON_ERROR_SYNTAX : JSON_ERROR_UNEXPECTED_END_OF_ARRAY);
        *phase = ARR_VALUE;
        state->pos++;
        return c;
    default: return fail(state, JSON_ERROR_SYNTAX);
    }
}

int jsonparse_copy_value(struct jsonparse_state *state, char *str, int size)
{
    if (str == NULL || size <= 0)
        return state->vtype;
    int n = state->vlen < size - 1 ? state->vlen : size - 1;
    if (n > 0)
        memcpy(str, state->json + state->vstart, (size_t)n);
    str[n > 0 ? n : 0] = '\0';
    return state->vtype;
}

long jsonparse_get_value_as_long(struct jsonparse_state *state)
{
    if (state->vtype != JSON_TYPE_NUMBER)
        return 0;
    char text[32];
    jsonparse_copy_value(state, text, sizeof text);
    return strtol(text, NULL, 10);
}

int jsonparse_get_value_as_int(struct jsonparse_state *state)
{
    return (int)jsonparse_get_value_as_long(state);
}

int jsonparse_get_len(struct jsonparse_state *state)
{
    return state->vlen;
}

int jsonparse_get_type(struct jsonparse_state *state)
{
    if (state->depth == 0)
        return 0;
    char phase = state->stack[state->depth - 1];
    if (phase == OBJ_VALUE)
        return JSON_TYPE_PAIR;
    return phase >= ARR_FIRST ? JSON_TYPE_ARRAY : JSON_TYPE_OBJECT;
}

int jsonparse_strcmp_value(struct jsonparse_state *state, const char *str)
{
    if ((state->vtype != JSON_TYPE_PAIR_NAME && state->vtype != JSON_TYPE_STRING) || str == NULL)
        return -1;
    /* strcmp(value, str) without needing a NUL after the value. */
    size_t n = strlen(str), vlen = (size_t)state->vlen;
    int c = memcmp(state->json + state->vstart, str, n < vlen ? n : vlen);
    if (c != 0 || n == vlen)
        return c;
    return vlen > n ? 1 : -1;
}
