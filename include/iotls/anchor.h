/*
 * iotls/anchor.h — a trust anchor in compact form, as `iotls cert header`
 * emits it for firmware that cannot (or should not) parse certificates at
 * run time: the subject name and the public key, nothing else.
 *
 *     #include "ca_anchor.h"   // generated: static const iotls_anchor_t ca_anchors[]
 *
 * All pointers refer to static const arrays in the generated file.
 * The layout mirrors what X.509 path validation needs from an anchor
 * (BearSSL's br_x509_trust_anchor holds the same fields).
 */
#ifndef IOTLS_ANCHOR_H
#define IOTLS_ANCHOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* key_type */
#define IOTLS_ANCHOR_KEY_RSA 1
#define IOTLS_ANCHOR_KEY_EC 2

/* flags: the anchor is a CA (may sign other certificates). Without it the
 * anchor is a directly trusted end-entity key (pinning). */
#define IOTLS_ANCHOR_CA 0x0001u

/* curve ids for EC keys: the TLS NamedCurve numbers (RFC 8422). */
#define IOTLS_CURVE_P256 23
#define IOTLS_CURVE_P384 24
#define IOTLS_CURVE_P521 25

typedef struct {
    const uint8_t *dn; /* DER of the subject Name (the SEQUENCE) */
    size_t dn_len;
    unsigned flags; /* IOTLS_ANCHOR_CA */
    int key_type;   /* IOTLS_ANCHOR_KEY_RSA or IOTLS_ANCHOR_KEY_EC */
    /* RSA: big-endian modulus and public exponent, no leading zeros. */
    const uint8_t *n;
    size_t n_len;
    const uint8_t *e;
    size_t e_len;
    /* EC: curve id and the uncompressed point (0x04 || X || Y). */
    int curve;
    const uint8_t *q;
    size_t q_len;
} iotls_anchor_t;

#ifdef __cplusplus
}
#endif
#endif
