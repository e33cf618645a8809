/* iotls_session_init: the engine set up for a client or a server. */
#include <string.h>

#include "iotls/port.h"
#include "tls/bearssl/br_errors.h"
#include "tls/bearssl/br_session.h"
#include "tls/format.h"

static void set_suites_and_alpn(iotls_session_t *s, const iotls_config_t *cfg)
{
    size_t count;
    const uint16_t *suites = iotls_br_default_suites(&count);
    if (cfg->suites && cfg->suite_count) {
        suites = cfg->suites;
        count = cfg->suite_count;
    }
    br_ssl_engine_set_suites(s->eng, suites, count);
    /* A server's "no cipher suite in common" is told apart from other
     * handshake failures by what the ClientHello offered. */
    if (cfg->role == IOTLS_ROLE_SERVER)
        iotls_hello_sniff_match_suites(&s->sniff, suites, count);
    /* BearSSL does not modify the names; its prototype predates const. */
    if (cfg->alpn_count)
        br_ssl_engine_set_protocol_names(s->eng, (const char **)(uintptr_t)cfg->alpn,
                                         cfg->alpn_count);
}

static void warn(const iotls_config_t *cfg, const char *what, const char *host)
{
    /* "iotls: WARNING: <what> for '<host>'", joined without the formatter */
    const char *parts[] = {"iotls: WARNING: ", what, " for '", host ? host : "(no name)", "'"};
    char line[400];
    size_t n = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && n < sizeof line; i++)
        n += iotls_text_copy(line + n, sizeof line - n, parts[i]);
    iotls_br_log(cfg->log, cfg->log_ctx, line);
}

/* Named weaker policies are loud: one line per session. */
static void warn_weaker_policies(const iotls_config_t *cfg, const char *host)
{
    if (cfg->role == IOTLS_ROLE_CLIENT && cfg->insecure)
        warn(cfg,
             "certificate verification is OFF (insecure mode): the peer is not "
             "authenticated",
             host);
    if (cfg->role == IOTLS_ROLE_CLIENT && !cfg->insecure && cfg->no_name_check)
        warn(cfg, "host name check is OFF: any certificate from a trusted CA is accepted", host);
    if (cfg->time_policy == IOTLS_TIME_UNCHECKED && !cfg->insecure)
        warn(cfg, "certificate validity dates are NOT checked (time policy 'unchecked')", host);
    if (iotls_br_sha1_signatures(cfg))
        warn(cfg,
             cfg->allow_sha1_signatures
                 ? "SHA-1 handshake signatures are allowed (RFC 9155 forbids them)"
                 : "SHA-1 handshake signatures stay allowed because a configured cipher "
                   "suite uses HMAC-SHA1",
             host);
    bool verifies = cfg->role == IOTLS_ROLE_CLIENT ? !cfg->insecure
                                                   : cfg->client_auth != IOTLS_CLIENT_AUTH_NONE;
    if (cfg->allow_weak_rsa && verifies)
        warn(cfg, "RSA keys of 1024-2047 bits are accepted in certificate chains (allow_weak_rsa)",
             host);
}

/* ---- role set-up -------------------------------------------------------- */

#if IOTLS_CLIENT
static iotls_x509_mode_t client_mode(const iotls_config_t *cfg)
{
    if (!IOTLS_NO_CHAIN_MODES) /* refused by iotls_br_check_config */
        return IOTLS_X509_VERIFY;
    if (cfg->insecure)
        return IOTLS_X509_INSECURE;
    if ((!cfg->trust || cfg->trust->count == 0) && cfg->pin_count)
        return IOTLS_X509_PIN_ONLY;
    return IOTLS_X509_VERIFY;
}

