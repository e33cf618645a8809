/* Entropy from the operating system. */
#ifndef IOTLS_TLS_ENTROPY_H
#define IOTLS_TLS_ENTROPY_H

#include <stddef.h>

#include "iotls/error.h"

/* Fill buf with len random bytes from the OS (getrandom). On failure sets
 * IOTLS_ERR_NO_ENTROPY and returns -1: iotls never falls back to a weak
 * seed. */
int iotls_entropy_get(void *buf, size_t len, iotls_error_t *err);

#endif
