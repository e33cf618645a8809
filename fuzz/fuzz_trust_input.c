/* Untrusted certificate/key bytes (a file, a flash blob, a provisioning
 * channel) through the loaders: PEM armour, DER certificates, private keys,
 * pins. Any input must give a result or a clean error, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/tls.h"
#include "iotls/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_trust_t *t = iotls_trust_new();
    iotls_trust_add_pem(t, data, size, &err);
    iotls_error_clear(&err);
    iotls_trust_add_der(t, data, size, &err);
    iotls_error_clear(&err);
    iotls_trust_add_self_signed(t, data, size, &err);
    iotls_trust_free(t);

    /* Split the input into a "chain" and a "key". */
    size_t cut = size ? data[0] % (size + 1) : 0;
    iotls_creds_t *c = iotls_creds_new();
    iotls_error_clear(&err);
    iotls_creds_set(c, data, cut, data + cut, size - cut, &err);
    iotls_creds_free(c);

    char text[128];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    iotls_pin_t pin;
    iotls_error_clear(&err);
    iotls_pin_parse(text, &pin, &err);
    return 0;
}
