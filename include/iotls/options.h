/*
 * iotls/options.h — compile-time profiles (lwIP-style: define before
 * including, or pass -D to the compiler; the library and the application
 * must be built with the same values). Defaults give the full host
 * library.
 *
 *   profile            flags
 *   both (default)     -
 *   client only        -DIOTLS_SERVER=0
 *   server only        -DIOTLS_CLIENT=0
 *   EC device          -DIOTLS_EC_DEVICE=1 (with either of the above)
 *   terse errors       -DIOTLS_ERROR_TEXT=0
 *   no report names    -DIOTLS_REPORT_NAMES=0
 *   chain checks only  -DIOTLS_NO_CHAIN_MODES=0
 *
 * docs/porting.md has the sizes each one gives on Cortex-M.
 */
#ifndef IOTLS_OPTIONS_H
#define IOTLS_OPTIONS_H

/* Sessions can be clients. 0: iotls_session_init refuses IOTLS_ROLE_CLIENT
 * (IOTLS_ERR_CONFIG) and no client code or client context is linked. */
#ifndef IOTLS_CLIENT
#define IOTLS_CLIENT 1
#endif

/* Sessions can be servers (the same, for IOTLS_ROLE_SERVER). */
#ifndef IOTLS_SERVER
#define IOTLS_SERVER 1
#endif

/* The "EC device" profile: TLS 1.2 ECDHE-ECDSA with AES-128-GCM or
 * ChaCha20-Poly1305, SHA-256, curves P-256 and X25519, and ECDSA P-256
 * certificates; only those BearSSL parts are linked. Peers and chains that
 * need anything else (RSA, SHA-384, P-384, CBC) fail the handshake with the
 * usual errors. 0: every algorithm BearSSL has (the host default). */
#ifndef IOTLS_EC_DEVICE
#define IOTLS_EC_DEVICE 0
#endif

/* Error sentences. 0 keeps every error code (iotls_error_t.code, the
 * class, engine_code, alert) and leaves iotls_error_t.text empty, so that
 * none of the texts is linked. */
#ifndef IOTLS_ERROR_TEXT
#define IOTLS_ERROR_TEXT 1
#endif

/* The peer certificate's subject, issuer and SANs as text in the report
 * (iotls_report_t), for sessions that ask for them
 * (cfg.report_peer_identity). 0: the report keeps them empty whatever the
 * configuration (only the fingerprint is kept); verification is unchanged
 * (it works on the certificate bytes), only what is shown afterwards. */
#ifndef IOTLS_REPORT_NAMES
#define IOTLS_REPORT_NAMES 1
#endif

/* The client modes that check no certificate chain: pin-only (pins and no
 * trust anchors) and insecure (cfg.insecure). 0: a client always verifies
 * the server's chain to a trust anchor (pins beside anchors still work);
 * configurations asking for either mode are refused at init with
 * IOTLS_ERR_CONFIG, and the BearSSL X.509 decoder those modes read the
 * leaf's key with is not linked (unless client credentials need it). */
#ifndef IOTLS_NO_CHAIN_MODES
#define IOTLS_NO_CHAIN_MODES 1
#endif

#if !IOTLS_CLIENT && !IOTLS_SERVER
#error "iotls: IOTLS_CLIENT and IOTLS_SERVER cannot both be 0"
#endif

#endif
