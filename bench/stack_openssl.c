/* OpenSSL 3 (Debian libssl) client, TLS 1.2 forced, chain and name verified. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

struct bench_conn {
    SSL *ssl;
};

static SSL_CTX *ctx;
static SSL_SESSION *saved;

static int setup(const char *ca, size_t buffer)
{
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) ||
        SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
        ERR_print_errors_fp(stderr);
        return -1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return 0;
}

static size_t owned_bytes(void)
{
    return 0;
}

static bench_conn_t *open_conn(int fd, const char *host, bool resume)
{
    bench_conn_t *c = malloc(sizeof *c);
    if (!c || !(c->ssl = SSL_new(ctx))) {
        free(c);
        return NULL;
    }
    SSL_set_fd(c->ssl, fd);
    SSL_set_tlsext_host_name(c->ssl, host);
    SSL_set1_host(c->ssl, host);
    if (resume && saved)
        SSL_set_session(c->ssl, saved);
    return c;
}

static int handshake(bench_conn_t *c)
{
    if (SSL_connect(c->ssl) != 1) {
        ERR_print_errors_fp(stderr);
        return -1;
    }
    return 0;
}

static long read_conn(bench_conn_t *c, void *buf, size_t len)
{
    int n = SSL_read(c->ssl, buf, (int)len);
    if (n > 0)
        return n;
    return SSL_get_error(c->ssl, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

static int write_all(bench_conn_t *c, const void *buf, size_t len)
{
    return SSL_write(c->ssl, buf, (int)len) == (int)len ? 0 : -1;
}

static void close_conn(bench_conn_t *c)
{
    if (SSL_shutdown(c->ssl) == 0) {
        char buf[4096];
        while (SSL_read(c->ssl, buf, sizeof buf) > 0)
            ;
        SSL_shutdown(c->ssl);
    }
}

static void free_conn(bench_conn_t *c)
{
    SSL_free(c->ssl);
    free(c);
}

static const char *suite(bench_conn_t *c)
{
    return SSL_CIPHER_standard_name(SSL_get_current_cipher(c->ssl));
}

static int save_session(bench_conn_t *c)
{
    SSL_SESSION_free(saved);
    saved = SSL_get1_session(c->ssl);
    return saved ? 0 : -1;
}

static bool resumed(bench_conn_t *c)
{
    return SSL_session_reused(c->ssl) == 1;
}

const bench_stack_t bench_stack = {
    .name = "openssl",
    .setup = setup,
    .open = open_conn,
    .handshake = handshake,
    .read = read_conn,
    .write_all = write_all,
    .close = close_conn,
    .free = free_conn,
    .suite = suite,
    .owned_bytes = owned_bytes,
    .save_session = save_session,
    .resumed = resumed,
};
