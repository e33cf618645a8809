/*
 * Server resumption guard: every session a server session looks up in, or
 * stores to, the shared cache passes through here.
 *
 * Why: BearSSL 0.6 (ssl_hs_server.t0) skips its ALPN clean-up when it
 * resumes. A client that offers an ALPN list matching none of the server's
 * protocols leaves the "no match" marker 0xFFFF as the selected index, and
 * the ServerHello writer then reads protocol name 0xFFFE: an out-of-bounds
 * read and a copy of unbounded length into the engine's buffer (SIGSEGV
 * on a PC, memory disclosure or overflow on an MCU). A full handshake
 * clears the marker first, so it is safe: refusing the resumption is
 * enough. The hello sniffer has already compared the offered list with
 * ours by the time BearSSL asks the cache, because the binding shows it the
 * bytes before the engine.
 *
 * Sessions are also bound to the context they were created in: the SNI
 * name (RFC 6066 section 3: a session is resumed only for the same name,
 * which also keeps --sni-cert virtual hosts apart) and the client-auth
 * setting (a session made without a client certificate never resumes where
 * one is required). The cache is keyed by SHA-256(context, session id), so
 * a lookup from another context simply finds nothing and BearSSL runs a
 * full handshake.
 */
#include <stddef.h>
#include <string.h>

#include "tls/bearssl/br_session.h"

#if IOTLS_SERVER /* a client-only build (iotls/options.h) has no server session */

static iotls_session_t *owner(const br_ssl_session_cache_class **ctx)
{
    return ((const iotls_br_server_t *)(const void *)ctx)->session;
}

/* The cache key: the client's session id under this session's context. */
static void context_key(const iotls_session_t *s, const uint8_t *id, size_t id_len, uint8_t key[32])
{
    static const char domain[] = "iotls server session context v1";
    const iotls_hello_sniff_t *h = &s->sniff;
    br_sha256_context c;
    br_sha256_init(&c);
    br_sha256_update(&c, domain, sizeof domain);
    br_sha256_update(&c, id, id_len);
    uint8_t auth = (uint8_t)s->cfg.client_auth;
    br_sha256_update(&c, &auth, 1);
    /* Host names compare without case (RFC 6066 3, RFC 4343); ASCII only,
     * independent of the locale. */
    size_t n = h->sni_present ? strlen(h->sni) : 0;
    uint8_t len = (uint8_t)n;
    br_sha256_update(&c, &len, 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)h->sni[i];
        if (b >= 'A' && b <= 'Z')
            b = (uint8_t)(b + 32);
        br_sha256_update(&c, &b, 1);
    }
    br_sha256_out(&c, key);
}

const char *iotls_br_resume_refusal(const iotls_session_t *s)
{
    const iotls_hello_sniff_t *h = &s->sniff;
    if (s->handshake_done)
        return "renegotiation";
    if (!h->complete || h->malformed || h->msg_type != IOTLS_HELLO_CLIENT)
        return "the ClientHello could not be read";
    if (s->srv->alpn_count && h->alpn_present && !h->alpn_matched)
        return "the client offers none of our ALPN protocols";
    return NULL;
}

static void guard_save(const br_ssl_session_cache_class **ctx, br_ssl_server_context *server_ctx,
                       const br_ssl_session_parameters *params)
{
    iotls_session_t *s = owner(ctx);
    br_ssl_session_cache_lru *lru = &s->srv->session_cache->lru;
    br_ssl_session_parameters p = *params;
    context_key(s, params->session_id, params->session_id_len, p.session_id);
    p.session_id_len = 32;
    lru->vtable->save(&lru->vtable, server_ctx, &p);
    memset(&p, 0, sizeof p);
}

static int guard_load(const br_ssl_session_cache_class **ctx, br_ssl_server_context *server_ctx,
                      br_ssl_session_parameters *params)
{
    iotls_session_t *s = owner(ctx);
    if (iotls_br_resume_refusal(s))
        return 0;
    br_ssl_session_cache_lru *lru = &s->srv->session_cache->lru;
    br_ssl_session_parameters p = *params;
    context_key(s, params->session_id, params->session_id_len, p.session_id);
    p.session_id_len = 32;
    int found = lru->vtable->load(&lru->vtable, server_ctx, &p);
    if (found) {
        /* The id stays the client's: the ServerHello echoes it. */
        params->version = p.version;
        params->cipher_suite = p.cipher_suite;
        memcpy(params->master_secret, p.master_secret, sizeof p.master_secret);
    }
    memset(&p, 0, sizeof p);
    return found;
}

static const br_ssl_session_cache_class guard_class = {
    sizeof(const br_ssl_session_cache_class *),
    guard_save,
    guard_load,
};

void iotls_br_resume_guard_attach(iotls_session_t *s)
{
    iotls_br_server_t *srv = s->srv;
    if (srv->alpn_count)
        iotls_hello_sniff_match_alpn(&s->sniff, srv->alpn, srv->alpn_count);
    if (!srv->session_cache)
        return;
    srv->cache_guard = &guard_class;
    br_ssl_server_set_cache(s->ctx.server, &srv->cache_guard);
}
#endif
