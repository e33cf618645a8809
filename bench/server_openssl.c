/*
 * server-openssl — the OpenSSL counterpart of server-iotls: one thread, a
 * non-blocking listener and epoll, SSL_accept driven by readiness, then the
 * connection stays open and idle. `openssl s_server` serves one connection
 * at a time, so it cannot stand in for a multi-connection server.
 * Options and the measurement it prints: bench/server.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
    stop = 1;
}

struct conn {
    int fd;
    SSL *ssl;
    int done;
};

static unsigned long failed;
static SSL_CTX *ctx;
static int lfd, ep;

static void drop(struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    SSL_free(c->ssl);
    close(c->fd);
    free(c);
}

static void step(struct conn *c)
{
    if (!c->done) {
        int r = SSL_accept(c->ssl);
        if (r == 1) {
            c->done = 1;
            if (bench_server_handshake_done(SSL_session_reused(c->ssl) == 1))
                stop = 1;
            return;
        }
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            struct epoll_event ev = {.events = e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT,
                                     .data.ptr = c};
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            return;
        }
        failed++;
        drop(c);
        return;
    }
    char buf[4096];
    int n = SSL_read(c->ssl, buf, sizeof buf);
    if (n <= 0) {
        int e = SSL_get_error(c->ssl, n);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            drop(c);
    }
}

static void accept_all(void)
{
    int fd;
    while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        struct conn *c = calloc(1, sizeof *c);
        if (!c || !(c->ssl = SSL_new(ctx))) {
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        SSL_set_fd(c->ssl, fd);
        SSL_set_accept_state(c->ssl);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        step(c);
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        perror("accept");
}

static void serve(void *arg)
{
    struct epoll_event evs[64];
    while (!stop) {
        int n = epoll_wait(ep, evs, 64, 200);
        for (int i = 0; i < n && !stop; i++) {
            if (evs[i].data.ptr)
                step(evs[i].data.ptr);
            else
                accept_all();
        }
    }
}

int main(int argc, char **argv)
{
    bench_server_opts_t o;
    if (bench_server_parse(argc, argv, &o) < 0)
        return 2;
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || !SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) ||
        SSL_CTX_use_certificate_chain_file(ctx, o.cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, o.key, SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    /* Resumption from the server-side session cache (on by default, 20480
     * sessions), as iotls/BearSSL does it: no session tickets, which BearSSL
     * lacks and which would move the session state to the client. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    /* Off by default in OpenSSL 3: frees idle connections' record buffers. */
    if (o.release_buffers)
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);

    lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)o.port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1024) < 0) {
        perror("server-openssl: bind/listen");
        return 1;
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
    signal(SIGTERM, on_term);
    bench_server_run(serve, NULL);
    printf("impl=openssl failed=%lu", failed);
    bench_server_report();
    return 0;
}
