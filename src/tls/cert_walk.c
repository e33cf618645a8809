/*
 * cert_walk.c — streaming DER walker for one X.509 certificate.
 *
 * The walker is a byte-driven state machine over TLV headers.  Only the
 * elements whose contents matter are descended into (a frame is pushed);
 * everything else is skipped by length without looking inside, so hostile
 * content in unparsed places cannot reach the parser at all.  Each pushed
 * frame records its absolute end offset, which makes the "child must fit in
 * its parent" check a single comparison and needs no per-byte bookkeeping.
 */
#include "tls/cert_walk.h"
#include "tls/cert_walk_text.h"

#include <stdio.h>
#include <string.h>

enum { ST_TAG, ST_LEN0, ST_LENN, ST_VALUE, ST_DONE, ST_ERR };

/* Roles of pushed (descended) elements. */
enum {
    R_ROOT,
    R_CERT,
    R_TBS,
    R_NAME,
    R_RDN,
    R_ATV,
    R_VALIDITY,
    R_EXTWRAP,
    R_EXTS,
    R_EXT,
    R_SAN_OCT,
    R_GNAMES,
    R_BC_OCT,
    R_BC
};

/* Roles of values read as a whole (captured or skipped). */
enum {
    V_SKIP,
    V_SPKI,
    V_ATV_OID,
    V_ATV_VAL,
    V_TIME,
    V_EXT_OID,
    V_DNS,
    V_IP,
    V_BC_CA,
    V_EMAIL,
    V_URI
};

/* tbsCertificate fields in order; the frame's aux holds the next allowed one. */
enum {
    F_VERSION,
    F_SERIAL,
    F_SIGALG,
    F_ISSUER,
    F_VALIDITY,
    F_SUBJECT,
    F_SPKI,
    F_ISSUER_UID,
    F_SUBJECT_UID,
    F_EXTS,
    F_END
};
static const uint8_t tbs_tag[F_END] = {0xA0, 0x02, 0x30, 0x30, 0x30, 0x30, 0x30, 0x81, 0x82, 0xA3};
static const bool tbs_optional[F_END] = {true,  false, false, false, false,
                                         false, false, true,  true,  true};

enum { EXT_OTHER, EXT_SAN, EXT_BC };
enum { SEEN_SAN = 1, SEEN_BC = 2 };

/* Values are kept only for the roles that need to look at them. */
static bool role_captures(uint8_t r)
{
    return r == V_ATV_OID || r == V_ATV_VAL || r == V_TIME || r == V_EXT_OID || r == V_IP ||
           r == V_BC_CA || r == V_DNS || r == V_EMAIL || r == V_URI;
}

static void fail(iotls_cert_walk_t *w, const char *why)
{
    if (w->state != ST_ERR) {
        w->state = ST_ERR;
        w->err = why;
        w->hashing = false;
    }
}

void iotls_cert_walk_init(iotls_cert_walk_t *w, const uint8_t *want_ip, size_t want_ip_len,
                          iotls_cert_walk_spki_fn spki_hash, void *spki_ctx)
{
    memset(w, 0, sizeof(*w));
    w->spki_hash = spki_hash;
    w->spki_ctx = spki_ctx;
    if (want_ip != NULL && (want_ip_len == 4 || want_ip_len == 16)) {
        memcpy(w->want_ip, want_ip, want_ip_len);
        w->want_ip_len = (uint8_t)want_ip_len;
    }
    /* The virtual root never ends; it accepts exactly one Certificate. */
    w->stack[0].end = UINT64_MAX;
    w->stack[0].role = R_ROOT;
    w->depth = 1;
    w->state = ST_TAG;
}

/* ---------------------------------------------------------------- walker */

static iotls_cert_walk_frame_t *top(iotls_cert_walk_t *w)
{
    return &w->stack[w->depth - 1];
}

