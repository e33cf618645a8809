/* IP literal parsing; see ip_literal.h. */
#include <string.h>

#include "tls/ip_literal.h"

/* Four dotted decimal parts; the whole of [s, end) must be used. */
static int parse_ipv4(const char *s, const char *end, uint8_t out[4])
{
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (s == end || *s != '.')
                return 0;
            s++;
        }
        unsigned v = 0, digits = 0;
        while (s < end && *s >= '0' && *s <= '9') {
            if (digits == 1 && v == 0)
                return 0; /* leading zero */
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return 0;
        }
        if (digits == 0)
            return 0;
        out[part] = (uint8_t)v;
    }
    return s == end;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int parse_ipv6(const char *s, const char *end, uint8_t out[16])
{
    uint8_t b[16];
    size_t n = 0;  /* bytes written to b */
    long gap = -1; /* where "::" stood, in bytes */
    if (end - s >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        s += 2;
    } else if (s < end && *s == ':') {
        return 0;
    }
    while (s < end) {
        const char *group = s;
        unsigned v = 0, digits = 0;
        int h;
        while (s < end && (h = hex_value(*s)) >= 0) {
            v = v << 4 | (unsigned)h;
            s++;
            if (++digits > 4)
                return 0;
        }
        if (s < end && *s == '.') {
            /* A trailing dotted quad takes the last 4 bytes. */
            if (n + 4 > 16 || !parse_ipv4(group, end, b + n))
                return 0;
            n += 4;
            s = end;
            break;
        }
        if (digits == 0 || n + 2 > 16)
            return 0;
        b[n++] = (uint8_t)(v >> 8);
        b[n++] = (uint8_t)v;
        if (s == end)
            break;
        if (*s != ':')
            return 0;
        s++;
        if (s < end && *s == ':') {
            if (gap >= 0)
                return 0; /* a second "::" */
            gap = (long)n;
            s++;
        } else if (s == end) {
            return 0; /* a single trailing ':' */
        }
    }
    if (gap < 0) {
        if (n != 16)
            return 0;
    } else {
        /* "::" stands for at least one zero group. */
        if (n > 14)
            return 0;
        size_t tail = n - (size_t)gap;
        memmove(b + 16 - tail, b + gap, tail);
        memset(b + gap, 0, 16 - tail - (size_t)gap);
    }
    memcpy(out, b, 16);
    return 1;
}

size_t iotls_ip_literal_parse(const char *text, uint8_t out[16])
{
    if (!text)
        return 0;
    const char *end = text + strlen(text);
    if (parse_ipv4(text, end, out))
        return 4;
    if (parse_ipv6(text, end, out))
        return 16;
    return 0;
}
