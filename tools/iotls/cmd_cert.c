/* iotls cert ca|server|client — keys and certificates with the usages each
 * role needs; header and show live in their own files. Replaces the ESP8266
 * SDK's makefile.sh (1024-bit RSA, SHA-1), whose defaults are refused here
 * unless --allow-weak. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "commands.h"
#include "prov.h"

#define CMD "cert"
#define MAX_SANS 32

typedef enum { ROLE_CA, ROLE_SERVER, ROLE_CLIENT } role_t;

typedef struct {
    role_t role;
    const char *out, *name, *cn, *ca_dir, *ca_name, *key_type, *hash;
    const char *sans[MAX_SANS];
    int nsans;
    long days;
    bool allow_weak, force;
} issue_opts_t;

static const char *const role_names[] = {"ca", "server", "client"};

static void issue_usage(FILE *out, role_t role)
{
    fprintf(out,
            "usage: iotls cert %s %s[--cn NAME] [--out DIR] [--name STEM]\n"
            "                  [--key-type ec-p256|ec-p384|rsa-2048|rsa-3072|rsa-4096]\n"
            "                  [--days N] [--hash sha256|sha384|sha512]%s\n"
            "                  [--allow-weak] [--force]\n"
            "writes STEM.pem, STEM.der and STEM.key (mode 0600) in DIR (default: .);\n"
            "STEM defaults to '%s'. An existing key is never overwritten without --force.\n",
            role_names[role], role == ROLE_CA ? "" : "--ca DIR ",
            role == ROLE_CA ? "" : " [--san DNS:x|IP:y]...", role_names[role]);
}

/* Refusals of weak choices say why and how to proceed. */
static EVP_PKEY *make_key(const char *type, bool allow_weak)
{
    if (!strcmp(type, "ec-p256"))
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (!strcmp(type, "ec-p384"))
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    unsigned long long bits;
    if (strncmp(type, "rsa-", 4) || !prov_parse_number(CMD, "RSA size", type + 4, 16384, &bits) ||
        bits < 512) {
        prov_fail(CMD, "unknown --key-type '%s' (ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096)",
                  type);
        return NULL;
    }
    if (bits < 2048 && !allow_weak) {
        prov_fail(CMD,
                  "refusing a %llu-bit RSA key: RSA below 2048 bits is within reach of "
                  "factoring and is rejected by current TLS stacks and NIST SP 800-131A. Use "
                  "--key-type ec-p256 (default) or rsa-2048 or larger; --allow-weak only for a "
                  "legacy peer that needs it (the ESP8266 SDK's makefile.sh used 1024)",
                  bits);
        return NULL;
    }
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

static const EVP_MD *pick_hash(const char *name, bool allow_weak)
{
    if (!strcmp(name, "sha1") && !allow_weak) {
        prov_fail(CMD, "refusing SHA-1 signatures: SHA-1 collisions are practical (SHAttered "
                       "2017, chosen-prefix 2020) and TLS 1.2+ peers reject SHA-1 certificates. "
                       "Use --hash sha256 (default); --allow-weak only for a legacy peer");
        return NULL;
    }
    const EVP_MD *md = !strcmp(name, "sha1")     ? EVP_sha1()
                       : !strcmp(name, "sha256") ? EVP_sha256()
                       : !strcmp(name, "sha384") ? EVP_sha384()
                       : !strcmp(name, "sha512") ? EVP_sha512()
                                                 : NULL;
    if (!md)
        prov_fail(CMD, "unknown --hash '%s' (sha256, sha384, sha512)", name);
    return md;
}

/* A comma would let one --san smuggle more names (or options) into the
 * OpenSSL extension string, so values are checked one by one. */
static bool join_sans(const issue_opts_t *o, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < o->nsans; i++) {
        const char *s = o->sans[i];
        if ((strncmp(s, "DNS:", 4) && strncmp(s, "IP:", 3)) || strchr(s, ',') ||
            !s[strncmp(s, "IP:", 3) ? 4 : 3]) {
            prov_fail(CMD, "--san '%s': expected DNS:name or IP:address", s);
            return false;
        }
        int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", s);
        if (n < 0 || (size_t)n >= len - used) {
            prov_fail(CMD, "too many --san names");
            return false;
        }
        used += (size_t)n;
    }
    return true;
}

static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    bool ok = ext && X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    if (!ok)
        prov_fail(CMD, "cannot add extension %s = %s", OBJ_nid2sn(nid), value);
    return ok;
}