static int init_client(iotls_session_t *s, const iotls_config_t *cfg, const char *server_name,
                       uint8_t *x509_extra, iotls_error_t *err)
{
    iotls_x509_mode_t mode = client_mode(cfg);
    const iotls_trust_t *trust = mode == IOTLS_X509_VERIFY ? cfg->trust : NULL;
    iotls_br_client_algorithms(s->ctx.client, &s->x509->u.minimal, trust);
    s->eng = &s->ctx.client->eng;
#if !IOTLS_EC_DEVICE
    if (cfg->creds && cfg->creds->key_type == BR_KEYTYPE_RSA)
        br_ssl_client_set_single_rsa(s->ctx.client, cfg->creds->chain, cfg->creds->chain_len,
                                     br_skey_decoder_get_rsa(&cfg->creds->key),
                                     iotls_br_crypto_rsa_sign(cfg->crypto));
#endif
    if (cfg->creds && cfg->creds->key_type == BR_KEYTYPE_EC)
        br_ssl_client_set_single_ec(s->ctx.client, cfg->creds->chain, cfg->creds->chain_len,
                                    br_skey_decoder_get_ec(&cfg->creds->key), BR_KEYTYPE_SIGN,
                                    cfg->creds->leaf_signer_key_type,
                                    iotls_br_crypto_ec(cfg->crypto),
                                    iotls_br_crypto_ecdsa_sign(cfg->crypto));
    /* The wrapper parses the name here; it points at the session's one
     * copy once there is one (iotls_session_init, after the reset). */
    iotls_br_x509_setup(s->x509, mode, cfg, server_name, cfg->now, x509_extra, &s->report,
                        iotls_br_names(s), &s->error);
    br_ssl_engine_set_x509(s->eng, &s->x509->vtable);
    s->report.auth = mode == IOTLS_X509_INSECURE   ? "insecure (none)"
                     : mode == IOTLS_X509_PIN_ONLY ? "pin"
                     : cfg->no_name_check ? (cfg->pin_count ? "chain + pin (no host name check)"
                                                            : "chain (no host name check)")
                     : cfg->pin_count     ? "chain + host name + pin"
                                          : "chain + host name";

    if (cfg->resume && cfg->resume_len) {
        br_ssl_session_parameters offered;
        int rc = iotls_br_saved_parse(cfg->resume, cfg->resume_len, server_name ? server_name : "",
                                      &offered, s);
        if (rc < 0)
            return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                                   "saved session (%lu bytes) is corrupt or not an iotls "
                                   "saved session",
                                   (unsigned long)cfg->resume_len),
                   -1;
        s->offered_resume = rc == 1; /* its id has room: resume_len is set */
        if (s->offered_resume) {
            br_ssl_engine_set_session_parameters(s->eng, &offered);
            memcpy(iotls_br_offered_id(s), offered.session_id, offered.session_id_len);
            s->offered_id_len = offered.session_id_len;
        }
        memset(&offered, 0, sizeof offered); /* the master secret */
    }
    return 0;
}
#endif

#if IOTLS_SERVER
void iotls_br_use_server_creds(iotls_session_t *s, const iotls_creds_t *c)
{
    /* Signing only: key exchange is always ECDHE (forward secrecy). */
#if !IOTLS_EC_DEVICE
    if (c->key_type == BR_KEYTYPE_RSA) {
        br_ssl_server_set_single_rsa(s->ctx.server, c->chain, c->chain_len,
                                     br_skey_decoder_get_rsa(&c->key), BR_KEYTYPE_SIGN,
                                     iotls_br_crypto_rsa_private(s->srv->crypto),
                                     iotls_br_crypto_rsa_sign(s->srv->crypto));
        return;
    }
#endif
    br_ssl_server_set_single_ec(s->ctx.server, c->chain, c->chain_len,
                                br_skey_decoder_get_ec(&c->key), BR_KEYTYPE_SIGN,
                                c->leaf_signer_key_type, iotls_br_crypto_ec(s->srv->crypto),
                                iotls_br_crypto_ecdsa_sign(s->srv->crypto));
}

