/*
 * cert_walk_text.c — validity times, distinguished names and SAN entries
 * as text, for the certificate walker (see cert_walk_text.h).
 */
#include <string.h>

#include "iotls/options.h"
#include "tls/cert_walk_text.h"
#include "tls/format.h"

/* Whether names are rendered at all (cert_walk.h). */
#define RENDER_NAMES IOTLS_CERT_WALK_TEXT

/* ---------------------------------------------------------------- times */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    /* Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar
     * and free of timegm(), which a device libc may lack. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int two_digits(const uint8_t *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ: the only forms
 * RFC 5280 allows, so fractions, offsets and missing seconds are refused. */
bool iotls_cw_parse_time(const uint8_t *s, size_t n, bool utc, int64_t *out)
{
    size_t want = utc ? 13 : 15;
    if (n != want || s[n - 1] != 'Z')
        return false;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    int year;
    if (utc) {
        year = two_digits(s);
        year += year < 50 ? 2000 : 1900;
        s += 2;
    } else {
        year = two_digits(s) * 100 + two_digits(s + 2);
        s += 4;
    }
    int mon = two_digits(s), day = two_digits(s + 2);
    int hh = two_digits(s + 4), mm = two_digits(s + 6), ss = two_digits(s + 8);
    static const uint8_t mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] || hh > 23 || mm > 59 || ss > 59)
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (mon == 2 && day == 29 && !leap)
        return false;
    *out = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
    return true;
}

/* ---------------------------------------------------------------- names */

/* Appends one token whole or, when it does not fit, "..." and stops the
 * name: a token is never split, so an escape sequence is never cut. */
static void name_put(iotls_cert_walk_t *w, const char *s, size_t n)
{
#if !RENDER_NAMES
    (void)w, (void)s, (void)n;
#else
    uint8_t k = w->name_sel;
    char *buf = k ? w->subject : w->issuer;
    if (w->name_full[k] || !buf)
        return;
    size_t len = w->name_len[k];
    const size_t limit = (size_t)(k ? w->subject_cap : w->issuer_cap) - 4; /* "..." + NUL */
    if (len + n > limit) {
        memcpy(buf + len, "...", 3);
        len += 3;
        w->name_full[k] = true;
    } else {
        memcpy(buf + len, s, n);
        len += n;
    }
    buf[len] = '\0';
    w->name_len[k] = (uint16_t)len;
#endif
}

#if RENDER_NAMES
static void name_puts(iotls_cert_walk_t *w, const char *s)
{
    name_put(w, s, strlen(s));
}

static const char hexdig[] = "0123456789ABCDEF";

static void name_hex_byte(iotls_cert_walk_t *w, bool backslash, uint8_t b)
{
    char t[3] = {'\\', hexdig[b >> 4], hexdig[b & 15]};
    if (backslash)
        name_put(w, t, 3);
    else
        name_put(w, t + 1, 2);
}

static void name_char(iotls_cert_walk_t *w, uint8_t c)
{
    if (c < 0x20 || c > 0x7e) {
        name_hex_byte(w, true, c);
    } else if (strchr(",+\"\\<>;=", c) != NULL) {
        char t[2] = {'\\', (char)c};
        name_put(w, t, 2);
    } else {
        char t = (char)c;
        name_put(w, &t, 1);
    }
}

struct attr_key {
    uint8_t len;
    uint8_t oid[10];
    const char *key;
};

static const struct attr_key attr_keys[] = {
    {3, {0x55, 0x04, 0x03}, "CN"},
    {3, {0x55, 0x04, 0x05}, "serialNumber"},
    {3, {0x55, 0x04, 0x06}, "C"},
    {3, {0x55, 0x04, 0x07}, "L"},
    {3, {0x55, 0x04, 0x08}, "ST"},
    {3, {0x55, 0x04, 0x09}, "STREET"},
    {3, {0x55, 0x04, 0x0A}, "O"},
    {3, {0x55, 0x04, 0x0B}, "OU"},
    {9, {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01}, "emailAddress"},
    {10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19}, "DC"},
    {10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01}, "UID"},
};
#endif

/* Writes v in decimal at the end of out[0..*n), out has room for 20 more. */
static void put_u64(char *out, size_t *n, uint64_t v)
{
    char t[20];
    size_t k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (k > 0)
        out[(*n)++] = t[--k];
}

/* Renders the captured attribute OID as dotted decimal.  Returns false for an
 * encoding no DER writer produces (arc over 64 bits, dangling continuation). */
static bool render_dotted(iotls_cert_walk_t *w)
{
    /* At most OID_MAX arcs of <= 20 digits plus dots: fits easily. */
    char out[IOTLS_CERT_WALK_OID_MAX * 21 + 4];
    size_t n = 0;
    uint64_t v = 0;
    unsigned groups = 0;
    bool first = true;
    for (size_t i = 0; i < w->oid_len; i++) {
        uint8_t b = w->oid[i];
        if (++groups > 9)
            return false;
        v = (v << 7) | (b & 0x7f);
        if (b & 0x80)
            continue;
        if (RENDER_NAMES && first) {
            uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
            put_u64(out, &n, a);
            out[n++] = '.';
            put_u64(out, &n, v - a * 40);
        } else if (RENDER_NAMES) {
            out[n++] = '.';
            put_u64(out, &n, v);
        }
        first = false;
        v = 0;
        groups = 0;
    }
    if (groups != 0 && !w->oid_trunc)
        return false;
    if (!RENDER_NAMES)
        return true;
    if (w->oid_trunc) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    name_put(w, out, n);
    return true;
}

