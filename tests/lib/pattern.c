/* tests/lib/pattern.c — see pattern.h. */
#include "pattern.h"

static const char hexdig[] = "0123456789abcdef";

uint8_t iotls_test_pattern_byte(size_t off)
{
    size_t line = off / 64, col = off % 64;
    size_t start = line * 64;
    if (col < 8)
        return (uint8_t)hexdig[(start >> (4 * (7 - col))) & 0xf];
    if (col == 8)
        return ' ';
    if (col == 63)
        return '\n';
    return (uint8_t)('a' + (line + (col - 9)) % 26);
}

void iotls_test_pattern_fill(void *buf, size_t off, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = iotls_test_pattern_byte(off + i);
}

size_t iotls_test_pattern_check(const void *buf, size_t off, size_t len)
{
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        if (p[i] != iotls_test_pattern_byte(off + i))
            return i;
    return len;
}
