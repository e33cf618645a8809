/* iotls cert header FILE... — C source for firmware: each certificate as a
 * static const array, and the compact trust-anchor form (subject DN + public
 * key, iotls/anchor.h) so the device never parses PEM or X.509 to trust a
 * CA. Optionally the device's own key (--key) as DER. BearSSL's `brssl ta`
 * does the same for its own type. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "commands.h"
#include "prov.h"

#define CMD "cert header"

static void emit_bytes(FILE *out, const char *prefix, const char *what, int i,
                       const unsigned char *p, size_t n)
{
    if (i >= 0)
        fprintf(out, "static const uint8_t %s_%s%d[%zu] IOTLS_GEN_UNUSED = {", prefix, what, i, n);
    else
        fprintf(out, "static const uint8_t %s_%s[%zu] IOTLS_GEN_UNUSED = {", prefix, what, n);
    for (size_t j = 0; j < n; j++)
        fprintf(out, "%s0x%02x,", j % 12 ? " " : "\n    ", p[j]);
    fprintf(out, "\n};\n");
}

static bool bn_bytes(EVP_PKEY *k, const char *param, unsigned char **out, size_t *len)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(k, param, &bn))
        return false;
    *len = (size_t)BN_num_bytes(bn);
    *out = OPENSSL_malloc(*len ? *len : 1);
    if (*out)
        BN_bn2bin(bn, *out);
    BN_free(bn);
    return *out != NULL;
}

static int curve_id(EVP_PKEY *k)
{
    char group[64] = "";
    EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, NULL);
    return !strcmp(group, "prime256v1")  ? 23
           : !strcmp(group, "secp384r1") ? 24
           : !strcmp(group, "secp521r1") ? 25
                                         : 0;
}

/* What the compact anchor form cannot carry: name constraints, and a
 * critical extension other than those path validation reads. */
static const char *compact_would_drop(X509 *x)
{
    if (X509_get_ext_by_NID(x, NID_name_constraints, -1) >= 0)
        return "name constraints";
    for (int i = 0; i < X509_get_ext_count(x); i++) {
        X509_EXTENSION *e = X509_get_ext(x, i);
        int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
        if (X509_EXTENSION_get_critical(e) && nid != NID_basic_constraints &&
            nid != NID_key_usage && nid != NID_subject_alt_name && nid != NID_ext_key_usage)
            return "a critical extension";
    }
    return NULL;
}

/* One certificate: its DER, its DN, its key; the initializer goes to `init`
 * (written after all arrays) unless the compact form would drop one of its
 * constraints: then only the certificate array is emitted, for
 * iotls_trust_add_der(), which keeps and enforces them. */
static bool emit_anchor(FILE *out, FILE *init, const char *prefix, int i, X509 *x, int *compact)
{
    size_t der_len, dn_len;
    uint8_t *der = prov_cert_der(x, &der_len);
    unsigned char *dn = NULL, *a = NULL, *b = NULL;
    int n = i2d_X509_NAME(X509_get_subject_name(x), &dn);
    EVP_PKEY *k = X509_get0_pubkey(x);
    char name[512];
    bool ok = der && n > 0 && k;
    dn_len = n > 0 ? (size_t)n : 0;
    if (ok) {
        fprintf(out, "\n/* %d: %s */\n", i, prov_name(X509_get_subject_name(x), name, sizeof name));
        emit_bytes(out, prefix, "cert", i, der, der_len);
        emit_bytes(out, prefix, "dn", i, dn, dn_len);
    }
    const char *drop = ok ? compact_would_drop(x) : NULL;
    if (drop) {
        fprintf(out,
                "/* %d is not in %s_anchors: the compact form would drop its %s. Add it with\n"
                " * iotls_trust_add_der(trust, %s_cert%d, sizeof %s_cert%d, &err), which keeps\n"
                " * and enforces them. */\n",
                i, prefix, drop, prefix, i, prefix, i);
        fprintf(stderr,
                "iotls " CMD ": certificate %d ('%s') has %s: left out of %s_anchors (the compact "
                "form would drop them); use %s_cert%d with iotls_trust_add_der()\n",
                i, name, drop, prefix, prefix, i);
        init = NULL;
    } else if (ok) {
        ++*compact;
    }
    const char *flags = X509_check_ca(x) >= 1 ? "IOTLS_ANCHOR_CA" : "0";
    size_t alen = 0, blen = 0;
    if (ok && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA) {
        ok = bn_bytes(k, OSSL_PKEY_PARAM_RSA_N, &a, &alen) &&
             bn_bytes(k, OSSL_PKEY_PARAM_RSA_E, &b, &blen);
        if (ok) {
            emit_bytes(out, prefix, "n", i, a, alen);
            emit_bytes(out, prefix, "e", i, b, blen);
        }
        if (ok && init) {
            fprintf(init,
                    "    {%s_dn%d, sizeof %s_dn%d, %s, IOTLS_ANCHOR_KEY_RSA,\n"
                    "     %s_n%d, sizeof %s_n%d, %s_e%d, sizeof %s_e%d, 0, NULL, 0},\n",
                    prefix, i, prefix, i, flags, prefix, i, prefix, i, prefix, i, prefix, i);
        }
    } else if (ok && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC && curve_id(k)) {
        a = OPENSSL_malloc(256);
        ok = a && EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, a, 256, &alen);
        if (ok) {
            emit_bytes(out, prefix, "q", i, a, alen);
        }
        if (ok && init) {
            fprintf(init,
                    "    {%s_dn%d, sizeof %s_dn%d, %s, IOTLS_ANCHOR_KEY_EC,\n"
                    "     NULL, 0, NULL, 0, %d, %s_q%d, sizeof %s_q%d},\n",
                    prefix, i, prefix, i, flags, curve_id(k), prefix, i, prefix, i);
        }
    } else if (ok) {
        prov_fail(CMD,
                  "certificate %d: key type not usable as a trust anchor "
                  "(RSA or EC P-256/P-384/P-521)",
                  i);
        ok = false;
    }
    OPENSSL_free(der);
    OPENSSL_free(dn);
    OPENSSL_free(a);
    OPENSSL_free(b);
    return ok;
}

