/* The sans-IO session on BearSSL's engine. Layout of the caller's block:
 *
 *   [struct iotls_session][iotls_br_x509_t (client only)][input buf][output buf]
 *
 * Everything a handshake touches is inside that block: no allocation. */
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "iotls/tls.h"
#include "tls/bearssl/br_errors.h"
#include "tls/bearssl/br_internal.h"
#include "tls/bearssl/br_x509.h"
#include "tls/entropy.h"
#include "tls/hello_sniff.h"
#include "tls/record_track.h"
#include "tls/suites.h"

/* Bytes BearSSL needs around one record payload (header, IV, MAC, padding)
 * in each direction: BR_SSL_BUFSIZE_INPUT/OUTPUT minus 16384. */
#define INPUT_OVERHEAD (BR_SSL_BUFSIZE_INPUT - 16384)
#define OUTPUT_OVERHEAD (BR_SSL_BUFSIZE_OUTPUT - 16384)
#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

struct iotls_session {
    union {
        br_ssl_client_context client;
        br_ssl_server_context server;
    } ctx;
    br_ssl_engine_context *eng;
    iotls_br_x509_t *x509; /* client; server asking for client certificates */
    iotls_config_t cfg;
    br_ssl_session_parameters offered; /* client: session offered for resumption */
    bool offered_resume;
    bool creds_chosen; /* server: credentials picked from the ClientHello's SNI */
    iotls_record_track_t track;
    iotls_hello_sniff_t sniff; /* the peer's hello: MFL answer, SNI */
    iotls_report_t report;
    iotls_error_t error;
    size_t payload;
    bool handshake_done;
    bool closed; /* final state reached and error (if any) recorded */
    bool failed; /* stopped from outside the engine (EOF, not TLS, timeout) */
};

size_t iotls_buffer_effective(size_t requested)
{
    if (requested == 0 || requested > 4096)
        return IOTLS_BUFFER_MAX;
    size_t p = IOTLS_BUFFER_MIN;
    while (p < requested)
        p *= 2;
    return p;
}

static bool config_valid(const iotls_config_t *cfg)
{
    return cfg && (cfg->role == IOTLS_ROLE_CLIENT || cfg->role == IOTLS_ROLE_SERVER) &&
           (cfg->buffer_size == 0 || (cfg->buffer_size >= IOTLS_BUFFER_MIN &&
                                      cfg->buffer_size <= IOTLS_BUFFER_MAX));
}

/* Clients check server certificates; servers only when they ask for
 * client certificates. */
static bool needs_x509(const iotls_config_t *cfg)
{
    return cfg->role == IOTLS_ROLE_CLIENT || cfg->client_auth != IOTLS_CLIENT_AUTH_NONE;
}

static size_t input_len(size_t payload)
{
    return payload + INPUT_OVERHEAD;
}

static size_t output_len(const iotls_config_t *cfg, size_t payload)
{
    return cfg->half_duplex ? 0 : payload + OUTPUT_OVERHEAD;
}

size_t iotls_session_size(const iotls_config_t *cfg)
{
    if (!config_valid(cfg))
        return 0;
    size_t payload = iotls_buffer_effective(cfg->buffer_size);
    size_t n = ALIGN_UP(sizeof(struct iotls_session));
    if (needs_x509(cfg))
        n += ALIGN_UP(sizeof(iotls_br_x509_t));
    n += input_len(payload) + output_len(cfg, payload);
    /* Slack to align a caller block that is not max_align_t aligned. */
    return n + alignof(max_align_t);
}

void iotls_config_init(iotls_config_t *cfg, iotls_role_t role)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->role = role;
    cfg->buffer_size = IOTLS_BUFFER_MAX;
}

static void log_line(const iotls_config_t *cfg, const char *line)
{
    if (cfg->log)
        cfg->log(cfg->log_ctx, line);
    else
        fprintf(stderr, "%s\n", line);
}

static int64_t validation_time(const iotls_config_t *cfg)
{
    /* The documented "system clock" policy; the only clock read here. */
    if (cfg->time_policy == IOTLS_TIME_SYSTEM && cfg->now == 0)
        return (int64_t)time(NULL);
    return cfg->now;
}

static const char *time_check_name(iotls_time_policy_t p)
{
    switch (p) {
    case IOTLS_TIME_SYSTEM: return "system clock";
    case IOTLS_TIME_FIXED: return "fixed time";
    case IOTLS_TIME_AT_LEAST: return "lower bound (expiry only)";
    case IOTLS_TIME_UNCHECKED: return "off";
    }
    return "unknown";
}

