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
    R_BC,
    R_VERSION,
    R_EKU_OCT,
    R_EKU,
    R_NC_OCT,
    R_NC,
    R_SUBTREES,
    R_SUBTREE
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
    V_URI,
    V_VERSION,
    V_EXT_CRIT,
    V_EKU_OID,
    V_NC_NAME,
    V_SIGALG
};

/* Regions hashed byte for byte (region_hash). */
enum { RG_NONE, RG_ISSUER, RG_SUBJECT, RG_TBS_SIGALG, RG_SIGALG };

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

enum { EXT_OTHER, EXT_SAN, EXT_BC, EXT_KU, EXT_EKU, EXT_NC };
enum { ATTR_OTHER, ATTR_CN, ATTR_EMAIL };

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

/* Values are kept only for the roles that need to look at them. */
static bool role_captures(uint8_t r)
{
    return r != V_SKIP && r != V_SIGALG;
}

static char *text_slot(char *buf, size_t cap, uint16_t *cap_out)
{
    if (!buf || cap < 8) {
        *cap_out = 0;
        return NULL;
    }
    *cap_out = (uint16_t)(cap > 0xffff ? 0xffff : cap);
    buf[0] = '\0';
    return buf;
}

void iotls_cert_walk_set_text(iotls_cert_walk_t *w, char *subject, size_t subject_cap, char *issuer,
                              size_t issuer_cap, char *sans, size_t sans_cap)
{
#if IOTLS_CERT_WALK_TEXT
    w->subject = text_slot(subject, subject_cap, &w->subject_cap);
    w->issuer = text_slot(issuer, issuer_cap, &w->issuer_cap);
    w->sans = text_slot(sans, sans_cap, &w->sans_cap);
#else
    /* Nothing is rendered: the storage stays "". */
    (void)w;
    uint16_t ignored;
    text_slot(subject, subject_cap, &ignored);
    text_slot(issuer, issuer_cap, &ignored);
    text_slot(sans, sans_cap, &ignored);
#endif
}

void iotls_cert_walk_set_name_visitor(iotls_cert_walk_t *w, iotls_cert_walk_name_fn fn, void *ctx)
{
    w->name_fn = fn;
    w->name_ctx = ctx;
}

static void visit(iotls_cert_walk_t *w, iotls_cw_name_kind_t kind)
{
    if (w->name_fn != NULL)
        w->name_fn(w->name_ctx, kind, w->nc_excluded, w->cap, w->cap_len, w->cap_trunc);
}

static void region_start(iotls_cert_walk_t *w, uint8_t region)
{
    if (w->region != RG_NONE)
        return;
    w->region = region;
    w->region_hash = FNV64_OFFSET;
    for (uint8_t i = 0; i < w->hdr_len; i++)
        w->region_hash = (w->region_hash ^ w->hdr[i]) * FNV64_PRIME;
}

static void region_bytes(iotls_cert_walk_t *w, const uint8_t *p, size_t n)
{
    if (w->region == RG_NONE)
        return;
    uint64_t h = w->region_hash;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV64_PRIME;
    w->region_hash = h;
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
        w->want_ip = want_ip;
        w->want_ip_len = (uint8_t)want_ip_len;
    }
    /* The virtual root never ends; it accepts exactly one Certificate. */
    w->frame_end[0] = UINT32_MAX;
    w->stack[0].role = R_ROOT;
    w->depth = 1;
    w->state = ST_TAG;
}

/* ---------------------------------------------------------------- walker */

static iotls_cert_walk_frame_t *top(iotls_cert_walk_t *w)
{
    return &w->stack[w->depth - 1];
}

/* Where the innermost element ends. */
static uint32_t top_end(const iotls_cert_walk_t *w)
{
    return w->frame_end[w->depth - 1];
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
    case R_EKU_OCT:
    case R_NC_OCT:
    case R_VERSION:
        if (f->idx != 1)
            fail(w, "extension wrapper must hold exactly one element");
        break;
    case R_GNAMES:
        if (f->idx == 0)
            fail(w, "empty subjectAltName (RFC 5280: at least one name)");
        break;
    case R_EKU:
        if (f->idx == 0)
            fail(w, "empty extendedKeyUsage");
        break;
    case R_NC:
    case R_SUBTREES:
        if (f->idx == 0)
            fail(w, "empty nameConstraints");
        break;
    case R_SUBTREE:
        if (f->idx == 0)
            fail(w, "empty GeneralSubtree in nameConstraints");
        break;
    default: break;
    }
}

