/*
 * cert_walk.h — streaming walker over ONE DER-encoded X.509 certificate.
 *
 * Why it exists: BearSSL's X.509 engine validates chains but exposes neither
 * the validity dates, the subject/issuer text, the SAN contents nor the raw
 * SubjectPublicKeyInfo.  iotls needs those for error texts ("certificate for
 * 'CN=device-1' expired ..."), for iPAddress SAN checks and for public-key
 * pinning, without buffering the certificate.  The binding feeds the same
 * chunks it gives BearSSL to this walker as well.
 *
 * Contract:
 *  - Pure C, no allocation, no recursion, fixed-size state (sizeof the struct).
 *  - Bytes may arrive in chunks of any size, including 1; the results are the
 *    same for every chunking.
 *  - Hostile input is safe: every length is checked against its enclosing
 *    element, nesting is limited to IOTLS_CERT_WALK_DEPTH, indefinite lengths
 *    and lengths over 4 bytes are refused.  On the first problem `err` is set
 *    and all later bytes are ignored; the result fields then hold whatever was
 *    extracted before the error and must not be trusted.
 *  - The walker never validates signatures or chains: that is BearSSL's
 *    job.  Beyond the text for reports it extracts what iotls checks itself
 *    (IP SAN match, extendedKeyUsage, RSA modulus size, name constraints,
 *    critical extensions, DN fingerprints for anchor lookup and chain order)
 *    and refuses what RFC 5280 forbids and is cheap to see: the same
 *    extension twice, an empty subjectAltName, extensions in a v1/v2
 *    certificate, tbsCertificate.signature differing from
 *    signatureAlgorithm.
 */
#ifndef IOTLS_TLS_CERT_WALK_H
#define IOTLS_TLS_CERT_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/options.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Deepest element the walker descends into is a GeneralSubtree inside
 * nameConstraints: exactly 10 frames with the virtual root. Deeper input
 * is refused ("certificate nested too deeply"). */
#define IOTLS_CERT_WALK_DEPTH 10
/* Largest value kept for inspection (names, times, OIDs, IP addresses).
 * X.509 upper bounds for the common name attributes are 64 characters. */
#define IOTLS_CERT_WALK_CAPTURE 64
/* Attribute OIDs longer than this are rendered with "..." */
#define IOTLS_CERT_WALK_OID_MAX 32
#define IOTLS_CERT_WALK_NAME_MAX 256
#define IOTLS_CERT_WALK_SANS_MAX 192

typedef void (*iotls_cert_walk_spki_fn)(void *ctx, const void *data, size_t len);

/* Names a certificate asserts or constrains, for name-constraint checks
 * (see iotls_cert_walk_set_name_visitor). */
typedef enum {
    IOTLS_CW_SAN_DNS,       /* subjectAltName dNSName */
    IOTLS_CW_SAN_IP,        /* subjectAltName iPAddress (4 or 16 bytes) */
    IOTLS_CW_SAN_EMAIL,     /* subjectAltName rfc822Name */
    IOTLS_CW_SUBJECT_CN,    /* a commonName attribute of the subject */
    IOTLS_CW_SUBJECT_EMAIL, /* an emailAddress attribute of the subject */
    IOTLS_CW_NC_DNS,        /* nameConstraints subtree, dNSName form */
    IOTLS_CW_NC_IP,         /* ... iPAddress form: address + mask (8 or 32 bytes) */
    IOTLS_CW_NC_EMAIL,      /* ... rfc822Name form */
    IOTLS_CW_NC_OTHER       /* ... any other form (directoryName, URI, ...) */
} iotls_cw_name_kind_t;

/* excluded: the subtree is in excludedSubtrees (only for IOTLS_CW_NC_*).
 * truncated: the value was longer than IOTLS_CERT_WALK_CAPTURE; `v` holds
 * its first bytes only. */
typedef void (*iotls_cert_walk_name_fn)(void *ctx, iotls_cw_name_kind_t kind, bool excluded,
                                        const uint8_t *v, size_t len, bool truncated);

/* extendedKeyUsage bits (results.eku) */
#define IOTLS_CW_EKU_PRESENT 0x01u
#define IOTLS_CW_EKU_SERVER 0x02u /* id-kp-serverAuth */
#define IOTLS_CW_EKU_CLIENT 0x04u /* id-kp-clientAuth */
#define IOTLS_CW_EKU_ANY 0x08u    /* anyExtendedKeyUsage */

/* Extensions outside 2.5.29.x (authorityInfoAccess, CT timestamps, ...)
 * remembered for the duplicate check; 2.5.29.x ones are all remembered. */
#define IOTLS_CERT_WALK_OTHER_EXT_MAX 4

/* One element the walker is inside; where it ends is kept apart
 * (iotls_cert_walk_t.frame_end), so a frame takes 3 bytes, not 8. */
