/*
 * ECDSA P-256 signing and verification through libcrypto, in BearSSL's
 * ASN.1 (DER) signature interfaces (br_ecdsa_sign / br_ecdsa_vrfy). Other
 * curves go to BearSSL's i31 code.
 *
 * Verification parses the signature with BearSSL's own converter and
 * refuses what BearSSL refuses (a signature longer than its buffer, a key
 * that is not a 65-byte uncompressed point on the curve), so both
 * providers accept exactly the same signatures. Signing uses libcrypto's
 * random nonces (BearSSL's are RFC 6979 deterministic): both are valid
 * ECDSA, the bytes differ.
 *
 * libcrypto's low-level ECDSA calls are deprecated in OpenSSL 3 in favour
 * of EVP, whose per-call key set-up costs more than the signature: the
 * low-level ones are what makes a provider worth having.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <string.h>

#include "hostcrypto/hostcrypto.h"

#define P256_ORDER_LEN 32

static size_t hash_len(const br_hash_class *hf)
{
    return (size_t)(hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

static EC_KEY *p256_key(void)
{
    EC_KEY *key = EC_KEY_new();
    if (key && EC_KEY_set_group(key, iotls_hc_p256_group()) != 1) {
        EC_KEY_free(key);
        key = NULL;
    }
    return key;
}

size_t iotls_hc_ecdsa_sign(const br_ec_impl *impl, const br_hash_class *hf, const void *hash_value,
                           const br_ec_private_key *sk, void *sig)
{
    if (sk->curve != BR_EC_secp256r1)
        return br_ecdsa_i31_sign_asn1(impl, hf, hash_value, sk, sig);
    ERR_set_mark(); /* libcrypto's complaints stay out of the caller's queue */
    /* The same key signs handshake after handshake: its EC_KEY is kept
     * (ecdsa_keys.c). */
    EC_KEY *key = iotls_hc_p256_signing_key(sk->x, sk->xlen);
    ECDSA_SIG *s = key ? ECDSA_do_sign(hash_value, (int)hash_len(hf), key) : NULL;
    size_t n = 0;
    if (s) {
        /* DER of two 32-byte integers: at most 72 bytes, what BearSSL's
         * callers provide room for. */
        unsigned char *p = sig;
        int len = i2d_ECDSA_SIG(s, &p);
        n = len > 0 ? (size_t)len : 0;
    }
    ECDSA_SIG_free(s);
    EC_KEY_free(key);
    ERR_pop_to_mark();
    return n;
}

uint32_t iotls_hc_ecdsa_vrfy(const br_ec_impl *impl, const void *hash, size_t hash_len_,
                             const br_ec_public_key *pk, const void *sig, size_t sig_len)
{
    if (pk->curve != BR_EC_secp256r1)
        return br_ecdsa_i31_vrfy_asn1(impl, hash, hash_len_, pk, sig, sig_len);
    /* BearSSL's br_ecdsa_i31_vrfy_asn1: a buffer of twice the largest raw
     * signature (132 bytes x 2 + 24, halved), then its converter. */
    unsigned char raw[(66 << 2) + 24];
    if (sig_len > sizeof raw / 2 || !iotls_hc_p256_group())
        return 0;
    memcpy(raw, sig, sig_len);
    size_t raw_len = br_ecdsa_asn1_to_raw(raw, sig_len);
    if (raw_len == 0 || (raw_len & 1) || pk->qlen != 65)
        return 0;
    size_t half = raw_len / 2;

    ERR_set_mark();
    uint32_t ok = 0;
    BN_CTX *ctx = BN_CTX_new();
    EC_KEY *key = p256_key();
    EC_POINT *Q = EC_POINT_new(iotls_hc_p256_group());
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)half, NULL), *sv = BN_bin2bn(raw + half, (int)half, NULL);
    if (ctx && key && Q && s && r && sv && iotls_hc_p256_decode(Q, pk->q, pk->qlen, ctx) &&
        EC_KEY_set_public_key(key, Q) == 1 && ECDSA_SIG_set0(s, r, sv) == 1) {
        r = sv = NULL; /* owned by s now */
        ok = ECDSA_do_verify(hash, (int)hash_len_, s, key) == 1;
    }
    BN_free(r);
    BN_free(sv);
    ECDSA_SIG_free(s);
    EC_POINT_free(Q);
    EC_KEY_free(key);
    BN_CTX_free(ctx);
    ERR_pop_to_mark();
    return ok;
}
