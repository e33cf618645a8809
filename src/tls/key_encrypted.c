/* Recognising a pass-phrase-protected private key, so every loader (the
 * library's and the host tools' OpenSSL ones) refuses it with the same
 * sentence instead of a decoder error or, worse, a terminal prompt. */
#include <string.h>

#include "iotls/trust.h"

static bool contains(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

/* One DER header at p[0..len): tag, header size and content length. */
static bool der_header(const unsigned char *p, size_t len, unsigned char *tag, size_t *hdr,
                       size_t *content)
{
    if (len < 2)
        return false;
    *tag = p[0];
    if (p[1] < 0x80) {
        *hdr = 2;
        *content = p[1];
    } else {
        size_t nb = p[1] & 0x7F;
        if (nb == 0 || nb > 4 || len < 2 + nb)
            return false;
        size_t v = 0;
        for (size_t i = 0; i < nb; i++)
            v = v << 8 | p[2 + i];
        *hdr = 2 + nb;
        *content = v;
    }
    return *content <= len - *hdr;
}

/* EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier (SEQUENCE),
 * OCTET STRING }; a plain PKCS#8, SEC1 or PKCS#1 key starts with an
 * INTEGER, a certificate has a SEQUENCE then a SEQUENCE. */
static bool der_encrypted_pkcs8(const unsigned char *p, size_t len)
{
    unsigned char tag;
    size_t hdr, content;
    if (!der_header(p, len, &tag, &hdr, &content) || tag != 0x30)
        return false;
    p += hdr;
    len = content;
    if (!der_header(p, len, &tag, &hdr, &content) || tag != 0x30)
        return false;
    p += hdr + content;
    len -= hdr + content;
    return der_header(p, len, &tag, &hdr, &content) && tag == 0x04 && hdr + content == len;
}

bool iotls_key_is_encrypted(const void *key, size_t len)
{
    if (key == NULL)
        return false;
    const char *text = key;
    return contains(text, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
           contains(text, len, "Proc-Type: 4,ENCRYPTED") || der_encrypted_pkcs8(key, len);
}
