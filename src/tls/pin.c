/* Pins in the two spellings people copy around: curl's "sha256//BASE64"
 * and hex (with or without colons, as `iotls cert show` prints). */
#include <ctype.h>
#include <string.h>

#include "iotls/tls.h"

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Exactly 32 bytes: 44 characters with one '=' of padding. */
static int parse_base64_32(const char *in, uint8_t out[32])
{
    if (strlen(in) != 44 || in[43] != '=')
        return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < 43; i++) {
        int v = b64_value((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < 32)
                out[n] = (uint8_t)(acc >> bits);
            n++;
        }
    }
    return n == 32 ? 0 : -1;
}

static int parse_hex_32(const char *in, uint8_t out[32])
{
    size_t n = 0;
    int half = -1;
    for (const char *p = in; *p; p++) {
        if (*p == ':')
            continue;
        if (!isxdigit((unsigned char)*p) || n >= 32)
            return -1;
        int v = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        if (half < 0) {
            half = v;
        } else {
            out[n++] = (uint8_t)(half << 4 | v);
            half = -1;
        }
    }
    return n == 32 && half < 0 ? 0 : -1;
}

int iotls_pin_parse(const char *text, iotls_pin_t *pin, iotls_error_t *err)
{
    pin->kind = IOTLS_PIN_SPKI_SHA256;
    int rc = !text                               ? -1
             : strncmp(text, "sha256//", 8) == 0 ? parse_base64_32(text + 8, pin->sha256)
                                                 : parse_hex_32(text, pin->sha256);
    if (rc < 0)
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "pin '%s' is neither sha256//BASE64 (44 characters) nor 64 hex "
                        "digits of a SubjectPublicKeyInfo SHA-256",
                        text ? text : "(null)");
    return rc;
}
