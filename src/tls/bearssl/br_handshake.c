/* What a handshake produced: the report, and error texts that name the
 * cause. */
#include <string.h>

#include "tls/bearssl/br_errors.h"
#include "tls/bearssl/br_session.h"
#include "tls/format.h"
#include "tls/suites.h"

/* ---- error translation -------------------------------------------------- */

#if IOTLS_ERROR_TEXT
/* What a received alert most likely means here. A client that was asked
 * for a certificate (CertificateRequest seen in the clear) and has none is
 * told exactly that, whichever alert the server uses for it. */
static const char *alert_reason(const iotls_session_t *s, int alert)
{
    /* A peer whose renegotiation was refused often ends the connection
     * (OpenSSL with handshake_failure): the alert is about that, not about
     * the handshake that already succeeded. */
    if (s->handshake_done && iotls_record_track_saw_renegotiation(&s->track))
        return s->cfg.role == IOTLS_ROLE_CLIENT
                   ? ": the server asked to renegotiate; iotls does not renegotiate (it "
                     "answered with a warning no_renegotiation alert), so the server ended "
                     "the connection"
                   : ": the client tried to renegotiate; iotls does not renegotiate (it "
                     "answered with a warning no_renegotiation alert), so the client ended "
                     "the connection";
    bool asked = s->cfg.role == IOTLS_ROLE_CLIENT &&
                 iotls_record_track_saw_handshake(&s->track, IOTLS_HS_CERTIFICATE_REQUEST);
    bool have_cert = s->cfg.have_creds;
    /* How servers say it: OpenSSL handshake_failure, Go bad_certificate,
     * GnuTLS decode_error (for the empty Certificate message),
     * others certificate_unknown or TLS 1.3's certificate_required. */
    if (asked && !have_cert &&
        (alert == 40 || alert == 42 || alert == 46 || alert == 50 || alert == 116))
        return ": the server requires a client certificate and none is configured "
               "(iotls_creds_load_files, or --cert/--key)";
    switch (alert) {
    case 42:
    case 43:
    case 44:
    case 45:
    case 46:
    case 48:
    case 49: return ": it rejected our certificate";
    case 116: return ": it requires a client certificate";
    case 40:
        if (s->cfg.role == IOTLS_ROLE_CLIENT &&
            !iotls_record_track_saw_handshake(&s->track, IOTLS_HS_SERVER_HELLO))
            return ": it found nothing it accepts in our ClientHello: no TLS 1.2 cipher "
                   "suite, curve or signature algorithm in common (a server limited to TLS "
                   "1.3, or to TLS 1.0/1.1, also answers this way)";
        return ": it refused the handshake (no cipher suite, curve or version in common, "
               "or a certificate it requires is missing)";
    case 112: return ": it does not serve the name we sent in SNI";
    case 70:
        return ": it does not accept TLS 1.2 (it may speak only TLS 1.3, or only TLS 1.0/1.1); "
               "iotls speaks TLS 1.2 only";
    default: return "";
    }
}
#endif

static void explain_too_large(iotls_session_t *s)
{
    unsigned len = s->track.last_length;
    (void)len; /* terse builds (IOTLS_ERROR_TEXT=0) drop the sentences */
    if (s->cfg.role == IOTLS_ROLE_CLIENT && s->report.mfl_requested && !s->report.mfl_agreed)
        iotls_error_set(&s->error, IOTLS_ERR_RECORD_TOO_LARGE,
                        "record of %u bytes exceeds the %lu-byte buffer (server ignored "
                        "max_fragment_length)",
                        len, (unsigned long)s->payload);
    else if (s->report.mfl_agreed)
        iotls_error_set(&s->error, IOTLS_ERR_RECORD_TOO_LARGE,
                        "record of %u bytes exceeds the %lu-byte buffer (peer broke the "
                        "agreed max_fragment_length of %u)",
                        len, (unsigned long)s->payload, s->report.mfl_agreed);
    else
        iotls_error_set(&s->error, IOTLS_ERR_RECORD_TOO_LARGE,
                        "record of %u bytes exceeds the %lu-byte buffer", len,
                        (unsigned long)s->payload);
}

