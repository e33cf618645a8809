/*
 * libFuzzer target for the ESP8266 SDK JSON pull parser (json/jsonparse.h,
 * src/compat/espconn/jsonparse.c). The compat library is not part of
 * libiotls.a, which `make fuzz` links, so the parser's one file is compiled
 * in here. The input is parsed to the end; every value is copied and
 * compared (ASan checks that nothing reads outside the input), tokens are
 * only ever the documented types, and after a 0 the parser stays at 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/jsonparse.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    /* An exact-size heap copy: a read past the end is an ASan report. */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    struct jsonparse_state st;
    jsonparse_setup(&st, text, (int)size);
    int t, steps = 0;
    char value[64];
    while ((t = jsonparse_next(&st)) != 0) {
        if (strchr("{}[],:N\"0tfn", t) == NULL || ++steps > 8192)
            abort();
        jsonparse_copy_value(&st, value, sizeof value);
        (void)jsonparse_get_value_as_long(&st);
        (void)jsonparse_strcmp_value(&st, "status");
        (void)jsonparse_get_type(&st);
        if (st.depth < 0 || st.depth > JSONPARSE_MAX_DEPTH || st.vstart < 0 ||
            st.vstart + st.vlen > (int)size)
            abort();
    }
    if (jsonparse_next(&st) != 0)
        abort();
    free(text);
    return 0;
}