static int check_config(const iotls_config_t *cfg, const char *server_name, size_t mem_len,
                        iotls_error_t *err)
{
    if (!config_valid(cfg))
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "invalid session configuration: buffer_size must be 0 or "
                               "%d..%d bytes",
                               IOTLS_BUFFER_MIN, IOTLS_BUFFER_MAX),
               -1;
    if (mem_len < iotls_session_size(cfg))
        return iotls_error_set(err, IOTLS_ERR_MEMORY_TOO_SMALL,
                               "session memory is %zu bytes; this configuration needs %zu "
                               "(iotls_session_size)",
                               mem_len, iotls_session_size(cfg)),
               -1;
    if ((cfg->time_policy == IOTLS_TIME_FIXED || cfg->time_policy == IOTLS_TIME_AT_LEAST) &&
        cfg->now <= 0)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "time policy '%s' needs cfg.now (Unix seconds)",
                               time_check_name(cfg->time_policy)),
               -1;
    for (size_t i = 0; i < cfg->alpn_count; i++)
        if (!cfg->alpn || !cfg->alpn[i] || !cfg->alpn[i][0] || strlen(cfg->alpn[i]) > 255)
            return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                                   "ALPN protocol name %zu is empty or longer than 255 bytes",
                                   i + 1),
                   -1;
    if (cfg->role == IOTLS_ROLE_SERVER) {
        if (!cfg->creds || !cfg->creds->key_type)
            return iotls_error_set(err, IOTLS_ERR_NO_CREDENTIALS,
                                   "a server needs a certificate chain and private key "
                                   "(iotls_creds_load_files, or --cert/--key)"),
                   -1;
        for (size_t i = 0; i < cfg->sni_creds_count; i++)
            if (!cfg->sni_creds[i].name || !cfg->sni_creds[i].creds ||
                !cfg->sni_creds[i].creds->key_type)
                return iotls_error_set(err, IOTLS_ERR_NO_CREDENTIALS,
                                       "SNI credentials entry %zu has no name or no "
                                       "certificate and key",
                                       i + 1),
                       -1;
        if (cfg->client_auth != IOTLS_CLIENT_AUTH_NONE &&
            (!cfg->trust || cfg->trust->count == 0))
            return iotls_error_set(err, IOTLS_ERR_NO_TRUST,
                                   "asking for client certificates needs the CAs that issue "
                                   "them (cfg.trust, or --client-ca FILE)"),
                   -1;
        return 0;
    }
    if (cfg->insecure)
        return 0;
    if ((!cfg->trust || cfg->trust->count == 0) && cfg->pin_count == 0)
        return iotls_error_set(err, IOTLS_ERR_NO_TRUST,
                               "no trust anchors configured: load the CA that issued the "
                               "server's certificate (iotls_trust_load_file, or --ca FILE), "
                               "or pin its key (--pin); use insecure mode only for testing"),
               -1;
    if ((!server_name || !*server_name) && !cfg->no_name_check)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "a verifying client needs the server's host name or IP "
                               "address to check the certificate against"),
               -1;
    if (server_name && strlen(server_name) >= sizeof(((iotls_report_t *)0)->server_name))
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "server name longer than 255 bytes"),
               -1;
    return 0;
}

/* ECDHE only (forward secrecy), AEAD first. The same list serves both
 * roles; the key type of the credentials narrows it further. */
static const uint16_t default_suites[] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,       BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,       BR_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,       BR_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
};

static void set_suites_and_alpn(iotls_session_t *s)
{
    const iotls_config_t *cfg = &s->cfg;
    if (cfg->suites && cfg->suite_count)
        br_ssl_engine_set_suites(s->eng, cfg->suites, cfg->suite_count);
    else
        br_ssl_engine_set_suites(s->eng, default_suites,
                                 sizeof default_suites / sizeof default_suites[0]);
    /* BearSSL does not modify the names; its prototype predates const. */
    if (cfg->alpn_count)
        br_ssl_engine_set_protocol_names(s->eng, (const char **)(uintptr_t)cfg->alpn,
                                         cfg->alpn_count);
}

static void warn(const iotls_config_t *cfg, const char *what, const char *host)
{
    char line[400];
    snprintf(line, sizeof line, "iotls: WARNING: %s for '%s'", what, host ? host : "(no name)");
    log_line(cfg, line);
}

