/* Host-side provisioning helpers (see prov.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "iotls/trust.h"
#include "prov.h"

static void print_openssl_errors(void)
{
    unsigned long e;
    char buf[256];
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        fprintf(stderr, "  openssl: %s\n", buf);
    }
}

void prov_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "iotls %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    print_openssl_errors();
}

void prov_fail_err(const char *cmd, const iotls_error_t *err)
{
    fprintf(stderr, "iotls %s: %s [%s]\n", cmd, err->text, iotls_error_code_name(err->code));
}

STACK_OF(X509) * prov_read_certs(const char *cmd, const char *path)
{
    iotls_error_t err;
    size_t len;
    iotls_error_clear(&err);
    uint8_t *data = iotls_file_read(path, &len, &err);
    if (!data) {
        prov_fail_err(cmd, &err);
        return NULL;
    }
    STACK_OF(X509) *sk = sk_X509_new_null();
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    X509 *x;
    while (sk && bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        sk_X509_push(sk, x);
    BIO_free(bio);
    ERR_clear_error(); /* the end of the PEM stream is reported as an error */
    if (sk && sk_X509_num(sk) == 0) {
        const unsigned char *p = data;
        if ((x = d2i_X509(NULL, &p, (long)len)) != NULL && p == data + len)
            sk_X509_push(sk, x);
        else
            X509_free(x);
    }
    free(data);
    if (!sk || sk_X509_num(sk) == 0) {
        ERR_clear_error();
        prov_fail(cmd, "'%s' holds no certificate (PEM CERTIFICATE blocks or one DER certificate)",
                  path);
        sk_X509_pop_free(sk, X509_free);
        return NULL;
    }
    return sk;
}

static int no_pass_phrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

EVP_PKEY *prov_read_key(const char *cmd, const char *path, bool quiet)
{
    iotls_error_t err;
    size_t len;
    iotls_error_clear(&err);
    uint8_t *data = iotls_file_read(path, &len, &err);
    if (!data) {
        if (!quiet)
            prov_fail_err(cmd, &err);
        return NULL;
    }
    if (iotls_key_is_encrypted(data, len)) {
        free(data);
        if (!quiet)
            prov_fail(cmd, "private key '%s' " IOTLS_ENCRYPTED_KEY_TEXT, path);
        return NULL;
    }
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    /* Never OpenSSL's default callback: it would prompt on the terminal. */
    EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio, NULL, no_pass_phrase, NULL) : NULL;
    BIO_free(bio);
    if (!k) {
        const unsigned char *p = data;
        k = d2i_AutoPrivateKey(NULL, &p, (long)len);
    }
    free(data);
    ERR_clear_error();
    if (!k && !quiet)
        prov_fail(cmd, "'%s' holds no private key (PEM or DER; encrypted keys are not supported)",
                  path);
    return k;
}

uint8_t *prov_cert_der(X509 *x, size_t *len)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    *len = n > 0 ? (size_t)n : 0;
    return n > 0 ? der : NULL;
}

uint8_t *prov_key_der(EVP_PKEY *k, size_t *len)
{
    unsigned char *der = NULL;
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k);
    int n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1;
    PKCS8_PRIV_KEY_INFO_free(p8);
    *len = n > 0 ? (size_t)n : 0;
    return n > 0 ? der : NULL;
}

bool prov_write_file(const char *cmd, const char *path, const void *data, size_t len, int mode,
                     bool exclusive)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), mode);
    if (fd < 0) {
        prov_fail(cmd, "cannot create '%s': %s%s", path, strerror(errno),
                  errno == EEXIST ? " (use --force to overwrite)" : "");
        return false;
    }
    /* O_CREAT's mode does not apply to an existing file. */
    bool ok = fchmod(fd, (mode_t)mode) == 0;
    const uint8_t *p = data;
    while (ok && len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok) {
            p += n;
            len -= (size_t)n;
        }
    }
    if (close(fd) < 0)
        ok = false;
    if (!ok)
        prov_fail(cmd, "cannot write '%s': %s", path, strerror(errno));
    return ok;
}

bool prov_parse_number(const char *cmd, const char *what, const char *arg, unsigned long long max,
                       unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 0);
    if (errno || end == arg || *end || arg[0] == '-' || v > max) {
        prov_fail(cmd, "%s '%s' is not a number from 0 to %llu (0x prefix for hex)", what, arg,
                  max);
        return false;
    }
    *out = v;
    return true;
}

const char *prov_key_desc(EVP_PKEY *k, char *buf, size_t len)
{
    char group[64] = "";
    switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_EC:
        EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof group, NULL);
        snprintf(buf, len, "EC %s (%d bits)",
                 !strcmp(group, "prime256v1")  ? "P-256"
                 : !strcmp(group, "secp384r1") ? "P-384"
                 : !strcmp(group, "secp521r1") ? "P-521"
                                               : group,
                 EVP_PKEY_get_bits(k));
        break;
    case EVP_PKEY_RSA: snprintf(buf, len, "RSA %d bits", EVP_PKEY_get_bits(k)); break;
    default: snprintf(buf, len, "%s (%d bits)", EVP_PKEY_get0_type_name(k), EVP_PKEY_get_bits(k));
    }
    return buf;
}

const char *prov_name(const X509_NAME *n, char *buf, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    buf[0] = '\0';
    if (b && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        int got = BIO_read(b, buf, (int)len - 1);
        buf[got > 0 ? got : 0] = '\0';
    }
    BIO_free(b);
    return buf;
}

const char *prov_optarg(const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        prov_fail(cmd, "option %s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}
