/* Heap-free trust and credentials (iotls_trust_init_static,
 * iotls_creds_init_static): objects in caller storage that point at the
 * caller's const bytes verify and serve a real in-memory handshake, copy
 * nothing, refuse to grow, and reject bad input with clear errors. The
 * DER and anchor bytes are taken apart here with BearSSL's own decoders. */
#include <bearssl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/tls.h"
#include "pair.h"
#include "pki.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

/* Every PEM object of a file, as DER. */
typedef struct {
    uint8_t der[4][4096];
    size_t len[4];
    size_t count;
} der_list_t;

static void pem_sink(void *ctx, const void *data, size_t len)
{
    der_list_t *l = ctx;
    memcpy(l->der[l->count] + l->len[l->count], data, len);
    l->len[l->count] += len;
}

static void load_der(const char *path, der_list_t *l)
{
    memset(l, 0, sizeof *l);
    size_t n;
    iotls_error_t err;
    iotls_error_clear(&err);
    uint8_t *pem = iotls_file_read(path, &n, &err);
    assert_non_null(pem);
    br_pem_decoder_context pc;
    br_pem_decoder_init(&pc);
    const uint8_t *p = pem;
    while (n > 0) {
        size_t used = br_pem_decoder_push(&pc, p, n);
        p += used;
        n -= used;
        int ev = br_pem_decoder_event(&pc);
        if (ev == BR_PEM_BEGIN_OBJ)
            br_pem_decoder_setdest(&pc, pem_sink, l);
        else if (ev == BR_PEM_END_OBJ)
            l->count++;
        else if (ev == BR_PEM_ERROR)
            fail_msg("PEM error in %s", path);
    }
    free(pem);
}

static void dn_sink(void *ctx, const void *data, size_t len)
{
    der_list_t *l = ctx;
    memcpy(l->der[1] + l->len[1], data, len);
    l->len[1] += len;
}

/* What `iotls cert header` emits for a CA: its DN and EC point. */
typedef struct {
    der_list_t bytes; /* [1] = DN */
    uint8_t q[133];
    iotls_anchor_t anchor;
} test_anchor_t;

static void make_anchor(const char *ca_pem, test_anchor_t *t)
{
    der_list_t cert;
    load_der(ca_pem, &cert);
    memset(t, 0, sizeof *t);
    br_x509_decoder_context dc;
    br_x509_decoder_init(&dc, dn_sink, &t->bytes);
    br_x509_decoder_push(&dc, cert.der[0], cert.len[0]);
    const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
    assert_non_null(pk);
    assert_int_equal(pk->key_type, BR_KEYTYPE_EC);
    memcpy(t->q, pk->key.ec.q, pk->key.ec.qlen);
    t->anchor = (iotls_anchor_t){.dn = t->bytes.der[1],
                                 .dn_len = t->bytes.len[1],
                                 .flags = IOTLS_ANCHOR_CA,
                                 .key_type = IOTLS_ANCHOR_KEY_EC,
                                 .curve = pk->key.ec.curve,
                                 .q = t->q,
                                 .q_len = pk->key.ec.qlen};
}

static void static_objects_serve_a_verified_handshake(void **state)
{
    test_anchor_t ca;
    make_anchor(pki->ca_pem, &ca);
    der_list_t chain, key;
    load_der(pki->server_ec.chain, &chain);
    load_der(pki->server_ec.key, &key);
    assert_int_equal(chain.count, 2);

    /* Odd addresses on purpose: the functions align inside the storage. */
    static uint8_t trust_mem[IOTLS_TRUST_STATIC_BYTES(1) + 1];
    static uint8_t creds_mem[IOTLS_CREDS_STATIC_BYTES(2) + 1];
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_trust_t *trust =
        iotls_trust_init_static(trust_mem + 1, sizeof trust_mem - 1, &ca.anchor, 1, &err);
    if (!trust)
        fail_msg("trust: %s", err.text);
    const uint8_t *certs[2] = {chain.der[0], chain.der[1]};
    iotls_creds_t *creds = iotls_creds_init_static(creds_mem + 1, sizeof creds_mem - 1, certs,
                                                   chain.len, 2, key.der[0], key.len[0], &err);
    if (!creds)
        fail_msg("creds: %s", err.text);
    assert_int_equal(iotls_trust_count(trust), 1);
    assert_int_equal(iotls_creds_chain_length(creds), 2);

    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, NULL, pki->server_ec.chain, pki->server_ec.key, 2048);
    p.ccfg.trust = trust;
    p.scfg.creds = creds;
    assert_true(iotls_test_pair_start(&p, "localhost"));
    iotls_test_pair_pump(&p);
    const iotls_report_t *r = iotls_session_report(p.client);
    if (iotls_session_error(p.client)->code != IOTLS_OK)
        fail_msg("%s", iotls_session_error(p.client)->text);
    assert_true(r->verified);
    assert_string_equal(r->auth, "chain + host name");
    iotls_test_pair_free(&p);

    /* Fixed objects: they do not grow, and free() does not free them. */
    iotls_error_clear(&err);
    assert_int_equal(iotls_trust_add_anchor(trust, &ca.anchor, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    iotls_error_clear(&err);
    assert_int_equal(
        iotls_creds_set(creds, chain.der[0], chain.len[0], key.der[0], key.len[0], &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    iotls_trust_free(trust);
    iotls_creds_free(creds); /* wipes the decoded key only */
}

static void static_objects_reject_bad_input(void **state)
{
    test_anchor_t ca;
    make_anchor(pki->ca_pem, &ca);
    static uint8_t mem[IOTLS_CREDS_STATIC_BYTES(2)];
    iotls_error_t err;

    iotls_error_clear(&err);
    assert_null(iotls_trust_init_static(mem, IOTLS_TRUST_STATIC_BYTES(1) - 1, &ca.anchor, 1, &err));
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);

    /* A count whose size does not fit in size_t is refused, not wrapped. */
    iotls_error_clear(&err);
    assert_null(iotls_trust_init_static(mem, sizeof mem, &ca.anchor, SIZE_MAX / 32, &err));
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);

    iotls_anchor_t broken = ca.anchor;
    broken.q = NULL;
    iotls_error_clear(&err);
    assert_null(iotls_trust_init_static(mem, sizeof mem, &broken, 1, &err));
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);

    /* A key that is not the leaf's. */
    der_list_t chain, other_key;
    load_der(pki->server_ec.chain, &chain);
    load_der(pki->client.key, &other_key);
    const uint8_t *certs[1] = {chain.der[0]};
    iotls_error_clear(&err);
    assert_null(iotls_creds_init_static(mem, sizeof mem, certs, chain.len, 1, other_key.der[0],
                                        other_key.len[0], &err));
    assert_int_equal(err.code, IOTLS_ERR_KEY_MISMATCH);

    /* A key that is not a key. */
    iotls_error_clear(&err);
    assert_null(
        iotls_creds_init_static(mem, sizeof mem, certs, chain.len, 1, chain.der[0], 40, &err));
    assert_int_equal(err.code, IOTLS_ERR_BAD_KEY);

    iotls_error_clear(&err);
    assert_null(iotls_creds_init_static(mem, 100, certs, chain.len, 1, other_key.der[0],
                                        other_key.len[0], &err));
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);
    iotls_error_clear(&err);
    assert_null(iotls_creds_init_static(mem, sizeof mem, certs, chain.len, SIZE_MAX / 8,
                                        other_key.der[0], other_key.len[0], &err));
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(static_objects_serve_a_verified_handshake),
        cmocka_unit_test(static_objects_reject_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
