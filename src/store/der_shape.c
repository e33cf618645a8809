/* Just enough DER to tell a certificate from a private key and to check
 * that an entry is one well-formed SEQUENCE. Full decoding is the TLS
 * engine's job; this only keeps the store honest about what it holds. */
#include "store/store_internal.h"

bool store_der_tlv(const uint8_t *buf, size_t len, uint8_t *tag, size_t *hdr, size_t *total)
{
    store_rd_t r = {buf, len, 0};
    const uint8_t *b;
    if (!store_rd_take(&r, 2, &b))
        return false;
    *tag = b[0];
    size_t content = b[1];
    if (b[1] & 0x80) {
        size_t nbytes = b[1] & 0x7F;
        /* 0x80 is BER's indefinite length, never DER; > 4 bytes is more than
         * any certificate or key. */
        if (nbytes == 0 || nbytes > 4 || !store_rd_take(&r, nbytes, &b))
            return false;
        content = 0;
        for (size_t i = 0; i < nbytes; i++)
            content = content << 8 | b[i];
    }
    if (content > store_rd_left(&r))
        return false;
    *hdr = r.pos;
    *total = r.pos + content;
    return true;
}

bool store_der_is_sequence(const uint8_t *buf, size_t len)
{
    uint8_t tag;
    size_t hdr, total;
    return store_der_tlv(buf, len, &tag, &hdr, &total) && tag == 0x30 && total == len;
}

/* Tag of the n-th element (0-based) inside the outer SEQUENCE; 0 if none. */
static uint8_t inner_tag(const uint8_t *buf, size_t len, unsigned n)
{
    uint8_t tag;
    size_t hdr, total, elem;
    if (!store_der_tlv(buf, len, &tag, &hdr, &total) || tag != 0x30)
        return 0;
    size_t pos = hdr;
    for (unsigned i = 0;; i++) {
        if (!store_der_tlv(buf + pos, total - pos, &tag, &hdr, &elem))
            return 0;
        if (i == n)
            return tag;
        pos += elem;
    }
}

bool store_der_looks_like_cert(const uint8_t *buf, size_t len)
{
    return store_der_is_sequence(buf, len) && inner_tag(buf, len, 0) == 0x30;
}

/* All three key encodings start with INTEGER version; the next element
 * tells them apart: PKCS#8 an AlgorithmIdentifier SEQUENCE, SEC1 the
 * private key OCTET STRING, PKCS#1 the modulus INTEGER. */
iotls_key_format_t iotls_store_key_format(const uint8_t *der, size_t len)
{
    if (!der || !store_der_is_sequence(der, len) || inner_tag(der, len, 0) != 0x02)
        return IOTLS_KEY_FORMAT_NONE;
    switch (inner_tag(der, len, 1)) {
    case 0x30: return IOTLS_KEY_FORMAT_PKCS8;
    case 0x04: return IOTLS_KEY_FORMAT_SEC1;
    case 0x02: return IOTLS_KEY_FORMAT_PKCS1;
    default: return IOTLS_KEY_FORMAT_NONE;
    }
}
