/* json/jsontree.h: writing a static tree through a putchar function, and
 * walking it for nodes of one type. The context's values/index/depth are
 * the path to the node being written or found, so that a callback can ask
 * jsontree_path_name(ctx, ctx->depth - 1) for its member's name. */
#include <stdio.h>
#include <string.h>

#include "iotls/compat/esp8266/json/jsontree.h"

/* A callback that keeps asking to be called again is stopped here. */
#define CALLBACK_ROUNDS_MAX 4096

#define PATH_STARTED 0x01
#define PATH_ADVANCE 0x02 /* find_next returned a leaf: step past it first */

void jsontree_setup(struct jsontree_context *js_ctx, struct jsontree_value *root,
                    int (*putchar)(int))
{
    memset(js_ctx, 0, sizeof *js_ctx);
    js_ctx->values[0] = root;
    js_ctx->putchar = putchar;
}

void jsontree_reset(struct jsontree_context *js_ctx)
{
    js_ctx->depth = 0;
    js_ctx->index[0] = 0;
    js_ctx->path = 0;
    js_ctx->callback_state = 0;
}

static bool is_container(const struct jsontree_value *v)
{
    return v != NULL && (v->type == JSON_TYPE_OBJECT || v->type == JSON_TYPE_ARRAY);
}

static unsigned count_of(const struct jsontree_value *v)
{
    return v->type == JSON_TYPE_OBJECT ? ((const struct jsontree_object *)v)->count
                                       : ((const struct jsontree_array *)v)->count;
}

static struct jsontree_value *child_of(const struct jsontree_value *v, unsigned i)
{
    return v->type == JSON_TYPE_OBJECT ? ((const struct jsontree_object *)v)->pairs[i].value
                                       : ((const struct jsontree_array *)v)->values[i];
}

const char *jsontree_path_name(const struct jsontree_context *js_ctx, int depth)
{
    if (depth < 0 || depth >= js_ctx->depth)
        return "";
    const struct jsontree_value *v = js_ctx->values[depth];
    if (v == NULL || v->type != JSON_TYPE_OBJECT || js_ctx->index[depth] >= count_of(v))
        return "";
    return ((const struct jsontree_object *)v)->pairs[js_ctx->index[depth]].name;
}

static void put(const struct jsontree_context *js_ctx, int c)
{
    if (js_ctx->putchar != NULL)
        js_ctx->putchar(c);
}

void jsontree_write_atom(const struct jsontree_context *js_ctx, const char *text)
{
    for (; text != NULL && *text; text++)
        put(js_ctx, (unsigned char)*text);
}

void jsontree_write_int(const struct jsontree_context *js_ctx, int value)
{
    char text[16];
    snprintf(text, sizeof text, "%d", value);
    jsontree_write_atom(js_ctx, text);
}

void jsontree_write_int_array(const struct jsontree_context *js_ctx, const int *text, uint32 length)
{
    put(js_ctx, '[');
    for (uint32 i = 0; text != NULL && i < length; i++) {
        if (i > 0)
            put(js_ctx, ',');
        jsontree_write_int(js_ctx, text[i]);
    }
    put(js_ctx, ']');
}

void jsontree_write_string(const struct jsontree_context *js_ctx, const char *text)
{
    put(js_ctx, '"');
    for (; text != NULL && *text; text++) {
        unsigned char c = (unsigned char)*text;
        if (c == '"' || c == '\\') {
            put(js_ctx, '\\');
            put(js_ctx, c);
        } else if (c < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", c);
            jsontree_write_atom(js_ctx, esc);
        } else {
            put(js_ctx, c);
        }
    }
    put(js_ctx, '"');
}

static void print_value(struct jsontree_context *js_ctx, struct jsontree_value *v)
{
    if (v == NULL) {
        jsontree_write_atom(js_ctx, "null");
        return;
    }
    switch (v->type) {
    case JSON_TYPE_STRING:
        jsontree_write_string(js_ctx, ((struct jsontree_string *)v)->value);
        return;
    case JSON_TYPE_INT: jsontree_write_int(js_ctx, ((struct jsontree_int *)v)->value); return;
    case JSON_TYPE_CALLBACK: {
        struct jsontree_callback *cb = (struct jsontree_callback *)v;
        if (cb->output == NULL) {
            jsontree_write_atom(js_ctx, "null");
            return;
        }
        js_ctx->callback_state = 0;
        while (cb->output(js_ctx) != 0 && js_ctx->callback_state < CALLBACK_ROUNDS_MAX)
            js_ctx->callback_state++;
        return;
    }
    case JSON_TYPE_OBJECT:
    case JSON_TYPE_ARRAY: break;
    default: jsontree_write_atom(js_ctx, "null"); return;
    }
    bool object = v->type == JSON_TYPE_OBJECT;
    if (js_ctx->depth >= JSONTREE_MAX_DEPTH) { /* deeper than the path can say */
        jsontree_write_atom(js_ctx, object ? "{}" : "[]");
        return;
    }
    unsigned level = js_ctx->depth++;
    js_ctx->values[level] = v;
    put(js_ctx, object ? '{' : '[');
    for (unsigned i = 0; i < count_of(v); i++) {
        js_ctx->index[level] = (uint16)i;
        if (i > 0)
            put(js_ctx, ',');
        if (object) {
            jsontree_write_string(js_ctx, ((struct jsontree_object *)v)->pairs[i].name);
            put(js_ctx, ':');
        }
        print_value(js_ctx, child_of(v, i));
    }
    put(js_ctx, object ? '}' : ']');
    js_ctx->depth = (uint8)level;
}

int jsontree_print_next(struct jsontree_context *js_ctx)
{
    if (js_ctx->path & PATH_STARTED)
        return 0;
    js_ctx->path |= PATH_STARTED;
    js_ctx->depth = 0;
    print_value(js_ctx, js_ctx->values[0]);
    return 0;
}

struct jsontree_value *jsontree_find_next(struct jsontree_context *js_ctx, int type)
{
    if (!(js_ctx->path & PATH_STARTED)) {
        js_ctx->path = PATH_STARTED;
        struct jsontree_value *root = js_ctx->values[0];
        if (!is_container(root))
            return root != NULL && root->type == type ? root : NULL;
        js_ctx->depth = 1;
        js_ctx->index[0] = 0;
    } else if (js_ctx->path & PATH_ADVANCE) {
        js_ctx->path &= (uint8)~PATH_ADVANCE;
        if (js_ctx->depth > 0)
            js_ctx->index[js_ctx->depth - 1]++;
    }
    while (js_ctx->depth > 0) {
        unsigned level = js_ctx->depth - 1u;
        struct jsontree_value *v = js_ctx->values[level];
        unsigned i = js_ctx->index[level];
        if (i >= count_of(v)) {
            js_ctx->depth--;
            if (js_ctx->depth > 0)
                js_ctx->index[js_ctx->depth - 1]++;
            continue;
        }
        struct jsontree_value *child = child_of(v, i);
        if (is_container(child) && js_ctx->depth < JSONTREE_MAX_DEPTH) {
            js_ctx->values[js_ctx->depth] = child;
            js_ctx->index[js_ctx->depth] = 0;
            js_ctx->depth++;
            if (child->type == type)
                return child;
            continue;
        }
        if (child != NULL && child->type == type) {
            js_ctx->path |= PATH_ADVANCE; /* the path names it until the next call */
            return child;
        }
        js_ctx->index[level]++;
    }
    return NULL;
}
