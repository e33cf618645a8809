/* tests/lib/serve.c — `iotls serve` as a test peer. */
#include "serve.h"

#include <stdio.h>

#include "cmd.h"
#include "pki.h"

int iotls_test_serve_start(iotls_test_peer_t *p, const char *const *extra)
{
    const iotls_test_pki_t *pki = iotls_test_pki();
    if (!pki)
        return -1;
    const char *argv[48] = {iotls_test_tool(),    "serve", "--cert",
                            pki->server_ec.chain, "--key", pki->server_ec.key};
    size_t n = 6;
    for (size_t i = 0; extra && extra[i]; i++) {
        if (n + 2 >= sizeof argv / sizeof argv[0]) {
            fprintf(stderr, "iotls_test_serve_start: too many options\n");
            return -1;
        }
        argv[n++] = extra[i];
    }
    argv[n++] = "127.0.0.1:0";
    argv[n] = NULL;
    iotls_test_peer_spec_t spec = {.name = "iotls-serve", .argv = argv};
    return iotls_test_peer_start(&spec, p);
}