static void init_server(iotls_session_t *s, const iotls_config_t *cfg, uint8_t *x509_extra)
{
    const iotls_creds_t *c = cfg->creds;
    iotls_br_server_algorithms(s->ctx.server, c);
    s->eng = &s->ctx.server->eng;
    iotls_br_use_server_creds(s, c);
    iotls_br_resume_guard_attach(s);
    s->report.auth = "not requested";
    if (cfg->client_auth == IOTLS_CLIENT_AUTH_NONE)
        return;
    const iotls_trust_t *t = cfg->trust;
    iotls_br_x509_algorithms(&s->x509->u.minimal, t);
    iotls_br_x509_setup(s->x509, IOTLS_X509_VERIFY, cfg, NULL, cfg->now, x509_extra, &s->report,
                        iotls_br_names(s), &s->error);
    br_ssl_engine_set_x509(s->eng, &s->x509->vtable);
    if (cfg->client_auth == IOTLS_CLIENT_AUTH_REQUEST)
        iotls_br_client_auth_attach(s);
        /* The CertificateVerify signature is checked by the engine itself, and
     * the CertificateRequest only offers algorithms it can check. */
#if !IOTLS_EC_DEVICE
    br_ssl_engine_set_default_rsavrfy(s->eng);
    br_ssl_engine_set_default_ecdsa(s->eng);
#endif
    /* The CertificateRequest lists these CA names. */
    br_ssl_server_set_trust_anchor_names_alt(s->ctx.server, t->anchors, t->count);
    if (cfg->client_auth == IOTLS_CLIENT_AUTH_REQUEST)
        br_ssl_engine_add_flags(s->eng, BR_OPT_TOLERATE_NO_CLIENT_AUTH);
}
#endif

/* The engine's record buffers: in the block, or the workspace's (the
 * session then starts as the workspace's owner: the reset below writes
 * the first flight into them). A server in a workspace gets full-size
 * buffers so that it acknowledges any max_fragment_length; its own
 * records stay within record_out. */
static void set_buffers(iotls_session_t *s, const iotls_config_t *cfg, uint8_t *block_bufs)
{
    /* No record is larger than 16384 bytes: a larger limit is that. */
    s->record_out =
        (uint32_t)(cfg->record_out > IOTLS_BUFFER_MAX ? IOTLS_BUFFER_MAX : cfg->record_out);
    if (cfg->workspace) {
        iotls_br_ws_attach(s, cfg);
        bool full = cfg->role == IOTLS_ROLE_SERVER;
        if (full && !s->record_out && s->payload < IOTLS_BUFFER_MAX)
            s->record_out = s->payload;
        br_ssl_engine_set_buffers_bidi(
            s->eng, s->ws->ibuf, full ? BR_SSL_BUFSIZE_INPUT : iotls_br_input_len(s->payload),
            s->ws->obuf, full ? BR_SSL_BUFSIZE_OUTPUT : s->payload + OUTPUT_OVERHEAD);
        return;
    }
    if (cfg->half_duplex)
        br_ssl_engine_set_buffer(s->eng, block_bufs, iotls_br_input_len(s->payload), 0);
    else
        br_ssl_engine_set_buffers_bidi(s->eng, block_bufs, iotls_br_input_len(s->payload),
                                       block_bufs + iotls_br_input_len(s->payload),
                                       iotls_br_output_len(cfg, s->payload));
    /* BearSSL's server acknowledges max_fragment_length only for a request
     * strictly below log_max_frag_len, which set_buffers made our own
     * record size (ssl_hs_server.t0, read-client-frag): a client asking
     * for exactly our size got no answer, then sent full-size records we
     * cannot hold. One step up makes an equal request acknowledged; the
     * engine's real record limit (max_frag_len) stays our size, so a
     * client that asks nothing still gets records that fit. BearSSL 0.6
     * has no call for this: it is the one engine field iotls writes
     * (test_protocol_state pins the behaviour). reset keeps it. */
    if (cfg->role == IOTLS_ROLE_SERVER && s->payload < IOTLS_BUFFER_MAX)
        s->eng->log_max_frag_len++;
}

/* What the session reads of its configuration after init. */
static void keep_config(iotls_session_t *s, const iotls_config_t *cfg)
{
    iotls_br_kept_config_t *k = &s->cfg;
    k->role = (uint8_t)cfg->role;
    k->client_auth = (uint8_t)cfg->client_auth;
    k->insecure = cfg->insecure;
    k->have_creds = cfg->creds != NULL;
}

#if IOTLS_SERVER
/* A server's own part of the block. */
static void keep_server_config(iotls_br_server_t *srv, iotls_session_t *s,
                               const iotls_config_t *cfg)
{
    memset(srv, 0, sizeof *srv);
    srv->session = s;
    srv->creds = cfg->creds;
    srv->crypto = cfg->crypto;
    srv->sni_creds = cfg->sni_creds;
    srv->sni_creds_count = (uint32_t)cfg->sni_creds_count;
    srv->session_cache = cfg->session_cache;
    srv->alpn = cfg->alpn;
    srv->alpn_count = (uint32_t)cfg->alpn_count;
    srv->log = cfg->log;
    srv->log_ctx = cfg->log_ctx;
}
#endif

