/*
 * Two TLS endpoints talking over in-memory pipes inside the image: an
 * iotls session (the device under test, run on the measured stack) or a
 * plain BearSSL engine (the peer for a one-role profile, see
 * peer_bearssl.c). Both sides expose the same three operations so the
 * scenario in run_profile.c does not care which is which.
 */
#ifndef IOTLS_MCU_LINK_H
#define IOTLS_MCU_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIPE_BYTES 24576

typedef struct {
    uint8_t b[PIPE_BYTES];
    size_t len;
} pipe_t;

typedef struct end end_t;
struct end {
    const char *name;
    pipe_t *in, *out;
    /* Move bytes between the engine and the pipes (and, for an echo side,
     * send back what arrived). Returns bytes moved. */
    size_t (*move)(end_t *e);
    /* Queue application bytes (the talking side); returns bytes taken. */
    size_t (*write)(end_t *e, const void *data, size_t len);
    /* Take application bytes that arrived (the talking side). */
    size_t (*read)(end_t *e, void *out, size_t cap);
    void (*close)(end_t *e);
    bool (*handshake_done)(end_t *e);
    bool (*closed)(end_t *e);
    bool echo; /* send back whatever arrives */
    void *ctx;
};

/* Copy up to `len` bytes into a pipe / out of it (shifting the rest). */
size_t pipe_put(pipe_t *p, const void *data, size_t len);
size_t pipe_take(pipe_t *p, void *out, size_t len);

/* A certificate chain (leaf, then an intermediate when count is 2) and its
 * key, as arrays `iotls cert header` generated. */
typedef struct {
    const uint8_t *certs[2];
    size_t lens[2];
    size_t count;
    const uint8_t *key;
    size_t key_len;
} test_cred_t;

/* A BearSSL peer (peer_bearssl.c): a server presenting `cred`, or a
 * client that trusts the test CA and checks `server_name` at time `now`. */
void peer_server_init(end_t *e, const test_cred_t *cred);
void peer_client_init(end_t *e, int64_t now, const char *server_name);

#endif
