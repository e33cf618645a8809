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

/* The peer's identity for the report (cfg.report_peer_identity), in the
 * block right after the session: rendered there by the certificate walker,
 * the one copy. */
typedef struct iotls_br_peer_names {
    uint8_t sha256[32];
#if IOTLS_REPORT_NAMES
    char subject[IOTLS_REPORT_NAME_MAX];
    char issuer[IOTLS_REPORT_NAME_MAX];
    char sans[IOTLS_REPORT_SANS_MAX];
#endif
} iotls_br_peer_names_t;

typedef enum {
    IOTLS_X509_VERIFY,   /* chain to an anchor (+ name, + pins if any) */
    IOTLS_X509_PIN_ONLY, /* the leaf must match a pin; nothing else checked */
    IOTLS_X509_INSECURE  /* anything goes */
} iotls_x509_mode_t;

/* A SHA-256 over the leaf (whole DER, or its SubjectPublicKeyInfo) and
 * its result; in the block only when something reads it. */
typedef struct {
    br_sha256_context ctx;
    uint8_t out[32];
} iotls_br_leaf_hash_t;

/* Names of the certificates above the leaf, for error texts only
 * (IOTLS_ERROR_TEXT builds): long names end in "...". */
#define IOTLS_BR_ERROR_NAME_MAX 128

typedef struct {
    const br_x509_class *vtable; /* must be first: BearSSL passes &vtable */
    /* Carved from the block after this struct (iotls_br_x509_extra): NULL
     * when not needed. (Here, a 32-bit build fills the word before the
     * 64-bit aligned union with it.) */
    iotls_br_leaf_hash_t *leaf_hash; /* cert pins, the report's fingerprint */
    union {
        br_x509_minimal_context minimal; /* VERIFY */
        br_x509_decoder_context decoder; /* PIN_ONLY / INSECURE: the leaf key */
    } u;
    iotls_cert_walk_t walk; /* re-initialised for each certificate */
    /* The 64-bit members next to the walker (no padding on 32-bit). */
    int64_t now;            /* FIXED / AT_LEAST / SYSTEM time */
    uint64_t anchor_hash;   /* issuer DN hash of the certificate an anchor issued (VERIFY) */
    uint64_t wanted_issuer; /* issuer DN hash of the last certificate of the path (reordering) */

    iotls_br_leaf_hash_t *spki_hash; /* SPKI pins */
    /* Where the walker renders the leaf's names: the report's storage
     * (cfg.report_peer_identity), else the error-text storage below, else
     * (terse builds) nowhere. */
#if IOTLS_CERT_WALK_TEXT /* else no name is rendered anywhere */
    char *leaf_subject, *leaf_issuer, *leaf_sans;
    uint16_t leaf_name_cap, leaf_sans_cap;
#endif
#if IOTLS_ERROR_TEXT
    char *cur_issuer; /* of the certificates above the leaf (their subject:
                         in the session's error text, see set_texts) */
#endif
    uint8_t *peer_sha256; /* the report's copy of the fingerprint, or NULL */
    const iotls_pin_t *pins;
    size_t pin_count;
    iotls_report_t *report; /* peer_cert_present */
    const char *host;       /* name or literal checked ("" = none) */
    const iotls_trust_t *trust;
    /* Specific reason recorded while walking (expired / not yet valid), or
     * at end of chain (name, pin): its code here, its text written straight
     * into the session's error text, which stays unused until the session
     * fails (one text, rendered where it is kept). */
    iotls_error_t *text; /* the session's error: its text while its code is IOTLS_OK */

    /* Checks BearSSL does not make (VERIFY mode). */
    uint32_t prev_issuer_hash; /* low bits of the DN hashes: texts only */
    uint32_t order_wanted;     /* issuer missing where the order broke */
    uint32_t nc_violations;    /* bit per name-constrained anchor (nc_slot) */
    uint32_t cn_violations;    /* the leaf's CN, counted when it has no DNS SAN */
    unsigned nc_first_depth;
    unsigned depth; /* certificates started so far */
    unsigned leaf_dns_sans;

    /* Reordering (cfg.chain_reorder_bytes): certificates held back until
     * the path wants them (br_x509.c, "certificates as the peer sends
     * them"). */
    uint8_t *reorder;      /* the session's buffer, NULL = none */
    uint32_t reorder_cap;  /* its size */
    uint32_t reorder_used; /* held entries, packed from the start */
    uint32_t hold_got;     /* bytes of the certificate being held */
    uint32_t overflow_len; /* first certificate that did not fit, 0 = none */
    unsigned arrived;      /* certificates started, in the order sent */

    uint16_t verdict_code; /* iotls_err_t; IOTLS_OK when none */
    int16_t verdict_engine_code;
    uint16_t min_rsa_bits; /* 2048, or 1024 with cfg.allow_weak_rsa */
    uint8_t policy_br;     /* first failed own check, as a BearSSL code; 0 = none */
    int8_t nc_first_slot;  /* anchor slot of nc_first, -1 = none */
    uint8_t ip_len;        /* 4 or 16 when host is an IP literal */
    /* Flags as bits: the wrapper is in every verifying session's block. */
    bool no_name_check : 1;
    bool time_applied : 1; /* this certificate's clock is set */
    bool leaf_done : 1;
    bool leaf_ip_match : 1;
    bool want_client_auth : 1; /* EKU wanted: clientAuth (server) or serverAuth */
    bool anchor_found : 1;     /* a certificate's issuer is a CA anchor */
    bool order_broken : 1;
    bool order_later : 1;         /* ... and it came later in the chain */
    bool nc_first_cn : 1;         /* nc_first describes the leaf CN */
    bool holding : 1;             /* the current one goes to the buffer */
    bool last_well_formed : 1;    /* the walk holds the last path certificate's results */
    bool leaf_issuer_in_text : 1; /* the leaf's issuer is in the error text's first half */
    unsigned mode : 2;            /* iotls_x509_mode_t */
    unsigned time_policy : 3;     /* iotls_time_policy_t */
    uint8_t ip[16];               /* the IP literal checked, when ip_len */
#if IOTLS_ERROR_TEXT
    char nc_first[48]; /* "DNS:evil.example", long names end in "..." */
#endif
} iotls_br_x509_t;

