/*
 * libFuzzer target for the HTTP wire format (src/http/parse.c).
 * Input: 1 mode byte + data.
 *   mode 0/1: request/response head: scan, then parse in place; every
 *             field must be NUL-terminated inside the buffer.
 *   mode 2:   chunked body fed whole and one byte at a time: the decoded
 *             bytes, the outcome and the consumed count must agree.
 *   mode 3:   URL, percent, base64 and query decoding.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "iotls/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(const char *p, const char *buf, size_t len)
{
    return p >= buf && p < buf + len && memchr(p, 0, (size_t)(buf + len - p)) != NULL;
}

static void fuzz_head(const uint8_t *data, size_t size, bool request)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return;
    memcpy(buf, data, size);
    buf[size] = 0;
    long end = http_head_scan(buf, size, 512, 4096);
    if (end > (long)size)
        abort();
    if (end > 0) {
        http_field_t f[16];
        http_head_t h;
        int rc = request ? http_head_parse_request(buf, (size_t)end, f, 16, &h)
                         : http_head_parse_response(buf, (size_t)end, f, 16, &h);
        if (rc == 0) {
            for (unsigned i = 0; i < h.field_count; i++)
                if (!inside(f[i].name, buf, (size_t)end) || !inside(f[i].value, buf, (size_t)end))
                    abort();
            if (request && (!inside(h.method, buf, (size_t)end) || h.target[0] == 0))
                abort();
            http_body_kind_t k;
            uint64_t len;
            http_body_framing(&h, request, &k, &len);
        }
    }
    free(buf);
}

/* Returns the outcome: -1 malformed, 1 done, 0 incomplete. */
static int dechunk(const uint8_t *in, size_t len, size_t step, uint8_t *out, size_t *olen,
                   size_t *consumed)
{
    http_chunked_t c;
    http_chunked_init(&c);
    size_t pos = 0;
    *olen = 0;
    bool done = false;
    while (pos < len && !done) {
        size_t n = len - pos < step ? len - pos : step;
        size_t off, dl;
        long r = http_chunked_step(&c, in + pos, n, &off, &dl, &done);
        if (r < 0) {
            *consumed = pos;
            return -1;
        }
        if (r == 0 && !done)
            abort(); /* input offered, nothing taken, not finished */
        if (off + dl > (size_t)r)
            abort();
        memcpy(out + *olen, in + pos + off, dl);
        *olen += dl;
        pos += (size_t)r;
    }
    *consumed = pos;
    return done ? 1 : 0;
}

static void fuzz_chunked(const uint8_t *data, size_t size)
{
    uint8_t *a = malloc(size + 1), *b = malloc(size + 1);
    if (a && b) {
        size_t la, lb, ca, cb;
        int ra = dechunk(data, size, size ? size : 1, a, &la, &ca);
        int rb = dechunk(data, size, 1, b, &lb, &cb);
        if (ra != rb || (ra >= 0 && (la != lb || ca != cb || memcmp(a, b, la))))
            abort();
    }
    free(a);
    free(b);
}

static void fuzz_decoders(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return;
    memcpy(s, data, size);
    s[size] = 0;
    http_url_t u;
    if (http_url_parse(s, &u) == 0 && (u.port == 0 || u.target[0] != '/' || !u.host[0]))
        abort();
    char out[64];
    long n = http_pct_decode(s, size, true, out, sizeof out);
    if (n >= (long)sizeof out || (n >= 0 && strlen(out) != (size_t)n))
        abort();
    uint8_t bin[64];
    if (http_base64_decode(s, size, bin, sizeof bin) > (long)sizeof bin)
        abort();
    n = iotls_http_query_value(s, "k", out, sizeof out);
    if (n >= (long)sizeof out)
        abort();
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 0: fuzz_head(data + 1, size - 1, true); break;
    case 1: fuzz_head(data + 1, size - 1, false); break;
    case 2: fuzz_chunked(data + 1, size - 1); break;
    default: fuzz_decoders(data + 1, size - 1); break;
    }
    return 0;
}
