/*
 * Failures explained from what the peer showed in the clear: the versions
 * and cipher suites of its hello, and which handshake message it was
 * sending when the engine gave up. BearSSL reports one code for many
 * causes (a TLS 1.3-only client and a client without a common suite both
 * get handshake_failure; a length overrun in any message is "bad
 * parameter"); the hello sniffer and the record tracker saw the bytes
 * first and can tell them apart.
 */
#include <string.h>

#include "tls/bearssl/br_session.h"
#include "tls/format.h"

#define V_TLS12 (1u << 3) /* bit of 0x0303 in iotls_hello_sniff_t.versions */
#define V_TLS13 (1u << 4)

#if IOTLS_HELLO_SNIFF_CLIENT_HELLO
static const iotls_hello_sniff_t *client_hello(const iotls_session_t *s)
{
    const iotls_hello_sniff_t *h = &s->sniff;
    bool ok = s->cfg.role == IOTLS_ROLE_SERVER && !s->handshake_done && h->complete &&
              h->msg_type == IOTLS_HELLO_CLIENT;
    return ok ? h : NULL;
}

#endif

bool iotls_br_explain_hello_mismatch(iotls_session_t *s)
{
#if !IOTLS_HELLO_SNIFF_CLIENT_HELLO
    (void)s; /* a client-only build reads no ClientHello */
    return false;
#else
    const iotls_hello_sniff_t *h = client_hello(s);
    if (!h)
        return false;
    /* RFC 8446 4.2.1: with supported_versions, legacy_version is ignored. */
    bool tls12 = h->versions_present ? (h->versions & V_TLS12) != 0 : h->version >= 0x0303;
    if (tls12)
        return false;
    /* This sentence replaces the engine's (the first error otherwise
     * wins): it names the cause the engine's symptom came from. */
    int alert = s->error.alert;
    iotls_error_clear(&s->error);
    if (h->versions_present && (h->versions & V_TLS13))
        iotls_error_set(&s->error, IOTLS_ERR_NO_COMMON_CIPHER,
                        "the client speaks only TLS 1.3 (its supported_versions has no TLS "
                        "1.2); iotls speaks TLS 1.2 only (BearSSL 0.6 has no TLS 1.3)");
    else
        iotls_error_set(&s->error, IOTLS_ERR_NO_COMMON_CIPHER,
                        "the client speaks only up to %s; iotls requires TLS 1.2 (TLS 1.0 "
                        "and 1.1 are deprecated, RFC 8996)",
                        h->version == 0x0302   ? "TLS 1.1"
                        : h->version == 0x0301 ? "TLS 1.0"
                                               : "SSL 3.0");
    s->error.alert = alert;
    return true;
#endif
}

const char *iotls_br_alert_sent_reason(const iotls_session_t *s, int alert)
{
    if (alert != 40)
        return "the peer's handshake was unacceptable";
#if !IOTLS_HELLO_SNIFF_CLIENT_HELLO
    (void)s; /* a client-only build reads no ClientHello */
    return "no cipher suite, curve or version in common";
#else
    const iotls_hello_sniff_t *h = client_hello(s);
    if (!h)
        return "no cipher suite, curve or version in common";
    if (!h->suite_matched)
        return "no cipher suite in common: the client offers none of ours";
    return s->srv && s->srv->creds && s->srv->creds->key_type == BR_KEYTYPE_RSA
               ? "the client offers one of our cipher suites, but none for an RSA key, or "
                 "no curve or SHA-2 signature hash in common"
               : "the client offers one of our cipher suites, but none for an EC key, or "
                 "no curve or SHA-2 signature hash in common";
#endif
}

void iotls_br_peer_message_names(const iotls_session_t *s, char *out, size_t cap)
{
    out[0] = '\0';
#if IOTLS_RECORD_TRACK_TEXT
    const iotls_record_track_t *t = &s->track;
    if (t->push_type_count == 0) {
        if (t->push_encrypted)
            iotls_format(out, cap, " in an encrypted handshake message (%s)",
                         s->handshake_done ? "a renegotiation" : "Finished");
        return;
    }
    size_t n = iotls_format(out, cap, t->push_type_count == 1 ? " in its " : " in one of its ");
    for (uint8_t i = 0; i < t->push_type_count && n < cap; i++) {
        const char *name = iotls_handshake_type_name(t->push_types[i]);
        char unknown[24];
        if (!name) {
            iotls_format(unknown, sizeof unknown, "type %u message", t->push_types[i]);
            name = unknown;
        }
        n += iotls_format(out + n, cap - n, "%s%s", i ? ", " : "", name);
    }
    if (n < cap && t->push_type_count > 1)
        iotls_format(out + n, cap - n, " messages");
    else if (n < cap)
        iotls_format(out + n, cap - n, " message");
#else
    (void)s, (void)cap; /* no sentence quotes it */
#endif
}