/* Named weaker policies are loud: one line per session. */
static void warn_weaker_policies(const iotls_config_t *cfg, const char *host)
{
    if (cfg->role == IOTLS_ROLE_CLIENT && cfg->insecure)
        warn(cfg, "certificate verification is OFF (insecure mode): the peer is not "
                  "authenticated",
             host);
    if (cfg->role == IOTLS_ROLE_CLIENT && !cfg->insecure && cfg->no_name_check)
        warn(cfg, "host name check is OFF: any certificate from a trusted CA is accepted", host);
    if (cfg->time_policy == IOTLS_TIME_UNCHECKED && !cfg->insecure)
        warn(cfg, "certificate validity dates are NOT checked (time policy 'unchecked')", host);
}

/* ---- saved sessions ----------------------------------------------------- */

#define SAVED_MAGIC "IOTLSSN1"
#define SAVED_CHECK 8 /* truncated SHA-256 over everything before it */

static void saved_check(const uint8_t *data, size_t len, uint8_t out[SAVED_CHECK])
{
    br_sha256_context h;
    uint8_t full[32];
    br_sha256_init(&h);
    br_sha256_update(&h, data, len);
    br_sha256_out(&h, full);
    memcpy(out, full, SAVED_CHECK);
}

size_t iotls_session_save(const iotls_session_t *s, uint8_t *out, size_t cap)
{
    if (!s->handshake_done || s->cfg.role != IOTLS_ROLE_CLIENT)
        return 0;
    br_ssl_session_parameters p;
    br_ssl_engine_get_session_parameters(s->eng, &p);
    size_t name_len = strlen(s->report.server_name);
    size_t len = 8 + 2 + 2 + 1 + p.session_id_len + 48 + 1 + name_len + SAVED_CHECK;
    if (p.session_id_len == 0 || len > cap)
        return 0;
    uint8_t *o = out;
    memcpy(o, SAVED_MAGIC, 8);
    o += 8;
    *o++ = (uint8_t)(p.version >> 8);
    *o++ = (uint8_t)p.version;
    *o++ = (uint8_t)(p.cipher_suite >> 8);
    *o++ = (uint8_t)p.cipher_suite;
    *o++ = p.session_id_len;
    memcpy(o, p.session_id, p.session_id_len);
    o += p.session_id_len;
    memcpy(o, p.master_secret, 48);
    o += 48;
    *o++ = (uint8_t)name_len;
    memcpy(o, s->report.server_name, name_len);
    o += name_len;
    saved_check(out, (size_t)(o - out), o);
    return len;
}

/* Parse a saved session; its server name must be `host`. Returns 1 when
 * it can be offered, 0 when it belongs to another server, -1 if corrupt. */
static int saved_parse(const uint8_t *in, size_t len, const char *host,
                       br_ssl_session_parameters *p)
{
    uint8_t check[SAVED_CHECK];
    if (len < 8 + 5 + 48 + 1 + SAVED_CHECK || memcmp(in, SAVED_MAGIC, 8) != 0)
        return -1;
    saved_check(in, len - SAVED_CHECK, check);
    if (memcmp(check, in + len - SAVED_CHECK, SAVED_CHECK) != 0)
        return -1;
    const uint8_t *i = in + 8, *end = in + len - SAVED_CHECK;
    memset(p, 0, sizeof *p);
    p->version = (uint16_t)(i[0] << 8 | i[1]);
    p->cipher_suite = (uint16_t)(i[2] << 8 | i[3]);
    p->session_id_len = i[4];
    i += 5;
    if (p->session_id_len == 0 || p->session_id_len > 32 ||
        (size_t)(end - i) < (size_t)p->session_id_len + 48 + 1)
        return -1;
    memcpy(p->session_id, i, p->session_id_len);
    i += p->session_id_len;
    memcpy(p->master_secret, i, 48);
    i += 48;
    size_t name_len = *i++;
    if ((size_t)(end - i) != name_len)
        return -1;
    return strlen(host) == name_len && memcmp(i, host, name_len) == 0 ? 1 : 0;
}

/* ---- role set-up -------------------------------------------------------- */

static iotls_x509_mode_t client_mode(const iotls_config_t *cfg)
{
    if (cfg->insecure)
        return IOTLS_X509_INSECURE;
    if ((!cfg->trust || cfg->trust->count == 0) && cfg->pin_count)
        return IOTLS_X509_PIN_ONLY;
    return IOTLS_X509_VERIFY;
}

