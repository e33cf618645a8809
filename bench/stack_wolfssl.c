/* wolfSSL 5.5 (Debian libwolfssl) client, TLS 1.2 method, chain and name
 * verified. */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct bench_conn {
    WOLFSSL *ssl;
};

static WOLFSSL_CTX *ctx;
static WOLFSSL_SESSION *saved;

static int setup(const char *ca, size_t buffer)
{
    wolfSSL_Init();
    ctx = wolfSSL_CTX_new(wolfTLSv1_2_client_method());
    if (!ctx || wolfSSL_CTX_load_verify_locations(ctx, ca, NULL) != WOLFSSL_SUCCESS)
        return -1;
    wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_PEER, NULL);
    return 0;
}

static size_t owned_bytes(void)
{
    return 0;
}

static bench_conn_t *open_conn(int fd, const char *host, bool resume)
{
    bench_conn_t *c = malloc(sizeof *c);
    if (!c || !(c->ssl = wolfSSL_new(ctx))) {
        free(c);
        return NULL;
    }
    wolfSSL_set_fd(c->ssl, fd);
    wolfSSL_UseSNI(c->ssl, WOLFSSL_SNI_HOST_NAME, host, (unsigned short)strlen(host));
    wolfSSL_check_domain_name(c->ssl, host);
    if (resume && saved)
        wolfSSL_set_session(c->ssl, saved);
    return c;
}

static int handshake(bench_conn_t *c)
{
    if (wolfSSL_connect(c->ssl) != WOLFSSL_SUCCESS) {
        char msg[WOLFSSL_MAX_ERROR_SZ];
        fprintf(stderr, "wolfssl: %s\n",
                wolfSSL_ERR_error_string((unsigned long)wolfSSL_get_error(c->ssl, 0), msg));
        return -1;
    }
    return 0;
}

static long read_conn(bench_conn_t *c, void *buf, size_t len)
{
    int n = wolfSSL_read(c->ssl, buf, (int)len);
    if (n > 0)
        return n;
    return wolfSSL_get_error(c->ssl, n) == WOLFSSL_ERROR_ZERO_RETURN ? 0 : -1;
}

static int write_all(bench_conn_t *c, const void *buf, size_t len)
{
    return wolfSSL_write(c->ssl, buf, (int)len) == (int)len ? 0 : -1;
}

static void close_conn(bench_conn_t *c)
{
    if (wolfSSL_shutdown(c->ssl) == WOLFSSL_SHUTDOWN_NOT_DONE) {
        char buf[4096];
        while (wolfSSL_read(c->ssl, buf, sizeof buf) > 0)
            ;
        wolfSSL_shutdown(c->ssl);
    }
}

static void free_conn(bench_conn_t *c)
{
    wolfSSL_free(c->ssl);
    free(c);
}

static const char *suite(bench_conn_t *c)
{
    return wolfSSL_get_cipher_name(c->ssl);
}

static int save_session(bench_conn_t *c)
{
    if (saved)
        wolfSSL_SESSION_free(saved);
    saved = wolfSSL_get1_session(c->ssl);
    return saved ? 0 : -1;
}

static bool resumed(bench_conn_t *c)
{
    return wolfSSL_session_reused(c->ssl) == 1;
}

const bench_stack_t bench_stack = {
    .name = "wolfssl",
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
