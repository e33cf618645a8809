/* The per-operation counts of split.h, with the code the profile's
 * sessions use: the binding's built-in EC and ECDSA (br_algos.c). */
#include "split.h"

#include <string.h>

#include "../board.h"
#include "measure.h"
#include "tls/bearssl/br_session.h"

typedef struct {
    const br_ec_impl *impl;
    int curve;
    unsigned char priv[32], pub[65], peer[65];
    size_t pub_len;
    const br_ec_public_key *pk;
    unsigned char hash[32], sig[80];
    size_t sig_len;
    uint32_t ok;
} op_t;

/* ECDHE as a TLS client runs it: its own key pair, then the shared point. */
static int keygen(void *arg)
{
    op_t *o = arg;
    o->pub_len = o->impl->mulgen(o->pub, o->priv, sizeof o->priv, o->curve);
    return o->pub_len != 0;
}

static int shared(void *arg)
{
    op_t *o = arg;
    size_t len;
    o->impl->generator(o->curve, &len);
    return (int)o->impl->mul(o->peer, len, o->priv, sizeof o->priv, o->curve);
}

static int verify(void *arg)
{
    op_t *o = arg;
    return (int)iotls_br_builtin_ecdsa_vrfy()(o->impl, o->hash, sizeof o->hash, o->pk, o->sig,
                                              o->sig_len);
}

static bool count(int (*fn)(void *), op_t *o, unsigned long long *out)
{
    uint64_t n = 0;
    int ok = measure_call(fn, o, &n);
    *out = n;
    return ok != 0;
}

/* A private scalar below the order of either curve (top bit clear), from
 * the board's entropy. */
static bool scalar(unsigned char *k, size_t len)
{
    if (board_entropy(k, len) != 0)
        return false;
    k[0] &= 0x7F;
    k[len - 1] |= 1;
    return true;
}

bool split_report(void (*say)(const char *fmt, ...))
{
    static op_t o;
    unsigned long long vrfy = 0, xgen = 0, xmul = 0, pgen = 0, pmul = 0;
    bool ok = true;

    /* X25519 and P-256 ECDHE: the peer's share is a fresh public key. */
    const struct {
        int curve;
        unsigned long long *gen, *mul;
    } kx[2] = {{BR_EC_curve25519, &xgen, &xmul}, {BR_EC_secp256r1, &pgen, &pmul}};
    o.impl = iotls_br_builtin_ec();
    for (int i = 0; i < 2; i++) {
        o.curve = kx[i].curve;
        ok = ok && scalar(o.priv, sizeof o.priv) && keygen(&o);
        memcpy(o.peer, o.pub, o.pub_len);
        ok = ok && scalar(o.priv, sizeof o.priv);
        ok = ok && count(keygen, &o, kx[i].gen) && count(shared, &o, kx[i].mul);
    }

    /* ECDSA P-256: a signature made here, verified as a certificate's or a
     * ServerKeyExchange's is. */
    static br_ec_private_key sk;
    static br_ec_public_key pk;
    o.curve = BR_EC_secp256r1;
    ok = ok && scalar(o.priv, sizeof o.priv) && keygen(&o);
    sk = (br_ec_private_key){BR_EC_secp256r1, o.priv, sizeof o.priv};
    pk = (br_ec_public_key){BR_EC_secp256r1, o.pub, o.pub_len};
    o.pk = &pk;
    ok = ok && board_entropy(o.hash, sizeof o.hash) == 0;
    o.sig_len =
        ok ? iotls_br_builtin_ecdsa_sign()(o.impl, &br_sha256_vtable, o.hash, &sk, o.sig) : 0;
    ok = ok && o.sig_len && count(verify, &o, &vrfy);

    say("mcu-split: ecdsa_p256_verify=%llu x25519_keygen=%llu x25519_shared=%llu "
        "p256_keygen=%llu p256_shared=%llu\n",
        vrfy, xgen, xmul, pgen, pmul);
    if (!ok)
        say("mcu-run: split: an operation failed\n");
    return ok;
}
