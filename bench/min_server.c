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
#include "min_handshake.h"

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
    if (fd < 0 || !min_handshake(s, fd)) {
        iotls_error_copy(&err, iotls_session_error(s));
        goto fail;
    }
    printf("min-server: %s\n", iotls_session_report(s)->cipher_suite_name);
    return 0;
fail:
    fprintf(stderr, "min-server: %s\n", err.text);
    return 1;
}
