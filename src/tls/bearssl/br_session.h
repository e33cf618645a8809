/*
 * Private to the BearSSL binding: the session object and the functions its
 * files share. The caller's block holds
 *
 *   [struct iotls_session][iotls_br_x509_t (if any)][input buf][output buf]
 *
 * and everything a handshake touches is inside it: no allocation.
 *   br_config.c    sizes, defaults, configuration checks
 *   br_setup.c     iotls_session_init: client / server set-up on the engine
 *   br_saved.c     saved sessions (export / import for resumption)
 *   br_resume_guard.c  server: which sessions may resume (BearSSL defect)
 *   br_sigalgs.c   hash functions handshake signatures may use (no SHA-1)
 *   br_peer_hello.c  failures explained from the peer's hello and messages
 *   br_client_auth.c  server, REQUEST: a rejected client chain is no identity
 *   br_handshake.c what the handshake produced: reports and error texts
 *   br_session.c   the state word and the byte flows
 *   br_workspace.c the shared record workspace: buffers changing hands
 *   br_crypto.c    the crypto provider (cfg.crypto) in engine and validator
 *   br_symmetric.c BearSSL's symmetric code, chosen once per process
 *
 * With a shared workspace the block holds no record buffers: the engine's
 * buffers are the workspace's (the same addresses for every session of
 * it), so handing them over is copying the bytes in flight out and back,
 * never telling the engine anything.
 */
#ifndef IOTLS_BR_SESSION_H
#define IOTLS_BR_SESSION_H

#include <stdalign.h>
#include <stdbool.h>

#include "iotls/tls.h"
#include "tls/bearssl/br_internal.h"
#include "tls/bearssl/br_x509.h"
#include "tls/hello_sniff.h"
#include "tls/record_track.h"
#include "tls/spill_pool.h"

/* Bytes BearSSL needs around one record payload (header, IV, MAC, padding)
 * in each direction: BR_SSL_BUFSIZE_INPUT/OUTPUT minus 16384. */
#define INPUT_OVERHEAD (BR_SSL_BUFSIZE_INPUT - 16384)
#define OUTPUT_OVERHEAD (BR_SSL_BUFSIZE_OUTPUT - 16384)
#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))
/* The parts before the tail (the session, the peer names, the role's part,
 * the engine context, the record buffers or workspace part) are laid out
 * at the alignment what they hold needs (br_config.c checks it): 8 bytes
 * on 64-bit and 32-bit targets, where max_align_t may ask 16. The tail
 * (the X.509 part iotls_session_spare hands out) starts ALIGN_UP aligned. */
#define PART_ALIGN (alignof(uint64_t) > alignof(void *) ? alignof(uint64_t) : alignof(void *))
#define PART_UP(n) (((n) + PART_ALIGN - 1) & ~(PART_ALIGN - 1))

/* A region of a record buffer, set aside in the spill pool. */
typedef struct {
    uint32_t head; /* IOTLS_SPILL_NONE = nothing */
    uint32_t off;
    uint32_t len;
} iotls_br_spill_t;

/* Server, client_auth REQUEST: the X.509 class the engine sees, around
 * the session's validator; remembers the chain's verdict
 * (br_client_auth.c). */
typedef struct {
    const br_x509_class *vtable; /* first: BearSSL passes &vtable */
    iotls_br_x509_t *inner;
    unsigned result; /* end_chain's BearSSL code, 0 = accepted */
    bool ended;
} iotls_br_client_auth_t;

/* What every session reads of its configuration after iotls_session_init
 * (the caller's iotls_config_t need not outlive init; the X.509 wrapper
 * and the server state keep their own few fields). */
typedef struct {
    uint8_t role;        /* iotls_role_t */
    uint8_t client_auth; /* iotls_client_auth_t */
    bool insecure;
    bool have_creds; /* client: a certificate to send when asked */
} iotls_br_kept_config_t;

/* A session's part of a shared workspace: in the block where its record
 * buffers would be (it has none there), so that sessions with their own
 * buffers do not pay for it (br_workspace.c). */
typedef struct {
    void (*spill_failed)(void *spill_ctx); /* the configuration's */
    void *spill_ctx;
    iotls_br_spill_t spill_in, spill_out; /* bytes set aside while not the owner */
    uint32_t in_hiwater;                  /* input bytes of the current record written so far */
} iotls_br_ws_part_t;

/* What only a server keeps, in the block after the session (br_setup.c):
 * a client does not pay for it. */
typedef struct {
    /* Its cache as the engine sees it (br_resume_guard.c); the guard
     * finds the session through `session`. */
    const br_ssl_session_cache_class *cache_guard;
    iotls_session_t *session;
    iotls_br_client_auth_t client_auth; /* under REQUEST */
    /* From the configuration (names as in iotls_config_t). */
    const iotls_creds_t *creds; /* the default credentials */
    const struct iotls_crypto_provider *crypto;
    const iotls_sni_creds_t *sni_creds;
    iotls_session_cache_t *session_cache;
    const char *const *alpn;
    void (*log)(void *log_ctx, const char *line);
    void *log_ctx;
    uint32_t sni_creds_count;
    uint32_t alpn_count;
    bool creds_chosen; /* credentials picked from the ClientHello's SNI */
    /* The ClientHello's SNI and session id (the sniffer writes them). */
    char sni[IOTLS_HELLO_SNI_MAX];
    uint8_t session_id[IOTLS_HELLO_SESSION_ID_MAX];
} iotls_br_server_t;