static int init_client(iotls_session_t *s, const char *server_name, iotls_error_t *err)
{
    const iotls_config_t *cfg = &s->cfg;
    iotls_x509_mode_t mode = client_mode(cfg);
    const iotls_trust_t *trust = mode == IOTLS_X509_VERIFY ? cfg->trust : NULL;
    br_ssl_client_init_full(&s->ctx.client, &s->x509->u.minimal, trust ? trust->anchors : NULL,
                            trust ? trust->count : 0);
    s->eng = &s->ctx.client.eng;
    if (cfg->creds && cfg->creds->key_type == BR_KEYTYPE_RSA)
        br_ssl_client_set_single_rsa(&s->ctx.client, cfg->creds->chain, cfg->creds->chain_len,
                                     br_skey_decoder_get_rsa(&cfg->creds->key),
                                     br_rsa_pkcs1_sign_get_default());
    else if (cfg->creds && cfg->creds->key_type == BR_KEYTYPE_EC)
        br_ssl_client_set_single_ec(&s->ctx.client, cfg->creds->chain, cfg->creds->chain_len,
                                    br_skey_decoder_get_ec(&cfg->creds->key),
                                    BR_KEYTYPE_SIGN, cfg->creds->leaf_signer_key_type,
                                    br_ec_get_default(), br_ecdsa_sign_asn1_get_default());
    /* The report keeps the name; the X.509 wrapper points at it. */
    snprintf(s->report.server_name, sizeof s->report.server_name, "%s",
             server_name ? server_name : "");
    iotls_br_x509_setup(s->x509, mode, cfg, s->report.server_name, validation_time(cfg),
                        &s->report);
    br_ssl_engine_set_x509(s->eng, &s->x509->vtable);
    s->report.auth = mode == IOTLS_X509_INSECURE ? "insecure (none)"
                     : mode == IOTLS_X509_PIN_ONLY ? "pin"
                     : cfg->no_name_check
                         ? (cfg->pin_count ? "chain + pin (no host name check)"
                                           : "chain (no host name check)")
                     : cfg->pin_count ? "chain + host name + pin"
                                      : "chain + host name";

    if (cfg->resume && cfg->resume_len) {
        int rc = saved_parse(cfg->resume, cfg->resume_len, s->report.server_name, &s->offered);
        if (rc < 0)
            return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                                   "saved session (%zu bytes) is corrupt or not an iotls "
                                   "saved session",
                                   cfg->resume_len),
                   -1;
        s->offered_resume = rc == 1;
    }
    return 0;
}

static void use_server_creds(iotls_session_t *s, const iotls_creds_t *c)
{
    /* Signing only: key exchange is always ECDHE (forward secrecy). */
    if (c->key_type == BR_KEYTYPE_RSA)
        br_ssl_server_set_single_rsa(&s->ctx.server, c->chain, c->chain_len,
                                     br_skey_decoder_get_rsa(&c->key), BR_KEYTYPE_SIGN,
                                     br_rsa_private_get_default(),
                                     br_rsa_pkcs1_sign_get_default());
    else
        br_ssl_server_set_single_ec(&s->ctx.server, c->chain, c->chain_len,
                                    br_skey_decoder_get_ec(&c->key), BR_KEYTYPE_SIGN,
                                    c->leaf_signer_key_type, br_ec_get_default(),
                                    br_ecdsa_sign_asn1_get_default());
}

static void init_server(iotls_session_t *s)
{
    const iotls_config_t *cfg = &s->cfg;
    const iotls_creds_t *c = cfg->creds;
    /* init_full_* installs every algorithm implementation; the suites and
     * the key policy are then set the same way for both key types. */
    if (c->key_type == BR_KEYTYPE_RSA)
        br_ssl_server_init_full_rsa(&s->ctx.server, c->chain, c->chain_len,
                                    br_skey_decoder_get_rsa(&c->key));
    else
        br_ssl_server_init_full_ec(&s->ctx.server, c->chain, c->chain_len,
                                   c->leaf_signer_key_type, br_skey_decoder_get_ec(&c->key));
    s->eng = &s->ctx.server.eng;
    use_server_creds(s, c);
    if (cfg->session_cache)
        br_ssl_server_set_cache(&s->ctx.server, &cfg->session_cache->lru.vtable);
    s->report.auth = "not requested";
    if (cfg->client_auth == IOTLS_CLIENT_AUTH_NONE)
        return;
    const iotls_trust_t *t = cfg->trust;
    br_x509_minimal_init_full(&s->x509->u.minimal, t->anchors, t->count);
    iotls_br_x509_setup(s->x509, IOTLS_X509_VERIFY, cfg, NULL, validation_time(cfg),
                        &s->report);
    br_ssl_engine_set_x509(s->eng, &s->x509->vtable);
    /* The CertificateVerify signature is checked by the engine itself, and
     * the CertificateRequest only offers algorithms it can check. */
    br_ssl_engine_set_default_rsavrfy(s->eng);
    br_ssl_engine_set_default_ecdsa(s->eng);
    /* The CertificateRequest lists these CA names. */
    br_ssl_server_set_trust_anchor_names_alt(&s->ctx.server, t->anchors, t->count);
    if (cfg->client_auth == IOTLS_CLIENT_AUTH_REQUEST)
        br_ssl_engine_add_flags(s->eng, BR_OPT_TOLERATE_NO_CLIENT_AUTH);
}