typedef struct {
    uint8_t role; /* what the element is (private enum in cert_walk.c) */
    uint8_t idx;  /* children seen so far (saturates at 255) */
    uint8_t aux;  /* role-specific progress (next tbs field, extension stage) */
} iotls_cert_walk_frame_t;

/* The subject, issuer and SAN texts are read only by error sentences and
 * the report's names: a build without both (iotls/options.h) keeps no
 * place for them and renders nothing, while every check on the encoding
 * stays. */
#define IOTLS_CERT_WALK_TEXT (IOTLS_ERROR_TEXT || IOTLS_REPORT_NAMES)

/* Members are ordered by size (no padding between them): the walker is
 * in every verifying session's block. */
typedef struct {
    /* ---- results (valid when iotls_cert_walk_finish() returned 0) ---- */
    int64_t not_before; /* Unix seconds (UTC) of validity.notBefore */
    int64_t not_after;  /* Unix seconds (UTC) of validity.notAfter */
    /* FNV-1a 64 of the issuer and subject Name elements (header
     * included), byte for byte as encoded: equal DNs as BearSSL compares
     * them (bytewise) give equal values. */
    uint64_t issuer_hash, subject_hash;
    /* The first critical extension BearSSL's minimal engine does not
     * process itself (anything but basicConstraints, keyUsage and
     * subjectAltName): "extendedKeyUsage", "nameConstraints", ... or
     * "unknown"; NULL when none. */
    const char *critical_other;
    /* The first critical extension iotls understands neither (nor enforces
     * through its own checks); NULL when none. */
    const char *critical_unknown;
    const char *err; /* NULL, or a static text naming the first problem */
#if IOTLS_CERT_WALK_TEXT
    /* The texts, rendered straight into the caller's storage (set with
     * iotls_cert_walk_set_text after init; NULL = not rendered, the checks
     * are the same). Always NUL-terminated when set.
     * sans: the SAN entries iotls reports, readable: "DNS:a.example,
     * IP:10.0.0.5, email:x@y, URI:urn:..."; IPv6 in RFC 5952 form ("::1");
     * ends in "..." when it does not fit.
     * subject / issuer: the DN in certificate order, RFC 4514-like:
     * "CN=device-1, O=Acme, C=DE"; multi-valued RDNs joined by '+'; known
     * keys CN O OU C L ST STREET DC UID emailAddress serialNumber, others as
     * dotted OIDs.  Bytes outside 0x20..0x7e are written as \XX (so UTF-8
     * and Latin-1 text stays ASCII and unambiguous), the RFC 4514 specials
     * , + " \ < > ; = are backslash-escaped, BMP/Universal characters are '?',
     * non-string values are '#' + hex.  A value over 64 bytes and a name
     * longer than its storage (less 4) end in "...". */
    char *subject, *issuer, *sans;
    uint16_t subject_cap, issuer_cap, sans_cap;
    bool sans_full;
#endif
    unsigned dns_san_count; /* number of dNSName entries in SAN */
    unsigned ip_san_count;  /* number of iPAddress entries in SAN */
    uint16_t rsa_bits;      /* modulus size of an RSA key; 0 for other keys */
    bool has_san;           /* a subjectAltName extension is present */
    bool ip_match;          /* some iPAddress SAN equals want_ip (4 or 16 bytes) */
    bool is_ca;             /* basicConstraints present with cA TRUE */
    uint8_t eku;            /* IOTLS_CW_EKU_* bits; 0 = no extendedKeyUsage */
    bool has_nc;            /* a nameConstraints extension is present */

    /* ---- private state ---- */
    uint8_t state;        /* here: it fills the results' last word */
    uint64_t region_hash; /* FNV-1a of the region being hashed */
    uint64_t sigalg_hash; /* tbsCertificate.signature, hashed */
    uint64_t ext_seen;    /* 2.5.29.x extnIDs, by last arc */
    iotls_cert_walk_spki_fn spki_hash;
    void *spki_ctx;
    iotls_cert_walk_name_fn name_fn;
    void *name_ctx;
    const uint8_t *want_ip;                            /* the caller's, during the walk */
    uint32_t other_ext[IOTLS_CERT_WALK_OTHER_EXT_MAX]; /* hashes of other extnIDs */
    uint32_t pos;                                      /* bytes consumed so far */
    uint32_t val_end; /* end of the primitive / skipped value being read */
    uint32_t vlen;    /* length being decoded from the header */
    /* Offsets are 32-bit: a certificate in TLS is at most 2^24 bytes, and
     * an element claiming to end past 2^32 is refused as longer than its
     * enclosing one. frame_end[i]: absolute offset just past stack[i]. */
    uint32_t frame_end[IOTLS_CERT_WALK_DEPTH];
    iotls_cert_walk_frame_t stack[IOTLS_CERT_WALK_DEPTH];
#if IOTLS_CERT_WALK_TEXT
    uint16_t name_len[2], sans_len;
    bool name_full[2];
    bool rdn_first; /* next attribute starts a new RDN */
#endif
    uint8_t other_ext_count;
    uint8_t region;    /* which element region_hash covers (0 = none) */
    bool ext_critical; /* the current Extension is marked critical */
    uint8_t version;   /* tbsCertificate.version (0 = v1) */
    bool nc_excluded;  /* inside excludedSubtrees */
    uint8_t attr_kind; /* the name attribute being read: 0, CN or email */
    uint8_t depth;     /* frames in use (frame 0 is the virtual root) */
    uint8_t tag;       /* tag of the element whose header is being read */
    uint8_t hdr_len;
    uint8_t len_left; /* length bytes still to read */
    uint8_t val_role;
    uint8_t val_tag;
    uint8_t ext_kind; /* which extension the current Extension is */
    uint8_t name_sel; /* 0: rendering issuer, 1: subject */
    uint8_t ext_id;   /* last arc of a 2.5.29.x extnID, 0 for others */
    bool hashing;     /* value bytes go to spki_hash */
    bool cap_trunc;   /* value was longer than the capture buffer */
    bool oid_trunc;
    uint8_t times; /* validity times parsed so far */
    uint8_t cap_len;
    uint8_t oid_len;
    uint8_t want_ip_len;
    uint8_t hdr[6]; /* tag + up to 5 length bytes, replayed to spki_hash */
    uint8_t oid[IOTLS_CERT_WALK_OID_MAX];
    uint8_t cap[IOTLS_CERT_WALK_CAPTURE];
} iotls_cert_walk_t;