/* Pops every frame that ends at the current offset (several can end on the
 * same byte: a GeneralName can close SAN, its extension and the list). */
static void close_frames(iotls_cert_walk_t *w)
{
    while (w->state != ST_ERR && w->depth > 1 && top_end(w) == w->pos) {
        frame_done(w, top(w));
        if (top(w)->role == R_NAME && w->region != RG_NONE) {
            if (w->region == RG_SUBJECT)
                w->subject_hash = w->region_hash;
            else
                w->issuer_hash = w->region_hash;
            w->region = RG_NONE;
        }
        if (top(w)->role == R_NC)
            w->nc_excluded = false;
        w->depth--;
    }
    if (w->state != ST_ERR && w->depth == 1)
        w->state = ST_DONE;
}

/* Reads one DER header at c[*i] (n bytes available) with the given tag and
 * a length of at most max_len_bytes bytes: moves *i to the contents and
 * gives their length (which may run past n); false when absent, longer or
 * not fully captured. */
static bool der_header_upto(const uint8_t *c, size_t n, size_t *i, uint8_t tag,
                            size_t max_len_bytes, size_t *len)
{
    if (*i + 2 > n || c[*i] != tag)
        return false;
    size_t l = c[*i + 1], k = 2;
    if (l & 0x80) {
        size_t m = l & 0x7f;
        if (m == 0 || m > max_len_bytes || *i + 2 + m > n)
            return false;
        l = 0;
        for (size_t j = 0; j < m; j++)
            l = l << 8 | c[*i + 2 + j];
        k += m;
    }
    *i += k;
    *len = l;
    return true;
}

/* The headers of captured prefixes: their lengths fit in two bytes. */
static bool der_header(const uint8_t *c, size_t n, size_t *i, uint8_t tag, size_t *len)
{
    return der_header_upto(c, n, i, tag, 2, len);
}

/* The RSA modulus size, from the first bytes of the SubjectPublicKeyInfo
 * value: AlgorithmIdentifier rsaEncryption, then BIT STRING { 0 unused
 * bits, SEQUENCE { INTEGER n, ... } }. Other keys leave 0. */
static void read_rsa_bits(iotls_cert_walk_t *w, const uint8_t *c, size_t n)
{
    static const uint8_t rsa_oid[] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                      0xF7, 0x0D, 0x01, 0x01, 0x01};
    size_t i = 0, len;
    if (!der_header(c, n, &i, 0x30, &len) || len < sizeof rsa_oid || i + len > n ||
        memcmp(c + i, rsa_oid, sizeof rsa_oid) != 0)
        return;
    i += len;
    if (!der_header(c, n, &i, 0x03, &len) || i >= n || c[i] != 0)
        return;
    i++;
    if (!der_header(c, n, &i, 0x30, &len) || !der_header(c, n, &i, 0x02, &len))
        return;
    while (len > 0 && i < n && c[i] == 0) {
        i++;
        len--;
    }
    if (len == 0 || i >= n)
        return;
    unsigned bits = (unsigned)(len - 1) * 8;
    for (uint8_t top = c[i]; top != 0; top >>= 1)
        bits++;
    w->rsa_bits = (uint16_t)(bits > 65535 ? 65535 : bits);
}

/* What a 2.5.29.x extension is, for texts and for the checks. */
static uint8_t ext_kind_of(uint8_t id)
{
    switch (id) {
    case 0x11: return EXT_SAN;
    case 0x13: return EXT_BC;
    case 0x0F: return EXT_KU;
    case 0x25: return EXT_EKU;
    case 0x1E: return EXT_NC;
    default: return EXT_OTHER;
    }
}

static const char *ext_name(uint8_t id)
{
    switch (id) {
    case 0x25: return "extendedKeyUsage";
    case 0x1E: return "nameConstraints";
    case 0x20: return "certificatePolicies";
    case 0x21: return "policyMappings";
    case 0x24: return "policyConstraints";
    case 0x36: return "inhibitAnyPolicy";
    case 0x0E: return "subjectKeyIdentifier";
    case 0x23: return "authorityKeyIdentifier";
    case 0x12: return "issuerAltName";
    case 0x1F: return "cRLDistributionPoints";
    default: return "unknown";
    }
}