iotls_session_t *iotls_session_init(void *mem, size_t mem_len, const iotls_config_t *cfg,
                                    const char *server_name, iotls_error_t *err)
{
    if (!mem)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "session memory is NULL"), NULL;
    if (check_config(cfg, server_name, mem_len, err) < 0)
        return NULL;

    uintptr_t base = ((uintptr_t)mem + alignof(max_align_t) - 1) &
                     ~(uintptr_t)(alignof(max_align_t) - 1);
    uint8_t *p = (uint8_t *)base;
    iotls_session_t *s = (iotls_session_t *)p;
    memset(s, 0, sizeof *s);
    p += ALIGN_UP(sizeof *s);
    s->cfg = *cfg;
    s->payload = iotls_buffer_effective(cfg->buffer_size);
    iotls_error_clear(&s->error);
    iotls_record_track_init(&s->track);
    iotls_hello_sniff_init(&s->sniff);
    s->report.role = cfg->role;
    s->report.buffer_payload = s->payload;
    s->report.memory_bytes = iotls_session_size(cfg);
    s->report.time_check = time_check_name(cfg->time_policy);
    if (needs_x509(cfg)) {
        s->x509 = (iotls_br_x509_t *)p;
        p += ALIGN_UP(sizeof *s->x509);
    }

    if (cfg->role == IOTLS_ROLE_CLIENT) {
        if (init_client(s, server_name, err) < 0)
            return NULL;
        s->report.insecure = cfg->insecure;
    } else {
        init_server(s);
    }
    set_suites_and_alpn(s);

    /* TLS 1.2 only: 1.0/1.1 lack AEAD suites and are deprecated (RFC 8996). */
    br_ssl_engine_set_versions(s->eng, BR_TLS12, BR_TLS12);
    uint8_t *ibuf = p;
    if (cfg->half_duplex)
        br_ssl_engine_set_buffer(s->eng, ibuf, input_len(s->payload), 0);
    else
        br_ssl_engine_set_buffers_bidi(s->eng, ibuf, input_len(s->payload),
                                       ibuf + input_len(s->payload), output_len(cfg, s->payload));

    uint8_t seed[32];
    if (iotls_entropy_get(seed, sizeof seed, err) < 0)
        return NULL;
    br_ssl_engine_inject_entropy(s->eng, seed, sizeof seed);
    memset(seed, 0, sizeof seed);

    int ok;
    if (cfg->role == IOTLS_ROLE_CLIENT) {
        /* SNI carries host names only (RFC 6066 forbids IP literals); it is
         * sent even when the name check is off. */
        const char *sni = s->x509->ip_len || !s->report.server_name[0] ? NULL
                                                                        : s->report.server_name;
        if (s->offered_resume)
            br_ssl_engine_set_session_parameters(s->eng, &s->offered);
        ok = br_ssl_client_reset(&s->ctx.client, sni, s->offered_resume);
        if (s->payload < IOTLS_BUFFER_MAX)
            s->report.mfl_requested = (unsigned)s->payload;
    } else {
        ok = br_ssl_server_reset(&s->ctx.server);
    }
    if (!ok) {
        int e = br_ssl_engine_last_error(s->eng);
        iotls_error_set(err, iotls_br_error_code(e), "TLS engine refused to start: %s",
                        iotls_br_error_text(e));
        return NULL;
    }
    warn_weaker_policies(cfg, server_name);
    return s;
}

/* ---- error translation -------------------------------------------------- */