static bool add_extensions(X509 *x, X509 *issuer, EVP_PKEY *key, const issue_opts_t *o)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    bool rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
    char sans[2048];
    if (!add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
        !add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always"))
        return false;
    if (o->role == ROLE_CA)
        return add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") &&
               add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    /* RSA key exchange encrypts to the server key; ECDSA keys only sign. */
    const char *ku = o->role == ROLE_SERVER && rsa ? "critical,digitalSignature,keyEncipherment"
                                                   : "critical,digitalSignature";
    if (!add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
        !add_ext(x, &ctx, NID_key_usage, ku) ||
        !add_ext(x, &ctx, NID_ext_key_usage, o->role == ROLE_SERVER ? "serverAuth" : "clientAuth"))
        return false;
    if (!join_sans(o, sans, sizeof sans))
        return false;
    return !sans[0] || add_ext(x, &ctx, NID_subject_alt_name, sans);
}

static bool set_serial(X509 *x)
{
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return false;
    raw[0] &= 0x7F; /* positive, as RFC 5280 requires */
    BIGNUM *bn = BN_bin2bn(raw, sizeof raw, NULL);
    bool ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    return ok;
}

static X509 *make_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, const EVP_MD *md,
                       const issue_opts_t *o)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    bool ok = x && name && X509_set_version(x, 2) && set_serial(x) &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)o->cn,
                                         -1, -1, 0) &&
              X509_set_subject_name(x, name) &&
              X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) &&
              X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
              X509_time_adj_ex(X509_getm_notAfter(x), (int)o->days, 0, NULL) &&
              X509_set_pubkey(x, key);
    X509_NAME_free(name);
    if (ok && !add_extensions(x, issuer, key, o))
        ok = false;
    else if (ok && !X509_sign(x, issuer_key ? issuer_key : key, md)) {
        prov_fail(CMD, "signing failed");
        ok = false;
    }
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static bool path_in(char *buf, size_t len, const char *dir, const char *stem, const char *ext)
{
    int n = snprintf(buf, len, "%s/%s.%s", dir, stem, ext);
    if (n < 0 || (size_t)n >= len) {
        prov_fail(CMD, "path too long: %s/%s.%s", dir, stem, ext);
        return false;
    }
    return true;
}

/* The signing CA: DIR/STEM.pem + DIR/STEM.key, checked to belong together. */
static bool load_ca(const issue_opts_t *o, X509 **ca, EVP_PKEY **ca_key)
{
    char pem[PATH_MAX], key[PATH_MAX];
    if (!path_in(pem, sizeof pem, o->ca_dir, o->ca_name, "pem") ||
        !path_in(key, sizeof key, o->ca_dir, o->ca_name, "key"))
        return false;
    STACK_OF(X509) *sk = prov_read_certs(CMD, pem);
    if (!sk)
        return false;
    *ca = sk_X509_shift(sk);
    sk_X509_pop_free(sk, X509_free);
    if (!(*ca_key = prov_read_key(CMD, key, false)))
        return false;
    if (!X509_check_private_key(*ca, *ca_key)) {
        prov_fail(CMD, "'%s' is not the key of '%s'", key, pem);
        return false;
    }
    if (X509_check_ca(*ca) < 1) {
        prov_fail(CMD, "'%s' is not a CA certificate (basicConstraints CA:TRUE)", pem);
        return false;
    }
    return true;
}

static bool write_outputs(const issue_opts_t *o, X509 *x, EVP_PKEY *key)
{
    char pem_path[PATH_MAX], der_path[PATH_MAX], key_path[PATH_MAX];
    const char *stem = o->name ? o->name : role_names[o->role];
    if (!path_in(pem_path, sizeof pem_path, o->out, stem, "pem") ||
        !path_in(der_path, sizeof der_path, o->out, stem, "der") ||
        !path_in(key_path, sizeof key_path, o->out, stem, "key"))
        return false;
    BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
    char *kdata, *cdata;
    size_t der_len;
    uint8_t *der = prov_cert_der(x, &der_len);
    bool ok = kb && cb && der && PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) &&
              PEM_write_bio_X509(cb, x);
    long klen = ok ? BIO_get_mem_data(kb, &kdata) : 0;
    long clen = ok ? BIO_get_mem_data(cb, &cdata) : 0;
    /* Key first: if it exists (and no --force), nothing is written. */
    ok = ok && prov_write_file(CMD, key_path, kdata, (size_t)klen, 0600, !o->force) &&
         prov_write_file(CMD, pem_path, cdata, (size_t)clen, 0644, false) &&
         prov_write_file(CMD, der_path, der, der_len, 0644, false);
    if (ok)
        printf("wrote %s, %s, %s\n", key_path, pem_path, der_path);
    BIO_free(kb);
    BIO_free(cb);
    OPENSSL_free(der);
    return ok;
}

