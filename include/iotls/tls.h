/*
 * iotls/tls.h — the sans-IO TLS session.
 *
 * A session never touches a socket, a clock or a thread. The driver (the
 * net/ layer, a test, or your own MCU glue) moves bytes:
 *
 *     for (;;) {
 *         unsigned st = iotls_session_state(s);
 *         if (st & IOTLS_WANT_WRITE)  send what iotls_session_send_buf() gives,
 *                                     then iotls_session_send_ack(n);
 *         if (st & IOTLS_WANT_READ)   recv into iotls_session_recv_buf(),
 *                                     then iotls_session_recv_ack(n);
 *         if (st & IOTLS_APP_READY)   iotls_session_read();
 *         if (st & IOTLS_CLOSED)      done (see iotls_session_error()).
 *     }
 *
 * Memory contract: the whole session (engine context, certificate validator,
 * record buffers) lives in ONE caller-provided block of
 * iotls_session_size(&cfg) bytes. iotls_session_init() never allocates, and
 * neither does anything after it. The block must stay put (no memcpy) for
 * the session's lifetime; freeing it needs no call.
 *
 * Threading: a session is used by one thread at a time.
 */
#ifndef IOTLS_TLS_H
#define IOTLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/error.h"
#include "iotls/options.h"
#include "iotls/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { IOTLS_ROLE_CLIENT = 0, IOTLS_ROLE_SERVER = 1 } iotls_role_t;

/* Largest cfg.chain_reorder_bytes. */
#define IOTLS_CHAIN_REORDER_MAX 65536

/* Record payload sizes TLS can negotiate. Others round UP to one of these
 * (max_fragment_length has no 8192: 4097..16384 use 16384). */
#define IOTLS_BUFFER_MIN 512
#define IOTLS_BUFFER_MAX 16384

/* How certificate validity dates are checked (devices often lack a clock). */
typedef enum {
    IOTLS_TIME_SYSTEM = 0, /* the system clock (cfg.now is ignored) */
    IOTLS_TIME_FIXED,      /* exactly cfg.now (Unix seconds) */
    IOTLS_TIME_AT_LEAST,   /* cfg.now is a lower bound of the real time, e.g. the
                              firmware build time on a device without RTC:
                              certificates that expired before it are rejected;
                              "not yet valid" cannot be judged and passes */
    IOTLS_TIME_UNCHECKED   /* dates are not checked at all (explicit; each
                              session logs a warning) */
} iotls_time_policy_t;

/* A pinned server identity: SHA-256 of its SubjectPublicKeyInfo (survives
 * certificate renewal with the same key; what curl's --pinnedpubkey
 * sha256//... holds) or of the whole leaf certificate DER. */
typedef enum { IOTLS_PIN_SPKI_SHA256 = 0, IOTLS_PIN_CERT_SHA256 = 1 } iotls_pin_kind_t;
typedef struct {
    iotls_pin_kind_t kind;
    uint8_t sha256[32];
} iotls_pin_t;

/* Parse "sha256//BASE64" (curl) or 64 hex digits (colons allowed) into an
 * SPKI pin. Returns 0, or -1 with IOTLS_ERR_BAD_ARGUMENT. */
int iotls_pin_parse(const char *text, iotls_pin_t *pin, iotls_error_t *err);

/* Server: whether to ask clients for a certificate. */
typedef enum {
    IOTLS_CLIENT_AUTH_NONE = 0,
    IOTLS_CLIENT_AUTH_REQUEST, /* ask; a client without one is accepted */
    IOTLS_CLIENT_AUTH_REQUIRE  /* ask; a client without one is refused */
} iotls_client_auth_t;

/* Server: credentials chosen by the name a client sends in SNI. `name` is
 * a host name or "*.example.com" (one label). */
typedef struct {
    const char *name;
    const iotls_creds_t *creds;
} iotls_sni_creds_t;

/* Server: a fixed-size cache of TLS sessions so that returning clients
 * resume without public-key operations. Shared by the sessions of one
 * server; single-threaded like them. */
typedef struct iotls_session_cache iotls_session_cache_t;
/* `bytes` of session storage (about 100 bytes per cached session). */
iotls_session_cache_t *iotls_session_cache_new(size_t bytes, iotls_error_t *err);
void iotls_session_cache_free(iotls_session_cache_t *cache);

/* A saved client session: see iotls_session_save(). */
#define IOTLS_SAVED_SESSION_MAX 400