static void explain_too_large(iotls_session_t *s)
{
    unsigned len = s->track.last_length;
    if (s->cfg.role == IOTLS_ROLE_CLIENT && s->report.mfl_requested && !s->report.mfl_agreed)
        iotls_error_set(&s->error, IOTLS_ERR_RECORD_TOO_LARGE,
                        "record of %u bytes exceeds the %zu-byte buffer (server ignored "
                        "max_fragment_length)",
                        len, s->payload);
    else if (s->report.mfl_agreed)
        iotls_error_set(&s->error, IOTLS_ERR_RECORD_TOO_LARGE,
                        "record of %u bytes exceeds the %zu-byte buffer (peer broke the "
                        "agreed max_fragment_length of %u)",
                        len, s->payload, s->report.mfl_agreed);
    else
        iotls_error_set(&s->error, IOTLS_ERR_RECORD_TOO_LARGE,
                        "record of %u bytes exceeds the %zu-byte buffer", len, s->payload);
}

static void explain_engine_error(iotls_session_t *s, int e)
{
    if (e >= BR_ERR_SEND_FATAL_ALERT) {
        int alert = e - BR_ERR_SEND_FATAL_ALERT;
        iotls_error_set(&s->error, IOTLS_ERR_ALERT_SENT,
                        "sent fatal alert %s (%d) to the peer: %s", iotls_alert_name(alert),
                        alert,
                        alert == 40 ? "no cipher suite, curve or version in common"
                                    : "the peer's handshake was unacceptable");
        s->error.alert = alert;
    } else if (e >= BR_ERR_RECV_FATAL_ALERT) {
        int alert = e - BR_ERR_RECV_FATAL_ALERT;
        iotls_error_set(&s->error, IOTLS_ERR_ALERT_RECEIVED, "peer sent fatal alert %s (%d)%s",
                        iotls_alert_name(alert), alert,
                        alert == 48 || alert == 42 || alert == 46
                            ? ": it rejected our certificate"
                        : alert == 116 ? ": it requires a client certificate"
                        : alert == 40  ? ": no cipher suite, curve or version in common"
                                       : "");
        s->error.alert = alert;
    } else if (e == BR_ERR_TOO_LARGE && !s->handshake_done && s->track.records == 0) {
        iotls_error_set(&s->error, IOTLS_ERR_CONFIG,
                        "handshake message does not fit the %zu-byte buffer", s->payload);
    } else if (e == BR_ERR_TOO_LARGE) {
        explain_too_large(s);
    } else if (e >= BR_ERR_X509_OK && e < BR_ERR_X509_OK + 32 && s->x509) {
        iotls_br_x509_explain(s->x509, e, &s->error);
    } else {
        iotls_error_set(&s->error, iotls_br_error_code(e), "%s", iotls_br_error_text(e));
    }
    s->error.engine_code = e;
}

/* ---- handshake results -------------------------------------------------- */

static bool same_id(const br_ssl_session_parameters *p, const uint8_t *id, size_t len)
{
    return len > 0 && p->session_id_len == len && memcmp(p->session_id, id, len) == 0;
}

static void fill_report(iotls_session_t *s)
{
    iotls_report_t *r = &s->report;
    br_ssl_session_parameters params;
    br_ssl_engine_get_session_parameters(s->eng, &params);
    r->version = br_ssl_engine_get_version(s->eng);
    r->version_name = iotls_version_name(r->version);
    r->cipher_suite = params.cipher_suite;
    r->cipher_suite_name = iotls_cipher_suite_name(params.cipher_suite);
    const char *alpn = br_ssl_engine_get_selected_protocol(s->eng);
    snprintf(r->alpn, sizeof r->alpn, "%s", alpn ? alpn : "");
    /* A server answers a resumption with the id the client offered; a
     * full handshake gets a fresh random id. */
    if (s->cfg.role == IOTLS_ROLE_CLIENT) {
        r->resumed = s->offered_resume &&
                     same_id(&params, s->offered.session_id, s->offered.session_id_len);
        /* On resumption no certificate is sent: the identity is the one
         * verified when the session was created. */
        r->verified = !s->cfg.insecure && (r->peer_cert_present || r->resumed);
    } else {
        r->resumed = same_id(&params, s->sniff.session_id, s->sniff.session_id_len);
        const char *sni = br_ssl_engine_get_server_name(s->eng);
        snprintf(r->server_name, sizeof r->server_name, "%s", sni ? sni : "");
        if (s->cfg.client_auth != IOTLS_CLIENT_AUTH_NONE) {
            /* A resumed session carries no certificate. Under REQUIRE the
             * cached session exists only because its full handshake
             * verified one; under REQUEST it may have had none. */
            bool required = s->cfg.client_auth == IOTLS_CLIENT_AUTH_REQUIRE;
            r->verified = r->peer_cert_present || (r->resumed && required);
            r->auth = r->peer_cert_present ? "client certificate chain"
                      : r->resumed ? (required ? "client certificate (verified in the "
                                                 "session's full handshake)"
                                               : "resumed: client identity unknown")
                                   : "no client certificate";
        }
    }
}

