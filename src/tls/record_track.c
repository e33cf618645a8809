/* TLS record header tracking (see record_track.h). */
#include <string.h>

#include "tls/record_track.h"

void iotls_record_track_init(iotls_record_track_t *t)
{
    memset(t, 0, sizeof *t);
}

/* Content types 20..23 (change_cipher_spec, alert, handshake, application
 * data), major version 3, and a length TLS allows (2^14 + 2048 for
 * ciphertext) are what every TLS 1.0-1.2 peer sends. */
static bool header_is_tls(const uint8_t h[5])
{
    unsigned len = (unsigned)h[3] << 8 | h[4];
    return h[0] >= 20 && h[0] <= 23 && h[1] == 3 && len <= 16384 + 2048;
}

const char *iotls_handshake_type_name(unsigned type)
{
    switch (type) {
    case 0: return "HelloRequest";
    case 1: return "ClientHello";
    case 2: return "ServerHello";
    case 4: return "NewSessionTicket";
    case 11: return "Certificate";
    case 12: return "ServerKeyExchange";
    case 13: return "CertificateRequest";
    case 14: return "ServerHelloDone";
    case 15: return "CertificateVerify";
    case 16: return "ClientKeyExchange";
    case 20: return "Finished";
    default: return NULL;
    }
}

static void note_push_type(iotls_record_track_t *t, uint8_t type)
{
#if IOTLS_RECORD_TRACK_TEXT
    if (t->push_type_count < sizeof t->push_types)
        t->push_types[t->push_type_count++] = type;
#else
    (void)t, (void)type;
#endif
}

/* Walk handshake message headers (type(1) length(3)) through the body
 * bytes of cleartext handshake records; messages may span records. */
static void handshake_bytes(iotls_record_track_t *t, const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (t->hs_hdr_have == 0 && t->hs_body_left > 0) {
            size_t skip = n < t->hs_body_left ? n : t->hs_body_left;
            t->hs_body_left -= (uint32_t)skip;
            p += skip;
            n -= skip;
            continue;
        }
        if (t->hs_hdr_have == 0) {
            t->hs_type = *p;
            t->hs_body_left = 0;
            note_push_type(t, *p);
        } else {
            t->hs_body_left = t->hs_body_left << 8 | *p;
        }
        p++;
        n--;
        if (++t->hs_hdr_have == 4) {
            t->hs_hdr_have = 0;
            if (t->hs_type < 32)
                t->hs_types_seen |= 1u << t->hs_type;
        }
    }
}

void iotls_record_track_push(iotls_record_track_t *t, const uint8_t *data, size_t len)
{
#if IOTLS_RECORD_TRACK_TEXT
    size_t room = sizeof t->preview - t->preview_len;
    size_t copy = len < room ? len : room;
    if (copy)
        memcpy(t->preview + t->preview_len, data, copy);
    t->preview_len += (uint8_t)copy;
    t->push_type_count = 0;
    t->push_encrypted = false;
#endif
    if (t->hs_hdr_have > 0 || t->hs_body_left > 0)
        note_push_type(t, t->hs_type);

    for (size_t i = 0; i < len && !t->not_tls; i++) {
        if (t->body_left > 0) {
            size_t skip = len - i < t->body_left ? len - i : t->body_left;
            if (t->last_type == 22 && !t->ccs_seen)
                handshake_bytes(t, data + i, skip);
#if IOTLS_RECORD_TRACK_TEXT
            else if (t->last_type == 22)
                t->push_encrypted = true;
#endif
            t->body_left -= (uint32_t)skip;
            i += skip - 1;
            continue;
        }
        t->hdr[t->hdr_have++] = data[i];
        if (t->hdr_have < 5)
            continue;
        t->hdr_have = 0;
        t->records++;
        t->last_type = t->hdr[0];
        t->last_length = (uint16_t)(t->hdr[3] << 8 | t->hdr[4]);
        t->body_left = t->last_length;
        if (!header_is_tls(t->hdr))
            t->not_tls = true;
        if (t->last_type == 20)
            t->ccs_seen = true;
        else if (t->last_type == 22 && t->ccs_seen && t->hs_records_after_ccs < 255)
            t->hs_records_after_ccs++;
    }
}

void iotls_record_track_preview(const iotls_record_track_t *t, char *out, size_t len)
{
    size_t n = 0;
#if IOTLS_RECORD_TRACK_TEXT
    for (; n < t->preview_len && n + 1 < len; n++) {
        uint8_t c = t->preview[n];
        out[n] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
    }
#else
    (void)t;
#endif
    if (len)
        out[n] = '\0';
}