static bool valid_prefix(const char *p)
{
    if (!isalpha((unsigned char)p[0]) && p[0] != '_')
        return false;
    for (; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: iotls cert header CERT... [--key KEY] [--name PREFIX] [-o FILE]\n"
                 "emits C: PREFIX_certN[] (DER), PREFIX_anchors[] (iotls_anchor_t, see\n"
                 "iotls/anchor.h), PREFIX_anchors_count, and PREFIX_key[] for --key.\n"
                 "PREFIX defaults to 'iotls'; output goes to stdout without -o.\n");
}

int cmd_cert_header(int argc, char **argv)
{
    const char *prefix = "iotls", *key_path = NULL, *out_path = NULL;
    const char *files[64];
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--name") || !strcmp(a, "--key") || !strcmp(a, "-o")) {
            const char *v = prov_optarg(CMD, argc, argv, &i);
            if (!v)
                return 2;
            *(a[2] == 'n' ? &prefix : a[2] == 'k' ? &key_path : &out_path) = v;
        } else if (a[0] == '-' || nfiles == 64) {
            prov_fail(CMD, "unknown option '%s'", a);
            usage(stderr);
            return 2;
        } else {
            files[nfiles++] = a;
        }
    }
    if (!nfiles || !valid_prefix(prefix)) {
        if (nfiles)
            prov_fail(CMD, "--name '%s' is not a C identifier", prefix);
        usage(stderr);
        return 2;
    }
    char *body = NULL, *inits = NULL;
    size_t body_len = 0, inits_len = 0;
    FILE *out = open_memstream(&body, &body_len), *init = open_memstream(&inits, &inits_len);
    int count = 0, compact = 0, rc = 1;
    bool ok = out && init;
    for (int f = 0; ok && f < nfiles; f++) {
        STACK_OF(X509) *sk = prov_read_certs(CMD, files[f]);
        ok = sk != NULL;
        for (int j = 0; ok && j < sk_X509_num(sk); j++)
            ok = emit_anchor(out, init, prefix, count++, sk_X509_value(sk, j), &compact);
        sk_X509_pop_free(sk, X509_free);
    }
    if (ok && key_path) {
        EVP_PKEY *k = prov_read_key(CMD, key_path, false);
        size_t der_len = 0;
        uint8_t *der = k ? prov_key_der(k, &der_len) : NULL;
        if ((ok = der != NULL)) {
            fprintf(out,
                    "\n/* private key (PKCS#8 DER): keep this file out of version control */\n");
            emit_bytes(out, prefix, "key", -1, der, der_len);
        }
        if (der)
            OPENSSL_cleanse(der, der_len);
        OPENSSL_free(der);
        EVP_PKEY_free(k);
    }
    if (out)
        fclose(out);
    if (init)
        fclose(init);
    if (ok) {
        char *text = NULL;
        size_t text_len = 0;
        FILE *t = open_memstream(&text, &text_len);
        fprintf(t,
                "/* Generated by `iotls cert header`. Do not edit. */\n"
                "#include <stddef.h>\n#include <stdint.h>\n\n#include \"iotls/anchor.h\"\n\n"
                "#ifndef IOTLS_GEN_UNUSED\n#if defined(__GNUC__)\n"
                "#define IOTLS_GEN_UNUSED __attribute__((unused))\n#else\n"
                "#define IOTLS_GEN_UNUSED\n#endif\n#endif\n%s\n"
                "static const iotls_anchor_t %s_anchors[%d] IOTLS_GEN_UNUSED = {\n%s};\n"
                "static const size_t %s_anchors_count IOTLS_GEN_UNUSED = %d;\n",
                body, prefix, compact ? compact : 1,
                compact ? inits : "    {NULL, 0, 0, 0, NULL, 0, NULL, 0, 0, NULL, 0},\n", prefix,
                compact);
        fclose(t);
        if (!out_path) {
            fwrite(text, 1, text_len, stdout);
            rc = 0;
        } else {
            rc = prov_write_file(CMD, out_path, text, text_len, key_path ? 0600 : 0644, false) ? 0
                                                                                               : 1;
        }
        free(text);
    }
    free(body);
    free(inits);
    return rc;
}
