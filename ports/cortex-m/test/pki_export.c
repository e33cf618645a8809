/* Host helper for `make mcu`: the test PKI of tests/lib/pki.h (made with
 * the openssl CLI), copied into the directory given, where `iotls cert
 * header` turns it into the C arrays the Cortex-M image is built with. */
#include <stdio.h>
#include <stdlib.h>

#include "iotls/trust.h"
#include "pki.h"

static int copy(const char *from, const char *dir, const char *name)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    size_t len;
    uint8_t *data = iotls_file_read(from, &len, &err);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = data ? fopen(path, "wb") : NULL;
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    free(data);
    if (!ok)
        fprintf(stderr, "pki_export: cannot copy %s to %s\n", from, path);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pki_export DIR\n");
        return 2;
    }
    const iotls_test_pki_t *p = iotls_test_pki();
    if (!p)
        return 1;
    const char *d = argv[1];
    int rc = copy(p->ca_pem, d, "ca.pem") | copy(p->other_ca_pem, d, "other-ca.pem") |
             copy(p->server_ec.chain, d, "srv.pem") | copy(p->server_ec.key, d, "srv.key") |
             copy(p->server_expired.chain, d, "exp.pem") |
             copy(p->server_expired.key, d, "exp.key") |
             copy(p->server_wrongname.chain, d, "wrong.pem") |
             copy(p->server_wrongname.key, d, "wrong.key") |
             copy(p->server_otherca.chain, d, "direct.pem") |
             copy(p->server_otherca.key, d, "direct.key");
    iotls_test_pki_free();
    return rc ? 1 : 0;
}
