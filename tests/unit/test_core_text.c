/* The core's own text helpers, which replace libc calls a device lacks or
 * cannot afford, give what the C library gives on this host:
 *  - iotls_format / iotls_vformat against vsnprintf (every format the
 *    layers pass to iotls_error_set, and truncation);
 *  - iotls_ip_literal_parse against inet_pton (valid and invalid forms,
 *    and random strings over the address alphabet);
 *  - iotls_time_text against gmtime_r + strftime. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tls/format.h"
#include "tls/ip_literal.h"
#include "tls/time_text.h"

static void check_format(const char *fmt, ...)
{
    char want[256], got[256];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int wn = vsnprintf(want, sizeof want, fmt, ap);
    size_t gn = iotls_vformat(got, sizeof got, fmt, aq);
    va_end(aq);
    va_end(ap);
    if (strcmp(want, got) != 0 || (size_t)wn != gn)
        fail_msg("format \"%s\": libc \"%s\" (%d), iotls \"%s\" (%zu)", fmt, want, wn, got, gn);
}

static void formats_match_libc(void **state)
{
    check_format("plain text, no conversion");
    check_format("%s and %s", "one", "two");
    check_format("[%10s][%-10s][%.3s][%-6.2s]", "right", "left", "truncate", "ab");
    check_format("%d %d %d %i", 0, -1, 2147483647, -2147483647 - 1);
    check_format("%u %u %lu %llu", 0u, 4294967295u, 123456789ul, 18446744073709551615ull);
    check_format("%ld %lld %lld", -5l, -9223372036854775807ll - 1, 9223372036854775807ll);
    check_format("%x %X %02x %02X %04X %08x", 0xabcu, 0xABCu, 5u, 0xfu, 0x1234u, 0xdeadbeefu);
    check_format("%#x %#X %#o %o", 255u, 255u, 8u, 8u);
    check_format("%zu %zX %02zX %zd", (size_t)4096, (size_t)0xBEEF, (size_t)7, (ptrdiff_t)-3);
    check_format("%5d|%-5d|%05d|%+d|% d|%.3d|%8.3d|%-8.3d", 42, 42, -42, 42, 42, 7, -7, 7);
    check_format("%.0d|%.0u|%5.0d", 0, 0u, 0);
    check_format("%c%c%c % c", 'a', 'b', 'c', 'd');
    check_format("%*d|%-*d|%.*s|%*s", 6, 1, 6, 2, 3, "abcdef", -4, "x");
    check_format("100%% sure, %s", "yes");
    check_format("%hhu %hd %hhd", 300, -70000, 200);
    check_format("%p", (void *)(uintptr_t)0x1234);
}

static void format_truncates_like_snprintf(void **state)
{
    char buf[8];
    memset(buf, 'x', sizeof buf);
    assert_int_equal(iotls_format(buf, sizeof buf, "%s-%u", "abcdef", 12345u), 12);
    assert_string_equal(buf, "abcdef-");
    assert_int_equal(iotls_format(NULL, 0, "%d items", 250), 9);
    assert_int_equal(iotls_format(buf, 1, "anything"), 8);
    assert_string_equal(buf, "");
}

/* iotls_text_copy is iotls_format(out, len, "%s", text) without the
 * formatter: the same bytes and return value at every buffer size. */
static void text_copy_is_format_of_s(void **state)
{
    static const char *const texts[] = {"", "a", "localhost", "a name of twenty-six chars"};
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        for (size_t len = 0; len <= 30; len++) {
            char a[32], b[32];
            memset(a, 'x', sizeof a);
            memset(b, 'x', sizeof b);
            assert_int_equal(iotls_text_copy(a, len, texts[t]),
                             iotls_format(b, len, "%s", texts[t]));
            assert_memory_equal(a, b, sizeof a);
        }
    }
    assert_int_equal(iotls_text_copy(NULL, 0, "abc"), 3);
}

static void format_skips_floating_point(void **state)
{
    /* Not supported: the double is consumed so later arguments stay right. */
    char buf[64];
    iotls_format(buf, sizeof buf, "a%.1fb%s", 2.5, "c");
    assert_string_equal(buf, "abc");
}