/* extnID seen: remember it, refuse it the second time (RFC 5280: a
 * certificate MUST NOT include more than one instance of an extension;
 * accepting two SANs would let iotls and the engine read different ones).
 * Every 2.5.29.x extension (all those iotls or BearSSL interpret) is
 * remembered exactly; of the others, the first few by hash (a duplicate of
 * an extension nobody reads changes nothing). */
static void ext_oid_done(iotls_cert_walk_t *w, const uint8_t *c)
{
    w->ext_kind = EXT_OTHER;
    w->ext_id = 0;
    w->ext_critical = false;
    bool twice = false;
    if (!w->cap_trunc && w->cap_len == 3 && c[0] == 0x55 && c[1] == 0x1D && c[2] < 64) {
        w->ext_id = c[2];
        w->ext_kind = ext_kind_of(c[2]);
        twice = (w->ext_seen >> c[2]) & 1;
        w->ext_seen |= 1ULL << c[2];
    } else {
        uint32_t h = 2166136261u;
        for (size_t i = 0; i < w->cap_len; i++)
            h = (h ^ c[i]) * 16777619u;
        h = (h ^ w->cap_len) * 16777619u;
        for (uint8_t i = 0; i < w->other_ext_count; i++)
            twice = twice || w->other_ext[i] == h;
        if (!twice && w->other_ext_count < IOTLS_CERT_WALK_OTHER_EXT_MAX)
            w->other_ext[w->other_ext_count++] = h;
    }
    if (twice)
        fail(w, w->ext_kind == EXT_SAN  ? "duplicate subjectAltName extension"
                : w->ext_kind == EXT_BC ? "duplicate basicConstraints extension"
                                        : "the same extension appears twice");
}

/* A critical extension reached its extnValue: note what would refuse it. */
static void ext_critical_note(iotls_cert_walk_t *w)
{
    if (!w->ext_critical)
        return;
    uint8_t k = w->ext_kind;
    if (w->critical_other == NULL && k != EXT_SAN && k != EXT_BC && k != EXT_KU)
        w->critical_other = ext_name(w->ext_id);
    if (w->critical_unknown == NULL && k == EXT_OTHER)
        w->critical_unknown = ext_name(w->ext_id);
}

static void eku_oid_done(iotls_cert_walk_t *w, const uint8_t *c)
{
    static const uint8_t kp[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03};
    static const uint8_t any[] = {0x55, 0x1D, 0x25, 0x00};
    if (w->cap_trunc)
        return;
    if (w->cap_len == sizeof kp + 1 && memcmp(c, kp, sizeof kp) == 0) {
        if (c[7] == 1)
            w->eku |= IOTLS_CW_EKU_SERVER;
        else if (c[7] == 2)
            w->eku |= IOTLS_CW_EKU_CLIENT;
    } else if (w->cap_len == sizeof any && memcmp(c, any, sizeof any) == 0) {
        w->eku |= IOTLS_CW_EKU_ANY;
    }
}