typedef struct {
    iotls_role_t role;

    /* Record payload bytes, IOTLS_BUFFER_MIN..IOTLS_BUFFER_MAX (0 = MAX).
     * A client with less than 16384 asks the server for max_fragment_length;
     * a server honours a client's request whatever its own size. */
    size_t buffer_size;

    /* One shared buffer for both directions (less RAM, cannot send while a
     * received record is unread). Default: full duplex. */
    bool half_duplex;

    /* Client: anchors the server chain must end at. Server: unused in this
     * version (client certificates arrive with the trust issue). */
    const iotls_trust_t *trust;

    /* Own certificate chain + key. Required for a server. */
    const iotls_creds_t *creds;

    /* Client only: accept ANY server certificate. Named and loud: every
     * session started this way logs a warning through `log`. */
    bool insecure;

    /* Validity checks: the policy, and the time it uses (Unix seconds). For
     * IOTLS_TIME_SYSTEM (the default) `now` is read from the system clock
     * when left 0. */
    iotls_time_policy_t time_policy;
    int64_t now;

    /* RSA keys in the peer's chain and in the trust anchors must have 2048
     * bits or more. true admits 1024..2047-bit keys (old devices); every
     * session then logs a warning. */
    bool allow_weak_rsa;

    /* Bytes of the session block set aside to put a certificate chain sent
     * out of order (leaf, root, intermediate; intermediates reversed) back
     * in order: every certificate after the leaf is held there until it is
     * the issuer wanted next. 0 (the default) takes the chain in the order
     * sent and refuses one out of order with a text that says so; a few KB
     * (the intermediates of the chains expected) accepts any order. At most
     * IOTLS_CHAIN_REORDER_MAX. */
    size_t chain_reorder_bytes;

    /* Client: pinned server keys / certificates. With `trust` as well, the
     * chain must verify AND the leaf must match a pin; without `trust`, a
     * matching pin alone authenticates the server (no chain or name
     * check: the pin IS the identity). */
    const iotls_pin_t *pins;
    size_t pin_count;

    /* Client: skip the host name check (named, loud: logs a warning each
     * session). SNI is still sent. */
    bool no_name_check;

    /* Server: client certificates, verified against `trust`. */
    iotls_client_auth_t client_auth;

    /* Server: extra credentials selected by SNI (`creds` is the default). */
    const iotls_sni_creds_t *sni_creds;
    size_t sni_creds_count;

    /* Server: session cache for resumption (NULL = none). A session
     * resumes only under the SNI name and the client_auth setting it was
     * created with, so one cache may serve several servers and virtual
     * hosts. A client offering ALPN names none of which is in `alpn` gets a
     * full handshake (works around a BearSSL 0.6 defect, docs/trust.md). */
    iotls_session_cache_t *session_cache;

    /* Client: a session saved by iotls_session_save() from an earlier
     * connection to the same server name; offered for resumption. */
    const uint8_t *resume;
    size_t resume_len;

    /* Cipher suites (IANA numbers) in preference order; NULL = iotls's
     * default: ECDHE key exchange only (forward secrecy), AES-GCM,
     * ChaCha20-Poly1305, then AES-CBC with SHA-2. */
    const uint16_t *suites;
    size_t suite_count;

    /* Offer and accept SHA-1 in handshake signatures (signature_algorithms,
     * CertificateRequest, ServerKeyExchange, CertificateVerify). Off by
     * default (RFC 9155); only for old peers that can sign nothing else.
     * Every session logs a warning. A configured *_CBC_SHA suite (HMAC-SHA1
     * records) also keeps SHA-1 in the engine and so in these lists. */
    bool allow_sha1_signatures;

    /* ALPN protocol names, in preference order ("http/1.1", "mqtt"). */
    const char *const *alpn;
    size_t alpn_count;

    /* Where warnings go (NULL = stderr). */
    void (*log)(void *log_ctx, const char *line);
    void *log_ctx;

    /* Shared record workspace (NULL = the session owns its record
     * buffers). With one, the session block holds no record buffers: its
     * engine works in the workspace's full-size buffers while it is driven,
     * and its bytes in flight are set aside in the workspace's spill pool
     * while another session uses them. See "shared record workspace"
     * below. Full duplex only (half_duplex is ignored). A server with a
     * workspace acknowledges every max_fragment_length a client asks for;
     * a client still asks for buffer_size as without one. */
    struct iotls_workspace *workspace;

    /* Largest plaintext of one outgoing application-data record (0 = as
     * negotiated; a server with a workspace and buffer_size below 16384
     * uses buffer_size). Bounds what a slow peer can leave in flight. */
    size_t record_out;

    /* Workspace only: called (from inside another session's call) when
     * this session lost its bytes in flight because the spill pool had no
     * room for them. The session is then failed with IOTLS_ERR_SPILL_FULL;
     * the callback should arrange for its driver to notice (not call into
     * sessions of the same workspace from inside it). */
    void (*spill_failed)(void *spill_ctx);
    void *spill_ctx;

    /* Who does the public-key work (ECDHE, ECDSA, RSA): NULL = BearSSL's
     * own code. See iotls/crypto.h; libiotls-hostcrypto gives OpenSSL's
     * (iotls/hostcrypto.h). Must outlive the session. */
    const struct iotls_crypto_provider *crypto;

    /* Keep the peer certificate's identity for the report: its subject,
     * issuer and SANs as text and the SHA-256 fingerprint of its DER
     * (iotls_report_t.peer_subject, peer_issuer, peer_sans, peer_sha256),
     * and put them in saved sessions. Off (the default), the session block
     * has no room for them (about 740 bytes less on 64-bit): the report
     * says what was negotiated and whether and how the peer was
     * authenticated, but not who it is. Verification and error texts are
     * the same either way. With IOTLS_REPORT_NAMES=0 (iotls/options.h) only
     * the fingerprint is kept. */
    bool report_peer_identity;
} iotls_config_t;

