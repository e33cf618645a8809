/*
 * http/parse.h — the HTTP/1.1 wire format, sans-IO: message heads, chunked
 * transfer coding, URLs, percent- and base64-decoding. Every function works
 * on caller-owned bounded buffers and never allocates; the fuzz target
 * fuzz/fuzz_http_parse.c drives all of them.
 */
#ifndef IOTLS_HTTP_PARSE_H
#define IOTLS_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name;
    const char *value;
} http_field_t;

typedef struct {
    /* request */
    const char *method, *target, *path, *query;
    /* response */
    int status;
    const char *reason;
    int version_minor; /* HTTP/1.x */
    http_field_t *fields;
    unsigned field_count;
} http_head_t;

/* Where a head ends in buf[0..len): its length including the blank line,
 * 0 when more bytes are needed, -400 when the first token is not made of
 * token characters (binary junk, a TLS hello), or -414 (first line longer
 * than max_line) / -431 (head longer than max_head) when a limit is
 * already exceeded. */
long http_head_scan(const char *buf, size_t len, size_t max_line, size_t max_head);

/* Parse a complete head (http_head_scan's length) in place: pieces are
 * NUL-terminated inside buf and `out` points into it. `fields` has room
 * for max_fields. Returns 0, or the HTTP status that explains the
 * failure: 400 (malformed), 431 (too many fields), 505 (not HTTP/1.x). */
int http_head_parse_request(char *buf, size_t len, http_field_t *fields, unsigned max_fields,
                            http_head_t *out);
int http_head_parse_response(char *buf, size_t len, http_field_t *fields, unsigned max_fields,
                             http_head_t *out);

/* First field of that name (case-insensitive), NULL if none. */
const char *http_head_field(const http_head_t *h, const char *name);
/* true when a comma-separated field value holds `token` (case-insensitive). */
bool http_value_has_token(const char *value, const char *token);

/* How a message body is delimited. */
typedef enum {
    HTTP_BODY_NONE,
    HTTP_BODY_LENGTH,
    HTTP_BODY_CHUNKED,
    HTTP_BODY_UNTIL_CLOSE
} http_body_kind_t;
/* From Content-Length / Transfer-Encoding. Returns 0, or 400 for conflicting
 * or malformed framing, 501 for a transfer coding other than chunked. */
int http_body_framing(const http_head_t *h, bool is_request, http_body_kind_t *kind,
                      uint64_t *length);

/* Chunked transfer coding decoder. */
typedef struct {
    int state;
    uint64_t remaining; /* data bytes left in this chunk */
    unsigned digits;
    size_t line; /* bytes of the current size/trailer line */
    size_t trailer_bytes;
} http_chunked_t;

void http_chunked_init(http_chunked_t *c);
/* Consume from in[0..len): returns bytes consumed (> 0 unless len == 0 or
 * done), or -1 for malformed coding. At most one span of body data is
 * reported per call, at in[*data_off .. +*data_len]; *done becomes true
 * after the last chunk and its trailers. */
long http_chunked_step(http_chunked_t *c, const uint8_t *in, size_t len, size_t *data_off,
                       size_t *data_len, bool *done);

/* "https://host[:port]/path?q": scheme (lower-case "http"/"https"), host
 * without brackets, port (default by scheme), target ("/" when empty).
 * Returns 0 or -1. */
typedef struct {
    char scheme[8];
    char host[256];
    uint16_t port;
    char target[2048];
} http_url_t;
int http_url_parse(const char *url, http_url_t *out);

/* Percent-decode src[0..len) into out (NUL-terminated); '+' becomes a
 * space when plus_space. Returns the length or -1 (bad escape, NUL byte,
 * does not fit). */
long http_pct_decode(const char *src, size_t len, bool plus_space, char *out, size_t cap);

/* Base64 decode (standard alphabet, padding required). -1 on bad input. */
long http_base64_decode(const char *src, size_t len, uint8_t *out, size_t cap);

/* Case-insensitive ASCII compare. */
bool http_ieq(const char *a, const char *b);

#endif