/* Every text of the report points somewhere valid from the start. */
static void report_init(iotls_session_t *s, const iotls_config_t *cfg, const char *host_text)
{
    iotls_report_t *r = &s->report;
    r->role = cfg->role;
    r->buffer_payload = s->payload;
    r->memory_bytes = iotls_session_size(cfg);
    r->time_check = iotls_br_time_check_name(cfg->time_policy);
    r->server_name = host_text;
    r->alpn = "";
    r->peer_subject = r->peer_issuer = r->peer_sans = "";
    iotls_br_peer_names_t *names = iotls_br_names(s);
    r->peer_sha256 = names ? names->sha256 : NULL;
#if IOTLS_REPORT_NAMES
    if (names) {
        r->peer_subject = names->subject;
        r->peer_issuer = names->issuer;
        r->peer_sans = names->sans;
    }
#endif
}

/* The client's part of the block: after the session and the peer names. */
static uint8_t *client_part(iotls_session_t *s)
{
    return (uint8_t *)s + PART_UP(sizeof *s) +
           (s->has_names ? PART_UP(sizeof(iotls_br_peer_names_t)) : 0);
}

uint8_t *iotls_br_offered_id(iotls_session_t *s)
{
    return client_part(s) + IOTLS_BR_IP_TEXT_MAX;
}

iotls_session_t *iotls_session_init(void *mem, size_t mem_len, const iotls_config_t *cfg,
                                    const char *server_name, iotls_error_t *err)
{
    if (!mem)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "session memory is NULL"), NULL;
    if (iotls_br_check_config(cfg, server_name, mem_len, err) < 0)
        return NULL;

    uintptr_t base =
        ((uintptr_t)mem + alignof(max_align_t) - 1) & ~(uintptr_t)(alignof(max_align_t) - 1);
    uint8_t *p = (uint8_t *)base;
    iotls_session_t *s = (iotls_session_t *)p;
    memset(s, 0, sizeof *s);
    p += PART_UP(sizeof *s);
    keep_config(s, cfg);
    /* The checking time, resolved once (the port's clock, or its lower
     * bound on a clockless device). */
    iotls_config_t c = *cfg;
    s->payload = (uint32_t)iotls_buffer_effective(cfg->buffer_size);
    iotls_error_clear(&s->error);
    iotls_record_track_init(&s->track);
    if (cfg->report_peer_identity) {
        s->has_names = true;
        memset(iotls_br_names(s), 0, sizeof(iotls_br_peer_names_t));
        p += PART_UP(sizeof(iotls_br_peer_names_t));
    }
    /* Client: the IP literal's text; server: the ClientHello's SNI. */
    char *host_text = (char *)p; /* client_part(s) */
    /* Only a server reads the ClientHello's SNI as text. */
    char *hello_sni = NULL;
    uint8_t *hello_id = NULL;
#if IOTLS_SERVER
    if (cfg->role == IOTLS_ROLE_SERVER) {
        s->srv = (iotls_br_server_t *)(void *)p;
        keep_server_config(s->srv, s, cfg);
        host_text = hello_sni = s->srv->sni;
        hello_id = s->srv->session_id;
        p += PART_UP(sizeof *s->srv);
    }
