/*
 * tests/lib/tls_fixture.h — what most in-process tests of connections set
 * up once per group: the test PKI (pki.h), a trust store holding its root
 * CA, and server_ec's chain and key as credentials.
 */
#ifndef IOTLS_TEST_TLS_FIXTURE_H
#define IOTLS_TEST_TLS_FIXTURE_H

#include "iotls/tls.h"
#include "iotls/trust.h"
#include "pki.h"

/* Makes (or reuses) the PKI and loads trust and creds; `pki` may be NULL.
 * 0, or -1 after printing why on stderr (a cmocka group setup's result). */
int iotls_test_tls_fixture(const iotls_test_pki_t **pki, iotls_trust_t **trust,
                           iotls_creds_t **creds);

/* Frees trust and creds (set to NULL) and the PKI (iotls_test_pki_free):
 * the group teardown. */
void iotls_test_tls_fixture_free(iotls_trust_t **trust, iotls_creds_t **creds);

#endif