/* Defaults: role, 16384-byte full-duplex buffers, no trust (a client must
 * be given trust or `insecure`). */
void iotls_config_init(iotls_config_t *cfg, iotls_role_t role);

/* The effective payload size for a requested buffer size (rounded up). */
size_t iotls_buffer_effective(size_t requested);

/* Bytes the session block needs for this configuration; 0 if invalid.
 * Size with the configuration iotls_session_init() will get: what it holds
 * changes the size (a client offering a saved session in `resume` needs
 * room for the session id offered; report_peer_identity for the names), and
 * init refuses a smaller block with IOTLS_ERR_MEMORY_TOO_SMALL. */
size_t iotls_session_size(const iotls_config_t *cfg);

typedef struct iotls_session iotls_session_t;

/* ---- shared record workspace --------------------------------------------
 *
 * The sessions of one thread can share one pair of full-size record
 * buffers. A session's bytes live there only while it is driven: when
 * another session needs the buffers, the bytes still in flight (unread
 * plaintext, a partly received record, a record being sent, plaintext not
 * yet sealed) move into a bounded spill pool and are put back before the
 * owner's next call that touches them. An idle session (handshake done,
 * nothing in flight) holds nothing in the pool.
 *
 * Memory contract: the workspace is one caller block of
 * iotls_workspace_size(spill_bytes) bytes: both record buffers (about
 * 33 KiB) plus the spill pool. A session with cfg.workspace needs
 * iotls_session_size(&cfg) bytes, without record buffers. When the pool has
 * no room for a session's bytes in flight, THAT session fails with
 * IOTLS_ERR_SPILL_FULL (cfg.spill_failed tells its driver); the others are
 * untouched. Single-threaded: every session of a workspace is used by the
 * same thread. Sessions of a workspace MUST be released with
 * iotls_session_release() before their block is freed or reused, and all
 * of them before the workspace's block is.
 */
typedef struct iotls_workspace iotls_workspace_t;

#define IOTLS_WORKSPACE_SPILL_DEFAULT (64u * 1024u)

/* Bytes a workspace with a spill pool of `spill_bytes` needs (0 = default). */
size_t iotls_workspace_size(size_t spill_bytes);

/* Set up a workspace in `mem` (at least iotls_workspace_size(spill_bytes)
 * bytes). Returns NULL with IOTLS_ERR_MEMORY_TOO_SMALL / BAD_ARGUMENT. */
iotls_workspace_t *iotls_workspace_init(void *mem, size_t mem_len, size_t spill_bytes,
                                        iotls_error_t *err);

typedef struct {
    size_t buffer_bytes;          /* the two shared record buffers */
    size_t spill_capacity;        /* pool bytes */
    size_t spill_used;            /* pool bytes holding sessions' bytes now */
    size_t spill_peak;            /* most pool bytes used at once */
    unsigned long switches;       /* times the buffers changed hands */
    unsigned long spills;         /* switches that set bytes aside */
    unsigned long spill_failures; /* sessions failed with IOTLS_ERR_SPILL_FULL */
} iotls_workspace_stats_t;

