/*
 * tests/lib/pki.h — a throw-away test PKI, made at test time with `openssl`.
 *
 * One call makes every certificate and key a test may need, in
 * "<tmpdir>/pki" (see tmpdir.h), and caches it for the rest of the process.
 * All files are PEM. Keys are EC P-256 (PKCS#8, unencrypted) unless the name
 * ends in -rsa (RSA-2048); every signature is SHA-256 (ecdsa-with-SHA256).
 *
 *   root CA "iotls test root CA"          (ca_pem)         valid yesterday..2049
 *    └─ intermediate "iotls test intermediate CA" (inter_pem, pathlen 0)
 *        ├─ server_ec        CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1
 *        ├─ server_rsa       same names, RSA-2048 key
 *        ├─ server_expired   same names, valid 2020-01-01..2021-01-01 only
 *        ├─ server_notyet    same names, valid 2099-01-01..2099-12-31
 *        ├─ server_wrongname CN=wrong.example, SAN DNS:wrong.example only
 *        └─ client           CN=iotls test client, EKU clientAuth only
 *   other CA "iotls test other CA" (other_ca_pem), an unrelated root
 *    └─ server_otherca      same names as server_ec, issued directly by other CA
 *
 * Server leaves carry EKU serverAuth, keyUsage digitalSignature +
 * keyEncipherment, basicConstraints CA:FALSE. CAs carry keyCertSign+cRLSign.
 *
 * bundle_pem holds other CA then root CA (the matching anchor is NOT first, so
 * a multi-anchor test really searches the list).
 *
 * Per credential (iotls_test_cred_t):
 *   cert  — the leaf alone
 *   chain — leaf followed by its intermediate (what a server sends); for
 *           server_otherca, whose issuer is a root, chain holds the leaf only
 *   key   — the leaf's private key
 *   inter — the intermediate alone (for `s_server -cert_chain`), NULL for
 *           server_otherca
 *
 * Lifetime: generated on the first iotls_test_pki() call (about 1 s; the RSA
 * key dominates), the same pointer afterwards. iotls_test_pki_free() forgets it
 * and removes the whole per-process temp dir (PKI, peer logs, web root) unless
 * IOTLS_KEEP_TMP=1 — call it once, in the last teardown, after stopping peers.
 * The temp dir is also removed at exit if nobody called it.
 */
#ifndef IOTLS_TEST_PKI_H
#define IOTLS_TEST_PKI_H

typedef struct {
    const char *name; /* "server-ec", "server-rsa", ..., "client" */
    const char *cert;
    const char *chain;
    const char *key;
    const char *inter;
} iotls_test_cred_t;

typedef struct {
    const char *dir;    /* directory holding every file below */
    const char *ca_pem; /* root CA certificate */
    const char *ca_key;
    const char *inter_pem; /* intermediate CA certificate */
    const char *inter_key;
    const char *other_ca_pem; /* unrelated root CA */
    const char *other_ca_key;
    const char *bundle_pem; /* other CA + root CA */

    iotls_test_cred_t server_ec;
    iotls_test_cred_t server_rsa;
    iotls_test_cred_t server_expired;
    iotls_test_cred_t server_notyet;
    iotls_test_cred_t server_wrongname;
    iotls_test_cred_t server_otherca;
    iotls_test_cred_t client;
} iotls_test_pki_t;

/* The PKI, generated on first use. NULL (after printing the failing openssl
 * command and its output on stderr) when generation fails. */
const iotls_test_pki_t *iotls_test_pki(void);

/* A credential by name ("server-ec", "server-rsa", "server-expired",
 * "server-notyet", "server-wrongname", "server-othereca", "client"); NULL for
 * an unknown name or when the PKI cannot be made. */
const iotls_test_cred_t *iotls_test_pki_cred(const char *name);

/* Forgets the PKI and removes the per-process temp dir (see above). */
void iotls_test_pki_free(void);

/* iotls_test_pki_free as a cmocka group teardown (state unused): the last
 * step of every test program that uses the PKI. Returns 0. */
int iotls_test_pki_teardown(void **state);

#endif