static void value_done(iotls_cert_walk_t *w)
{
    const uint8_t *c = w->cap;
    switch (w->val_role) {
    case V_SPKI:
        w->hashing = false;
        read_rsa_bits(w, c, w->cap_len);
        break;
    case V_SIGALG:
        if (w->region == RG_TBS_SIGALG) {
            w->sigalg_hash = w->region_hash;
        } else if (w->region == RG_SIGALG && w->region_hash != w->sigalg_hash) {
            w->region = RG_NONE;
            fail(w, "signatureAlgorithm differs from tbsCertificate.signature");
            return;
        }
        w->region = RG_NONE;
        break;
    case V_VERSION:
        if (w->cap_len != 1 || w->cap_trunc || c[0] > 2) {
            fail(w, "malformed certificate version");
            return;
        }
        w->version = c[0];
        break;
    case V_EXT_CRIT:
        if (w->cap_len != 1 || w->cap_trunc) {
            fail(w, "malformed extension critical flag");
            return;
        }
        w->ext_critical = c[0] != 0;
        break;
    case V_EKU_OID: eku_oid_done(w, c); break;
    case V_NC_NAME:
        visit(w, w->val_tag == 0x82   ? IOTLS_CW_NC_DNS
                 : w->val_tag == 0x87 ? IOTLS_CW_NC_IP
                 : w->val_tag == 0x81 ? IOTLS_CW_NC_EMAIL
                                      : IOTLS_CW_NC_OTHER);
        break;
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
        w->attr_kind = ATTR_OTHER;
        if (w->name_sel && !w->oid_trunc) {
            static const uint8_t cn[] = {0x55, 0x04, 0x03};
            static const uint8_t email[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01};
            if (w->oid_len == sizeof cn && memcmp(w->oid, cn, sizeof cn) == 0)
                w->attr_kind = ATTR_CN;
            else if (w->oid_len == sizeof email && memcmp(w->oid, email, sizeof email) == 0)
                w->attr_kind = ATTR_EMAIL;
        }
        break;
    case V_ATV_VAL:
        if (!iotls_cw_render_attribute(w)) {
            fail(w, "malformed attribute OID in name");
            return;
        }
        if (w->attr_kind == ATTR_CN)
            visit(w, IOTLS_CW_SUBJECT_CN);
        else if (w->attr_kind == ATTR_EMAIL)
            visit(w, IOTLS_CW_SUBJECT_EMAIL);
        break;
    case V_EXT_OID: ext_oid_done(w, c); break;
    case V_DNS:
        w->dns_san_count++;
        iotls_cw_sans_append(w, "DNS", c);
        visit(w, IOTLS_CW_SAN_DNS);
        break;
    case V_EMAIL:
        iotls_cw_sans_append(w, "email", c);
        visit(w, IOTLS_CW_SAN_EMAIL);
        break;
    case V_URI: iotls_cw_sans_append(w, "URI", c); break;
    case V_IP:
        w->ip_san_count++;
        iotls_cw_sans_append(w, "IP", c);
        visit(w, IOTLS_CW_SAN_IP);
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
        if (idx == 1 && tag == 0x30) {
            *vrole = V_SIGALG;
            region_start(w, RG_SIGALG);
            return -1;
        }
        if (idx == 2 && tag == 0x03)
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
        case F_VERSION: return R_VERSION;
        case F_SIGALG:
            *vrole = V_SIGALG;
            region_start(w, RG_TBS_SIGALG);
            return -1;
        case F_ISSUER:
        case F_SUBJECT:
            w->name_sel = f == F_SUBJECT;
            region_start(w, f == F_SUBJECT ? RG_SUBJECT : RG_ISSUER);
            return R_NAME;
        case F_VALIDITY: return R_VALIDITY;
        case F_SPKI: *vrole = V_SPKI; return -1;
        case F_EXTS:
            if (w->version != 2) {
                fail(w, "extensions in a certificate that is not version 3");
                return -2;
            }
            return R_EXTWRAP;
        default: return -1;
        }
    }
    case R_VERSION:
        if (idx == 0 && tag == 0x02) {
            *vrole = V_VERSION;
            return -1;
        }
        break;
    case R_NAME:
        if (tag != 0x31)
            break;
#if IOTLS_CERT_WALK_TEXT
        w->rdn_first = true;