/* A client's part of the block: the text of an IP literal connected to (a
 * client connected to a host name keeps none: BearSSL's engine holds that
 * name, the SNI it sends, and everything points at it), then, with
 * cfg.resume, the session id offered. */
#define IOTLS_BR_IP_TEXT_MAX 48
#define IOTLS_BR_CLIENT_PART(cfg) (IOTLS_BR_IP_TEXT_MAX + ((cfg)->resume_len ? 32 : 0))

struct iotls_session {
    /* Pointers first, then the parts, then the 32-bit and 8-bit fields:
     * no padding between members (the struct is in every block). */
    /* The engine context, in the block right after this struct and sized by
     * role (iotls_br_context_size). */
    union {
        br_ssl_client_context *client;
        br_ssl_server_context *server;
    } ctx;
    br_ssl_engine_context *eng;
    iotls_br_x509_t *x509; /* client; server asking for client certificates */
#if IOTLS_SERVER
    iotls_br_server_t *srv; /* server only, else NULL */
#endif
    /* Shared workspace (NULL: the buffers are in the block). */
    iotls_workspace_t *ws;
    const uint8_t *out_end; /* where the plaintext of out_fill ends */
    iotls_record_track_t track;
    iotls_hello_sniff_t sniff; /* the peer's hello: MFL answer, SNI */
    iotls_report_t report;
    iotls_error_t error;
    iotls_br_kept_config_t cfg;
    /* Plaintext written into the record being filled, not yet sealed: with
     * out_end, which output bytes are live. */
    uint32_t out_fill;
    uint32_t record_out; /* limit of outgoing app records (0 = none) */
    uint32_t payload;    /* record payload bytes (at most 16384) */
    uint32_t tail_len;   /* the X.509 part at the block's end (spare) */
    /* Client: the session id offered for resumption, in the client's part
     * of the block (iotls_br_offered_id; resumed = the server answered
     * with it). */
    uint8_t offered_id_len;
    /* One byte for the flags (a client-only block's struct ends on
     * a 16-byte boundary with it). */
    bool offered_resume : 1;
    bool handshake_done : 1;
    bool closed : 1;    /* final state reached and error (if any) recorded */
    bool failed : 1;    /* stopped from outside the engine (EOF, not TLS, timeout) */
    bool has_names : 1; /* cfg.report_peer_identity: iotls_br_names */
    /* A fatal alert iotls sends itself where BearSSL sends none (a rejected
     * certificate), so the peer learns why: one cleartext alert record. */
    uint8_t final_alert_len;
    uint8_t final_alert[7];
};

/* The peer's names for the report (cfg.report_peer_identity), in the
 * block right after the session; NULL without them. */
static inline iotls_br_peer_names_t *iotls_br_names(const iotls_session_t *s)
{
    return s->has_names ? (iotls_br_peer_names_t *)(void *)((uint8_t *)s + PART_UP(sizeof *s))
                        : NULL;
}

struct iotls_workspace {
    uint8_t *ibuf, *obuf; /* BR_SSL_BUFSIZE_INPUT / OUTPUT bytes */
    iotls_session_t *owner;
    iotls_spill_pool_t pool;
    unsigned long switches, spills, failures;
};

/* br_algos.c: the algorithms installed (all, or the EC device profile's);
 * the built-in public-key code a provider's NULL members leave in place. */
const br_ec_impl *iotls_br_builtin_ec(void);
br_ecdsa_sign iotls_br_builtin_ecdsa_sign(void);
br_ecdsa_vrfy iotls_br_builtin_ecdsa_vrfy(void);
const uint16_t *iotls_br_default_suites(size_t *count);
void iotls_br_x509_algorithms(br_x509_minimal_context *x, const iotls_trust_t *trust);
void iotls_br_client_algorithms(br_ssl_client_context *cc, br_x509_minimal_context *x,
                                const iotls_trust_t *trust);
void iotls_br_server_algorithms(br_ssl_server_context *sc, const iotls_creds_t *c);
/* br_symmetric.c: BearSSL's default symmetric code, chosen once. */
void iotls_br_set_symmetric(br_ssl_engine_context *eng);

/* br_crypto.c: the public-key code a session uses, the provider's
 * (cfg.crypto, iotls/crypto.h) members where it has them, else the
 * built-in ones. */
const br_ec_impl *iotls_br_crypto_ec(const struct iotls_crypto_provider *p);
br_ecdsa_sign iotls_br_crypto_ecdsa_sign(const struct iotls_crypto_provider *p);
#if !IOTLS_EC_DEVICE
br_rsa_pkcs1_sign iotls_br_crypto_rsa_sign(const struct iotls_crypto_provider *p);
br_rsa_private iotls_br_crypto_rsa_private(const struct iotls_crypto_provider *p);
#endif
/* Puts the provider's EC, ECDSA and RSA verification code into the
 * session's engine and X.509 validator, over what the role set-up
 * installed; names it in the report. */