/* Engine errors caused by a message the peer sent (once bytes came). */
static bool peer_message_fault(const iotls_session_t *s, int e)
{
    return s->track.records > 0 &&
           (e == BR_ERR_BAD_PARAM || e == BR_ERR_BAD_HANDSHAKE || e == BR_ERR_UNEXPECTED);
}

void iotls_br_explain_engine_error(iotls_session_t *s, int e)
{
    if (e >= BR_ERR_SEND_FATAL_ALERT) {
        int alert = e - BR_ERR_SEND_FATAL_ALERT;
        iotls_error_set(&s->error, IOTLS_ERR_ALERT_SENT, "sent fatal alert %s (%d) to the peer: %s",
                        iotls_alert_name(alert), alert, iotls_br_alert_sent_reason(s, alert));
        s->error.alert = alert;
    } else if (e >= BR_ERR_RECV_FATAL_ALERT) {
        int alert = e - BR_ERR_RECV_FATAL_ALERT;
        iotls_error_set(&s->error, IOTLS_ERR_ALERT_RECEIVED, "peer sent fatal alert %s (%d)%s",
                        iotls_alert_name(alert), alert, alert_reason(s, alert));
        s->error.alert = alert;
    } else if (e == BR_ERR_TOO_LARGE && !s->handshake_done && s->track.records == 0) {
        iotls_error_set(&s->error, IOTLS_ERR_CONFIG,
                        "handshake message does not fit the %lu-byte buffer",
                        (unsigned long)s->payload);
    } else if (e == BR_ERR_TOO_LARGE) {
        explain_too_large(s);
    } else if (e >= BR_ERR_X509_OK && e < BR_ERR_X509_OK + 32 && s->x509) {
        iotls_br_x509_explain(s->x509, e, &s->error);
    } else if (peer_message_fault(s, e)) {
        /* BearSSL says "bad parameter" when a length inside a message
         * overruns it: the peer's fault, not a local configuration error. */
        char where[120] = "";
        if (IOTLS_ERROR_TEXT) /* names for the sentence only */
            iotls_br_peer_message_names(s, where, sizeof where);
        iotls_error_set(&s->error, IOTLS_ERR_PROTOCOL, "peer sent %s%s",
                        e == BR_ERR_UNEXPECTED ? "an unexpected handshake message"
                        : e == BR_ERR_BAD_PARAM
                            ? "a malformed handshake message (a length field overruns it)"
                            : "a malformed handshake message",
                        where);
    } else {
        iotls_error_set(&s->error, iotls_br_error_code(e), "%s", iotls_br_error_text(e));
    }
    /* A client without TLS 1.2 fails in many ways (handshake_failure, a
     * record version change, an alert); its hello says why. */
    iotls_br_explain_hello_mismatch(s);
    s->error.engine_code = e;
}

/* ---- handshake results -------------------------------------------------- */

static bool same_id(const br_ssl_session_parameters *p, const uint8_t *id, size_t len)
{
    return len > 0 && p->session_id_len == len && memcmp(p->session_id, id, len) == 0;
}

