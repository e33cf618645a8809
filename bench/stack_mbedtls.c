/* mbedTLS 2.28 (Debian libmbedtls) client, TLS 1.2, chain and name verified. */
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "bench.h"

struct bench_conn {
    int fd;
    mbedtls_ssl_context ssl; /* malloc'd with the conn, so the counter sees it */
};

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static mbedtls_x509_crt ca_chain;
static mbedtls_ssl_config conf;
static mbedtls_ssl_session saved;
static bool have_saved;

static int tx(void *ctx, const unsigned char *buf, size_t len)
{
    ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);
    return n < 0 ? MBEDTLS_ERR_NET_SEND_FAILED : (int)n;
}

static int rx(void *ctx, unsigned char *buf, size_t len)
{
    ssize_t n = recv(*(int *)ctx, buf, len, 0);
    return n < 0 ? MBEDTLS_ERR_NET_RECV_FAILED : (int)n;
}

static int setup(const char *ca, size_t buffer)
{
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca_chain);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_session_init(&saved);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, NULL, 0) ||
        mbedtls_x509_crt_parse_file(&ca_chain, ca) ||
        mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT))
        return -1;
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&conf, &ca_chain, NULL);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    return 0;
}

static size_t owned_bytes(void)
{
    return 0;
}

static bench_conn_t *open_conn(int fd, const char *host, bool resume)
{
    bench_conn_t *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    mbedtls_ssl_init(&c->ssl);
    if (mbedtls_ssl_setup(&c->ssl, &conf) || mbedtls_ssl_set_hostname(&c->ssl, host) ||
        (resume && have_saved && mbedtls_ssl_set_session(&c->ssl, &saved))) {
        mbedtls_ssl_free(&c->ssl);
        free(c);
        return NULL;
    }
    mbedtls_ssl_set_bio(&c->ssl, &c->fd, tx, rx, NULL);
    return c;
}

static int handshake(bench_conn_t *c)
{
    int r = mbedtls_ssl_handshake(&c->ssl);
    if (r) {
        char msg[160];
        mbedtls_strerror(r, msg, sizeof msg);
        fprintf(stderr, "mbedtls: %s\n", msg);
        return -1;
    }
    return 0;
}

static long read_conn(bench_conn_t *c, void *buf, size_t len)
{
    int n = mbedtls_ssl_read(&c->ssl, buf, len);
    if (n > 0)
        return n;
    return (n == 0 || n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) ? 0 : -1;
}

static int write_all(bench_conn_t *c, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len > 0) {
        int n = mbedtls_ssl_write(&c->ssl, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void close_conn(bench_conn_t *c)
{
    unsigned char buf[4096];
    mbedtls_ssl_close_notify(&c->ssl);
    while (mbedtls_ssl_read(&c->ssl, buf, sizeof buf) > 0)
        ;
}

static void free_conn(bench_conn_t *c)
{
    mbedtls_ssl_free(&c->ssl);
    free(c);
}

static const char *suite(bench_conn_t *c)
{
    return mbedtls_ssl_get_ciphersuite(&c->ssl);
}

static int save_session(bench_conn_t *c)
{
    mbedtls_ssl_session_free(&saved);
    mbedtls_ssl_session_init(&saved);
    have_saved = mbedtls_ssl_get_session(&c->ssl, &saved) == 0;
    return have_saved ? 0 : -1;
}

const bench_stack_t bench_stack = {
    .name = "mbedtls",
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
    .resumed = NULL, /* 2.28 has no public "was this resumed" call */
};
