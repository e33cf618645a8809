/*
 * http_load — the client side of the HTTPS server benchmark (issue 11):
 * OpenSSL, TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256, the server verified
 * against CA. It watches the SERVER process (its PID) through /proc:
 * RSS (VmRSS) and CPU time (utime + stime), so the figures are the
 * server's own, whatever the client costs.
 *
 *   http_load PID CA PORT PATH hs new|reuse N     handshakes (+1 request each)
 *   http_load PID CA PORT PATH rps CONNS SECONDS  keep-alive requests
 *   http_load PID CA PORT PATH idle N             N kept-alive connections:
 *             RSS before, with N idle (after one request each), and with N
 *             active (each in the middle of sending its next request head)
 *
 * Prints one line of "key=value" pairs for scripts/bench.d/http.sh.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int server_pid;
static const char *path;

static long rss_kib(void)
{
    char file[64], line[256];
    snprintf(file, sizeof file, "/proc/%d/status", server_pid);
    FILE *f = fopen(file, "r");
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

/* Server CPU seconds (user + system). */
static double cpu_s(void)
{
    char file[64], buf[1024];
    snprintf(file, sizeof file, "/proc/%d/stat", server_pid);
    FILE *f = fopen(file, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int tcp(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        exit(1);
    }
    return fd;
}

static SSL *tls_open(SSL_CTX *ctx, int port, SSL_SESSION *resume)
{
    SSL *s = SSL_new(ctx);
    SSL_set_fd(s, tcp(port));
    SSL_set_tlsext_host_name(s, "localhost");
    SSL_set1_host(s, "localhost");
    if (resume)
        SSL_set_session(s, resume);
    if (SSL_connect(s) != 1) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    return s;
}

static void tls_close(SSL *s)
{
    int fd = SSL_get_fd(s);
    SSL_shutdown(s);
    SSL_free(s);
    close(fd);
}

static void send_request(SSL *s, int keep)
{
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n", path,
                     keep ? "" : "Connection: close\r\n");
    if (SSL_write(s, req, n) != n) {
        fprintf(stderr, "http_load: write failed\n");
        exit(1);
    }
}

/* Read one response with Content-Length; returns its status. */
static int read_response(SSL *s)
{
    char buf[16384];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        int n = SSL_read(s, buf + len, (int)(sizeof buf - 1 - len));
        if (n <= 0) {
            fprintf(stderr, "http_load: connection ended before a response\n");
            exit(1);
        }
        len += (size_t)n;
        buf[len] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    int status = atoi(buf + 9);
    char *cl = strcasestr(buf, "\r\ncontent-length:");
    long body = cl ? strtol(cl + 17, NULL, 10) : 0;
    long have = (long)(len - (size_t)(end + 4 - buf));
    while (have < body) {
        int n = SSL_read(s, buf, sizeof buf);
        if (n <= 0)
            break;
        have += n;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: see bench/http_load.c\n");
        return 2;
    }
    server_pid = atoi(argv[1]);
    int port = atoi(argv[3]);
    path = argv[4];
    const char *mode = argv[5];
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256");
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
    if (SSL_CTX_load_verify_locations(ctx, argv[2], NULL) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

    if (!strcmp(mode, "hs") && argc == 8) {
        int reuse = !strcmp(argv[6], "reuse");
        int n = atoi(argv[7]), resumed = 0;
        SSL_SESSION *sess = NULL;
        if (reuse) { /* the session to resume, from one warm-up connection */
            SSL *s = tls_open(ctx, port, NULL);
            send_request(s, 0);
            read_response(s);
            sess = SSL_get1_session(s);
            tls_close(s);
        }
        double c0 = cpu_s(), t0 = now_s();
        for (int i = 0; i < n; i++) {
            SSL *s = tls_open(ctx, port, sess);
            resumed += SSL_session_reused(s);
            send_request(s, 0);
            if (read_response(s) != 200)
                return 1;
            tls_close(s);
        }
        double cpu = cpu_s() - c0, wall = now_s() - t0;
        printf("handshakes=%d resumed=%d server_cpu_s=%.3f wall_s=%.3f per_cpu_s=%.0f\n", n,
               resumed, cpu, wall, cpu > 0 ? n / cpu : 0);
        SSL_SESSION_free(sess);
    } else if (!strcmp(mode, "rps") && argc == 8) {
        int conns = atoi(argv[6]);
        double secs = atof(argv[7]);
        SSL **s = calloc((size_t)conns, sizeof *s);
        for (int i = 0; i < conns; i++)
            s[i] = tls_open(ctx, port, NULL);
        long done = 0;
        double c0 = cpu_s(), t0 = now_s();
        while (now_s() - t0 < secs) {
            for (int i = 0; i < conns; i++)
                send_request(s[i], 1);
            for (int i = 0; i < conns; i++)
                if (read_response(s[i]) != 200)
                    return 1;
            done += conns;
        }
        double cpu = cpu_s() - c0, wall = now_s() - t0;
        printf("requests=%ld conns=%d server_cpu_s=%.3f wall_s=%.3f per_s=%.0f per_cpu_s=%.0f\n",
               done, conns, cpu, wall, done / wall, cpu > 0 ? done / cpu : 0);
        for (int i = 0; i < conns; i++)
            tls_close(s[i]);
    } else if (!strcmp(mode, "idle") && argc == 7) {
        int n = atoi(argv[6]);
        SSL **s = calloc((size_t)n, sizeof *s);
        usleep(200000);
        long before = rss_kib();
        for (int i = 0; i < n; i++) {
            s[i] = tls_open(ctx, port, NULL);
            send_request(s[i], 1);
            if (read_response(s[i]) != 200)
                return 1;
        }
        usleep(500000);
        long idle = rss_kib();
        /* Active: every connection is in the middle of its next head. */
        static const char part[] = "GET /api/status HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
        for (int i = 0; i < n; i++)
            SSL_write(s[i], part, sizeof part - 1);
        usleep(500000);
        long active = rss_kib();
        printf("conns=%d rss_before_kib=%ld rss_idle_kib=%ld rss_active_kib=%ld "
               "idle_per_conn_b=%ld active_per_conn_b=%ld\n",
               n, before, idle, active, (idle - before) * 1024 / n, (active - before) * 1024 / n);
        for (int i = 0; i < n; i++) {
            int fd = SSL_get_fd(s[i]);
            SSL_free(s[i]);
            close(fd);
        }
    } else {
        fprintf(stderr, "http_load: bad mode\n");
        return 2;
    }
    SSL_CTX_free(ctx);
    return 0;
}