void iotls_workspace_stats(const iotls_workspace_t *ws, iotls_workspace_stats_t *out);

/*
 * Start a session in `mem` (at least iotls_session_size(cfg) bytes, any
 * alignment is fixed up internally). `server_name` is, for a client, the
 * host name (sent as SNI, checked against the certificate) or IP literal
 * (checked against IP SANs, no SNI); NULL only with `insecure`. Ignored for
 * a server. Returns NULL with `err` set for bad configuration
 * (IOTLS_ERR_NO_TRUST tells how to configure trust), too small memory, or
 * no entropy (IOTLS_ERR_NO_ENTROPY).
 */
iotls_session_t *iotls_session_init(void *mem, size_t mem_len, const iotls_config_t *cfg,
                                    const char *server_name, iotls_error_t *err);

/* State bits. */
#define IOTLS_WANT_READ 0x01u    /* wants record bytes from the peer */
#define IOTLS_WANT_WRITE 0x02u   /* has record bytes to send */
#define IOTLS_APP_READY 0x04u    /* plaintext is ready for iotls_session_read */
#define IOTLS_APP_WRITABLE 0x08u /* iotls_session_write would accept bytes */
#define IOTLS_HANDSHAKE_DONE 0x10u
#define IOTLS_CLOSED                                                                               \
    0x20u /* finished: cleanly, or with an error. With
                              IOTLS_WANT_WRITE still set, a last alert telling
                              the peer why is waiting: send it (best effort),
                              then drop the transport. */

unsigned iotls_session_state(iotls_session_t *s);

/* Incoming records: where to put bytes read from the transport, then how
 * many were put there. */
uint8_t *iotls_session_recv_buf(iotls_session_t *s, size_t *len);
void iotls_session_recv_ack(iotls_session_t *s, size_t n);

/* Outgoing records: bytes to write to the transport, then how many went. */
const uint8_t *iotls_session_send_buf(iotls_session_t *s, size_t *len);
void iotls_session_send_ack(iotls_session_t *s, size_t n);

/* Copying conveniences over the two calls above. Return bytes moved. */
size_t iotls_session_feed(iotls_session_t *s, const void *data, size_t len);
size_t iotls_session_take(iotls_session_t *s, void *out, size_t cap);

/* The transport reached end of stream. Without a prior close_notify this
 * is IOTLS_ERR_TRUNCATED (or IOTLS_ERR_PEER_CLOSED_HANDSHAKE). */
void iotls_session_feed_eof(iotls_session_t *s);

/* Application data. write() accepts what fits in the current record and
 * returns that count (0 when not writable); records are sealed when full or
 * on flush(). read() returns plaintext bytes copied. */
size_t iotls_session_write(iotls_session_t *s, const void *data, size_t len);
void iotls_session_flush(iotls_session_t *s);
size_t iotls_session_read(iotls_session_t *s, void *out, size_t cap);

/* Graceful close: queue close_notify. IOTLS_CLOSED follows once the peer's
 * close_notify arrives (or the driver gives up and drops the transport). */
void iotls_session_close(iotls_session_t *s);

/* Give back what the session holds in its workspace (spilled bytes, the
 * buffers). Required before freeing a session that has cfg.workspace; a
 * no-op for others. The session must not be used afterwards. */
void iotls_session_release(iotls_session_t *s);

/* Bytes this session holds in its workspace's spill pool right now. */
size_t iotls_session_spilled(const iotls_session_t *s);

/*
 * After the handshake (IOTLS_HANDSHAKE_DONE) the certificate validator's
 * memory, the TAIL of the session block, is dead: iotls refuses
 * renegotiation, so no second handshake can use it. This call hands it to
 * the caller for the rest of the session (and after): returns its start
 * (max_align_t aligned) and its length, or NULL and 0 before the handshake
 * is done, after a failure, for sessions without a validator (servers not
 * asking for client certificates) or when it was already handed out. The
 * report stays valid (it does not live there). On 32-bit Cortex-M a client
 * gets about 4 KB back (docs/porting.md).
 */
void *iotls_session_spare(iotls_session_t *s, size_t *len);

/* Fail the session from outside (e.g. a timeout seen by the driver). */
void iotls_session_fail(iotls_session_t *s, const iotls_error_t *err);

/* The sticky error (code IOTLS_OK while none). */
const iotls_error_t *iotls_session_error(const iotls_session_t *s);

/* ---- what was negotiated ------------------------------------------------ */

/* Room the report's peer names take in the session block when
 * cfg.report_peer_identity asks for them; IOTLS_REPORT_NAMES=0
 * (iotls/options.h) never keeps them. */
