/* The core's snprintf; see format.h for why it exists. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tls/format.h"

typedef struct {
    char *out;
    size_t len;  /* capacity of out */
    size_t used; /* bytes the text needs so far */
} sink_t;

static void put(sink_t *s, char c)
{
    if (s->used + 1 < s->len)
        s->out[s->used] = c;
    s->used++;
}

static void put_n(sink_t *s, char c, int n)
{
    while (n-- > 0)
        put(s, c);
}

typedef struct {
    bool left, zero, plus, space, alt;
    int width, precision; /* precision -1 = none */
} spec_t;

/* Pads and writes one converted item: prefix (sign, 0x), then digits or
 * text. */
static void emit(sink_t *s, const spec_t *sp, const char *prefix, const char *body, size_t n,
                 int zeros)
{
    size_t plen = strlen(prefix);
    int pad = sp->width - (int)(plen + n) - zeros;
    if (!sp->left && !(sp->zero && sp->precision < 0))
        put_n(s, ' ', pad);
    for (size_t i = 0; i < plen; i++)
        put(s, prefix[i]);
    if (!sp->left && sp->zero && sp->precision < 0)
        put_n(s, '0', pad);
    put_n(s, '0', zeros);
    for (size_t i = 0; i < n; i++)
        put(s, body[i]);
    if (sp->left)
        put_n(s, ' ', pad);
}

static void emit_number(sink_t *s, const spec_t *sp, uintmax_t v, bool negative, unsigned base,
                        bool upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[3 * sizeof(uintmax_t) + 1];
    size_t n = sizeof buf;
    while (v) {
        buf[--n] = digits[v % base];
        v /= base;
    }
    size_t count = sizeof buf - n;
    /* "%.0d" of 0 prints nothing; otherwise at least one digit. */
    if (count == 0 && sp->precision != 0)
        buf[--n] = '0', count = 1;
    int zeros = sp->precision > (int)count ? sp->precision - (int)count : 0;
    if (base == 8 && sp->alt && zeros == 0 && (count == 0 || buf[n] != '0'))
        zeros = 1;
    char sign[4] = "";
    if (negative)
        memcpy(sign, "-", 2);
    else if (sp->plus)
        memcpy(sign, "+", 2);
    else if (sp->space)
        memcpy(sign, " ", 2);
    if (prefix[0]) {
        size_t l = strlen(sign);
        memcpy(sign + l, prefix, strlen(prefix) + 1);
    }
    emit(s, sp, sign, buf + n, count, zeros);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

static uintmax_t unsigned_arg(va_list *ap, enum length l)
{
    switch (l) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_MAX: return va_arg(*ap, uintmax_t);
    case LEN_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned);
    }
}

static intmax_t signed_arg(va_list *ap, enum length l)
{
    switch (l) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return (intmax_t)va_arg(*ap, size_t);
    case LEN_MAX: return va_arg(*ap, intmax_t);
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static const char *parse_spec(const char *f, spec_t *sp, enum length *l, va_list *ap)
{
    memset(sp, 0, sizeof *sp);
    sp->precision = -1;
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '+')
            sp->plus = true;
        else if (*f == ' ')
            sp->space = true;
        else if (*f == '#')
            sp->alt = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0)
            sp->left = true, sp->width = -sp->width;
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->precision = sp->precision * 10 + (*f++ - '0');
        }
        if (sp->precision < 0)
            sp->precision = -1;
    }
    *l = LEN_INT;
    if (f[0] == 'h' && f[1] == 'h')
        *l = LEN_CHAR, f += 2;
    else if (f[0] == 'h')
        *l = LEN_SHORT, f++;
    else if (f[0] == 'l' && f[1] == 'l')
        *l = LEN_LLONG, f += 2;
    else if (f[0] == 'l')
        *l = LEN_LONG, f++;
    else if (f[0] == 'z')
        *l = LEN_SIZE, f++;
    else if (f[0] == 'j')
        *l = LEN_MAX, f++;
    else if (f[0] == 't')
        *l = LEN_PTRDIFF, f++;
    return f;
}

size_t iotls_vformat(char *out, size_t len, const char *fmt, va_list ap_in)
{
    sink_t s = {out, len, 0};
    va_list ap;
    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&s, *f);
            continue;
        }
        spec_t sp;
        enum length l;
        f = parse_spec(f + 1, &sp, &l, &ap);
        switch (*f) {
        case 'd':
        case 'i': {
            intmax_t v = signed_arg(&ap, l);
            uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
            emit_number(&s, &sp, mag, v < 0, 10, false, "");
            break;
        }
        case 'u': emit_number(&s, &sp, unsigned_arg(&ap, l), false, 10, false, ""); break;
        case 'o': emit_number(&s, &sp, unsigned_arg(&ap, l), false, 8, false, ""); break;
        case 'x':
        case 'X': {
            uintmax_t v = unsigned_arg(&ap, l);
            const char *prefix = sp.alt && v ? (*f == 'x' ? "0x" : "0X") : "";
            sp.plus = sp.space = false;
            emit_number(&s, &sp, v, false, 16, *f == 'X', prefix);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            sp.plus = sp.space = false;
            emit_number(&s, &sp, v, false, 16, false, "0x");
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            sp.precision = -1;
            sp.zero = false;
            emit(&s, &sp, "", &c, 1, 0);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            size_t n = 0;
            while (str[n] && (sp.precision < 0 || n < (size_t)sp.precision))
                n++;
            sp.zero = false;
            emit(&s, &sp, "", str, n, 0);
            break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A': (void)va_arg(ap, double); break;
        case '%': put(&s, '%'); break;
        case '\0': f--; break; /* a lone '%' at the end */
        default: break;
        }
    }
    va_end(ap);
    if (len)
        out[s.used < len ? s.used : len - 1] = '\0';
    return s.used;
}

size_t iotls_format(char *out, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = iotls_vformat(out, len, fmt, ap);
    va_end(ap);
    return n;
}

size_t iotls_text_copy(char *out, size_t len, const char *text)
{
    size_t n = strlen(text);
    if (len > 0) {
        size_t k = n < len - 1 ? n : len - 1;
        memcpy(out, text, k);
        out[k] = '\0';
    }
    return n;
}
