/*
 * json/jsontree.h — the ESP8266 SDK's JSON writer over a static tree of
 * values (iotls compat; the API of Contiki's jsontree, implemented by
 * iotls). A tree is built with the JSONTREE_* macros; jsontree_print_next
 * writes it through a putchar function (callbacks produce their values
 * with jsontree_write_*), and jsontree_find_next walks it to the next node
 * of a type (the SDK examples pass each JSON_TYPE_CALLBACK node's `set` a
 * parser over a received message). jsontree_path_name(ctx, ctx->depth - 1)
 * is, inside a callback, the name of the member the callback stands for.
 */
#ifndef IOTLS_COMPAT_ESP8266_JSONTREE_H
#define IOTLS_COMPAT_ESP8266_JSONTREE_H

#include "../c_types.h"
#include "json.h"
#include "jsonparse.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef JSONTREE_MAX_DEPTH
#define JSONTREE_MAX_DEPTH 10
#endif

struct jsontree_context {
    struct jsontree_value *values[JSONTREE_MAX_DEPTH];
    uint16 index[JSONTREE_MAX_DEPTH];
    int (*putchar)(int);
    uint8 depth;
    uint8 path;
    int callback_state;
};

struct jsontree_value {
    uint8 type;
};

struct jsontree_string {
    uint8 type;
    const char *value;
};

struct jsontree_int {
    uint8 type;
    int value;
};

/* output: write this value (return non-zero to be called again, with
 * ctx->callback_state counting the calls); set: read it from a parser
 * (the application's own semantics). Either may be NULL. */
struct jsontree_callback {
    uint8 type;
    int (*output)(struct jsontree_context *js_ctx);
    int (*set)(struct jsontree_context *js_ctx, struct jsonparse_state *parser);
};

struct jsontree_pair {
    const char *name;
    struct jsontree_value *value;
};

struct jsontree_object {
    uint8 type;
    uint8 count;
    struct jsontree_pair *pairs;
};

struct jsontree_array {
    uint8 type;
    uint8 count;
    struct jsontree_value **values;
};

#define JSONTREE_STRING(text)                                                                      \
    {                                                                                              \
        JSON_TYPE_STRING, (text)                                                                   \
    }
#define JSONTREE_PAIR(name, value)                                                                 \
    {                                                                                              \
        (name), (struct jsontree_value *)(value)                                                   \
    }
#define JSONTREE_CALLBACK(output, set)                                                             \
    {                                                                                              \
        JSON_TYPE_CALLBACK, (output), (set)                                                        \
    }
#define JSONTREE_OBJECT(name, ...)                                                                 \
    static struct jsontree_pair jsontree_pair_##name[] = {__VA_ARGS__};                            \
    static struct jsontree_object name = {                                                         \
        JSON_TYPE_OBJECT, sizeof(jsontree_pair_##name) / sizeof(struct jsontree_pair),             \
        jsontree_pair_##name}
#define JSONTREE_OBJECT_EXT(name, ...)                                                             \
    static struct jsontree_pair jsontree_pair_##name[] = {__VA_ARGS__};                            \
    struct jsontree_object name = {JSON_TYPE_OBJECT,                                               \
                                   sizeof(jsontree_pair_##name) / sizeof(struct jsontree_pair),    \
                                   jsontree_pair_##name}
#define JSONTREE_PAIR_ARRAY(value) (struct jsontree_value *)(value)
#define JSONTREE_ARRAY(name, ...)                                                                  \
    static struct jsontree_value *jsontree_value_##name[] = {__VA_ARGS__};                         \
    static struct jsontree_array name = {                                                          \
        JSON_TYPE_ARRAY, sizeof(jsontree_value_##name) / sizeof(struct jsontree_value *),          \
        jsontree_value_##name}

void jsontree_setup(struct jsontree_context *js_ctx, struct jsontree_value *root,
                    int (*putchar)(int));
void jsontree_reset(struct jsontree_context *js_ctx);
const char *jsontree_path_name(const struct jsontree_context *js_ctx, int depth);
void jsontree_write_int(const struct jsontree_context *js_ctx, int value);
void jsontree_write_int_array(const struct jsontree_context *js_ctx, const int *text,
                              uint32 length);
void jsontree_write_atom(const struct jsontree_context *js_ctx, const char *text);
void jsontree_write_string(const struct jsontree_context *js_ctx, const char *text);
/* Writes the tree (all of it in one call here); 0 when done. */
int jsontree_print_next(struct jsontree_context *js_ctx);
/* The next node of `type` in depth-first order, or NULL at the end. */
struct jsontree_value *jsontree_find_next(struct jsontree_context *js_ctx, int type);

#ifdef __cplusplus
}
#endif
#endif