#if IOTLS_REPORT_NAMES
#define IOTLS_REPORT_NAME_MAX 256
#define IOTLS_REPORT_SANS_MAX 192
#else
#define IOTLS_REPORT_NAME_MAX 1
#define IOTLS_REPORT_SANS_MAX 1
#endif

/* The report points into the session block (every text is kept once,
 * where it was rendered): it is valid as long as the session's block is,
 * and a copy of the struct is too. Texts are never NULL ("" when unknown
 * or not kept). */
typedef struct {
    iotls_role_t role;
    unsigned version; /* 0x0303 for TLS 1.2 */
    const char *version_name;
    const char *cipher_suite_name; /* IANA name */
    uint16_t cipher_suite;
    bool mfl_ignored; /* client: the ServerHello arrived without
                              acknowledging our request (set before the
                              handshake ends, so a driver can retry early) */
    bool peer_cert_present;
    bool verified;                /* the peer was authenticated (see auth) */
    bool insecure;                /* verification was switched off */
    bool resumed;                 /* abbreviated handshake (no public-key ops) */
    bool peer_from_saved_session; /* client, resumed: peer_subject and
                      peer_sha256 are those the saved session
                      recorded (no certificate is sent on resume) */
    unsigned mfl_requested;       /* bytes the client asked for; 0 = not asked */
    unsigned mfl_agreed;          /* bytes the server acknowledged; 0 = not agreed */
    size_t buffer_payload;        /* our record payload capacity */
    size_t memory_bytes;          /* the session block (iotls_session_size) */
    const char *server_name;      /* client: the host name or IP literal connected
                                to; server: the SNI received */
    /* cfg.report_peer_identity only ("" / NULL without it): */
    const char *peer_subject;   /* RFC 4514-like, in certificate order:
                                   "O=Acme, CN=dev-1" */
    const uint8_t *peer_sha256; /* SHA-256 of the peer's leaf certificate DER
                                   (32 bytes), NULL when not kept */
    const char *peer_issuer;
    const char *peer_sans;  /* "DNS:a.example, IP:10.0.0.5, email:..." */
    const char *auth;       /* how: "chain + host name", "chain", "pin",
                      "chain + pin", "insecure", "none" */
    const char *time_check; /* "system clock", "fixed time", "lower bound
                      (expiry only)", "off" */
    const char *alpn;       /* protocol selected by ALPN, "" if none */
    const char *crypto;     /* who did the public-key work: cfg.crypto's
                       name, or IOTLS_CRYPTO_BUILTIN_NAME */
} iotls_report_t;

/*
 * Client, after the handshake: write the session (id, version, suite,
 * master secret, server name) as bytes a device can keep across a reboot
 * or deep sleep, to pass later as cfg.resume. Returns the length (at most
 * IOTLS_SAVED_SESSION_MAX) or 0 when there is nothing to save.
 * THE BYTES CONTAIN THE SESSION'S MASTER SECRET: whoever reads them can
 * decrypt that session's traffic. Store them like a private key.
 */
size_t iotls_session_save(const iotls_session_t *s, uint8_t *out, size_t cap);

/* Valid once IOTLS_HANDSHAKE_DONE is set (fields fill in as they become
 * known before that). */
const iotls_report_t *iotls_session_report(const iotls_session_t *s);

/* Multi-line human report into buf (always NUL-terminated). Returns the
 * length it wanted, like snprintf. `prefix` starts each line (may be ""). */
size_t iotls_report_format(const iotls_report_t *r, const char *prefix, char *buf, size_t len);

/* A report that outlives its session: the texts copied into `report`'s own
 * storage (a plain struct copy of iotls_report_t still points into the
 * session block). */
typedef struct {
    iotls_report_t report; /* its texts point into this struct */
    char server_name[256];
    char peer_subject[IOTLS_REPORT_NAME_MAX];
    char peer_issuer[IOTLS_REPORT_NAME_MAX];
    char peer_sans[IOTLS_REPORT_SANS_MAX];
    char alpn[256];
    uint8_t peer_sha256[32];
} iotls_report_copy_t;

void iotls_report_copy(iotls_report_copy_t *dst, const iotls_report_t *src);

/* Hex of a SHA-256 fingerprint, "AB:CD:..." (96 bytes incl. NUL). */
void iotls_fingerprint_hex(const uint8_t sha256[32], char out[96]);

#ifdef __cplusplus
}
#endif
#endif
