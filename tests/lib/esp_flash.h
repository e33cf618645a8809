/*
 * tests/lib/esp_flash.h — flash images for the espconn compatibility tests:
 * DER from the test PKI's PEM files, the ESP8266 SDK's certificate lists
 * (the layout make_cacert.py / make_cert.py write: per entry a 32-byte
 * NUL-padded name, a 16-bit little-endian length, the DER bytes), and
 * putting bytes at a sector of an image file.
 */
#ifndef IOTLS_TEST_ESP_FLASH_H
#define IOTLS_TEST_ESP_FLASH_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    IOTLS_TEST_DER_CERT,  /* openssl x509 -outform DER (the first certificate) */
    IOTLS_TEST_DER_PKCS8, /* PrivateKeyInfo */
    IOTLS_TEST_DER_SEC1,  /* ECPrivateKey (openssl ec) */
    IOTLS_TEST_DER_PKCS1  /* RSAPrivateKey (openssl rsa -traditional) */
} iotls_test_der_kind_t;

/* DER of a PEM file, converted with the openssl CLI. malloc'd (free it);
 * NULL after printing the failure. */
uint8_t *iotls_test_der_of(const char *pem_path, iotls_test_der_kind_t kind, size_t *len);

typedef struct {
    const char *name; /* "TLS.ca_x509", "certificate", "private_key" */
    const uint8_t *der;
    size_t len;
} iotls_test_esp_entry_t;

/* The SDK list of n entries into a malloc'd buffer (free it); NULL if an
 * entry does not fit the format (name > 31 characters, DER >= 64 KiB). */
uint8_t *iotls_test_esp_list(const iotls_test_esp_entry_t *e, size_t n, size_t *len);

/* Write data at `sector` of the image at path (created, 4 MiB, all 0xFF, if
 * it does not exist): the sectors it covers are erased first. 0 or -1. */
int iotls_test_flash_put(const char *path, unsigned sector, const void *data, size_t len);

#endif
