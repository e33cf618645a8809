/* Loading trust anchors and credentials from flash — iotls blobs and the
 * ESP8266 SDK's lists — with the real test PKI, ending in a verified
 * handshake whose both ends were configured from a flash image. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "iotls/store.h"
#include "iotls/tls.h"
#include "pair.h"
#include "pki.h"

#define SECTORS 128
static uint8_t chip[SECTORS * IOTLS_FLASH_SECTOR_SIZE];
static const iotls_test_pki_t *pki;

typedef struct {
    uint8_t *der;
    size_t len;
} der_t;

/* Certificates of a PEM file as DER (up to max); returns how many. */
static size_t pem_certs(const char *path, der_t *out, size_t max)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = 0;
    X509 *x;
    while (n < max && (x = PEM_read_X509(fp, NULL, NULL, NULL))) {
        out[n].der = NULL;
        int len = i2d_X509(x, &out[n].der);
        assert_true(len > 0);
        out[n++].len = (size_t)len;
        X509_free(x);
    }
    fclose(fp);
    return n;
}

/* A key file as DER: PKCS#8 or the traditional form (SEC1 / PKCS#1). */
static der_t pem_key(const char *path, bool pkcs8)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    EVP_PKEY *k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(k);
    der_t d = {NULL, 0};
    int len;
    if (pkcs8) {
        PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k);
        len = i2d_PKCS8_PRIV_KEY_INFO(p8, &d.der);
        PKCS8_PRIV_KEY_INFO_free(p8);
    } else {
        len = i2d_PrivateKey(k, &d.der);
    }
    EVP_PKEY_free(k);
    assert_true(len > 0);
    d.len = (size_t)len;
    return d;
}

static void der_free(der_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        OPENSSL_free(d[i].der);
}

static void fresh_chip(iotls_flash_t *f)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_init_mem(f, chip, sizeof chip, &err), 0);
    assert_int_equal(iotls_flash_erase(f, 0, SECTORS, &err), 0);
}

/* Build a blob of certs (+ key when key.der) and write it at sector. */
static void put_blob(iotls_flash_t *f, unsigned sector, iotls_blob_type_t type, const der_t *certs,
                     size_t n, der_t key)
{
    iotls_store_entry_t e[8];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        e[k++] = (iotls_store_entry_t){IOTLS_ENTRY_CERT, 0, certs[i].der, certs[i].len};
    if (key.der)
        e[k++] = (iotls_store_entry_t){IOTLS_ENTRY_KEY, iotls_store_key_format(key.der, key.len),
                                       key.der, key.len};
    size_t cap = iotls_store_blob_size(e, k), len;
    uint8_t *b = malloc(cap);
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_store_blob_build(type, 0, e, k, b, cap, &len, &err) < 0)
        fail_msg("build: %s", err.text);
    if (iotls_store_write(f, sector, b, len, &err) < 0)
        fail_msg("write: %s", err.text);
    free(b);
}

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

static void test_ca_bundle_loads_every_anchor(void **state)
{
    iotls_flash_t f;
    der_t certs[4];
    size_t n = pem_certs(pki->bundle_pem, certs, 4);
    assert_int_equal(n, 2);
    fresh_chip(&f);
    put_blob(&f, 0x3B, IOTLS_BLOB_CA, certs, n, (der_t){NULL, 0});
    iotls_trust_t *t = iotls_trust_new();
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_trust(&f, 0x3B, t, &err), 2);
    assert_int_equal(iotls_trust_count(t), 2);
    iotls_trust_free(t);
    der_free(certs, n);
}

/* Both ends configured from flash: the client's anchors from sector 0x3B,
 * the server's chain + key from 0x3A; the handshake verifies. */