#if RENDER_NAMES
static void render_value(iotls_cert_walk_t *w, uint8_t tag)
{
    const uint8_t *v = w->cap;
    size_t n = w->cap_len;
    switch (tag) {
    case 0x0C: /* UTF8String */
    case 0x12: /* NumericString */
    case 0x13: /* PrintableString */
    case 0x14: /* TeletexString, read as Latin-1 */
    case 0x16: /* IA5String */
    case 0x1A: /* VisibleString */
        for (size_t i = 0; i < n; i++)
            name_char(w, v[i]);
        break;
    case 0x1E:   /* BMPString: UCS-2 big endian */
    case 0x1C: { /* UniversalString: UCS-4 big endian */
        size_t cw = tag == 0x1E ? 2 : 4;
        for (size_t i = 0; i < n; i += cw) {
            bool ascii = i + cw <= n;
            for (size_t j = 0; ascii && j + 1 < cw; j++)
                ascii = v[i + j] == 0;
            if (ascii && v[i + cw - 1] >= 0x20 && v[i + cw - 1] <= 0x7e)
                name_char(w, v[i + cw - 1]);
            else
                name_put(w, "?", 1);
        }
        break;
    }
    default: /* not a string: RFC 4514's '#' + hex of the value */
        name_put(w, "#", 1);
        for (size_t i = 0; i < n; i++)
            name_hex_byte(w, false, v[i]);
        break;
    }
    if (w->cap_trunc)
        name_put(w, "...", 3);
}
#endif

bool iotls_cw_render_attribute(iotls_cert_walk_t *w)
{
#if !RENDER_NAMES
    return render_dotted(w); /* the OID's encoding is checked all the same */
#else
    if (w->name_len[w->name_sel] != 0)
        name_puts(w, w->rdn_first ? ", " : "+");
    w->rdn_first = false;
    const char *key = NULL;
    if (!w->oid_trunc) {
        for (size_t i = 0; i < sizeof(attr_keys) / sizeof(attr_keys[0]); i++) {
            if (attr_keys[i].len == w->oid_len &&
                memcmp(attr_keys[i].oid, w->oid, w->oid_len) == 0) {
                key = attr_keys[i].key;
                break;
            }
        }
    }
    if (key != NULL)
        name_puts(w, key);
    else if (!render_dotted(w))
        return false;
    name_put(w, "=", 1);
    render_value(w, w->val_tag);
    return true;
#endif
}

#if RENDER_NAMES
/* RFC 5952 text: lower-case hex, the longest run of two or more zero
 * groups (the first of equals) written as "::". */
static size_t format_ipv6(const uint8_t *a, char *out, size_t len)
{
    unsigned g[8];
    int best = -1, best_len = 1;
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)(a[2 * i] << 8 | a[2 * i + 1]);
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    size_t n = 0;
    for (int i = 0; i < 8 && n < len; i++) {
        if (i == best) {
            n += (size_t)iotls_format(out + n, len - n, "::");
            i += best_len - 1;
            continue;
        }
        bool after_gap = best >= 0 && i == best + best_len;
        n += (size_t)iotls_format(out + n, len - n, "%s%x", i == 0 || after_gap ? "" : ":", g[i]);
    }
    return n < len ? n : len - 1;
}
#endif

/* Append "TYPE:value" to the readable SAN list ("DNS:a.example, IP:10.0.0.5").
 * Printable ASCII only (others become '?'); a list that does not fit ends
 * in "...". IP addresses are rendered from their 4 or 16 bytes. */
void iotls_cw_sans_append(iotls_cert_walk_t *w, const char *type, const uint8_t *c)
{
#if !RENDER_NAMES
    (void)w, (void)type, (void)c;
#else
    if (!w->sans || w->sans_full)
        return;
    char item[IOTLS_CERT_WALK_CAPTURE * 3 + 16];
    size_t n = (size_t)iotls_format(item, sizeof item, "%s%s:", w->sans_len ? ", " : "", type);
    if (!strcmp(type, "IP") && !w->cap_trunc && w->cap_len == 4) {
        for (size_t i = 0; i < 4; i++)
            n += (size_t)iotls_format(item + n, sizeof item - n, "%s%u", i ? "." : "", c[i]);
    } else if (!strcmp(type, "IP") && !w->cap_trunc && w->cap_len == 16) {
        n += format_ipv6(c, item + n, sizeof item - n);
    } else {
        for (size_t i = 0; i < w->cap_len && n + 1 < sizeof item; i++)
            item[n++] = c[i] >= 0x20 && c[i] < 0x7f ? (char)c[i] : '?';
        item[n] = '\0';
        if (w->cap_trunc && n + 4 < sizeof item)
            n += (size_t)iotls_format(item + n, sizeof item - n, "...");
    }
    size_t used = w->sans_len;
    if (used + n + 4 >= w->sans_cap) {
        iotls_format(w->sans + used, w->sans_cap - used, "...");
        w->sans_full = true;
        return;
    }
    memcpy(w->sans + used, item, n + 1);
    w->sans_len = (uint16_t)(used + n);
#endif
}