#endif
    if (cfg->role == IOTLS_ROLE_CLIENT)
        p += PART_UP(IOTLS_BR_CLIENT_PART(cfg));
    host_text[0] = '\0';
    iotls_hello_sniff_init(&s->sniff, hello_sni, NULL, hello_id);
    report_init(s, cfg, host_text);
    /* Only sessions that check certificates need the time. */
    if (iotls_br_needs_x509(cfg) && iotls_br_resolve_time(&c, &s->report.time_check, err) < 0)
        return NULL;
    /* The engine context is sized by role: a client does not pay for the
     * larger server context. */
    if (cfg->role == IOTLS_ROLE_CLIENT)
        s->ctx.client = (br_ssl_client_context *)(void *)p;
    else
        s->ctx.server = (br_ssl_server_context *)(void *)p;
    p += PART_UP(iotls_br_context_size(cfg->role));
    /* Record buffers next (none with a workspace), then the X.509 validator
     * as the block's tail: after the handshake nothing touches it again
     * (renegotiation is refused), and iotls_session_spare hands it out. */
    uint8_t *bufs = p; /* with a workspace: the session's part of it */
    if (!cfg->workspace)
        p += PART_UP(iotls_br_input_len(s->payload) + iotls_br_output_len(cfg, s->payload));
    else
        p += PART_UP(sizeof(iotls_br_ws_part_t));
    p = (uint8_t *)base + ALIGN_UP((size_t)(p - (uint8_t *)base)); /* the tail */
    uint8_t *x509_extra = NULL;
    s->tail_len = (uint32_t)iotls_br_tail_size(cfg);
    if (iotls_br_needs_x509(cfg)) {
        s->x509 = (iotls_br_x509_t *)p;
        x509_extra = p + sizeof *s->x509;
        p += ALIGN_UP(sizeof *s->x509 + iotls_br_x509_extra(cfg));
        iotls_br_x509_set_reorder(s->x509, cfg->chain_reorder_bytes ? p : NULL,
                                  cfg->chain_reorder_bytes);
        p += ALIGN_UP(cfg->chain_reorder_bytes);
    }

#if IOTLS_CLIENT
    if (cfg->role == IOTLS_ROLE_CLIENT) {
        if (init_client(s, &c, server_name, x509_extra, err) < 0)
            return NULL;
        s->report.insecure = cfg->insecure;
    }
#endif
#if IOTLS_SERVER
    if (cfg->role == IOTLS_ROLE_SERVER)
        init_server(s, &c, x509_extra);
#endif
    iotls_br_crypto_install(s, cfg->crypto);
    set_suites_and_alpn(s, cfg);
    iotls_br_limit_signature_hashes(s, cfg);

    /* TLS 1.2 only: 1.0/1.1 lack AEAD suites and are deprecated (RFC 8996). */
    br_ssl_engine_set_versions(s->eng, BR_TLS12, BR_TLS12);
    /* No renegotiation in either role: a renegotiated handshake could bring
     * another client certificate the application never hears of, and its
     * encrypted ClientHello escapes the hello sniffer (br_resume_guard.c).
     * BearSSL answers an attempt with a warning no_renegotiation alert. */
    br_ssl_engine_add_flags(s->eng, BR_OPT_NO_RENEGOTIATION);

    uint8_t seed[32];
    if (iotls_port_entropy(seed, sizeof seed, err) < 0)
        return NULL;
    br_ssl_engine_inject_entropy(s->eng, seed, sizeof seed);
    memset(seed, 0, sizeof seed);
    set_buffers(s, cfg, bufs); /* from here on, a failure must release the workspace */

    int ok = 0;
#if IOTLS_CLIENT
    if (cfg->role == IOTLS_ROLE_CLIENT) {
        /* SNI carries host names only (RFC 6066 forbids IP literals); it is
         * sent even when the name check is off. */
        const char *sni = s->x509->ip_len || !server_name || !server_name[0] ? NULL : server_name;
        ok = br_ssl_client_reset(s->ctx.client, sni, s->offered_resume);
        /* One copy of the name: BearSSL's (the SNI it sends), or, for an
         * IP literal (no SNI), the session's own. */
        if (s->x509->ip_len)
            iotls_text_copy(host_text, IOTLS_BR_IP_TEXT_MAX, server_name);
        s->report.server_name = s->x509->ip_len ? host_text : br_ssl_engine_get_server_name(s->eng);
        s->x509->host = s->report.server_name;
        if (s->payload < IOTLS_BUFFER_MAX)
            s->report.mfl_requested = (unsigned)s->payload;
    }
#endif
#if IOTLS_SERVER
    if (cfg->role == IOTLS_ROLE_SERVER)
        ok = br_ssl_server_reset(s->ctx.server);
#endif
    if (!ok) {
        int e = br_ssl_engine_last_error(s->eng);
        iotls_error_set(err, iotls_br_error_code(e), "TLS engine refused to start: %s",
                        iotls_br_error_text(e));
        iotls_session_release(s);
        return NULL;
    }
    warn_weaker_policies(cfg, server_name);
    return s;
}