/* Bytes the block holds after the wrapper for this configuration: the
 * hashes and the error-text names (not the reorder buffer). */
size_t iotls_br_x509_extra(const iotls_config_t *cfg);

/*
 * Prepare for handshakes. `host` is the name or IP literal checked (NULL or
 * "" for a server checking client certificates): parsed here, kept by
 * pointer (the session points it at its own copy later, when it has one).
 * `extra` is iotls_br_x509_extra(cfg) bytes right after the wrapper;
 * `names` the report's storage (cfg.report_peer_identity) or NULL; `error`
 * the session's error, whose text receives the verdict. In VERIFY mode the
 * minimal context inside must already be initialised with the anchors.
 */
void iotls_br_x509_setup(iotls_br_x509_t *x, iotls_x509_mode_t mode, const iotls_config_t *cfg,
                         const char *host, int64_t now, uint8_t *extra, iotls_report_t *report,
                         iotls_br_peer_names_t *names, iotls_error_t *error);

/* Give the wrapper a buffer to put chains in order in (cfg.chain_reorder_bytes,
 * inside the session block); NULL / 0 = take chains in the order sent. */
void iotls_br_x509_set_reorder(iotls_br_x509_t *x, uint8_t *buf, size_t len);

/* Translate a BearSSL X.509 error (32..63) into the session error, using the
 * recorded verdict when it is more precise. */
void iotls_br_x509_explain(const iotls_br_x509_t *x, int br_err, iotls_error_t *out);

#endif
