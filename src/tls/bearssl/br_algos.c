/*
 * Which BearSSL algorithms a session's engine and X.509 validator get.
 *
 * The default build installs everything (BearSSL's *_init_full
 * functions). The "EC device" profile (IOTLS_EC_DEVICE, iotls/options.h)
 * installs only TLS 1.2 ECDHE-ECDSA with AES-128-GCM and
 * ChaCha20-Poly1305, SHA-256, P-256 and X25519, and ECDSA P-256 for
 * certificates: since nothing else is referenced, nothing else is linked
 * (BearSSL's full initialisers pull in RSA, 3DES, CBC, SHA-384/512 and
 * P-384/521 whatever the configured suites).
 */
#include "tls/bearssl/br_session.h"

#if IOTLS_EC_DEVICE

/* ARMv6-M has no 32x32->64 multiply: BearSSL's 15-bit code is faster there
 * (and matches a BearSSL built with BR_LOMUL). */
#ifndef IOTLS_EC_M15
#if defined(__ARM_ARCH_6M__)
#define IOTLS_EC_M15 1
#else
#define IOTLS_EC_M15 0
#endif
#endif
#if IOTLS_EC_M15
#define P256 br_ec_p256_m15
#define C25519 br_ec_c25519_m15
#define ECDSA_VRFY br_ecdsa_i15_vrfy_asn1
#define ECDSA_SIGN br_ecdsa_i15_sign_asn1
#else
#define P256 br_ec_p256_m31
#define C25519 br_ec_c25519_m31
#define ECDSA_VRFY br_ecdsa_i31_vrfy_asn1
#define ECDSA_SIGN br_ecdsa_i31_sign_asn1
#endif

/* One br_ec_impl for the two curves (BearSSL's own combined tables also
 * carry P-384 and P-521). */
static const br_ec_impl *curve_impl(int curve)
{
    return curve == BR_EC_curve25519 ? &C25519 : &P256;
}
static const unsigned char *ec_generator(int curve, size_t *len)
{
    return curve_impl(curve)->generator(curve, len);
}
static const unsigned char *ec_order(int curve, size_t *len)
{
    return curve_impl(curve)->order(curve, len);
}
static size_t ec_xoff(int curve, size_t *len)
{
    return curve_impl(curve)->xoff(curve, len);
}
static uint32_t ec_mul(unsigned char *g, size_t glen, const unsigned char *x, size_t xlen,
                       int curve)
{
    return curve_impl(curve)->mul(g, glen, x, xlen, curve);
}
static size_t ec_mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
    return curve_impl(curve)->mulgen(r, x, xlen, curve);
}
static uint32_t ec_muladd(unsigned char *a, const unsigned char *b, size_t len,
                          const unsigned char *x, size_t xlen, const unsigned char *y, size_t ylen,
                          int curve)
{
    /* Only ECDSA (P-256) adds points; X25519 never does. */
    return curve == BR_EC_secp256r1 ? P256.muladd(a, b, len, x, xlen, y, ylen, curve) : 0;
}
static const br_ec_impl ec_device = {
    (uint32_t)1 << BR_EC_secp256r1 | (uint32_t)1 << BR_EC_curve25519,
    ec_generator,
    ec_order,
    ec_xoff,
    ec_mul,
    ec_mulgen,
    ec_muladd,
};

static const uint16_t suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
};

const br_ec_impl *iotls_br_builtin_ec(void)
{
    return &ec_device;
}

static void engine_algorithms(br_ssl_engine_context *eng)
{
    br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(eng, suites, sizeof suites / sizeof suites[0]);
    br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
    br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
    br_ssl_engine_set_default_aes_gcm(eng);
    br_ssl_engine_set_default_chapol(eng);
    br_ssl_engine_set_ec(eng, &ec_device);
    br_ssl_engine_set_ecdsa(eng, &ECDSA_VRFY);
}

void iotls_br_x509_algorithms(br_x509_minimal_context *x, const iotls_trust_t *trust)
{
    br_x509_minimal_init(x, &br_sha256_vtable, trust ? trust->anchors : NULL,
                         trust ? trust->count : 0);
    br_x509_minimal_set_hash(x, br_sha256_ID, &br_sha256_vtable);
    br_x509_minimal_set_ecdsa(x, &ec_device, &ECDSA_VRFY);
}

#if IOTLS_CLIENT
static void client_key_exchange(br_ssl_client_context *cc)
{
    (void)cc; /* ECDHE only */
}
#endif