/* Checks a descended element's child count once its last byte went past. */
static void frame_done(iotls_cert_walk_t *w, const iotls_cert_walk_frame_t *f)
{
    switch (f->role) {
    case R_CERT:
        if (f->idx != 3)
            fail(w, "Certificate must hold tbsCertificate, signatureAlgorithm and signature");
        break;
    case R_TBS:
        if (f->aux <= F_SPKI)
            fail(w, "tbsCertificate ends before subjectPublicKeyInfo");
        break;
    case R_VALIDITY:
        if (f->idx != 2)
            fail(w, "validity must hold notBefore and notAfter");
        break;
    case R_RDN:
        if (f->idx == 0)
            fail(w, "empty RelativeDistinguishedName");
        break;
    case R_ATV:
        if (f->idx != 2)
            fail(w, "name attribute must hold a type and a value");
        break;
    case R_EXT:
        if (f->aux != 3)
            fail(w, "extension without extnValue");
        break;
    case R_EXTWRAP:
    case R_SAN_OCT:
    case R_BC_OCT:
        if (f->idx != 1)
            fail(w, "extension wrapper must hold exactly one element");
        break;
    default: break;
    }
}

/* Pops every frame that ends at the current offset (several can end on the
 * same byte: a GeneralName can close SAN, its extension and the list). */
static void close_frames(iotls_cert_walk_t *w)
{
    while (w->state != ST_ERR && w->depth > 1 && top(w)->end == w->pos) {
        frame_done(w, top(w));
        w->depth--;
    }
    if (w->state != ST_ERR && w->depth == 1)
        w->state = ST_DONE;
}

static void value_done(iotls_cert_walk_t *w)
{
    const uint8_t *c = w->cap;
    switch (w->val_role) {
    case V_SPKI: w->hashing = false; break;
    case V_TIME: {
        int64_t t;
        if (w->cap_trunc || !iotls_cw_parse_time(c, w->cap_len, w->val_tag == 0x17, &t)) {
            fail(w, "malformed validity time");
            return;
        }
        if (top(w)->idx == 1)
            w->not_before = t;
        else
            w->not_after = t;
        w->times++;
        break;
    }
    case V_ATV_OID:
        if (w->cap_len == 0) {
            fail(w, "empty attribute OID in name");
            return;
        }
        w->oid_trunc = w->cap_trunc || w->cap_len > IOTLS_CERT_WALK_OID_MAX;
        w->oid_len = w->cap_len > IOTLS_CERT_WALK_OID_MAX ? IOTLS_CERT_WALK_OID_MAX : w->cap_len;
        memcpy(w->oid, c, w->oid_len);
        break;
    case V_ATV_VAL:
        if (!iotls_cw_render_attribute(w)) {
            fail(w, "malformed attribute OID in name");
            return;
        }
        break;
    case V_EXT_OID:
        w->ext_kind = EXT_OTHER;
        if (!w->cap_trunc && w->cap_len == 3 && c[0] == 0x55 && c[1] == 0x1D) {
            if (c[2] == 0x11)
                w->ext_kind = EXT_SAN;
            else if (c[2] == 0x13)
                w->ext_kind = EXT_BC;
        }
        break;
    case V_DNS:
        w->dns_san_count++;
        iotls_cw_sans_append(w, "DNS", c);
        break;
    case V_EMAIL: iotls_cw_sans_append(w, "email", c); break;
    case V_URI: iotls_cw_sans_append(w, "URI", c); break;
    case V_IP:
        w->ip_san_count++;
        iotls_cw_sans_append(w, "IP", c);
        if (w->want_ip_len != 0 && !w->cap_trunc && w->cap_len == w->want_ip_len &&
            memcmp(c, w->want_ip, w->want_ip_len) == 0)
            w->ip_match = true;
        break;
    case V_BC_CA:
        if (w->cap_len != 1 || w->cap_trunc) {
            fail(w, "malformed basicConstraints cA");
            return;
        }
        w->is_ca = c[0] != 0;
        break;
    default: break;
    }
    if (w->state == ST_ERR)
        return;
    w->state = ST_TAG;
    close_frames(w);
}

/* Decides, from the parent's role and the child's position and tag, whether
 * to descend (returns a frame role >= 0) or to read the value whole (returns
 * -1 and sets *vrole).  Returns -2 after fail(). */
