/*
 * http/parse.c — message heads, body framing, URLs and decoders.
 *
 * Heads are parsed only once complete (http_head_scan found the blank
 * line within the limits), in place, so no piece is copied or allocated.
 * Lines may end in CRLF or a bare LF (RFC 9112 2.2 allows a recipient to
 * accept LF); any other control character is malformed.
 */
#include "http/parse.h"

#include <string.h>

bool http_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
        if (x == '\0')
            return true;
    }
}

static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

long http_head_scan(const char *buf, size_t len, size_t max_line, size_t max_head)
{
    /* The first token (method or "HTTP/1.x") must be token characters: a
     * TLS ClientHello or binary junk is refused at once, not after the
     * header timeout. */
    for (size_t i = 0; i < len && buf[i] != ' '; i++)
        if (!is_tchar((unsigned char)buf[i]) && buf[i] != '/')
            return -400;
    const char *nl = memchr(buf, '\n', len);
    size_t first = nl ? (size_t)(nl - buf) + 1 : len;
    if (first > max_line)
        return -414;
    /* The blank line: "\n\n" or "\n\r\n". */
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        size_t end = 0;
        if (i + 1 < len && buf[i + 1] == '\n')
            end = i + 2;
        else if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            end = i + 3;
        if (end)
            return end > max_head ? -431 : (long)end;
    }
    return len >= max_head ? -431 : 0;
}

/* Next line of the head: NUL-terminated in place, CR stripped. */
static char *next_line(char **cur, char *end)
{
    char *s = *cur;
    char *nl = memchr(s, '\n', (size_t)(end - s));
    if (!nl)
        return NULL;
    *nl = '\0';
    if (nl > s && nl[-1] == '\r')
        nl[-1] = '\0';
    *cur = nl + 1;
    return s;
}

static bool has_ctl(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return true;
    }
    return false;
}

static int parse_version(const char *v, int *minor)
{
    if (strncmp(v, "HTTP/", 5) != 0)
        return 400;
    if (v[5] != '1' || v[6] != '.' || v[7] < '0' || v[7] > '9' || v[8] != '\0')
        return (v[5] >= '0' && v[5] <= '9') ? 505 : 400;
    *minor = v[7] - '0';
    return 0;
}

static int parse_fields(char **cur, char *end, http_field_t *fields, unsigned max_fields,
                        http_head_t *out)
{
    out->fields = fields;
    out->field_count = 0;
    char *line;
    while ((line = next_line(cur, end)) != NULL) {
        if (*line == '\0')
            return 0;
        if (*line == ' ' || *line == '\t')
            return 400; /* obsolete line folding */
        char *colon = strchr(line, ':');
        if (!colon || colon == line)
            return 400;
        *colon = '\0';
        for (char *p = line; *p; p++)
            if (!is_tchar((unsigned char)*p))
                return 400;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vl = strlen(v);
        while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            v[--vl] = '\0';
        if (has_ctl(v))
            return 400;
        if (out->field_count >= max_fields)
            return 431;
        fields[out->field_count].name = line;
        fields[out->field_count].value = v;
        out->field_count++;
    }
    return 400; /* no blank line: not a complete head */
}

/* The first line, split at its first space: returns the text after it
 * (the line's first word NUL-terminated at *line), NULL when malformed. */
static char *first_line(char **cur, char *end, char **line, http_head_t *out)
{
    memset(out, 0, sizeof *out);
    *line = next_line(cur, end);
    if (!*line || has_ctl(*line))
        return NULL;
    char *sp = strchr(*line, ' ');
    if (!sp)
        return NULL;
    *sp = '\0';
    return sp + 1;
}

int http_head_parse_request(char *buf, size_t len, http_field_t *fields, unsigned max_fields,
                            http_head_t *out)
{
    char *cur = buf, *end = buf + len, *line;
    char *target = first_line(&cur, end, &line, out);
    if (!target)
        return 400;
    char *sp2 = strchr(target, ' ');
    if (!sp2 || strchr(sp2 + 1, ' '))
        return 400;
    *sp2 = '\0';
    if (*line == '\0')
        return 400;
    for (char *p = line; *p; p++)
        if (!is_tchar((unsigned char)*p))
            return 400;
    if (*target != '/' && strcmp(target, "*") != 0)
        return 400; /* origin-form only (no proxy requests) */
    int rc = parse_version(sp2 + 1, &out->version_minor);
    if (rc)
        return rc;
    out->method = line;
    out->target = target;
    return parse_fields(&cur, end, fields, max_fields, out);
}

