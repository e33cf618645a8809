/* The SDK's JSON library (json/jsonparse.h, json/jsontree.h) as SDK
 * applications use it (IoT_Demo's user_json.c pattern): the token sequence
 * of a device message, values read back, every kind of malformed text
 * refused with 0 and an error code without reading past the given length,
 * and a tree written through putchar and walked for its callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/compat/esp8266/json/jsonparse.h"
#include "iotls/compat/esp8266/json/jsontree.h"

/* All tokens of text, as a string of type characters. */
static const char *tokens(const char *text, int len, struct jsonparse_state *st)
{
    static char out[128];
    size_t n = 0;
    int t;
    jsonparse_setup(st, text, len);
    while ((t = jsonparse_next(st)) != 0 && n + 1 < sizeof out)
        out[n++] = (char)t;
    out[n] = '\0';
    return out;
}

static void test_parse_tokens_and_values(void **state)
{
    (void)state;
    const char *msg = "{\"Response\": {\"status\": 1, \"name\": \"esp \\\"x\\\"\", "
                      "\"list\": [1, -2, 3.5e1], \"ok\": true, \"off\": false, \"nil\": null}}";
    struct jsonparse_state st;
    assert_string_equal(tokens(msg, (int)strlen(msg), &st), "{N:{N:0,N:\",N:[0,0,0],N:t,N:f,N:n}}");
    assert_int_equal(st.error, JSON_ERROR_OK);

    /* The SDK examples' way of reading one member. */
    jsonparse_setup(&st, msg, (int)strlen(msg));
    int type, status = -1, list_sum = 0;
    char name[32] = "";
    while ((type = jsonparse_next(&st)) != 0) {
        if (type != JSON_TYPE_PAIR_NAME)
            continue;
        if (jsonparse_strcmp_value(&st, "status") == 0) {
            assert_int_equal(jsonparse_next(&st), JSON_TYPE_PAIR);
            assert_int_equal(jsonparse_get_type(&st), JSON_TYPE_PAIR);
            assert_int_equal(jsonparse_next(&st), JSON_TYPE_NUMBER);
            status = jsonparse_get_value_as_int(&st);
        } else if (jsonparse_strcmp_value(&st, "name") == 0) {
            jsonparse_next(&st);
            assert_int_equal(jsonparse_next(&st), JSON_TYPE_STRING);
            assert_int_equal(jsonparse_copy_value(&st, name, sizeof name), JSON_TYPE_STRING);
        } else if (jsonparse_strcmp_value(&st, "list") == 0) {
            jsonparse_next(&st);
            assert_int_equal(jsonparse_next(&st), JSON_TYPE_ARRAY);
            while ((type = jsonparse_next(&st)) != ']')
                if (type == JSON_TYPE_NUMBER)
                    list_sum += jsonparse_get_value_as_int(&st);
        }
    }
    assert_int_equal(status, 1);
    assert_string_equal(name, "esp \\\"x\\\""); /* escapes kept, as the SDK's */
    assert_int_equal(list_sum, 1 - 2 + 3);
    assert_int_equal(jsonparse_strcmp_value(&st, "nil"), -1); /* a null is no string */

    char small[4];
    jsonparse_setup(&st, "[\"abcdef\"]", 10);
    jsonparse_next(&st);
    jsonparse_next(&st);
    assert_int_equal(jsonparse_get_len(&st), 6);
    jsonparse_copy_value(&st, small, sizeof small);
    assert_string_equal(small, "abc");
    assert_int_equal(jsonparse_strcmp_value(&st, "abc"), 1);
    assert_int_equal(jsonparse_strcmp_value(&st, "abcdef"), 0);
}

static void test_parse_refuses_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *before; /* tokens returned before the 0 */
        int error;
    } cases[] = {
        {"{\"a\":1", "{N:0", JSON_ERROR_SYNTAX},    /* unterminated */
        {"{\"a\" 1}", "{N", JSON_ERROR_SYNTAX},     /* no colon */
        {"{\"a\":1,}", "{N:0,", JSON_ERROR_SYNTAX}, /* trailing comma */
        {"{\"a\":1 \"b\":2}", "{N:0", JSON_ERROR_UNEXPECTED_STRING},
        {"[1,]", "[0,", JSON_ERROR_UNEXPECTED_END_OF_ARRAY},
        {"[1 2]", "[0", JSON_ERROR_UNEXPECTED_END_OF_ARRAY},
        {"{\"a\":1]", "{N:0", JSON_ERROR_SYNTAX},
        {"[1}", "[0", JSON_ERROR_SYNTAX},
        {"{1:2}", "{", JSON_ERROR_SYNTAX},   /* names are strings */
        {"[\"open", "[", JSON_ERROR_SYNTAX}, /* string never closes */
        {"[tru]", "[", JSON_ERROR_SYNTAX},
        {"{} {}", "{}", JSON_ERROR_SYNTAX},                           /* one value per text */
        {"[[[[[[[[[[[1]]]]]]]]]]]", "[[[[[[[[[[", JSON_ERROR_SYNTAX}, /* 11 deep */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct jsonparse_state st;
        const char *got = tokens(cases[i].text, (int)strlen(cases[i].text), &st);
        if (strcmp(got, cases[i].before) != 0 || st.error != cases[i].error)
            fail_msg("case %zu '%s': tokens '%s' error %d, want '%s' error %d", i, cases[i].text,
                     got, st.error, cases[i].before, cases[i].error);
        assert_int_equal(jsonparse_next(&st), 0); /* stays failed */
    }
    /* The length is a hard bound: the text goes on, the parser does not. */
    struct jsonparse_state st;
    assert_string_equal(tokens("{\"key\":\"value\"}", 9, &st), "{N:");
    assert_int_equal(st.error, JSON_ERROR_SYNTAX);
    assert_string_equal(tokens(NULL, 5, &st), "");
    assert_string_equal(tokens("", 0, &st), "");
}

