/*
 * tests/lib/pki_cases.h — extra certificates for the certificate-case table
 * and the trust-policy tests, made at test time with `openssl` on top of the
 * base test PKI (pki.h).
 *
 * Generated on the first iotls_test_pki_cases() call into "<tmpdir>/pki-cases"
 * (about 1-3 s: the RSA-4096 key dominates) and cached for the process; the
 * files go away with the temp dir (iotls_test_pki_free()). All files are PEM,
 * keys PKCS#8. Valid certificates run from yesterday to 2049-12-31.
 *
 *   base intermediate (pki.h, EC P-256, under the base root)
 *    ├─ wildcard     CN=*.example.test, SAN DNS:*.example.test      EC P-256
 *    ├─ cn_only      CN=cn-only.test, no subjectAltName at all      EC P-256
 *    ├─ sni_b        CN=b.test, SAN DNS:b.test                      EC P-256
 *    └─ (the base server_ec, client, ... certificates)
 *   RSA-4096 root "iotls cases RSA-4096 root" (rsa_root_pem)
 *    ├─ EC P-256 intermediate "iotls cases EC under RSA"
 *    │   └─ ec_under_ec_under_rsa   localhost names, EC P-256 leaf
 *    └─ RSA-2048 intermediate "iotls cases RSA-2048 intermediate"
 *        └─ ec_under_rsa_inter      localhost names, EC P-256 leaf
 *   P-384 root "iotls cases P-384 root" (p384_root_pem), SHA-384 signatures
 *    └─ P-384 intermediate "iotls cases P-384 intermediate"
 *        ├─ p384                    localhost names, EC P-384 leaf
 *        └─ rsa_under_p384          localhost names, RSA-2048 leaf
 *   base other CA (pki.h)
 *    └─ client_otherca   CN=iotls other client, EKU clientAuth
 *   self-signed, NOT a CA: selfsigned   CN=selfsigned.test,
 *                            SAN DNS:selfsigned.test, CA:FALSE, serverAuth
 *
 *   base root (pki.h)
 *    └─ long-name CA "O=iotls test, OU=a*60, OU=b*60, CN=iotls cases long-name CA"
 *        └─ sweep[0..19]   localhost names, EC P-256, one key (sweep_key),
 *                           serial numbers of 1..20 bytes: the validity
 *                           dates move one byte at a time across offset 256
 *                           of the certificate (BearSSL hands certificates to
 *                           the X.509 engine in 256-byte pieces)
 *
 * "localhost names" = CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1
 * (like the base server_ec), so real peers on loopback can use them.
 *
 * Each credential is an iotls_test_cred_t (pki.h): cert, chain (leaf +
 * intermediate; leaf only when the issuer is a root or for selfsigned), key,
 * inter (NULL when chain is the leaf alone).
 */
#ifndef IOTLS_TEST_PKI_CASES_H
#define IOTLS_TEST_PKI_CASES_H

#include "pki.h"

typedef struct {
    const char *dir;
    const char *rsa_root_pem;  /* RSA-4096 root */
    const char *p384_root_pem; /* P-384 root */

    iotls_test_cred_t wildcard;
    iotls_test_cred_t cn_only;
    iotls_test_cred_t sni_b;
    iotls_test_cred_t ec_under_ec_under_rsa;
    iotls_test_cred_t ec_under_rsa_inter;
    iotls_test_cred_t p384;
    iotls_test_cred_t rsa_under_p384;
    iotls_test_cred_t client_otherca;
    iotls_test_cred_t selfsigned;

    const char *long_name_ca_pem;
    const char *sweep_chain[20]; /* leaf (serial of i+1 bytes) + long-name CA */
    const char *sweep_key;
} iotls_test_pki_cases_t;

/* Generated on first use (needs iotls_test_pki()); NULL after printing the
 * failing openssl command when generation fails. */
const iotls_test_pki_cases_t *iotls_test_pki_cases(void);

/* A file of the cases directory by name: "nc-root" (-> nc-root.pem),
 * "nc-in.key", "ord-rev" (a chain): issue 9's name-constrained, expired and
 * critical-extension roots, EKU variants, RSA-1024 keys and every chain
 * order (see extra_items / extra_chains in pki_cases.c). The pointer stays
 * valid for the next 15 calls. NULL before iotls_test_pki_cases(). */
const char *iotls_test_pki_cases_file(const char *name);

/* SHA-256 of the SubjectPublicKeyInfo of the certificate in cert_path,
 * computed with the openssl CLI (x509 -pubkey | pkey -pubin -outform der |
 * dgst -sha256) — independent of iotls's own hashing. 0 or -1. */
int iotls_test_spki_sha256(const char *cert_path, unsigned char out[32]);

/* SHA-256 of the certificate's DER (openssl x509 -fingerprint -sha256). */
int iotls_test_cert_sha256(const char *cert_path, unsigned char out[32]);

#endif