/* want_ip_len: 0 (no IP check), 4 (IPv4) or 16 (IPv6); any other length is
 * treated as 0. want_ip is kept by pointer: it must stay valid while bytes
 * are pushed.  spki_hash may be NULL; otherwise it receives every byte of
 * the SubjectPublicKeyInfo element (tag, length and value), in order, in one
 * or more calls, so the caller can hash it for public-key pinning. */
void iotls_cert_walk_init(iotls_cert_walk_t *w, const uint8_t *want_ip, size_t want_ip_len,
                          iotls_cert_walk_spki_fn spki_hash, void *spki_ctx);

/* Where the texts go (after init, before pushing): each buffer of `cap`
 * bytes (at least 8) or NULL. */
void iotls_cert_walk_set_text(iotls_cert_walk_t *w, char *subject, size_t subject_cap, char *issuer,
                              size_t issuer_cap, char *sans, size_t sans_cap);

/* Storage for all three texts at their full sizes. */
typedef struct {
    char subject[IOTLS_CERT_WALK_NAME_MAX];
    char issuer[IOTLS_CERT_WALK_NAME_MAX];
    char sans[IOTLS_CERT_WALK_SANS_MAX];
} iotls_cert_walk_names_t;

static inline void iotls_cert_walk_keep_names(iotls_cert_walk_t *w, iotls_cert_walk_names_t *n)
{
    iotls_cert_walk_set_text(w, n->subject, sizeof n->subject, n->issuer, sizeof n->issuer, n->sans,
                             sizeof n->sans);
}

/* Calls fn for every SAN entry, subject CN / emailAddress attribute and
 * nameConstraints subtree, as they are read (after init, before pushing). */
void iotls_cert_walk_set_name_visitor(iotls_cert_walk_t *w, iotls_cert_walk_name_fn fn, void *ctx);

/* True once both validity times have been parsed (possibly in the middle
 * of the certificate): lets a caller act on the dates before the rest of
 * the certificate arrives. */
static inline bool iotls_cert_walk_validity_known(const iotls_cert_walk_t *w)
{
    return w->times >= 2 && w->err == NULL;
}

/* True once validity.notBefore has been parsed (notAfter may still be in
 * bytes not pushed yet). */
static inline bool iotls_cert_walk_not_before_known(const iotls_cert_walk_t *w)
{
    return w->times >= 1 && w->err == NULL;
}

/* The issuer and subject DN hashes (as in the walker's results) of one
 * whole DER certificate in memory, without walking the rest of it: for
 * certificates held back to put a chain in order. false when the DER does
 * not get that far. */
bool iotls_cert_dn_hashes(const uint8_t *der, size_t len, uint64_t *issuer, uint64_t *subject);

/* Feeds the next len bytes of the certificate. */
void iotls_cert_walk_push(iotls_cert_walk_t *w, const void *data, size_t len);

/* 0 when exactly one complete, well-formed certificate was pushed (with a
 * validity, issuer, subject and SubjectPublicKeyInfo); -1 otherwise (err
 * then says why, e.g. "truncated certificate"). */
int iotls_cert_walk_finish(iotls_cert_walk_t *w);

#ifdef __cplusplus
}
#endif

#endif