void iotls_br_crypto_install(iotls_session_t *s, const struct iotls_crypto_provider *p);

/* br_config.c */
size_t iotls_br_context_size(iotls_role_t role);
/* Bytes of the block before the engine context: the session, the peer
 * names (cfg.report_peer_identity) and the role's part (a server's state,
 * a client's IP text). */
size_t iotls_br_head_size(const iotls_config_t *cfg);
/* Bytes of the block's tail from the X.509 wrapper on (0 without one). */
size_t iotls_br_tail_size(const iotls_config_t *cfg);
bool iotls_br_needs_x509(const iotls_config_t *cfg);
size_t iotls_br_input_len(size_t payload);
size_t iotls_br_output_len(const iotls_config_t *cfg, size_t payload);
int iotls_br_check_config(const iotls_config_t *cfg, const char *server_name, size_t mem_len,
                          iotls_error_t *err);
/* The session's own copy of the configuration gets the time it checks
 * certificates against: the port's clock for IOTLS_TIME_SYSTEM, or, on a
 * clockless port, its lower bound with the policy turned into AT_LEAST.
 * *check_name says which, for the report. -1 when there is no time at all. */
int iotls_br_resolve_time(iotls_config_t *cfg, const char **check_name, iotls_error_t *err);
const char *iotls_br_time_check_name(iotls_time_policy_t p);
/* A warning line to `log` (the configuration's), or the port's log. */
void iotls_br_log(void (*log)(void *log_ctx, const char *line), void *log_ctx, const char *line);

/* br_saved.c: 1 = offer it, 0 = another server's session, -1 = corrupt. */
int iotls_br_saved_parse(const uint8_t *in, size_t len, const char *host,
                         br_ssl_session_parameters *p, iotls_session_t *s);

/* br_resume_guard.c: the server's session cache goes through the guard.
 * Call after the sniffer is initialised. */
void iotls_br_resume_guard_attach(iotls_session_t *s);
/* NULL when the ClientHello may resume, else why not. */
const char *iotls_br_resume_refusal(const iotls_session_t *s);

/* br_client_auth.c: under REQUEST, the engine sees the validator through
 * a guard; a chain it rejected (BearSSL then goes on without client
 * authentication) is reported as rejected, its identity dropped. */
void iotls_br_client_auth_attach(iotls_session_t *s);
void iotls_br_client_auth_report(iotls_session_t *s);

/* br_sigalgs.c: whether SHA-1 stays usable for handshake signatures
 * (allowed explicitly, or needed by a configured HMAC-SHA1 suite), and
 * the engine set-up that takes it out otherwise. */
bool iotls_br_sha1_signatures(const iotls_config_t *cfg);
void iotls_br_limit_signature_hashes(iotls_session_t *s, const iotls_config_t *cfg);

/* br_peer_hello.c: failures explained from the peer's cleartext.
 * Server: a client without TLS 1.2 gets its own sentence (true when set). */
bool iotls_br_explain_hello_mismatch(iotls_session_t *s);
/* Why we sent `alert`, from what the client offered. */
const char *iotls_br_alert_sent_reason(const iotls_session_t *s, int alert);
/* " in its ServerHello message" / " in one of its A, B messages" / "" */
void iotls_br_peer_message_names(const iotls_session_t *s, char *out, size_t cap);

/* br_setup.c: the 32 bytes of a client's part of the block that hold the
 * session id offered (with cfg.resume only). */
uint8_t *iotls_br_offered_id(iotls_session_t *s);
/* br_setup.c: server credentials (default, or chosen by SNI). */
void iotls_br_use_server_creds(iotls_session_t *s, const iotls_creds_t *c);

/* br_workspace.c: `s` joins `cfg->workspace` (its part of the block set
 * up, `s` the owner of the buffers). */
void iotls_br_ws_attach(iotls_session_t *s, const iotls_config_t *cfg);
/* Input bytes just written at buf (workspace: how far into the input
 * buffer the current record reaches; a no-op without one). */
void iotls_br_ws_note_input(iotls_session_t *s, const uint8_t *buf, size_t n);
/* br_workspace.c: make `s` the owner of its workspace's buffers (a no-op
 * without one, or for a failed session). Every call that lets the engine
 * touch record bytes goes through it first. */
void iotls_br_ws_acquire(iotls_session_t *s);
/* br_session.c: stop moving bytes (the error is already recorded). */
void iotls_br_stop(iotls_session_t *s);
/* Plaintext in the record being filled (0 when none or already sealed). */
size_t iotls_br_out_pending(iotls_session_t *s);

/* br_handshake.c */
void iotls_br_fill_report(iotls_session_t *s);
void iotls_br_note_hello(iotls_session_t *s);
void iotls_br_explain_engine_error(iotls_session_t *s, int br_err);

#endif
