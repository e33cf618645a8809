/*
 * json/jsonparse.h — the ESP8266 SDK's pull parser for JSON text (iotls
 * compat; the API of Contiki's jsonparse, implemented by iotls).
 *
 * jsonparse_next() returns one token per call: '{' '[' when a container
 * opens, JSON_TYPE_PAIR_NAME for an object member's name, ':' after it,
 * the value's type (JSON_TYPE_STRING, JSON_TYPE_NUMBER, JSON_TYPE_TRUE,
 * JSON_TYPE_FALSE, JSON_TYPE_NULL, or '{' '[' for a nested container),
 * ',' between members, '}' ']' when a container closes, and 0 at the end
 * of the text or on an error (then state->error says which, and every
 * later call returns 0). The value of the last name or atom is read with
 * the jsonparse_*_value functions. Strings are not unescaped; the parser
 * never reads past `len` and nests at most JSONPARSE_MAX_DEPTH deep.
 */
#ifndef IOTLS_COMPAT_ESP8266_JSONPARSE_H
#define IOTLS_COMPAT_ESP8266_JSONPARSE_H

#include "../c_types.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef JSONPARSE_MAX_DEPTH
#define JSONPARSE_MAX_DEPTH 10
#endif

struct jsonparse_state {
    const char *json;
    int pos;
    int len;
    int depth;
    int vstart; /* the current name or atom: json[vstart .. vstart+vlen) */
    int vlen;
    char vtype; /* its type; 0 before the first */
    char error; /* JSON_ERROR_* */
    char stack[JSONPARSE_MAX_DEPTH];
};

void jsonparse_setup(struct jsonparse_state *state, const char *json, int len);
int jsonparse_next(struct jsonparse_state *state);
/* Copies the current value (NUL-terminated, cut to size-1); its type. */
int jsonparse_copy_value(struct jsonparse_state *state, char *str, int size);
/* The current number as an int / long; 0 when it is not a number. */
int jsonparse_get_value_as_int(struct jsonparse_state *state);
long jsonparse_get_value_as_long(struct jsonparse_state *state);
int jsonparse_get_len(struct jsonparse_state *state);
/* What encloses the position: '{', '[', ':' (between a name and its
 * value), or 0 at the top level. */
int jsonparse_get_type(struct jsonparse_state *state);
/* 0 when the current name or string equals str; otherwise non-zero. */
int jsonparse_strcmp_value(struct jsonparse_state *state, const char *str);

#ifdef __cplusplus
}
#endif
#endif
