/*
 * Which hash functions handshake signatures may use (RFC 9155: not SHA-1).
 *
 * BearSSL builds its signature_algorithms extension (client) and the list
 * in its CertificateRequest (server) from the hash functions the engine
 * holds, and accepts a peer's signature only with one of them. Taking
 * SHA-1 out of the engine therefore removes it from both lists and refuses
 * SHA-1 signatures from the peer (ServerKeyExchange, CertificateVerify).
 * The same table also serves the HMAC of *_CBC_SHA record suites, so SHA-1
 * stays when such a suite is configured. Certificate signatures are
 * checked by the X.509 engine with its own hash table (docs/trust.md).
 */
#include "tls/bearssl/br_session.h"

/* Cipher suites whose record MAC is HMAC-SHA1 (IANA names end in _SHA). */
static bool suite_uses_hmac_sha1(uint16_t suite)
{
    switch (suite) {
    case 0xC009:
    case 0xC00A:
    case 0xC013:
    case 0xC014:
    case 0xC004:
    case 0xC005:
    case 0xC00E:
    case 0xC00F:
    case 0x002F:
    case 0x0035:
    case 0xC008:
    case 0xC012:
    case 0x000A: return true;
    default: return false;
    }
}

bool iotls_br_sha1_signatures(const iotls_config_t *cfg)
{
    if (cfg->allow_sha1_signatures)
        return true;
    for (size_t i = 0; cfg->suites && i < cfg->suite_count; i++)
        if (suite_uses_hmac_sha1(cfg->suites[i]))
            return true;
    return false;
}

void iotls_br_limit_signature_hashes(iotls_session_t *s, const iotls_config_t *cfg)
{
    if (!iotls_br_sha1_signatures(cfg))
        br_ssl_engine_set_hash(s->eng, br_sha1_ID, NULL);
}
