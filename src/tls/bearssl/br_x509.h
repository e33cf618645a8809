/*
 * The X.509 engine of iotls sessions: BearSSL's minimal validator (chain,
 * validity, DNS name with wildcard, CN when no SAN) wrapped to add what it
 * lacks —
 *  - iPAddress SAN matching for connections by IP literal;
 *  - validity dates, subjects and SANs for reports and for error texts that
 *    name the certificate and its depth;
 *  - the leaf's SHA-256 fingerprint and SubjectPublicKeyInfo hash (pins);
 *  - the time policies BearSSL 0.6 cannot express (lower bound, unchecked),
 *    by moving the validator's clock into each certificate's validity window
 *    as soon as the walker has read that window;
 *  - the named weaker modes: pin-only and insecure (accept the leaf's key,
 *    still report what the peer presented);
 *  - what BearSSL's minimal engine ignores, checked on every certificate up
 *    to the one a trust anchor issued: extendedKeyUsage (serverAuth for a
 *    server, clientAuth for a client), RSA keys under 2048 bits, the RFC
 *    5280 rules the walker enforces (duplicate extensions, ...); and at the
 *    end of the chain the anchor's own validity, key size and name
 *    constraints (names are checked against every name-constrained anchor
 *    while they stream past, one violation bit per anchor, so nothing is
 *    buffered);
 *  - chains sent out of order put in order within cfg.chain_reorder_bytes,
 *    and a precise text for those it cannot.
 * Used by clients (server certificates) and servers (client certificates).
 */
#ifndef IOTLS_BR_X509_H
#define IOTLS_BR_X509_H

#include "iotls/tls.h"
#include "tls/bearssl/br_internal.h"
#include "tls/cert_walk.h"

typedef enum {
    IOTLS_X509_VERIFY,   /* chain to an anchor (+ name, + pins if any) */
    IOTLS_X509_PIN_ONLY, /* the leaf must match a pin; nothing else checked */
    IOTLS_X509_INSECURE  /* anything goes */
} iotls_x509_mode_t;

typedef struct {
    const br_x509_class *vtable; /* must be first: BearSSL passes &vtable */
    union {
        br_x509_minimal_context minimal; /* VERIFY */
        br_x509_decoder_context decoder; /* PIN_ONLY / INSECURE: the leaf key */
    } u;
    br_sha256_context leaf_hash;
    br_sha256_context spki_hash;
    iotls_cert_walk_t walk; /* re-initialised for each certificate */

    iotls_x509_mode_t mode;
    const iotls_config_t *cfg; /* pins, time policy, name check */
    iotls_report_t *report;    /* receives the leaf's identity */
    uint8_t ip[16];            /* the IP literal checked, when ip_len */
    size_t ip_len;
    const char *host; /* name or literal checked ("" = none) */
    int64_t now;      /* FIXED / AT_LEAST / SYSTEM time */

    unsigned depth;    /* certificates started so far */
    bool time_applied; /* this certificate's clock is set */
    bool leaf_done;
    bool leaf_ip_match;
    unsigned leaf_ip_sans, leaf_dns_sans;
    uint8_t leaf_spki_sha256[32];

    /* Checks BearSSL does not make (VERIFY mode). */
    const iotls_trust_t *trust;
    bool want_client_auth;          /* EKU wanted: clientAuth (server) or serverAuth */
    unsigned min_rsa_bits;          /* 2048, or 1024 with cfg.allow_weak_rsa */
    bool anchor_found;              /* a certificate's issuer is a CA anchor */
    unsigned anchor_depth;          /* ... that certificate's depth */
    uint64_t anchor_hash;           /* ... its issuer DN hash */
    uint32_t prev_issuer_hash;      /* low bits of the DN hashes: texts only */
    uint32_t order_wanted;          /* issuer missing where the order broke */
    bool order_broken, order_later; /* ... and it came later in the chain */
    uint32_t nc_violations;         /* bit per name-constrained anchor (nc_slot) */
    uint32_t cn_violations;         /* the leaf's CN, counted when it has no DNS SAN */
    bool nc_first_cn;               /* nc_first describes the leaf CN */
    int nc_first_slot;              /* anchor slot of nc_first, -1 = none */
    unsigned nc_first_depth;
    char nc_first[48];  /* "DNS:evil.example", long names end in "..." */
    unsigned policy_br; /* first failed own check, as a BearSSL code; 0 = none */

    /* Reordering (cfg.chain_reorder_bytes): certificates held back until
     * the path wants them (br_x509.c, "certificates as the peer sends
     * them"). */
    uint8_t *reorder;       /* the session's buffer, NULL = none */
    uint32_t reorder_cap;   /* its size */
    uint32_t reorder_used;  /* held entries, packed from the start */
    uint32_t hold_got;      /* bytes of the certificate being held */
    uint32_t overflow_len;  /* first certificate that did not fit, 0 = none */
    uint64_t wanted_issuer; /* issuer DN hash of the last certificate of the path */
    unsigned arrived;       /* certificates started, in the order sent */
    bool holding;           /* the current one goes to the buffer */
    bool reordered;         /* some certificate was put in another place */
    bool last_well_formed;  /* the walk holds the last path certificate's results */

    /* Specific reason recorded while walking (expired / not yet valid), or
     * at end of chain (name, pin); IOTLS_OK when none. */
    iotls_error_t verdict;
} iotls_br_x509_t;

/*
 * Prepare for handshakes. `host` is kept by pointer (the session owns it;
 * NULL or "" for a server checking client certificates), `report` too. In
 * VERIFY mode the minimal context inside must already be initialised with
 * the anchors.
 */
void iotls_br_x509_setup(iotls_br_x509_t *x, iotls_x509_mode_t mode, const iotls_config_t *cfg,
                         const char *host, int64_t now, iotls_report_t *report);

/* Give the wrapper a buffer to put chains in order in (cfg.chain_reorder_bytes,
 * inside the session block); NULL / 0 = take chains in the order sent. */
void iotls_br_x509_set_reorder(iotls_br_x509_t *x, uint8_t *buf, size_t len);

/* Translate a BearSSL X.509 error (32..63) into the session error, using the
 * recorded verdict when it is more precise. */
void iotls_br_x509_explain(const iotls_br_x509_t *x, int br_err, iotls_error_t *out);

#endif
