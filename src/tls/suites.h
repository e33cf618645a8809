/* Names for negotiated protocol parameters. */
#ifndef IOTLS_TLS_SUITES_H
#define IOTLS_TLS_SUITES_H

#include <stdint.h>

/* IANA name of a cipher suite ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
 * or "unknown" (static text; the number is in the report beside it). */
const char *iotls_cipher_suite_name(uint16_t suite);

/* "TLS 1.2" etc. */
const char *iotls_version_name(unsigned version);

#endif
