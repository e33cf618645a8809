/* The usual trust and credentials for in-process tests (tls_fixture.h). */
#include "tls_fixture.h"

#include <stdio.h>

int iotls_test_tls_fixture(const iotls_test_pki_t **pki, iotls_trust_t **trust,
                           iotls_creds_t **creds)
{
    const iotls_test_pki_t *p = iotls_test_pki();
    if (pki)
        *pki = p;
    if (!p)
        return -1;
    iotls_error_t err;
    iotls_error_clear(&err);
    *trust = iotls_trust_new();
    *creds = iotls_creds_new();
    if (!*trust || !*creds) {
        fprintf(stderr, "test setup: out of memory\n");
        return -1;
    }
    /* Exactly the root CA: a test that finds another anchor count is
     * looking at the wrong file. */
    if (iotls_trust_load_file(*trust, p->ca_pem, &err) != 1 ||
        iotls_creds_load_files(*creds, p->server_ec.chain, p->server_ec.key, &err) < 0) {
        fprintf(stderr, "test setup: %s\n", err.text[0] ? err.text : "unexpected anchor count");
        return -1;
    }
    return 0;
}

void iotls_test_tls_fixture_free(iotls_trust_t **trust, iotls_creds_t **creds)
{
    iotls_trust_free(*trust);
    iotls_creds_free(*creds);
    *trust = NULL;
    *creds = NULL;
    iotls_test_pki_free();
}
