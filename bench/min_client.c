/*
 * min-client — the smallest useful iotls client, linked statically against
 * iotls and BearSSL with --gc-sections so `size` shows what a device image
 * pays: one trust anchor (DER), one session in a static block, a blocking
 * socket, one handshake. Used by the code-size bench; it also runs:
 *
 *   min-client CA.der PORT     (connects to 127.0.0.1, verifies "localhost")
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iotls/tls.h"
#include "min_handshake.h"

static unsigned char block[64 * 1024]; /* >= iotls_session_size() for 1 KiB buffers */

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    iotls_error_t err;
    iotls_error_clear(&err);
    size_t der_len;
    uint8_t *der = iotls_file_read(argv[1], &der_len, &err);
    iotls_trust_t *trust = iotls_trust_new();
    if (!der || !trust || iotls_trust_add_der(trust, der, der_len, &err) < 0)
        goto fail;
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_CLIENT);
    cfg.trust = trust;
    cfg.buffer_size = 1024;
    iotls_session_t *s = iotls_session_init(block, sizeof block, &cfg, "localhost", &err);
    if (!s)
        goto fail;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        return 1;
    bool done = min_handshake(s, fd);
    close(fd);
    if (!done) {
        iotls_error_copy(&err, iotls_session_error(s));
        goto fail;
    }
    printf("min-client: %s\n", iotls_session_report(s)->cipher_suite_name);
    return 0;
fail:
    fprintf(stderr, "min-client: %s\n", err.text);
    return 1;
}