int http_head_parse_response(char *buf, size_t len, http_field_t *fields, unsigned max_fields,
                             http_head_t *out)
{
    char *cur = buf, *end = buf + len, *line;
    const char *s = first_line(&cur, end, &line, out);
    if (!s)
        return 400;
    int rc = parse_version(line, &out->version_minor);
    if (rc)
        return rc;
    if (s[0] < '1' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9' ||
        (s[3] != ' ' && s[3] != '\0'))
        return 400;
    out->status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    out->reason = s[3] ? s + 4 : "";
    return parse_fields(&cur, end, fields, max_fields, out);
}

const char *http_head_field(const http_head_t *h, const char *name)
{
    for (unsigned i = 0; i < h->field_count; i++)
        if (http_ieq(h->fields[i].name, name))
            return h->fields[i].value;
    return NULL;
}

bool http_value_has_token(const char *value, const char *token)
{
    size_t tl = strlen(token);
    while (value && *value) {
        while (*value == ' ' || *value == '\t' || *value == ',')
            value++;
        const char *e = value;
        while (*e && *e != ',')
            e++;
        const char *te = e;
        while (te > value && (te[-1] == ' ' || te[-1] == '\t'))
            te--;
        if ((size_t)(te - value) == tl) {
            size_t i = 0;
            for (; i < tl; i++) {
                char a = value[i], b = token[i];
                if (a >= 'A' && a <= 'Z')
                    a = (char)(a - 'A' + 'a');
                if (b >= 'A' && b <= 'Z')
                    b = (char)(b - 'A' + 'a');
                if (a != b)
                    break;
            }
            if (i == tl)
                return true;
        }
        value = e;
    }
    return false;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (*s == '\0')
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

int http_body_framing(const http_head_t *h, bool is_request, http_body_kind_t *kind,
                      uint64_t *length)
{
    const char *te = NULL, *cl = NULL;
    uint64_t len = 0;
    for (unsigned i = 0; i < h->field_count; i++) {
        const http_field_t *f = &h->fields[i];
        if (http_ieq(f->name, "Transfer-Encoding")) {
            if (te)
                return 400;
            te = f->value;
        } else if (http_ieq(f->name, "Content-Length")) {
            uint64_t v;
            if (!parse_u64(f->value, &v) || (cl && v != len))
                return 400; /* request smuggling guard: one length only */
            cl = f->value;
            len = v;
        }
    }
    *length = 0;
    if (te) {
        if (cl)
            return 400;
        if (!http_ieq(te, "chunked"))
            return 501;
        *kind = HTTP_BODY_CHUNKED;
    } else if (cl) {
        *kind = len ? HTTP_BODY_LENGTH : HTTP_BODY_NONE;
        *length = len;
    } else {
        *kind = is_request ? HTTP_BODY_NONE : HTTP_BODY_UNTIL_CLOSE;
    }
    return 0;
}

/* ---- chunked -------------------------------------------------------------- */

enum { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_DONE };
#define CH_MAX_DIGITS 15    /* < 2^60: no overflow */
#define CH_MAX_LINE 1024    /* a size line with extensions */
#define CH_MAX_TRAILER 4096 /* all trailer fields together */

void http_chunked_init(http_chunked_t *c)
{
    memset(c, 0, sizeof *c);
    c->state = CH_SIZE;
}

static int hexval(uint8_t b)
{
    if (b >= '0' && b <= '9')
        return b - '0';
    if (b >= 'a' && b <= 'f')
        return b - 'a' + 10;
    if (b >= 'A' && b <= 'F')
        return b - 'A' + 10;
    return -1;
}

static void chunk_size_done(http_chunked_t *c)
{
    c->digits = 0;
    c->line = 0;
    c->state = c->remaining ? CH_DATA : CH_TRAILER;
}

long http_chunked_step(http_chunked_t *c, const uint8_t *in, size_t len, size_t *data_off,
                       size_t *data_len, bool *done)
{
    *data_off = *data_len = 0;
    *done = false;
    size_t i = 0;
    while (i < len && c->state != CH_DONE) {
        uint8_t b = in[i];
        switch (c->state) {
        case CH_SIZE: {
            int h = hexval(b);
            i++;
            if (h >= 0) {
                if (++c->digits > CH_MAX_DIGITS)
                    return -1;
                c->remaining = c->remaining * 16 + (uint64_t)h;
            } else if (c->digits == 0) {
                return -1;
            } else if (b == ';' || b == ' ' || b == '\t') {
                c->state = CH_EXT;
            } else if (b == '\r') {
                c->state = CH_SIZE_LF;
            } else if (b == '\n') {
                chunk_size_done(c);
            } else {
                return -1;
            }
            break;
        }
        case CH_EXT:
            i++;
            if (++c->line > CH_MAX_LINE)
                return -1;
            if (b == '\n')
                chunk_size_done(c);
            else if (b == '\r')
                c->state = CH_SIZE_LF;
            break;
        case CH_SIZE_LF:
            if (b != '\n')
                return -1;
            i++;
            chunk_size_done(c);
            break;
        case CH_DATA: {
            size_t n = len - i;
            if (n > c->remaining)
                n = (size_t)c->remaining;
            *data_off = i;
            *data_len = n;
            c->remaining -= n;
            if (c->remaining == 0)
                c->state = CH_DATA_CR;
            return (long)(i + n);
        }
        case CH_DATA_CR:
            if (b == '\n') {
                c->state = CH_SIZE;
            } else if (b == '\r') {
                c->state = CH_DATA_LF;
            } else {
                return -1;
            }
            i++;
            break;
        case CH_DATA_LF:
            if (b != '\n')
                return -1;
            c->state = CH_SIZE;
            i++;
            break;
        case CH_TRAILER:
            /* Trailer fields are skipped; an empty line ends the body. */
            if (++c->trailer_bytes > CH_MAX_TRAILER)
                return -1;
            if (b == '\n') {
                if (c->line == 0)
                    c->state = CH_DONE;
                c->line = 0;
            } else if (b != '\r' || c->line > 0) {
                c->line++;
            }
            i++;
            break;
        default: return -1;
        }
    }
    *done = c->state == CH_DONE;
    return (long)i;
}

/* ---- URLs and decoders ---------------------------------------------------- */

int http_url_parse(const char *url, http_url_t *out)
{
    memset(out, 0, sizeof *out);
    const char *p = strstr(url, "://");
    if (!p || (size_t)(p - url) >= sizeof out->scheme)
        return -1;
    for (size_t i = 0; url + i < p; i++) {
        char ch = url[i];
        out->scheme[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    }
    if (strcmp(out->scheme, "https") && strcmp(out->scheme, "http"))
        return -1;
    out->port = strcmp(out->scheme, "https") == 0 ? 443 : 80;
    p += 3;
    const char *host_end;
    const char *after;
    if (*p == '[') {
        host_end = strchr(p, ']');
        if (!host_end)
            return -1;
        p++;
        after = host_end + 1;
    } else {
        host_end = p + strcspn(p, ":/?#");
        after = host_end;
    }
    size_t hl = (size_t)(host_end - p);
    if (hl == 0 || hl >= sizeof out->host || memchr(p, '@', hl))
        return -1; /* no user:password@ in URLs */
    memcpy(out->host, p, hl);
    if (*after == ':') {
        unsigned long v = 0;
        const char *d = after + 1;
        if (*d < '0' || *d > '9')
            return -1;
        for (; *d >= '0' && *d <= '9'; d++) {
            v = v * 10 + (unsigned long)(*d - '0');
            if (v > 65535)
                return -1;
        }
        if (v == 0)
            return -1;
        out->port = (uint16_t)v;
        after = d;
    }
    if (*after != '\0' && *after != '/' && *after != '?' && *after != '#')
        return -1;
    size_t tl = strcspn(after, "#");
    const char *lead = (*after == '/') ? "" : "/";
    if (strlen(lead) + tl >= sizeof out->target)
        return -1;
    memcpy(out->target, lead, strlen(lead));
    memcpy(out->target + strlen(lead), after, tl);
    for (const char *t = out->target; *t; t++)
        if ((unsigned char)*t <= ' ' || *t == 0x7f)
            return -1;
    return 0;
}

long http_pct_decode(const char *src, size_t len, bool plus_space, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = src[i];
        if (ch == '%') {
            if (i + 2 >= len)
                return -1;
            int h = hexval((uint8_t)src[i + 1]), l = hexval((uint8_t)src[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            ch = (char)(h * 16 + l);
            i += 2;
        } else if (ch == '+' && plus_space) {
            ch = ' ';
        }
        if (ch == '\0' || o + 1 >= cap)
            return -1;
        out[o++] = ch;
    }
    if (cap == 0)
        return -1;
    out[o] = '\0';
    return (long)o;
}

static int b64val(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

long http_base64_decode(const char *src, size_t len, uint8_t *out, size_t cap)
{
    if (len % 4 != 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            if (src[i + k] == '=' && i + 4 == len && k >= 2) {
                v[k] = 0;
                pad++;
            } else if (pad) {
                return -1;
            } else if ((v[k] = b64val(src[i + k])) < 0) {
                return -1;
            }
        }
        uint32_t w = (uint32_t)(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
        uint8_t bytes[3] = {(uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w};
        for (int k = 0; k < 3 - pad; k++) {
            if (o >= cap)
                return -1;
            out[o++] = bytes[k];
        }
    }
    return (long)o;
}