static void test_handshake_with_flash_loaded_trust_and_creds(void **state)
{
    /* EC key as PKCS#8, EC key as SEC1, RSA key as PKCS#1. */
    for (size_t c = 0; c < 3; c++) {
        const iotls_test_cred_t *cred = c < 2 ? &pki->server_ec : &pki->server_rsa;
        iotls_flash_t f;
        der_t ca[1], chain[4];
        assert_int_equal(pem_certs(pki->ca_pem, ca, 1), 1);
        size_t n = pem_certs(cred->chain, chain, 4);
        assert_int_equal(n, 2);
        der_t key = pem_key(cred->key, c == 0);
        fresh_chip(&f);
        put_blob(&f, 0x3B, IOTLS_BLOB_CA, ca, 1, (der_t){NULL, 0});
        put_blob(&f, 0x3A, IOTLS_BLOB_CREDS, chain, n, key);

        iotls_test_pair_t p;
        iotls_error_t err;
        iotls_error_clear(&err);
        iotls_test_pair_setup(&p, NULL, NULL, NULL, 4096);
        assert_int_equal(iotls_store_load_trust(&f, 0x3B, p.trust, &err), 1);
        if (iotls_store_load_creds(&f, 0x3A, p.creds, &err) < 0)
            fail_msg("case %zu: %s", c, err.text);
        assert_int_equal(iotls_creds_chain_length(p.creds), 2);
        p.ccfg.trust = p.trust;
        p.scfg.creds = p.creds;
        assert_true(iotls_test_pair_start(&p, "localhost"));
        iotls_test_pair_pump(&p);
        assert_true(iotls_session_state(p.client) & IOTLS_HANDSHAKE_DONE);
        assert_true(iotls_session_report(p.client)->verified);
        iotls_test_pair_free(&p);
        der_free(ca, 1);
        der_free(chain, n);
        der_free(&key, 1);
    }
}

static void test_loader_errors(void **state)
{
    iotls_flash_t f;
    der_t cert[1], key = pem_key(pki->client.key, true), ca[1];
    assert_int_equal(pem_certs(pki->server_ec.cert, cert, 1), 1);
    assert_int_equal(pem_certs(pki->ca_pem, ca, 1), 1);
    fresh_chip(&f);
    /* The server's certificate with the client's key. */
    put_blob(&f, 0x3A, IOTLS_BLOB_CREDS, cert, 1, key);
    iotls_creds_t *creds = iotls_creds_new();
    iotls_trust_t *trust = iotls_trust_new();
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_creds(&f, 0x3A, creds, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_KEY_MISMATCH);

    /* Wrong sector: credentials where a CA bundle was expected. */
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_trust(&f, 0x3A, trust, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_CONFIG);
    assert_string_equal(err.text, "sector 0x3A holds a credentials blob, not a CA bundle blob");

    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_creds(&f, 0x3B, creds, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_CONFIG);
    assert_string_equal(err.text, "sector 0x3B: erased, nothing stored here");

    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_trust(&f, SECTORS + 5, trust, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);

    /* All or nothing: a good CA then a certificate the TLS layer refuses. */
    static const uint8_t bogus[] = {0x30, 0x06, 0x30, 0x04, 0x02, 0x02, 0x01, 0x02};
    der_t two[2] = {ca[0], {(uint8_t *)bogus, sizeof bogus}};
    put_blob(&f, 0x3B, IOTLS_BLOB_CA, two, 2, (der_t){NULL, 0});
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_trust(&f, 0x3B, trust, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_CERT);
    assert_int_equal(iotls_trust_count(trust), 0);

    /* A torn CA blob reaches the caller as the parser's error. */
    fresh_chip(&f);
    iotls_flash_test_cut_power_after(&f, 100);
    {
        iotls_store_entry_t e = {IOTLS_ENTRY_CERT, 0, ca[0].der, ca[0].len};
        uint8_t b[2048];
        size_t len;
        iotls_error_clear(&err);
        assert_int_equal(iotls_store_blob_build(IOTLS_BLOB_CA, 0, &e, 1, b, sizeof b, &len, &err),
                         0);
        assert_int_equal(iotls_store_write(&f, 0x3B, b, len, &err), -1);
    }
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_trust(&f, 0x3B, trust, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_FILE);
    assert_non_null(strstr(err.text, "sector 0x3B: blob write never completed"));

    iotls_creds_free(creds);
    iotls_trust_free(trust);
    der_free(cert, 1);
    der_free(ca, 1);
    der_free(&key, 1);
}

