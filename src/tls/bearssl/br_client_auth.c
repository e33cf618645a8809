/*
 * Server asking for client certificates without requiring one (REQUEST):
 * which client certificate counts.
 *
 * Why: BearSSL's flag for "tolerate a client without a certificate"
 * (BR_OPT_TOLERATE_NO_CLIENT_AUTH) also tolerates a client whose
 * certificate FAILED validation: ssl_hs_server.t0 then skips the
 * CertificateVerify and goes on as if no certificate had come. By then
 * the X.509 wrapper has put the rejected certificate's subject and
 * fingerprint in the report, which therefore read "verified: client
 * certificate chain" for a self-signed certificate from anyone. This thin
 * wrapper around the X.509 class remembers the chain's verdict; the report
 * of such a handshake drops the identity and says it was rejected.
 */
#include <string.h>

#include "tls/bearssl/br_errors.h"
#include "tls/bearssl/br_session.h"
#include "tls/format.h"

#if IOTLS_SERVER /* a client-only build (iotls/options.h) has no server session */

static iotls_br_client_auth_t *guard(const br_x509_class **ctx)
{
    return (iotls_br_client_auth_t *)(void *)ctx;
}

static const br_x509_class **inner(const br_x509_class **ctx)
{
    return &guard(ctx)->inner->vtable;
}

static void g_start_chain(const br_x509_class **ctx, const char *server_name)
{
    guard(ctx)->ended = false;
    guard(ctx)->result = 0;
    (*inner(ctx))->start_chain(inner(ctx), server_name);
}

static void g_start_cert(const br_x509_class **ctx, uint32_t length)
{
    (*inner(ctx))->start_cert(inner(ctx), length);
}

static void g_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
    (*inner(ctx))->append(inner(ctx), buf, len);
}

static void g_end_cert(const br_x509_class **ctx)
{
    (*inner(ctx))->end_cert(inner(ctx));
}

static unsigned g_end_chain(const br_x509_class **ctx)
{
    unsigned r = (*inner(ctx))->end_chain(inner(ctx));
    guard(ctx)->result = r;
    guard(ctx)->ended = true;
    return r;
}

static const br_x509_pkey *g_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
    const iotls_br_client_auth_t *g = (const iotls_br_client_auth_t *)(const void *)ctx;
    return g->inner->vtable->get_pkey((const br_x509_class *const *)&g->inner->vtable, usages);
}

static const br_x509_class guard_class = {
    sizeof(iotls_br_client_auth_t),
    g_start_chain,
    g_start_cert,
    g_append,
    g_end_cert,
    g_end_chain,
    g_get_pkey,
};

void iotls_br_client_auth_attach(iotls_session_t *s)
{
    s->srv->client_auth.vtable = &guard_class;
    s->srv->client_auth.inner = s->x509;
    br_ssl_engine_set_x509(s->eng, &s->srv->client_auth.vtable);
}

void iotls_br_client_auth_report(iotls_session_t *s)
{
    const iotls_br_client_auth_t *g = &s->srv->client_auth;
    iotls_report_t *r = &s->report;
    if (!g->ended || g->result == 0)
        return;
    iotls_error_t why;
    iotls_error_clear(&why);
    iotls_br_x509_explain(s->x509, (int)g->result, &why);
    char line[IOTLS_ERROR_TEXT_MAX + 160];
    iotls_format(line, sizeof line,
                 "iotls: WARNING: client certificate rejected, client not authenticated "
                 "(client_auth REQUEST goes on without one): %s",
                 why.text);
    iotls_br_log(s->srv->log, s->srv->log_ctx, line);
    /* Nothing of the rejected certificate may pass for an identity. */
    r->peer_cert_present = false;
    iotls_br_peer_names_t *names = iotls_br_names(s);
    if (names)
        memset(names, 0, sizeof *names);
    r->verified = false;
    r->auth = "client certificate rejected: not authenticated";
}
#endif
