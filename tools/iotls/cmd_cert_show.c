/* iotls cert show FILE — what a certificate, bundle or key is, in words:
 * the facts one checks before flashing it (names, key, validity, and the
 * fingerprints used for pinning). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "commands.h"
#include "iotls/trust.h"
#include "prov.h"

#define CMD "cert show"

static void print_hex(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02X%s", p[i], i + 1 < n ? ":" : "\n");
}

/* SHA-256 of the SubjectPublicKeyInfo, as hex and as curl's pin form. */
static void print_pin(EVP_PKEY *k)
{
    unsigned char *spki = NULL, md[32];
    unsigned mdlen = 0;
    int n = i2d_PUBKEY(k, &spki);
    if (n <= 0 || !EVP_Digest(spki, (size_t)n, md, &mdlen, EVP_sha256(), NULL)) {
        OPENSSL_free(spki);
        return;
    }
    unsigned char b64[64];
    EVP_EncodeBlock(b64, md, (int)mdlen);
    printf("  spki sha256: ");
    print_hex(md, mdlen);
    printf("  pin:         sha256//%s\n", b64);
    OPENSSL_free(spki);
}

static void print_time(const char *label, const ASN1_TIME *t)
{
    struct tm tm;
    char buf[64] = "?";
    if (ASN1_TIME_to_tm(t, &tm))
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    printf("  %-12s %s\n", label, buf);
}

static void print_sans(X509 *x)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    printf("  SANs:        ");
    if (!gens) {
        printf("(none)\n");
        return;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        const char *sep = i ? ", " : "";
        if (g->type == GEN_DNS)
            printf("%sDNS:%s", sep, (const char *)ASN1_STRING_get0_data(g->d.dNSName));
        else if (g->type == GEN_IPADD && g->d.iPAddress->length == 4) {
            const unsigned char *a = g->d.iPAddress->data;
            printf("%sIP:%u.%u.%u.%u", sep, a[0], a[1], a[2], a[3]);
        } else if (g->type == GEN_IPADD && g->d.iPAddress->length == 16) {
            printf("%sIP:", sep);
            for (int j = 0; j < 16; j += 2)
                printf("%x%s", g->d.iPAddress->data[j] << 8 | g->d.iPAddress->data[j + 1],
                       j < 14 ? ":" : "");
        } else
            printf("%s(type %d)", sep, g->type);
    }
    printf("\n");
    GENERAL_NAMES_free(gens);
}

static void show_cert(X509 *x, int i, int n)
{
    char name[512], key[64];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen;
    printf("certificate %d of %d\n", i + 1, n);
    printf("  subject:     %s\n", prov_name(X509_get_subject_name(x), name, sizeof name));
    printf("  issuer:      %s\n", prov_name(X509_get_issuer_name(x), name, sizeof name));
    print_sans(x);
    EVP_PKEY *k = X509_get0_pubkey(x);
    printf("  key:         %s\n", k ? prov_key_desc(k, key, sizeof key) : "(unreadable)");
    printf("  signature:   %s\n", OBJ_nid2ln(X509_get_signature_nid(x)));
    print_time("not before:", X509_get0_notBefore(x));
    print_time("not after:", X509_get0_notAfter(x));
    if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
        printf("  status:      EXPIRED\n");
    else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
        printf("  status:      NOT YET VALID\n");
    printf("  CA:          %s\n", X509_check_ca(x) >= 1 ? "yes" : "no");
    if (X509_digest(x, EVP_sha256(), md, &mdlen)) {
        printf("  sha256:      ");
        print_hex(md, mdlen);
    }
    if (k)
        print_pin(k);
}

int cmd_cert_show(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        FILE *out = argc == 2 ? stdout : stderr;
        fprintf(out, "usage: iotls cert show FILE   (certificate, bundle or private key; PEM "
                     "or DER)\n");
        return argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
    }
    /* A key file is tried quietly first: a certificate file is the usual
     * case. An encrypted key gets the one sentence every command gives. */
    bool encrypted = false;
    size_t len;
    uint8_t *data = iotls_file_read(argv[1], &len, NULL);
    if (data) {
        encrypted = iotls_key_is_encrypted(data, len);
        OPENSSL_cleanse(data, len);
        free(data);
    }
    if (encrypted) {
        prov_fail(CMD, "private key '%s' " IOTLS_ENCRYPTED_KEY_TEXT, argv[1]);
        return 1;
    }
    EVP_PKEY *k = prov_read_key(CMD, argv[1], true);
    if (k) {
        char key[64];
        printf("private key\n  key:         %s\n", prov_key_desc(k, key, sizeof key));
        print_pin(k);
        EVP_PKEY_free(k);
        return 0;
    }
    STACK_OF(X509) *sk = prov_read_certs(CMD, argv[1]);
    if (!sk)
        return 1;
    for (int i = 0; i < sk_X509_num(sk); i++)
        show_cert(sk_X509_value(sk, i), i, sk_X509_num(sk));
    sk_X509_pop_free(sk, X509_free);
    return 0;
}
