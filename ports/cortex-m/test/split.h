/*
 * Where a client's handshake instructions go: the public-key operations it
 * runs, each counted alone on the measured core (split.c). Printed as
 *   mcu-split: ecdsa_p256_verify=N x25519_keygen=N x25519_shared=N
 *              p256_keygen=N p256_shared=N
 * A client's full handshake with an ECDSA P-256 server and X25519 runs one
 * verification per certificate below the anchor plus one for the
 * ServerKeyExchange, and one X25519 key generation and shared secret.
 */
#ifndef IOTLS_MCU_SPLIT_H
#define IOTLS_MCU_SPLIT_H

#include <stdbool.h>

/* Measure and print the line with `say`; false if an operation failed. */
bool split_report(void (*say)(const char *fmt, ...));

#endif
