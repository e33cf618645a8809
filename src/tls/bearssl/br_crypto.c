/*
 * Crypto providers (iotls/crypto.h): where the binding used to pass
 * BearSSL's default EC, ECDSA and RSA code, it passes cfg.crypto's members
 * instead when the provider has them. NULL members, and sessions without a
 * provider, keep the built-in code of br_algos.c (all of BearSSL, or the
 * EC device profile's).
 */
#include "iotls/crypto.h"
#include "tls/bearssl/br_session.h"

const br_ec_impl *iotls_br_crypto_ec(const iotls_crypto_provider_t *p)
{
    return p && p->ec ? p->ec : iotls_br_builtin_ec();
}

br_ecdsa_sign iotls_br_crypto_ecdsa_sign(const iotls_crypto_provider_t *p)
{
    return p && p->ecdsa_sign ? p->ecdsa_sign : iotls_br_builtin_ecdsa_sign();
}

static br_ecdsa_vrfy crypto_ecdsa_vrfy(const iotls_crypto_provider_t *p)
{
    return p && p->ecdsa_vrfy ? p->ecdsa_vrfy : iotls_br_builtin_ecdsa_vrfy();
}

#if !IOTLS_EC_DEVICE
br_rsa_pkcs1_sign iotls_br_crypto_rsa_sign(const iotls_crypto_provider_t *p)
{
    return p && p->rsa_pkcs1_sign ? p->rsa_pkcs1_sign : br_rsa_pkcs1_sign_get_default();
}

br_rsa_private iotls_br_crypto_rsa_private(const iotls_crypto_provider_t *p)
{
    return p && p->rsa_private ? p->rsa_private : br_rsa_private_get_default();
}
#endif

void iotls_br_crypto_install(iotls_session_t *s, const iotls_crypto_provider_t *p)
{
    s->report.crypto = p && p->name ? p->name : IOTLS_CRYPTO_BUILTIN_NAME;
    if (!p)
        return;
    const br_ec_impl *ec = iotls_br_crypto_ec(p);
    br_ecdsa_vrfy vrfy = crypto_ecdsa_vrfy(p);
    /* ECDHE and the peer's handshake signature. */
    br_ssl_engine_set_ec(s->eng, ec);
    br_ssl_engine_set_ecdsa(s->eng, vrfy);
#if !IOTLS_EC_DEVICE
    if (p->rsa_pkcs1_vrfy)
        br_ssl_engine_set_rsavrfy(s->eng, p->rsa_pkcs1_vrfy);
#endif
    /* Certificate chains: BearSSL's minimal engine, behind the wrapper of
     * br_x509.c (insecure and pin-only modes use a decoder instead and
     * check no signature). */
    if (s->x509 && s->x509->mode == IOTLS_X509_VERIFY) {
        br_x509_minimal_set_ecdsa(&s->x509->u.minimal, ec, vrfy);
#if !IOTLS_EC_DEVICE
        if (p->rsa_pkcs1_vrfy)
            br_x509_minimal_set_rsa(&s->x509->u.minimal, p->rsa_pkcs1_vrfy);
#endif
    }
}
