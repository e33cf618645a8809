/*
 * min-server — the smallest useful iotls server for the code-size bench:
 * credentials from DER files, one static session block, one blocking
 * accept and handshake. Linked like min-client (static, --gc-sections).
 *
 *   min-server CHAIN.der KEY.der PORT
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iotls/tls.h"

static unsigned char block[64 * 1024];

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    iotls_error_t err;
    iotls_error_clear(&err);
    size_t cert_len, key_len;
    uint8_t *cert = iotls_file_read(argv[1], &cert_len, &err);
    uint8_t *key = cert ? iotls_file_read(argv[2], &key_len, &err) : NULL;
    iotls_creds_t *creds = iotls_creds_new();
    if (!key || !creds || iotls_creds_set(creds, cert, cert_len, key, key_len, &err) < 0)
        goto fail;
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_SERVER);
    cfg.creds = creds;
    cfg.buffer_size = 1024;
    iotls_session_t *s = iotls_session_init(block, sizeof block, &cfg, NULL, &err);
    if (!s)
        goto fail;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1) < 0)
        return 1;
    int fd = accept(lfd, NULL, NULL);
    unsigned st;
    while (fd >= 0 && !((st = iotls_session_state(s)) & (IOTLS_HANDSHAKE_DONE | IOTLS_CLOSED))) {
        size_t len;
        if (st & IOTLS_WANT_WRITE) {
            const uint8_t *out = iotls_session_send_buf(s, &len);
            ssize_t n = send(fd, out, len, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            iotls_session_send_ack(s, (size_t)n);
        } else if (st & IOTLS_WANT_READ) {
            uint8_t *in = iotls_session_recv_buf(s, &len);
            ssize_t n = recv(fd, in, len, 0);
            if (n <= 0)
                iotls_session_feed_eof(s);
            else
                iotls_session_recv_ack(s, (size_t)n);
        } else {
            break;
        }
    }
    if (fd < 0 || !(iotls_session_state(s) & IOTLS_HANDSHAKE_DONE)) {
        iotls_error_copy(&err, iotls_session_error(s));
        goto fail;
    }
    printf("min-server: %s\n", iotls_session_report(s)->cipher_suite_name);
    return 0;
fail:
    fprintf(stderr, "min-server: %s\n", err.text);
    return 1;
}
