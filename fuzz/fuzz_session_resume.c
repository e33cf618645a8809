/* A saved session comes from flash or a file, so it is untrusted input:
 * any bytes given as cfg.resume must start a session (not offered) or fail
 * with IOTLS_ERR_BAD_ARGUMENT, never read out of bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "iotls/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The insecure-mode warning would be printed for every input. */
static void quiet(void *ctx, const char *line)
{
    (void)ctx;
    (void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_CLIENT);
    cfg.insecure = true;
    cfg.buffer_size = 512;
    cfg.log = quiet;
    cfg.resume = data;
    cfg.resume_len = size;
    size_t n = iotls_session_size(&cfg);
    void *mem = malloc(n);
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_session_t *s = iotls_session_init(mem, n, &cfg, "localhost", &err);
    if (!s && err.code != IOTLS_ERR_BAD_ARGUMENT)
        abort();
    free(mem);
    return 0;
}
