/* Saved client sessions: the bytes a device keeps to resume later. */
#include <string.h>

#include "tls/bearssl/br_session.h"

/* Layout: magic, version(2), suite(2), id_len(1), id, master secret(48),
 * name_len(1), name, has_peer(1), [peer sha256(32), subject_len(1), subject],
 * check(8). The peer identity is informational: it lets the report of a
 * resumed handshake (where no certificate is sent) say whom the session
 * was verified against. */
#define SAVED_MAGIC "IOTLSSN2"
#define SAVED_CHECK 8 /* truncated SHA-256 over everything before it */

static void saved_check(const uint8_t *data, size_t len, uint8_t out[SAVED_CHECK])
{
    br_sha256_context h;
    uint8_t full[32];
    br_sha256_init(&h);
    br_sha256_update(&h, data, len);
    br_sha256_out(&h, full);
    memcpy(out, full, SAVED_CHECK);
}

size_t iotls_session_save(const iotls_session_t *s, uint8_t *out, size_t cap)
{
    if (!s->handshake_done || s->cfg.role != IOTLS_ROLE_CLIENT)
        return 0;
    br_ssl_session_parameters p;
    br_ssl_engine_get_session_parameters(s->eng, &p);
    const iotls_report_t *r = &s->report;
    size_t name_len = strlen(r->server_name);
    /* The identity goes along only when the session keeps it
     * (cfg.report_peer_identity). */
    bool has_peer = iotls_br_names(s) && (r->peer_cert_present || r->peer_from_saved_session);
    size_t subject_len = has_peer ? strlen(r->peer_subject) : 0;
    if (subject_len > 255)
        subject_len = 255;
    size_t len = 8 + 2 + 2 + 1 + p.session_id_len + 48 + 1 + name_len + 1 +
                 (has_peer ? 32 + 1 + subject_len : 0) + SAVED_CHECK;
    if (p.session_id_len == 0 || len > cap)
        return 0;
    uint8_t *o = out;
    memcpy(o, SAVED_MAGIC, 8);
    o += 8;
    *o++ = (uint8_t)(p.version >> 8);
    *o++ = (uint8_t)p.version;
    *o++ = (uint8_t)(p.cipher_suite >> 8);
    *o++ = (uint8_t)p.cipher_suite;
    *o++ = p.session_id_len;
    memcpy(o, p.session_id, p.session_id_len);
    o += p.session_id_len;
    memcpy(o, p.master_secret, 48);
    o += 48;
    *o++ = (uint8_t)name_len;
    memcpy(o, r->server_name, name_len);
    o += name_len;
    *o++ = has_peer;
    if (has_peer) {
        memcpy(o, r->peer_sha256, 32);
        o += 32;
        *o++ = (uint8_t)subject_len;
        memcpy(o, r->peer_subject, subject_len);
        o += subject_len;
    }
    saved_check(out, (size_t)(o - out), o);
    return len;
}

/* Parse a saved session; its server name must be `host`. Returns 1 when
 * it can be offered, 0 when it belongs to another server, -1 if corrupt.
 * The identity it recorded goes to `r` (peer_sha256, peer_subject,
 * peer_from_saved_session) only when it is offered. */
int iotls_br_saved_parse(const uint8_t *in, size_t len, const char *host,
                         br_ssl_session_parameters *p, iotls_session_t *s)
{
    uint8_t check[SAVED_CHECK];
    if (len < 8 + 5 + 48 + 1 + SAVED_CHECK || memcmp(in, SAVED_MAGIC, 8) != 0)
        return -1;
    saved_check(in, len - SAVED_CHECK, check);
    if (memcmp(check, in + len - SAVED_CHECK, SAVED_CHECK) != 0)
        return -1;
    const uint8_t *i = in + 8, *end = in + len - SAVED_CHECK;
    memset(p, 0, sizeof *p);
    p->version = (uint16_t)(i[0] << 8 | i[1]);
    p->cipher_suite = (uint16_t)(i[2] << 8 | i[3]);
    p->session_id_len = i[4];
    i += 5;
    if (p->session_id_len == 0 || p->session_id_len > 32 ||
        (size_t)(end - i) < (size_t)p->session_id_len + 48 + 1)
        return -1;
    memcpy(p->session_id, i, p->session_id_len);
    i += p->session_id_len;
    memcpy(p->master_secret, i, 48);
    i += 48;
    size_t name_len = *i++;
    if ((size_t)(end - i) < name_len + 1)
        return -1;
    const uint8_t *name = i;
    i += name_len;
    bool has_peer = *i++;
    const uint8_t *sha = NULL, *subject = NULL;
    size_t subject_len = 0;
    if (has_peer) {
        if ((size_t)(end - i) < 33)
            return -1;
        sha = i;
        subject_len = i[32];
        subject = i + 33;
        i += 33;
        if ((size_t)(end - i) < subject_len)
            return -1;
        i += subject_len;
    }
    if (i != end)
        return -1;
    if (strlen(host) != name_len || memcmp(name, host, name_len) != 0)
        return 0;
    iotls_br_peer_names_t *names = iotls_br_names(s);
    if (has_peer && names) {
        memcpy(names->sha256, sha, 32);
#if IOTLS_REPORT_NAMES
        size_t room = sizeof names->subject - 1;
        size_t n = subject_len < room ? subject_len : room;
        memcpy(names->subject, subject, n);
        names->subject[n] = '\0';
#else
        (void)subject;
#endif
        s->report.peer_from_saved_session = true;
    }
    return 1;
}