void iotls_br_fill_report(iotls_session_t *s)
{
    iotls_report_t *r = &s->report;
    br_ssl_session_parameters params;
    br_ssl_engine_get_session_parameters(s->eng, &params);
    r->version = br_ssl_engine_get_version(s->eng);
    r->version_name = iotls_version_name(r->version);
    r->cipher_suite = params.cipher_suite;
    r->cipher_suite_name = iotls_cipher_suite_name(params.cipher_suite);
    /* One of the configured names (cfg.alpn, which outlives the session). */
    const char *alpn = br_ssl_engine_get_selected_protocol(s->eng);
    r->alpn = alpn ? alpn : "";
    /* A server answers a resumption with the id the client offered; a
     * full handshake gets a fresh random id. */
    if (!IOTLS_SERVER || s->cfg.role == IOTLS_ROLE_CLIENT) {
        r->resumed =
            s->offered_resume && same_id(&params, iotls_br_offered_id(s), s->offered_id_len);
        /* A full handshake replaced the saved identity with the real one. */
        r->peer_from_saved_session = r->resumed && r->peer_from_saved_session;
        /* On resumption no certificate is sent: the identity is the one
         * verified when the session was created. */
        r->verified = !s->cfg.insecure && (r->peer_cert_present || r->resumed);
#if IOTLS_SERVER
    } else {
        r->resumed = same_id(&params, s->srv->session_id, s->sniff.session_id_len);
        /* BearSSL's copy of the SNI it accepted. */
        const char *sni = br_ssl_engine_get_server_name(s->eng);
        r->server_name = sni ? sni : "";
        if (s->cfg.client_auth != IOTLS_CLIENT_AUTH_NONE) {
            /* A resumed session carries no certificate. Under REQUIRE the
             * cached session exists only because its full handshake
             * verified one; under REQUEST it may have had none. */
            bool required = s->cfg.client_auth == IOTLS_CLIENT_AUTH_REQUIRE;
            r->verified = r->peer_cert_present || (r->resumed && required);
            r->auth = r->peer_cert_present ? "client certificate chain"
                      : r->resumed         ? (required ? "client certificate (verified in the "
                                                         "session's full handshake)"
                                                       : "resumed: client identity unknown")
                                           : "no client certificate";
            if (!required)
                iotls_br_client_auth_report(s);
        }
#endif
    }
    /* A verdict on a certificate that did not decide the handshake (one
     * past the anchor, a client chain under REQUEST) is no error. */
    if (s->error.code == IOTLS_OK)
        s->error.text[0] = '\0';
}

#if IOTLS_SERVER
/* DNS names compare ASCII-case-insensitively (strcasecmp is POSIX, and
 * locale-dependent where it exists). */
static bool dns_equal(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (ca != cb)
            return false;
        if (!ca)
            return true;
    }
}

/* "*.example.com" matches exactly one label before ".example.com". */
static bool sni_name_matches(const char *pattern, const char *name)
{
    if (pattern[0] == '*' && pattern[1] == '.') {
        const char *dot = strchr(name, '.');
        return dot && dot != name && dns_equal(dot, pattern + 1);
    }
    return dns_equal(pattern, name);
}

/* Server: the ClientHello's SNI picks the credentials. This runs before the
 * engine sees the end of the ClientHello, so its key choice uses them. */
static void choose_server_creds(iotls_session_t *s)
{
    const iotls_hello_sniff_t *h = &s->sniff;
    iotls_br_server_t *srv = s->srv;
    srv->creds_chosen = true;
    if (!h->sni_present)
        return;
    for (size_t i = 0; i < srv->sni_creds_count; i++) {
        if (sni_name_matches(srv->sni_creds[i].name, h->sni)) {
            iotls_br_use_server_creds(s, srv->sni_creds[i].creds);
            return;
        }
    }
}
#endif

/* The peer's hello tells whether max_fragment_length was asked / agreed. */
void iotls_br_note_hello(iotls_session_t *s)
{
    const iotls_hello_sniff_t *h = &s->sniff;
    if (!h->done || h->malformed)
        return;
#if IOTLS_SERVER
    if (s->cfg.role == IOTLS_ROLE_SERVER && h->msg_type == IOTLS_HELLO_CLIENT &&
        !s->srv->creds_chosen && s->srv->sni_creds_count)
        choose_server_creds(s);
#endif
    if (s->cfg.role == IOTLS_ROLE_CLIENT && h->msg_type == IOTLS_HELLO_SERVER &&
        s->report.mfl_requested && !h->mfl_present)
        s->report.mfl_ignored = true;
    if (!h->mfl_present)
        return;
    unsigned bytes = iotls_mfl_code_bytes(h->mfl_code);
    if (s->cfg.role == IOTLS_ROLE_CLIENT && h->msg_type == IOTLS_HELLO_SERVER) {
        s->report.mfl_agreed = bytes;
    } else if (s->cfg.role == IOTLS_ROLE_SERVER && h->msg_type == IOTLS_HELLO_CLIENT) {
        /* The engine acknowledges a request up to our own record size
         * (br_setup.c, set_buffers), or any with a workspace's full-size
         * buffers; above it, the extension stays out of its ServerHello. */
        unsigned limit = s->ws ? IOTLS_BUFFER_MAX - 1 : (unsigned)s->payload;
        s->report.mfl_requested = bytes;
        s->report.mfl_agreed = bytes && bytes <= limit ? bytes : 0;
    }
}
