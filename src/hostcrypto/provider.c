/* The host provider's table (iotls/hostcrypto.h). */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>

#include "hostcrypto/hostcrypto.h"
#include "iotls/hostcrypto.h"

static char name[160];
static iotls_crypto_provider_t provider = {
    .name = name,
    .ec = &iotls_hc_ec,
    .ecdsa_sign = iotls_hc_ecdsa_sign,
    .ecdsa_vrfy = iotls_hc_ecdsa_vrfy,
    /* RSA stays BearSSL's: NULL members keep the built-in code. */
};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void set_up(void)
{
    snprintf(name, sizeof name,
             "OpenSSL %s libcrypto (X25519, P-256, ECDSA P-256); BearSSL for the rest",
             OpenSSL_version(OPENSSL_VERSION_STRING));
    iotls_hc_p256_group();
}

const iotls_crypto_provider_t *iotls_hostcrypto_provider(void)
{
    pthread_once(&once, set_up);
    return &provider;
}

void iotls_hostcrypto_shutdown(void)
{
    iotls_hc_p256_signing_keys_free();
    iotls_hc_x25519_kits_free();
}
