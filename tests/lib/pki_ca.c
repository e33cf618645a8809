/* tests/lib/pki_ca.c — see pki_ca.h. */
#include "pki_ca.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tmpdir.h"

/* The CA database in the working directory, SHA-256, subjects of O, OU
 * (optional) and CN in that order (policy_any), and the root, intermediate
 * and client-certificate extensions. */
static const char shared_cnf[] = "[ca]\n"
                                 "default_ca = CA_default\n"
                                 "[CA_default]\n"
                                 "database = ./index.txt\n"
                                 "new_certs_dir = ./newcerts\n"
                                 "serial = ./serial\n"
                                 "default_md = sha256\n"
                                 "policy = policy_any\n"
                                 "unique_subject = no\n"
                                 "email_in_dn = no\n"
                                 "copy_extensions = none\n"
                                 "[policy_any]\n"
                                 "organizationName = optional\n"
                                 "organizationalUnitName = optional\n"
                                 "commonName = supplied\n"
                                 "[req]\n"
                                 "distinguished_name = req_dn\n"
                                 "[req_dn]\n"
                                 "[v3_root]\n"
                                 "basicConstraints = critical,CA:TRUE\n"
                                 "keyUsage = critical,keyCertSign,cRLSign\n"
                                 "subjectKeyIdentifier = hash\n"
                                 "authorityKeyIdentifier = keyid:always\n"
                                 "[v3_inter]\n"
                                 "basicConstraints = critical,CA:TRUE,pathlen:0\n"
                                 "keyUsage = critical,keyCertSign,cRLSign\n"
                                 "subjectKeyIdentifier = hash\n"
                                 "authorityKeyIdentifier = keyid:always\n"
                                 "[v3_client]\n"
                                 "basicConstraints = critical,CA:FALSE\n"
                                 "keyUsage = critical,digitalSignature\n"
                                 "extendedKeyUsage = clientAuth\n"
                                 "subjectKeyIdentifier = hash\n"
                                 "authorityKeyIdentifier = keyid\n";

/* dir/name into buf (PATH_BYTES). */
#define PATH_BYTES 700
static const char *in_dir(char *buf, const char *dir, const char *name)
{
    int n = snprintf(buf, PATH_BYTES, "%s/%s", dir, name);
    return n > 0 && n < PATH_BYTES ? buf : NULL;
}

static int write_cnf(const char *path, const char *own)
{
    size_t own_len = strlen(own), len = own_len + sizeof shared_cnf - 1;
    char *text = malloc(len);
    if (text == NULL)
        return -1;
    memcpy(text, own, own_len);
    memcpy(text + own_len, shared_cnf, sizeof shared_cnf - 1);
    int rc = iotls_test_write_file(path, text, len);
    free(text);
    return rc;
}

int iotls_test_pki_ca_dir(const char *dir, const char *cnf_name, const char *own,
                          const char *serial)
{
    char buf[PATH_BYTES], line[32];
    int n = snprintf(line, sizeof line, "%s\n", serial);
    if (n <= 0 || (size_t)n >= sizeof line)
        return -1;
    if (!in_dir(buf, dir, cnf_name) || write_cnf(buf, own) != 0)
        return -1;
    if (!in_dir(buf, dir, "index.txt") || iotls_test_write_file(buf, "", 0) != 0)
        return -1;
    if (!in_dir(buf, dir, "serial") || iotls_test_write_file(buf, line, (size_t)n) != 0)
        return -1;
    if (!in_dir(buf, dir, "newcerts") || mkdir(buf, 0755) != 0)
        return -1;
    return 0;
}

int iotls_test_pki_run(const char *dir, const char *const *argv, const void *input,
                       size_t input_len, iotls_test_result_t *keep)
{
    iotls_test_cmd_t c = {argv, NULL, dir, input, input_len, 60000};
    iotls_test_result_t r;
    if (iotls_test_run_cmd(&c, &r) != 0)
        return -1;
    int ok = iotls_test_result_ok(&r);
    if (!ok) {
        fprintf(stderr, "iotls test pki: command failed in %s:", dir ? dir : ".");
        for (size_t i = 0; argv[i] != NULL; i++)
            fprintf(stderr, " %s", argv[i]);
        fputc('\n', stderr);
        iotls_test_result_dump("openssl", &r);
    }
    if (ok && keep)
        *keep = r;
    else
        iotls_test_result_free(&r);
    return ok ? 0 : -1;
}

void iotls_test_pki_yesterday(char out[32])
{
    time_t t = time(NULL) - 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y%m%d%H%M%SZ", &tm);
}
