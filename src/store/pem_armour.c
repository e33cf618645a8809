/* DER -> PEM for certificate chains: iotls_creds_set() takes one DER
 * certificate or PEM with several, so a stored chain of more than one
 * certificate is handed over armoured. */
#include <stdlib.h>
#include <string.h>

#include "store/pem_armour.h"

static const char BEGIN[] = "-----BEGIN CERTIFICATE-----\n";
static const char END[] = "-----END CERTIFICATE-----\n";

static size_t armoured_size(size_t der_len)
{
    size_t b64 = (der_len + 2) / 3 * 4;
    return sizeof BEGIN - 1 + b64 + (b64 + 63) / 64 + sizeof END - 1;
}

static size_t put(char *out, const char *s, size_t n)
{
    memcpy(out, s, n);
    return n;
}

static size_t base64_lines(char *out, const uint8_t *in, size_t len)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0, col = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? tab[v & 63] : '=';
        if ((col += 4) == 64 || i + 3 >= len) {
            out[o++] = '\n';
            col = 0;
        }
    }
    return o;
}

char *store_pem_chain(const store_der_ref_t *certs, size_t n, size_t *len)
{
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += armoured_size(certs[i].len);
    char *out = malloc(total);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        o += put(out + o, BEGIN, sizeof BEGIN - 1);
        o += base64_lines(out + o, certs[i].data, certs[i].len);
        o += put(out + o, END, sizeof END - 1);
    }
    out[o] = '\0';
    *len = o;
    return out;
}