static int classify(iotls_cert_walk_t *w, iotls_cert_walk_frame_t *p, uint8_t tag, uint8_t *vrole)
{
    uint8_t idx = p->idx;
    if (p->idx < 255)
        p->idx++;
    *vrole = V_SKIP;
    switch (p->role) {
    case R_ROOT:
        if (tag != 0x30)
            break;
        return R_CERT;
    case R_CERT:
        if (idx == 0 && tag == 0x30)
            return R_TBS;
        if ((idx == 1 && tag == 0x30) || (idx == 2 && tag == 0x03))
            return -1;
        break;
    case R_TBS: {
        unsigned f = p->aux;
        while (f < F_END && tbs_tag[f] != tag && tbs_optional[f])
            f++;
        if (f >= F_END || tbs_tag[f] != tag)
            break;
        p->aux = (uint8_t)(f + 1);
        switch (f) {
        case F_ISSUER:
        case F_SUBJECT: w->name_sel = f == F_SUBJECT; return R_NAME;
        case F_VALIDITY: return R_VALIDITY;
        case F_SPKI: *vrole = V_SPKI; return -1;
        case F_EXTS: return R_EXTWRAP;
        default: return -1;
        }
    }
    case R_NAME:
        if (tag != 0x31)
            break;
        w->rdn_first = true;
        return R_RDN;
    case R_RDN:
        if (tag != 0x30)
            break;
        return R_ATV;
    case R_ATV:
        if (idx == 0 && tag == 0x06) {
            *vrole = V_ATV_OID;
            return -1;
        }
        if (idx == 1) {
            *vrole = V_ATV_VAL;
            return -1;
        }
        break;
    case R_VALIDITY:
        if (idx < 2 && (tag == 0x17 || tag == 0x18)) {
            *vrole = V_TIME;
            return -1;
        }
        break;
    case R_EXTWRAP:
        if (idx == 0 && tag == 0x30)
            return R_EXTS;
        break;
    case R_EXTS:
        if (tag != 0x30)
            break;
        w->ext_kind = EXT_OTHER;
        return R_EXT;
    case R_EXT:
        /* aux: 0 want extnID, 1 want critical or extnValue, 2 want extnValue,
         * 3 complete (nothing more allowed). */
        if (p->aux == 0 && tag == 0x06) {
            p->aux = 1;
            *vrole = V_EXT_OID;
            return -1;
        }
        if (p->aux == 1 && tag == 0x01) {
            p->aux = 2;
            return -1;
        }
        if ((p->aux == 1 || p->aux == 2) && tag == 0x04) {
            p->aux = 3;
            /* Duplicates are forbidden by RFC 5280; accepting them would let
             * our view of the SAN differ from the engine's. */
            if (w->ext_kind == EXT_SAN) {
                if (w->seen & SEEN_SAN) {
                    fail(w, "duplicate subjectAltName extension");
                    return -2;
                }
                w->seen |= SEEN_SAN;
                w->has_san = true;
                return R_SAN_OCT;
            }
            if (w->ext_kind == EXT_BC) {
                if (w->seen & SEEN_BC) {
                    fail(w, "duplicate basicConstraints extension");
                    return -2;
                }
                w->seen |= SEEN_BC;
                return R_BC_OCT;
            }
            return -1;
        }
        break;
    case R_SAN_OCT:
        if (idx == 0 && tag == 0x30)
            return R_GNAMES;
        break;
    case R_GNAMES:
        if (tag == 0x82)
            *vrole = V_DNS;
        else if (tag == 0x87)
            *vrole = V_IP;
        else if (tag == 0x81)
            *vrole = V_EMAIL;
        else if (tag == 0x86)
            *vrole = V_URI;
        return -1;
    case R_BC_OCT:
        if (idx == 0 && tag == 0x30)
            return R_BC;
        break;
    case R_BC:
        if (idx == 0 && tag == 0x01)
            *vrole = V_BC_CA;
        return -1;
    default: break;
    }
    fail(w, "unexpected element in certificate");
    return -2;
}