/* An ESP8266 SDK list, byte for byte what make_cacert.py / make_cert.py
 * write: 32-byte NUL-padded name, 16-bit LE length, DER. */
static size_t esp_list(uint8_t *out, const char *const *names, const der_t *ders, size_t n)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        memset(out + pos, 0, 32);
        memcpy(out + pos, names[i], strlen(names[i]));
        out[pos + 32] = (uint8_t)ders[i].len;
        out[pos + 33] = (uint8_t)(ders[i].len >> 8);
        memcpy(out + pos + 34, ders[i].der, ders[i].len);
        pos += 34 + ders[i].len;
    }
    return pos;
}

static void test_esp8266_sdk_lists(void **state)
{
    iotls_flash_t f;
    iotls_error_t err;
    der_t cas[2], cert[1], key = pem_key(pki->server_ec.key, false);
    assert_int_equal(pem_certs(pki->bundle_pem, cas, 2), 2);
    assert_int_equal(pem_certs(pki->server_ec.cert, cert, 1), 1);
    static uint8_t buf[8192];
    size_t len = esp_list(buf, (const char *const[]){"TLS.ca_x509", "other_ca"}, cas, 2);

    iotls_esp_list_t list;
    iotls_esp_entry_t e;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_esp_parse(buf, len, 0x3B, &list, &err), 0);
    assert_int_equal(list.count, 2);
    assert_true(iotls_store_esp_next(&list, &e));
    assert_string_equal(e.name, "TLS.ca_x509");
    assert_int_equal(e.len, cas[0].len);
    assert_true(iotls_store_esp_next(&list, &e));
    assert_string_equal(e.name, "other_ca");
    assert_false(iotls_store_esp_next(&list, &e));

    fresh_chip(&f);
    assert_int_equal(iotls_flash_write(&f, 0x3B000, buf, len, &err), 0);
    assert_int_equal(iotls_store_probe(&f, 0x3B, &err), IOTLS_SECTOR_ESP);
    iotls_trust_t *t = iotls_trust_new();
    assert_int_equal(iotls_store_load_trust(&f, 0x3B, t, &err), 2);
    iotls_trust_free(t);

    /* esp_cert_private_key.bin: directory order may put the key first. */
    len = esp_list(buf, (const char *const[]){"private_key", "certificate"},
                   (der_t[]){key, cert[0]}, 2);
    assert_int_equal(iotls_flash_write(&f, 0x3A000, buf, len, &err), 0);
    iotls_creds_t *c = iotls_creds_new();
    if (iotls_store_load_creds(&f, 0x3A, c, &err) < 0)
        fail_msg("%s", err.text);
    assert_int_equal(iotls_creds_chain_length(c), 1);
    iotls_creds_free(c);

    /* Damage: a length running past the data, a name that is not text. */
    buf[32] = 0xFF;
    buf[33] = 0x7F;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_esp_parse(buf, len, 0x3A, &list, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_FILE);
    assert_non_null(strstr(
        err.text, "sector 0x3A: truncated ESP list: entry 0 ('private_key') declares 32767 bytes"));
    buf[32] = (uint8_t)key.len;
    buf[33] = (uint8_t)(key.len >> 8);
    buf[20] = 0x01;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_esp_parse(buf, len, 0x3A, &list, &err), -1);
    assert_string_equal(err.text, "sector 0x3A: ESP list entry 0: name is not NUL-padded text");
    buf[20] = 0;
    buf[34 + 1] ^= 0x01; /* DER length of the key no longer matches */
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_esp_parse(buf, len, 0x3A, &list, &err), -1);
    assert_non_null(strstr(err.text, "are not one DER object"));
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_esp_parse(buf, 0, 0x3A, &list, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_CONFIG);

    der_free(cas, 2);
    der_free(cert, 1);
    der_free(&key, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ca_bundle_loads_every_anchor),
        cmocka_unit_test(test_handshake_with_flash_loaded_trust_and_creds),
        cmocka_unit_test(test_loader_errors),
        cmocka_unit_test(test_esp8266_sdk_lists),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