static int issue(issue_opts_t *o)
{
    if (o->role != ROLE_CA && !o->ca_dir) {
        prov_fail(CMD, "%s: --ca DIR is required (the directory of `iotls cert ca`)",
                  role_names[o->role]);
        return 2;
    }
    if (o->role != ROLE_CA && !o->cn) {
        prov_fail(CMD, "%s: --cn NAME is required", role_names[o->role]);
        return 2;
    }
    if (!o->cn)
        o->cn = "iotls CA";
    /* Clients match host names against SANs only (RFC 6125), so a server
     * certificate without --san names its CN there. */
    static char default_san[300];
    if (o->role == ROLE_SERVER && o->nsans == 0) {
        unsigned char addr[16];
        bool ip = inet_pton(AF_INET, o->cn, addr) == 1 || inet_pton(AF_INET6, o->cn, addr) == 1;
        snprintf(default_san, sizeof default_san, "%s%s", ip ? "IP:" : "DNS:", o->cn);
        o->sans[o->nsans++] = default_san;
    }
    if (o->days <= 0)
        o->days = o->role == ROLE_CA ? 3650 : 825;
    /* --out names a directory to hold the files; make it like `mkdir`. */
    if (mkdir(o->out, 0755) < 0 && errno != EEXIST) {
        prov_fail(CMD, "cannot create directory '%s': %s", o->out, strerror(errno));
        return 1;
    }
    /* Refuse before generating anything when the key is already there. */
    char key_path[PATH_MAX];
    if (!path_in(key_path, sizeof key_path, o->out, o->name ? o->name : role_names[o->role], "key"))
        return 1;
    if (!o->force && access(key_path, F_OK) == 0) {
        prov_fail(CMD, "'%s' exists; not overwriting a private key (use --force)", key_path);
        return 1;
    }
    const EVP_MD *md = pick_hash(o->hash, o->allow_weak);
    if (!md)
        return 1;
    X509 *ca = NULL, *x = NULL;
    EVP_PKEY *ca_key = NULL, *key = NULL;
    int rc = 1;
    if ((o->role == ROLE_CA || load_ca(o, &ca, &ca_key)) &&
        (key = make_key(o->key_type, o->allow_weak)) && (x = make_cert(key, ca, ca_key, md, o)) &&
        write_outputs(o, x, key))
        rc = 0;
    X509_free(ca);
    X509_free(x);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
    return rc;
}

static int cmd_cert_issue(role_t role, int argc, char **argv)
{
    issue_opts_t o = {
        .role = role, .out = ".", .ca_name = "ca", .key_type = "ec-p256", .hash = "sha256"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], **dst = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            issue_usage(stdout, role);
            return 0;
        } else if (!strcmp(a, "--allow-weak")) {
            o.allow_weak = true;
        } else if (!strcmp(a, "--force")) {
            o.force = true;
        } else if (!strcmp(a, "--out")) {
            dst = &o.out;
        } else if (!strcmp(a, "--name")) {
            dst = &o.name;
        } else if (!strcmp(a, "--cn")) {
            dst = &o.cn;
        } else if (!strcmp(a, "--ca") && role != ROLE_CA) {
            dst = &o.ca_dir;
        } else if (!strcmp(a, "--ca-name") && role != ROLE_CA) {
            dst = &o.ca_name;
        } else if (!strcmp(a, "--key-type")) {
            dst = &o.key_type;
        } else if (!strcmp(a, "--hash")) {
            dst = &o.hash;
        } else if (!strcmp(a, "--san") && role != ROLE_CA && o.nsans < MAX_SANS) {
            dst = &o.sans[o.nsans++];
        } else if (!strcmp(a, "--days")) {
            unsigned long long d;
            const char *v = prov_optarg(CMD, argc, argv, &i);
            if (!v || !prov_parse_number(CMD, "--days", v, 36500, &d))
                return 2;
            if (d == 0) {
                /* A certificate valid for no time at all is never wanted. */
                prov_fail(CMD, "--days 0: a certificate must be valid for at least 1 day "
                               "(1..36500)");
                return 2;
            }
            o.days = (long)d;
            continue;
        } else {
            prov_fail(CMD, "%s: unknown option '%s'", role_names[role], a);
            issue_usage(stderr, role);
            return 2;
        }
        if (dst && !(*dst = prov_optarg(CMD, argc, argv, &i)))
            return 2;
    }
    return issue(&o);
}

int cmd_cert(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    for (int r = ROLE_CA; r <= ROLE_CLIENT; r++)
        if (!strcmp(sub, role_names[r]))
            return cmd_cert_issue((role_t)r, argc - 1, argv + 1);
    if (!strcmp(sub, "header"))
        return cmd_cert_header(argc - 1, argv + 1);
    if (!strcmp(sub, "show"))
        return cmd_cert_show(argc - 1, argv + 1);
    FILE *out = strcmp(sub, "--help") && strcmp(sub, "-h") ? stderr : stdout;
    fprintf(out, "usage: iotls cert ca|server|client|header|show ...  (--help on each)\n"
                 "  ca      create a CA key and self-signed certificate\n"
                 "  server  key + certificate for a TLS server, signed by --ca DIR\n"
                 "  client  key + certificate for TLS client authentication\n"
                 "  header  emit C source: certificate arrays and compact trust anchors\n"
                 "  show    summary of a certificate, key or bundle\n");
    return out == stdout ? 0 : 2;
}