#endif
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
            *vrole = V_EXT_CRIT;
            return -1;
        }
        if ((p->aux == 1 || p->aux == 2) && tag == 0x04) {
            p->aux = 3;
            ext_critical_note(w);
            switch (w->ext_kind) {
            case EXT_SAN: w->has_san = true; return R_SAN_OCT;
            case EXT_BC: return R_BC_OCT;
            case EXT_EKU: w->eku |= IOTLS_CW_EKU_PRESENT; return R_EKU_OCT;
            case EXT_NC: w->has_nc = true; return R_NC_OCT;
            default: return -1;
            }
        }
        break;
    case R_EKU_OCT:
        if (idx == 0 && tag == 0x30)
            return R_EKU;
        break;
    case R_EKU:
        if (tag == 0x06) {
            *vrole = V_EKU_OID;
            return -1;
        }
        break;
    case R_NC_OCT:
        if (idx == 0 && tag == 0x30)
            return R_NC;
        break;
    case R_NC:
        /* permittedSubtrees [0], then excludedSubtrees [1] */
        if ((tag == 0xA0 && idx == 0) || (tag == 0xA1 && idx <= 1 && !w->nc_excluded)) {
            w->nc_excluded = tag == 0xA1;
            return R_SUBTREES;
        }
        break;
    case R_SUBTREES:
        if (tag == 0x30)
            return R_SUBTREE;
        break;
    case R_SUBTREE:
        /* base GeneralName, then optional minimum [0] / maximum [1] */
        if (idx == 0) {
            *vrole = V_NC_NAME;
            return -1;
        }
        if ((tag == 0x80 || tag == 0xA0 || tag == 0x81 || tag == 0xA1) && idx <= 2)
            return -1;
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
    uint64_t wide_end = (uint64_t)w->pos + w->vlen;
    /* The virtual root never ends: a certificate claiming more than the
     * 32-bit offsets reach ends there, and is truncated long before (TLS
     * carries at most 2^24 bytes of it). */
    if (w->depth == 1 && wide_end > UINT32_MAX)
        wide_end = UINT32_MAX;
    if (wide_end > top_end(w)) {
        fail(w, "element longer than its enclosing element");
        return;
    }
    uint32_t end = (uint32_t)wide_end;
    uint8_t vrole;
    int role = classify(w, p, w->tag, &vrole);
    if (role == -2)
        return;
    if (role >= 0) {
        if (w->depth >= IOTLS_CERT_WALK_DEPTH) {
            fail(w, "certificate nested too deeply");
            return;
        }
        w->frame_end[w->depth] = end;
        iotls_cert_walk_frame_t *f = &w->stack[w->depth++];
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
            region_bytes(w, &b, 1);
            w->tag = b;
            w->hdr[0] = b;
            w->hdr_len = 1;
            /* X.509 uses no tag numbers >= 31; refusing them keeps the
             * header at most 6 bytes. */
            if ((b & 0x1f) == 0x1f)
                fail(w, "multi-byte tag");
            else if (w->pos >= top_end(w))
                fail(w, "truncated element header");
            else
                w->state = ST_LEN0;
            break;
        case ST_LEN0:
            b = *p++;
            len--;
            w->pos++;
            region_bytes(w, &b, 1);
            w->hdr[w->hdr_len++] = b;
            if (b < 0x80) {
                w->vlen = b;
                header_done(w);
            } else if (b == 0x80) {
                fail(w, "indefinite length (not DER)");
            } else if ((b & 0x7f) > 4) {
                fail(w, "length field over 4 bytes");
            } else if (w->pos >= top_end(w)) {
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
            region_bytes(w, &b, 1);
            w->hdr[w->hdr_len++] = b;
            w->vlen = (w->vlen << 8) | b;
            if (--w->len_left == 0)
                header_done(w);
            else if (w->pos >= top_end(w))
                fail(w, "truncated element header");
            break;
        case ST_VALUE: {
            uint32_t left = w->val_end - w->pos;
            size_t n = len < left ? len : (size_t)left;
            if (w->hashing)
                w->spki_hash(w->spki_ctx, p, n);
            region_bytes(w, p, n);
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
            w->pos += (uint32_t)n;
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

/* ------------------------------------------------ DN hashes of a whole DER */

/* One DER header with the given tag at der[*i] whose contents lie inside
 * [*i, end): moves *i to the contents and gives their length. */
static bool whole_header(const uint8_t *der, size_t end, size_t *i, uint8_t tag, size_t *len)
{
    size_t at = *i, l;
    if (!der_header_upto(der, end, &at, tag, 4, &l) || l > end - at)
        return false;
    *i = at;
    *len = l;
    return true;
}

static uint64_t fnv64(const uint8_t *p, size_t n)
{
    uint64_t h = FNV64_OFFSET;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV64_PRIME;
    return h;
}

bool iotls_cert_dn_hashes(const uint8_t *der, size_t len, uint64_t *issuer, uint64_t *subject)
{
    size_t i = 0, l, tbs_end, start;
    if (!whole_header(der, len, &i, 0x30, &l) || !whole_header(der, i + l, &i, 0x30, &l))
        return false;
    tbs_end = i + l;
    if (i < tbs_end && der[i] == 0xA0) {
        if (!whole_header(der, tbs_end, &i, 0xA0, &l))
            return false;
        i += l;
    }
    if (!whole_header(der, tbs_end, &i, 0x02, &l)) /* serialNumber */
        return false;
    i += l;
    if (!whole_header(der, tbs_end, &i, 0x30, &l)) /* signature */
        return false;
    i += l;
    start = i;
    if (!whole_header(der, tbs_end, &i, 0x30, &l))
        return false;
    i += l;
    *issuer = fnv64(der + start, i - start);
    if (!whole_header(der, tbs_end, &i, 0x30, &l)) /* validity */
        return false;
    i += l;
    start = i;
    if (!whole_header(der, tbs_end, &i, 0x30, &l))
        return false;
    i += l;
    *subject = fnv64(der + start, i - start);
    return true;
}
