/* Private: PEM armour for stored certificate chains (see pem_armour.c). */
#ifndef IOTLS_STORE_PEM_ARMOUR_H
#define IOTLS_STORE_PEM_ARMOUR_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const uint8_t *data;
    size_t len;
} store_der_ref_t;

/* A NUL-terminated PEM text of all certificates (free() it); NULL when out
 * of memory. *len excludes the NUL. */
char *store_pem_chain(const store_der_ref_t *certs, size_t n, size_t *len);

#endif