static void check_ip(const char *text)
{
    uint8_t want4[4], want6[16], got[16];
    size_t want = inet_pton(AF_INET, text, want4) == 1    ? 4
                  : inet_pton(AF_INET6, text, want6) == 1 ? 16
                                                          : 0;
    size_t n = iotls_ip_literal_parse(text, got);
    if (n != want)
        fail_msg("IP literal \"%s\": inet_pton says %zu bytes, iotls %zu", text, want, n);
    if (n && memcmp(got, n == 4 ? want4 : want6, n) != 0)
        fail_msg("IP literal \"%s\": different bytes", text);
}

static void ip_literals_match_inet_pton(void **state)
{
    static const char *cases[] = {
        "127.0.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "10.0.0.5",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.4",
        "1.2.3.04",
        "1..2.3",
        "1.2.3.4 ",
        " 1.2.3.4",
        "1.2.3.",
        ".1.2.3",
        "1.2.3.-4",
        "localhost",
        "example.com",
        "",
        "::",
        "::1",
        "1::",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        ":1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:",
        "1::2::3",
        ":::",
        "::ffff:1.2.3.4",
        "::ffff:1.2.3",
        "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4",
        "fe80::1%eth0",
        "[::1]",
        "2001:db8::ff00:42:8329",
        "2001:DB8:0:0:8:800:200C:417A",
        "12345::",
        "g::1",
        "1:2:3:4:5::1.2.3.4",
        "::1.2.3.4",
        "::01.2.3.4",
        "1::2:3:4:5:6:7",
        "1::2:3:4:5:6:7:8",
        "0:0:0:0:0:0:0:0",
        "a.b.c.d",
        "1.2.3.4:80",
        "::1:",
        "f:f:f:f:f:f:f:f",
        "00000::1",
        "0000::1",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_ip(cases[i]);
    /* Random strings over the characters addresses are made of. */
    static const char alphabet[] = "0123456789abcdefABCDEF:.:.:";
    srand(15);
    for (int round = 0; round < 200000; round++) {
        char text[24];
        int len = 1 + rand() % 20;
        for (int i = 0; i < len; i++)
            text[i] = alphabet[rand() % (int)(sizeof alphabet - 1)];
        text[len] = '\0';
        check_ip(text);
    }
}

static void times_match_strftime(void **state)
{
    int64_t samples[] = {0,          1,          86399,      86400,      951782400, /* 2000-02-29 */
                         1609459200, 2147483647, 2147483648, 4102444800, 253402300799,
                         -1,         -86400,     -2208988800 /* 1900 */};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        time_t t = (time_t)samples[i];
        struct tm tm;
        char want[64], got[64];
        gmtime_r(&t, &tm);
        strftime(want, sizeof want, "%Y-%m-%d %H:%M:%S UTC", &tm);
        iotls_time_text(samples[i], got, sizeof got);
        assert_string_equal(got, want);
    }
    srand(16);
    for (int round = 0; round < 100000; round++) {
        int64_t v = ((int64_t)rand() << 16 ^ rand()) % 253402300800LL;
        time_t t = (time_t)v;
        struct tm tm;
        char want[64], got[64];
        gmtime_r(&t, &tm);
        strftime(want, sizeof want, "%Y-%m-%d %H:%M:%S UTC", &tm);
        iotls_time_text(v, got, sizeof got);
        if (strcmp(got, want) != 0)
            fail_msg("%lld: libc %s, iotls %s", (long long)v, want, got);
    }
    char out[32];
    iotls_time_text(253402300800LL, out, sizeof out); /* year 10000 */
    assert_string_equal(out, "253402300800");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_match_libc),
        cmocka_unit_test(format_truncates_like_snprintf),
        cmocka_unit_test(text_copy_is_format_of_s),
        cmocka_unit_test(format_skips_floating_point),
        cmocka_unit_test(ip_literals_match_inet_pton),
        cmocka_unit_test(times_match_strftime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