static void header_done(iotls_cert_walk_t *w)
{
    iotls_cert_walk_frame_t *p = top(w);
    uint64_t end = w->pos + w->vlen;
    if (end > p->end) {
        fail(w, "element longer than its enclosing element");
        return;
    }
    uint8_t vrole;
    int role = classify(w, p, w->tag, &vrole);
    if (role == -2)
        return;
    if (role >= 0) {
        if (w->depth >= IOTLS_CERT_WALK_DEPTH) {
            fail(w, "certificate nested too deeply");
            return;
        }
        iotls_cert_walk_frame_t *f = &w->stack[w->depth++];
        f->end = end;
        f->role = (uint8_t)role;
        f->idx = 0;
        f->aux = role == R_TBS ? F_VERSION : 0;
        w->state = ST_TAG;
        if (end == w->pos)
            close_frames(w);
        return;
    }
    w->val_role = vrole;
    w->val_tag = w->tag;
    w->val_end = end;
    w->cap_len = 0;
    w->cap_trunc = false;
    w->state = ST_VALUE;
    if (vrole == V_SPKI && w->spki_hash != NULL) {
        w->spki_hash(w->spki_ctx, w->hdr, w->hdr_len);
        w->hashing = true;
    }
    if (end == w->pos)
        value_done(w);
}

void iotls_cert_walk_push(iotls_cert_walk_t *w, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        uint8_t b;
        switch (w->state) {
        case ST_DONE: fail(w, "trailing data after the certificate"); return;
        case ST_ERR: return;
        case ST_TAG:
            b = *p++;
            len--;
            w->pos++;
            w->tag = b;
            w->hdr[0] = b;
            w->hdr_len = 1;
            /* X.509 uses no tag numbers >= 31; refusing them keeps the
             * header at most 6 bytes. */
            if ((b & 0x1f) == 0x1f)
                fail(w, "multi-byte tag");
            else if (w->pos >= top(w)->end)
                fail(w, "truncated element header");
            else
                w->state = ST_LEN0;
            break;
        case ST_LEN0:
            b = *p++;
            len--;
            w->pos++;
            w->hdr[w->hdr_len++] = b;
            if (b < 0x80) {
                w->vlen = b;
                header_done(w);
            } else if (b == 0x80) {
                fail(w, "indefinite length (not DER)");
            } else if ((b & 0x7f) > 4) {
                fail(w, "length field over 4 bytes");
            } else if (w->pos >= top(w)->end) {
                fail(w, "truncated element header");
            } else {
                w->len_left = b & 0x7f;
                w->vlen = 0;
                w->state = ST_LENN;
            }
            break;
        case ST_LENN:
            b = *p++;
            len--;
            w->pos++;
            w->hdr[w->hdr_len++] = b;
            w->vlen = (w->vlen << 8) | b;
            if (--w->len_left == 0)
                header_done(w);
            else if (w->pos >= top(w)->end)
                fail(w, "truncated element header");
            break;
        case ST_VALUE: {
            uint64_t left = w->val_end - w->pos;
            size_t n = len < left ? len : (size_t)left;
            if (w->hashing)
                w->spki_hash(w->spki_ctx, p, n);
            if (role_captures(w->val_role)) {
                size_t room = IOTLS_CERT_WALK_CAPTURE - w->cap_len;
                size_t k = n < room ? n : room;
                memcpy(w->cap + w->cap_len, p, k);
                w->cap_len = (uint8_t)(w->cap_len + k);
                if (k < n)
                    w->cap_trunc = true;
            }
            p += n;
            len -= n;
            w->pos += n;
            if (w->pos == w->val_end)
                value_done(w);
            break;
        }
        default: fail(w, "internal state error"); return;
        }
    }
}

int iotls_cert_walk_finish(iotls_cert_walk_t *w)
{
    if (w->state == ST_DONE)
        return 0;
    if (w->state != ST_ERR)
        fail(w, "truncated certificate");
    return -1;
}
