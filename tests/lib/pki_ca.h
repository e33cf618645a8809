/*
 * tests/lib/pki_ca.h — the `openssl ca` working directory both test PKIs
 * (pki.c, pki_cases.c) sign in: its configuration (the sections both use,
 * plus each file's own), certificate database and serial.
 */
#ifndef IOTLS_TEST_PKI_CA_H
#define IOTLS_TEST_PKI_CA_H

#include <stddef.h>

#include "cmd.h"

/* Fills dir (which exists) for `openssl ca -config cnf_name` run there:
 * cnf_name holds `own` (a file's own extension sections, after a comment
 * naming it) then the shared sections; an empty index.txt; serial holds
 * `serial` (hex; each PKI starts elsewhere so no two certificates share a
 * serial); newcerts/. 0 or -1. */
int iotls_test_pki_ca_dir(const char *dir, const char *cnf_name, const char *own,
                          const char *serial);

/* Runs an openssl command in dir (NULL: ours; 60 s at most) with `input` on stdin.
 * 0 when it exited 0 (its output moved into *keep when keep is not NULL;
 * the caller frees it), else -1 after printing the command and its output. */
int iotls_test_pki_run(const char *dir, const char *const *argv, const void *input,
                       size_t input_len, iotls_test_result_t *keep);

/* The start date of certificates valid now, "YYYYMMDDHHMMSSZ": a day ago,
 * so a peer whose clock is a little behind still accepts them. */
void iotls_test_pki_yesterday(char out[32]);

#endif
