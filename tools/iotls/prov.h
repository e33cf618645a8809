/* Host-side helpers shared by `iotls cert` and `iotls flash` (OpenSSL):
 * reading certificates and keys in any common encoding, writing files with
 * the right modes, and the "iotls cert: ..." message format. */
#ifndef IOTLS_TOOL_PROV_H
#define IOTLS_TOOL_PROV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "iotls/error.h"

/* "iotls <cmd>: <message>" on stderr, plus OpenSSL's error queue if any. */
void prov_fail(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Same for a library error: "iotls <cmd>: <text> [IOTLS_ERR_X]". */
void prov_fail_err(const char *cmd, const iotls_error_t *err);

/* Every certificate in a file: PEM (one or many CERTIFICATE blocks) or one
 * DER certificate. NULL after a message when none can be read. */
STACK_OF(X509) * prov_read_certs(const char *cmd, const char *path);

/* A private key from PEM (any of PKCS#8 / SEC1 / PKCS#1) or DER. NULL after
 * a message when the file holds none. Quiet when `quiet` (used to probe). */
EVP_PKEY *prov_read_key(const char *cmd, const char *path, bool quiet);

/* DER of a certificate / of a key as unencrypted PKCS#8 (OPENSSL_free). */
uint8_t *prov_cert_der(X509 *x, size_t *len);
uint8_t *prov_key_der(EVP_PKEY *k, size_t *len);

/* Write a whole file. `exclusive`: fail if it exists (O_EXCL); otherwise
 * truncate and force the mode (a key rewritten with --force is still 0600). */
bool prov_write_file(const char *cmd, const char *path, const void *data, size_t len, int mode,
                     bool exclusive);

/* "0x3B" or "59" -> 59; false after a message. */
bool prov_parse_number(const char *cmd, const char *what, const char *arg, unsigned long long max,
                       unsigned long long *out);

/* "EC P-256", "RSA 2048", "Ed25519" ...; bits in *bits. */
const char *prov_key_desc(EVP_PKEY *k, char *buf, size_t len);

/* One-line RFC 2253 form of a name into buf. */
const char *prov_name(const X509_NAME *n, char *buf, size_t len);

/* Value of the option at argv[*i] ("--x VALUE"): advances *i; NULL after a
 * message when the value is missing. */
const char *prov_optarg(const char *cmd, int argc, char **argv, int *i);

#endif