br_ecdsa_sign iotls_br_builtin_ecdsa_sign(void)
{
    return ECDSA_SIGN;
}

br_ecdsa_vrfy iotls_br_builtin_ecdsa_vrfy(void)
{
    return ECDSA_VRFY;
}

const uint16_t *iotls_br_default_suites(size_t *count)
{
    *count = sizeof suites / sizeof suites[0];
    return suites;
}

#else /* every algorithm */

const br_ec_impl *iotls_br_builtin_ec(void)
{
    return br_ec_get_default();
}

void iotls_br_x509_algorithms(br_x509_minimal_context *x, const iotls_trust_t *trust)
{
    br_x509_minimal_init_full(x, trust ? trust->anchors : NULL, trust ? trust->count : 0);
    /* init_full gives certificate checks BearSSL's generic prime-curve code
     * (br_ec_prime_i31); the default set's P-256 code (br_ec_all_m31) does
     * the same work in half the instructions, and br_ssl_client_init_full
     * made this switch too: without it a client's full handshake went from
     * 26.2 M to 38.5 M instructions (bench callgrind, ECDSA P-256 server). */
    br_x509_minimal_set_ecdsa(x, br_ec_get_default(), br_ecdsa_vrfy_asn1_get_default());
}

/* What BearSSL's br_ssl_client_init_full / br_ssl_server_init_full_* put
 * in the engine, with the symmetric code chosen once (br_symmetric.c)
 * instead of at every session start. Versions and suites are set by the
 * session set-up afterwards (TLS 1.2, the configured suites), the keys by
 * the role set-up. */
static void engine_algorithms(br_ssl_engine_context *eng)
{
    /* Every handshake message goes through each hash installed here. MD5
     * serves only TLS 1.0/1.1 (their PRF and RSA signatures), and sessions
     * are TLS 1.2 only (br_setup.c): without it a server's full handshake
     * costs 11,000 fewer instructions. The SHA-2 functions all stay: they
     * are also the hashes handshake signatures may use. */
    static const br_hash_class *const hashes[] = {
        &br_sha1_vtable, &br_sha224_vtable, &br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable,
    };
    br_ssl_engine_set_versions(eng, BR_TLS10, BR_TLS12);
    for (int id = br_sha1_ID; id <= br_sha512_ID; id++)
        br_ssl_engine_set_hash(eng, id, hashes[id - br_sha1_ID]);
    br_ssl_engine_set_prf10(eng, &br_tls10_prf);
    br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
    br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
    iotls_br_set_symmetric(eng);
    /* EC (key exchange), ECDSA and RSA verification. */
    br_ssl_engine_set_default_ecdsa(eng);
    br_ssl_engine_set_default_rsavrfy(eng);
}

#if IOTLS_CLIENT
static void client_key_exchange(br_ssl_client_context *cc)
{
    br_ssl_client_set_default_rsapub(cc); /* TLS_RSA_* suites, if configured */
}
#endif

br_ecdsa_sign iotls_br_builtin_ecdsa_sign(void)
{
    return br_ecdsa_sign_asn1_get_default();
}

br_ecdsa_vrfy iotls_br_builtin_ecdsa_vrfy(void)
{
    return br_ecdsa_vrfy_asn1_get_default();
}

/* ECDHE only (forward secrecy), AEAD first. The same list serves both
 * roles; the key type of the credentials narrows it further. */
static const uint16_t default_suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    BR_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
    BR_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
};

const uint16_t *iotls_br_default_suites(size_t *count)
{
    *count = sizeof default_suites / sizeof default_suites[0];
    return default_suites;
}

#endif

/* Both profiles: the engine's algorithm set (engine_algorithms), a
 * client's key-exchange extras, and for a client the X.509 validator. */
#if IOTLS_CLIENT
void iotls_br_client_algorithms(br_ssl_client_context *cc, br_x509_minimal_context *x,
                                const iotls_trust_t *trust)
{
    br_ssl_client_zero(cc);
    engine_algorithms(&cc->eng);
    client_key_exchange(cc);
    iotls_br_x509_algorithms(x, trust);
    br_ssl_engine_set_x509(&cc->eng, &x->vtable);
}
#endif

#if IOTLS_SERVER
void iotls_br_server_algorithms(br_ssl_server_context *sc, const iotls_creds_t *c)
{
    (void)c; /* the key is installed by iotls_br_use_server_creds */
    br_ssl_server_zero(sc);
    engine_algorithms(&sc->eng);
}
#endif
