/* Human-readable handshake reports. */
#include <stdarg.h>
#include <string.h>

#include "iotls/tls.h"
#include "tls/format.h"

void iotls_fingerprint_hex(const uint8_t sha256[32], char out[96])
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < 32; i++) {
        out[o++] = hex[sha256[i] >> 4];
        out[o++] = hex[sha256[i] & 15];
        out[o++] = i == 31 ? '\0' : ':';
    }
}

void iotls_report_copy(iotls_report_copy_t *dst, const iotls_report_t *src)
{
    dst->report = *src;
    iotls_report_t *r = &dst->report;
    iotls_format(dst->server_name, sizeof dst->server_name, "%s", src->server_name);
    iotls_format(dst->peer_subject, sizeof dst->peer_subject, "%s", src->peer_subject);
    iotls_format(dst->peer_issuer, sizeof dst->peer_issuer, "%s", src->peer_issuer);
    iotls_format(dst->peer_sans, sizeof dst->peer_sans, "%s", src->peer_sans);
    iotls_format(dst->alpn, sizeof dst->alpn, "%s", src->alpn);
    r->server_name = dst->server_name;
    r->peer_subject = dst->peer_subject;
    r->peer_issuer = dst->peer_issuer;
    r->peer_sans = dst->peer_sans;
    r->alpn = dst->alpn;
    if (src->peer_sha256) {
        memcpy(dst->peer_sha256, src->peer_sha256, sizeof dst->peer_sha256);
        r->peer_sha256 = dst->peer_sha256;
    }
}

/* Appends to buf like snprintf, tracking the length it wanted. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = *used < len ? len - *used : 0;
    *used += iotls_vformat(room ? buf + *used : NULL, room, fmt, ap);
    va_end(ap);
}

static void format_fragment(char *out, size_t len, unsigned bytes)
{
    if (bytes)
        iotls_format(out, len, "%u bytes", bytes);
    else
        iotls_format(out, len, "none");
}

size_t iotls_report_format(const iotls_report_t *r, const char *p, char *buf, size_t len)
{
    size_t used = 0;
    char asked[32], agreed[32];
    format_fragment(asked, sizeof asked, r->mfl_requested);
    format_fragment(agreed, sizeof agreed, r->mfl_agreed);
    if (len)
        buf[0] = '\0';

    append(buf, len, &used, "%srole:            %s\n", p,
           r->role == IOTLS_ROLE_CLIENT ? "client" : "server");
    append(buf, len, &used, "%sversion:         %s\n", p,
           r->version_name ? r->version_name : "unknown");
    append(buf, len, &used, "%scipher suite:    %s\n", p,
           r->cipher_suite_name ? r->cipher_suite_name : "unknown");
    append(buf, len, &used, "%smax fragment:    asked %s, agreed %s%s\n", p, asked, agreed,
           r->mfl_ignored ? " (server ignored the request)" : "");
    append(buf, len, &used, "%srecord buffer:   %lu bytes of payload\n", p,
           (unsigned long)r->buffer_payload);
    append(buf, len, &used, "%ssession memory:  %lu bytes\n", p, (unsigned long)r->memory_bytes);
    append(buf, len, &used, "%sserver name:     %s\n", p,
           r->server_name[0] ? r->server_name : "(none)");
    append(buf, len, &used, "%sALPN:            %s\n", p, r->alpn[0] ? r->alpn : "(none)");
    append(buf, len, &used, "%shandshake:       %s\n", p,
           r->resumed ? "resumed (abbreviated, no public-key operations)" : "full");
    if (r->crypto && !r->resumed)
        append(buf, len, &used, "%spublic-key work: %s\n", p, r->crypto);
    if (r->peer_cert_present && r->peer_sha256) {
        char fp[96];
        iotls_fingerprint_hex(r->peer_sha256, fp);
        if (r->peer_subject[0])
            append(buf, len, &used, "%speer subject:    %s\n", p, r->peer_subject);
        if (r->peer_issuer[0])
            append(buf, len, &used, "%speer issuer:     %s\n", p, r->peer_issuer);
        if (r->peer_sans[0])
            append(buf, len, &used, "%speer SANs:       %s\n", p, r->peer_sans);
        append(buf, len, &used, "%speer sha256:     %s\n", p, fp);
    } else if (r->peer_from_saved_session && r->peer_sha256) {
        char fp[96];
        iotls_fingerprint_hex(r->peer_sha256, fp);
        append(buf, len, &used, "%speer subject:    %s (verified when the session was created)\n",
               p, r->peer_subject);
        append(buf, len, &used, "%speer sha256:     %s\n", p, fp);
    } else if (r->peer_cert_present) {
        append(buf, len, &used,
               "%speer cert:       presented (identity not kept: cfg.report_peer_identity)\n", p);
    } else {
        append(buf, len, &used, "%speer cert:       %s\n", p,
               r->resumed ? "(not sent: resumed session)" : "(none)");
    }
    append(buf, len, &used, "%sverification:    %s%s\n", p,
           r->insecure   ? "OFF (insecure: peer not authenticated)"
           : r->verified ? "verified: "
                         : "not verified: ",
           r->insecure ? "" : (r->auth ? r->auth : "none"));
    if (r->time_check && !r->insecure)
        append(buf, len, &used, "%svalidity check:  %s\n", p, r->time_check);
    return used;
}