/* "*.example.com" matches exactly one label before ".example.com". */
static bool sni_name_matches(const char *pattern, const char *name)
{
    if (pattern[0] == '*' && pattern[1] == '.') {
        const char *dot = strchr(name, '.');
        return dot && dot != name && strcasecmp(dot, pattern + 1) == 0;
    }
    return strcasecmp(pattern, name) == 0;
}

/* Server: the ClientHello's SNI picks the credentials. This runs before the
 * engine sees the end of the ClientHello, so its key choice uses them. */
static void choose_server_creds(iotls_session_t *s)
{
    const iotls_hello_sniff_t *h = &s->sniff;
    s->creds_chosen = true;
    if (!h->sni_present)
        return;
    for (size_t i = 0; i < s->cfg.sni_creds_count; i++) {
        if (sni_name_matches(s->cfg.sni_creds[i].name, h->sni)) {
            use_server_creds(s, s->cfg.sni_creds[i].creds);
            return;
        }
    }
}

/* The peer's hello tells whether max_fragment_length was asked / agreed. */
static void note_hello(iotls_session_t *s)
{
    const iotls_hello_sniff_t *h = &s->sniff;
    if (!h->done || h->malformed)
        return;
    if (s->cfg.role == IOTLS_ROLE_SERVER && h->msg_type == IOTLS_HELLO_CLIENT &&
        !s->creds_chosen && s->cfg.sni_creds_count)
        choose_server_creds(s);
    if (s->cfg.role == IOTLS_ROLE_CLIENT && h->msg_type == IOTLS_HELLO_SERVER &&
        s->report.mfl_requested && !h->mfl_present)
        s->report.mfl_ignored = true;
    if (!h->mfl_present)
        return;
    unsigned bytes = iotls_mfl_code_bytes(h->mfl_code);
    if (s->cfg.role == IOTLS_ROLE_CLIENT && h->msg_type == IOTLS_HELLO_SERVER) {
        s->report.mfl_agreed = bytes;
    } else if (s->cfg.role == IOTLS_ROLE_SERVER && h->msg_type == IOTLS_HELLO_CLIENT) {
        /* BearSSL's server acknowledges a request below its own record
         * size; at or above it, its records are already small enough and
         * it leaves the extension out of its ServerHello. */
        s->report.mfl_requested = bytes;
        s->report.mfl_agreed = bytes && bytes < s->payload ? bytes : 0;
    }
}

/* ---- the state word ----------------------------------------------------- */

static void settle_closed(iotls_session_t *s)
{
    if (s->closed)
        return;
    s->closed = true;
    int e = br_ssl_engine_last_error(s->eng);
    if (e != BR_ERR_OK && s->error.code == IOTLS_OK)
        explain_engine_error(s, e);
}

/* BearSSL 0.6 has no public call to fail an engine from outside, so the
 * session keeps its own flag and stops moving bytes. */
static void stop(iotls_session_t *s)
{
    s->failed = true;
    settle_closed(s);
}

unsigned iotls_session_state(iotls_session_t *s)
{
    unsigned st = s->failed ? BR_SSL_CLOSED : br_ssl_engine_current_state(s->eng);
    if (st & BR_SSL_CLOSED) {
        settle_closed(s);
        return IOTLS_CLOSED | (s->handshake_done ? IOTLS_HANDSHAKE_DONE : 0);
    }
    if (!s->handshake_done && (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))) {
        s->handshake_done = true;
        fill_report(s);
    }
    unsigned out = 0;
    if (st & BR_SSL_RECVREC)
        out |= IOTLS_WANT_READ;
    if (st & BR_SSL_SENDREC)
        out |= IOTLS_WANT_WRITE;
    if (st & BR_SSL_RECVAPP)
        out |= IOTLS_APP_READY;
    if (st & BR_SSL_SENDAPP)
        out |= IOTLS_APP_WRITABLE;
    if (s->handshake_done)
        out |= IOTLS_HANDSHAKE_DONE;
    return out;
}

/* ---- record flows ------------------------------------------------------- */

uint8_t *iotls_session_recv_buf(iotls_session_t *s, size_t *len)
{
    *len = 0;
    return s->failed ? NULL : br_ssl_engine_recvrec_buf(s->eng, len);
}