/* ---- jsontree ------------------------------------------------------------ */

static char out[256];
static size_t out_len;
static int put(int c)
{
    if (out_len + 1 < sizeof out) {
        out[out_len++] = (char)c;
        out[out_len] = '\0';
    }
    return c;
}

static int relay_state = 1;
static char seen_paths[128];

static int relay_get(struct jsontree_context *ctx)
{
    const char *path = jsontree_path_name(ctx, ctx->depth - 1);
    if (strcmp(path, "relay") == 0)
        jsontree_write_int(ctx, relay_state);
    else
        jsontree_write_string(ctx, path);
    return 0;
}

static int relay_set(struct jsontree_context *ctx, struct jsonparse_state *parser)
{
    size_t n = strlen(seen_paths);
    snprintf(seen_paths + n, sizeof seen_paths - n, "%s/%s ",
             jsontree_path_name(ctx, ctx->depth - 2), jsontree_path_name(ctx, ctx->depth - 1));
    int type;
    while ((type = jsonparse_next(parser)) != 0)
        if (type == JSON_TYPE_PAIR_NAME && jsonparse_strcmp_value(parser, "relay") == 0) {
            jsonparse_next(parser);
            jsonparse_next(parser);
            relay_state = jsonparse_get_value_as_int(parser);
        }
    return 0;
}

static int counting_get(struct jsontree_context *ctx)
{
    jsontree_write_int(ctx, ctx->callback_state);
    if (ctx->callback_state < 2)
        put(',');
    return ctx->callback_state < 2; /* called three times */
}

static struct jsontree_callback relay_cb = JSONTREE_CALLBACK(relay_get, relay_set);
static struct jsontree_callback counting_cb = JSONTREE_CALLBACK(counting_get, NULL);
static struct jsontree_string version = JSONTREE_STRING("1.0 \"q\"\n");
static struct jsontree_int answer = {JSON_TYPE_INT, 42};
JSONTREE_ARRAY(things, JSONTREE_PAIR_ARRAY(&answer), JSONTREE_PAIR_ARRAY(&version));
JSONTREE_OBJECT(switch_tree, JSONTREE_PAIR("relay", &relay_cb), JSONTREE_PAIR("label", &relay_cb));
JSONTREE_OBJECT(device_tree, JSONTREE_PAIR("switch", &switch_tree),
                JSONTREE_PAIR("version", &version), JSONTREE_PAIR("things", &things),
                JSONTREE_PAIR("count", &counting_cb));

static void test_tree_print_and_find(void **state)
{
    (void)state;
    struct jsontree_context ctx;
    out_len = 0;
    out[0] = '\0';
    jsontree_setup(&ctx, (struct jsontree_value *)&device_tree, put);
    while (jsontree_print_next(&ctx)) {
    }
    assert_string_equal(out, "{\"switch\":{\"relay\":1,\"label\":\"label\"},"
                             "\"version\":\"1.0 \\\"q\\\"\\u000a\","
                             "\"things\":[42,\"1.0 \\\"q\\\"\\u000a\"],\"count\":0,1,2}");

    /* json_parse() of the SDK examples: every callback's set gets a parser. */
    const char *msg = "{\"relay\":0}";
    seen_paths[0] = '\0';
    jsontree_setup(&ctx, (struct jsontree_value *)&device_tree, put);
    struct jsontree_value *v;
    struct jsontree_callback *last = NULL;
    int found = 0;
    while ((v = jsontree_find_next(&ctx, JSON_TYPE_CALLBACK)) != NULL) {
        struct jsontree_callback *c = (struct jsontree_callback *)v;
        found++;
        if (c == last || c->set == NULL)
            continue;
        last = c;
        struct jsonparse_state js;
        jsonparse_setup(&js, msg, (int)strlen(msg));
        c->set(&ctx, &js);
    }
    assert_int_equal(found, 3); /* relay, label, count */
    assert_string_equal(seen_paths, "switch/relay ");
    assert_int_equal(relay_state, 0);
    jsontree_reset(&ctx);
    assert_non_null(jsontree_find_next(&ctx, JSON_TYPE_ARRAY));
    assert_string_equal(jsontree_path_name(&ctx, 0), "things");
    assert_null(jsontree_find_next(&ctx, JSON_TYPE_TRUE));
    out_len = 0;
    int values[3] = {1, -2, 3};
    jsontree_write_int_array(&ctx, values, 3);
    assert_string_equal(out, "[1,-2,3]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_tokens_and_values),
        cmocka_unit_test(test_parse_refuses_malformed),
        cmocka_unit_test(test_tree_print_and_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