void iotls_session_recv_ack(iotls_session_t *s, size_t n)
{
    size_t avail;
    uint8_t *buf = iotls_session_recv_buf(s, &avail);
    if (!buf || n == 0 || n > avail)
        return;
    iotls_record_track_push(&s->track, buf, n);
    if (s->track.not_tls) {
        char preview[20];
        iotls_record_track_preview(&s->track, preview, sizeof preview);
        iotls_error_set(&s->error, IOTLS_ERR_NOT_TLS,
                        "peer does not speak TLS: it sent \"%s\" where a TLS record was "
                        "expected",
                        preview);
        stop(s);
        return;
    }
    if (!s->sniff.done) {
        iotls_hello_sniff_push(&s->sniff, buf, n);
        note_hello(s);
    }
    br_ssl_engine_recvrec_ack(s->eng, n);
}

const uint8_t *iotls_session_send_buf(iotls_session_t *s, size_t *len)
{
    *len = 0;
    return s->failed ? NULL : br_ssl_engine_sendrec_buf(s->eng, len);
}

void iotls_session_send_ack(iotls_session_t *s, size_t n)
{
    size_t avail;
    if (n && iotls_session_send_buf(s, &avail) && n <= avail)
        br_ssl_engine_sendrec_ack(s->eng, n);
}

size_t iotls_session_feed(iotls_session_t *s, const void *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        size_t room;
        uint8_t *buf = iotls_session_recv_buf(s, &room);
        if (!buf || room == 0)
            break;
        size_t n = len - done < room ? len - done : room;
        memcpy(buf, (const uint8_t *)data + done, n);
        iotls_session_recv_ack(s, n);
        done += n;
        if (s->error.code != IOTLS_OK)
            break;
    }
    return done;
}

size_t iotls_session_take(iotls_session_t *s, void *out, size_t cap)
{
    size_t done = 0;
    while (done < cap) {
        size_t avail;
        const uint8_t *buf = iotls_session_send_buf(s, &avail);
        if (!buf || avail == 0)
            break;
        size_t n = cap - done < avail ? cap - done : avail;
        memcpy((uint8_t *)out + done, buf, n);
        iotls_session_send_ack(s, n);
        done += n;
    }
    return done;
}

void iotls_session_feed_eof(iotls_session_t *s)
{
    if (iotls_session_state(s) & IOTLS_CLOSED) {
        settle_closed(s);
        return;
    }
    if (!s->handshake_done)
        iotls_error_set(&s->error, IOTLS_ERR_PEER_CLOSED_HANDSHAKE,
                        "peer closed the connection during the handshake (it may reject "
                        "our TLS parameters or not speak TLS on this port)");
    else
        iotls_error_set(&s->error, IOTLS_ERR_TRUNCATED,
                        "peer closed the connection without close_notify: received data "
                        "may be truncated");
    stop(s);
}

/* ---- application data --------------------------------------------------- */

size_t iotls_session_write(iotls_session_t *s, const void *data, size_t len)
{
    size_t done = 0;
    while (done < len && !s->failed) {
        size_t room;
        uint8_t *buf = br_ssl_engine_sendapp_buf(s->eng, &room);
        if (!buf || room == 0)
            break;
        size_t n = len - done < room ? len - done : room;
        memcpy(buf, (const uint8_t *)data + done, n);
        br_ssl_engine_sendapp_ack(s->eng, n);
        done += n;
    }
    return done;
}

void iotls_session_flush(iotls_session_t *s)
{
    br_ssl_engine_flush(s->eng, 0);
}

size_t iotls_session_read(iotls_session_t *s, void *out, size_t cap)
{
    size_t done = 0;
    while (done < cap && !s->failed) {
        size_t avail;
        uint8_t *buf = br_ssl_engine_recvapp_buf(s->eng, &avail);
        if (!buf || avail == 0)
            break;
        size_t n = cap - done < avail ? cap - done : avail;
        memcpy((uint8_t *)out + done, buf, n);
        br_ssl_engine_recvapp_ack(s->eng, n);
        done += n;
    }
    return done;
}

void iotls_session_close(iotls_session_t *s)
{
    br_ssl_engine_close(s->eng);
}

void iotls_session_fail(iotls_session_t *s, const iotls_error_t *err)
{
    iotls_error_copy(&s->error, err);
    stop(s);
}

const iotls_error_t *iotls_session_error(const iotls_session_t *s)
{
    return &s->error;
}

const iotls_report_t *iotls_session_report(const iotls_session_t *s)
{
    return &s->report;
}
