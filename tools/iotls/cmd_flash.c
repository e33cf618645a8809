/* iotls flash pack|write|read|inspect — what make_cacert.py, make_cert.py
 * and esptool's write_flash did for the ESP8266 SDK, for iotls blobs
 * (docs/flash-format.md). Inspect lives in cmd_flash_inspect.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "commands.h"
#include "flash_cmds.h"
#include "iotls/store.h"
#include "prov.h"

#define CMD "flash"
#define MAX_ENTRIES 64

/* Entries own their DER (OPENSSL_free). */
typedef struct {
    iotls_store_entry_t e[MAX_ENTRIES];
    size_t n;
} entries_t;

static void entries_free(entries_t *es)
{
    for (size_t i = 0; i < es->n; i++) {
        OPENSSL_cleanse((void *)es->e[i].data, es->e[i].len);
        OPENSSL_free((void *)es->e[i].data);
    }
    es->n = 0;
}

static bool add_certs(entries_t *es, const char *path)
{
    STACK_OF(X509) *sk = prov_read_certs(CMD, path);
    bool ok = sk != NULL;
    for (int i = 0; ok && i < sk_X509_num(sk); i++) {
        size_t len;
        uint8_t *der = prov_cert_der(sk_X509_value(sk, i), &len);
        if (!der || es->n == MAX_ENTRIES) {
            prov_fail(CMD, "too many certificates (at most %d)", MAX_ENTRIES);
            OPENSSL_free(der);
            ok = false;
        } else {
            es->e[es->n++] =
                (iotls_store_entry_t){IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, der, len};
        }
    }
    sk_X509_pop_free(sk, X509_free);
    return ok;
}

/* The key must belong to the leaf: catching a mix-up here costs nothing;
 * on the device it costs a failed handshake in the field. */
static bool add_key(entries_t *es, const char *cert_path, const char *key_path)
{
    EVP_PKEY *k = prov_read_key(CMD, key_path, false);
    STACK_OF(X509) *sk = k ? prov_read_certs(CMD, cert_path) : NULL;
    bool ok = sk && X509_check_private_key(sk_X509_value(sk, 0), k);
    if (sk && !ok)
        prov_fail(CMD, "'%s' is not the key of the first certificate in '%s'", key_path, cert_path);
    size_t len = 0;
    uint8_t *der = ok ? prov_key_der(k, &len) : NULL;
    if (der)
        es->e[es->n++] =
            (iotls_store_entry_t){IOTLS_ENTRY_KEY, iotls_store_key_format(der, len), der, len};
    sk_X509_pop_free(sk, X509_free);
    EVP_PKEY_free(k);
    return der != NULL;
}

static int pack(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "", *out = NULL, *cert = NULL, *key = NULL;
    bool ca = !strcmp(kind, "ca"), creds = !strcmp(kind, "creds");
    entries_t es = {.n = 0};
    bool ok = ca || creds;
    for (int i = 2; ok && i < argc; i++) {
        const char **dst = !strcmp(argv[i], "-o")                ? &out
                           : creds && !strcmp(argv[i], "--cert") ? &cert
                           : creds && !strcmp(argv[i], "--key")  ? &key
                                                                 : NULL;
        if (dst)
            ok = (*dst = prov_optarg(CMD, argc, argv, &i)) != NULL;
        else if (ca && argv[i][0] != '-') {
            if (!add_certs(&es, argv[i])) {
                entries_free(&es); /* a file that cannot be used: not a usage error */
                return 1;
            }
        } else {
            prov_fail(CMD, "pack %s: unexpected '%s'", kind, argv[i]);
            ok = false;
        }
    }
    if (!ok || !out || (ca && !es.n) || (creds && (!cert || !key))) {
        if (ok)
            fprintf(stderr, "usage: iotls flash pack ca PEM... -o BLOB\n"
                            "       iotls flash pack creds --cert PEM --key KEY -o BLOB\n");
        entries_free(&es);
        return 2;
    }
    if (creds)
        ok = add_certs(&es, cert) && add_key(&es, cert, key);
    size_t cap = ok ? iotls_store_blob_size(es.e, es.n) : 0, len;
    uint8_t *blob = ok ? malloc(cap) : NULL;
    iotls_error_t err;
    iotls_error_clear(&err);
    if (ok && (!blob || iotls_store_blob_build(ca ? IOTLS_BLOB_CA : IOTLS_BLOB_CREDS, 0, es.e, es.n,
                                               blob, cap, &len, &err) < 0)) {
        prov_fail_err(CMD, &err);
        ok = false;
    }
    /* A credentials blob holds a private key: same mode as a key file. */
    ok = ok && prov_write_file(CMD, out, blob, len, creds ? 0600 : 0644, false);
    if (ok)
        printf("%s: %s blob, %zu entries, %zu bytes (%zu sectors)\n", out,
               ca ? "CA bundle" : "credentials", es.n, len,
               (len + IOTLS_FLASH_SECTOR_SIZE - 1) / IOTLS_FLASH_SECTOR_SIZE);
    if (blob)
        OPENSSL_cleanse(blob, cap);
    free(blob);
    entries_free(&es);
    return ok ? 0 : 1;
}

bool flash_parse_sector(const char *arg, unsigned *sector)
{
    unsigned long long v;
    if (!prov_parse_number(CMD, "sector", arg, 0xFFFFF, &v))
        return false;
    *sector = (unsigned)v;
    return true;
}

bool flash_parse_sector_pair(const char *arg, unsigned *a, long *b)
{
    const char *comma = strchr(arg, ',');
    char first[32];
    unsigned second;
    *b = -1;
    if (!comma)
        return flash_parse_sector(arg, a);
    if ((size_t)(comma - arg) >= sizeof first) {
        prov_fail(CMD, "sector '%s' is not a number from 0 to %u", arg, 0xFFFFFu);
        return false;
    }
    memcpy(first, arg, (size_t)(comma - arg));
    first[comma - arg] = '\0';
    if (!flash_parse_sector(first, a) || !flash_parse_sector(comma + 1, &second))
        return false;
    if (second == *a) {
        prov_fail(CMD, "sectors '%s': the two slots must differ", arg);
        return false;
    }
    *b = (long)second;
    return true;
}

/* IMAGE --sector N [BLOB] [-o FILE] [--size BYTES] — shared by write and read. */
typedef struct {
    const char *image, *blob, *out;
    unsigned sector;
    long sector_b; /* write: second slot of an A/B pair, -1 for none */
    bool have_sector;
    bool force; /* write even over another intact blob */
    size_t size;
} io_opts_t;

static bool parse_io(int argc, char **argv, io_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->size = IOTLS_FLASH_DEFAULT_SIZE;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        unsigned long long n;
        if (!strcmp(a, "--sector") || !strcmp(a, "--size") || !strcmp(a, "-o")) {
            if (!(v = prov_optarg(CMD, argc, argv, &i)))
                return false;
            if (a[2] == 's' && a[3] == 'e') {
                if (!flash_parse_sector_pair(v, &o->sector, &o->sector_b))
                    return false;
                o->have_sector = true;
            } else if (a[2] == 's') {
                if (!prov_parse_number(CMD, "--size", v, 1ull << 32, &n))
                    return false;
                o->size = (size_t)n;
            } else {
                o->out = v;
            }
        } else if (!strcmp(a, "--force")) {
            o->force = true;
        } else if (a[0] != '-' && !o->image) {
            o->image = a;
        } else if (a[0] != '-' && !o->blob) {
            o->blob = a;
        } else {
            prov_fail(CMD, "%s: unexpected '%s'", argv[1], a);
            return false;
        }
    }
    return o->image && o->have_sector;
}

/* The blob at `sector` reads back as `blob`: byte for byte, or from the
 * payload on (`from` = IOTLS_STORE_HEADER_SIZE) for an A/B write, which
 * rewrites the header's sequence number. *seq: the stored sequence. */
static bool blob_verified(iotls_flash_t *f, unsigned sector, const uint8_t *blob, size_t len,
                          size_t from, uint32_t *seq, iotls_error_t *err)
{
    size_t got_len = 0;
    uint8_t *got = iotls_store_read_alloc(f, sector, &got_len, err);
    iotls_store_blob_t parsed;
    bool same = got && got_len == len && memcmp(got + from, blob + from, len - from) == 0 &&
                iotls_store_blob_parse(got, got_len, (int)sector, &parsed, err) == 0;
    if (got && !same && err->code == IOTLS_OK)
        iotls_error_set(err, IOTLS_ERR_FILE,
                        "sector 0x%02X: read back %zu bytes that differ from the %zu-byte blob "
                        "written",
                        sector, got_len, len);
    if (same)
        *seq = parsed.sequence;
    if (got)
        OPENSSL_cleanse(got, got_len);
    free(got);
    return same;
}

/* Read the committed image again: what a device would flash. */
static bool image_verified(const char *image, unsigned sector, const uint8_t *blob, size_t len,
                           size_t from, iotls_error_t *err)
{
    iotls_flash_t f;
    uint32_t seq;
    if (iotls_flash_open_file(&f, image, false, err) < 0)
        return false;
    bool ok = blob_verified(&f, sector, blob, len, from, &seq, err);
    iotls_flash_close(&f);
    return ok;
}

/* The slot an A/B write goes to: the one not holding the newest copy. */
static unsigned ab_target(iotls_flash_t *f, unsigned a, unsigned b)
{
    iotls_error_t ignored;
    iotls_error_clear(&ignored);
    return iotls_store_newest(f, a, b, &ignored) == (int)a ? b : a;
}

/*
 * All or nothing: the image is changed through a locked copy that replaces
 * it by rename only once the blob reads back intact (see
 * iotls_flash_file_update). A blob whose erase would wipe another intact
 * blob is refused unless --force. With --sector A,B the blob goes to the
 * slot without the newest copy, as a device does it (iotls_store_write_ab).
 */
static int write_cmd(int argc, char **argv)
{
    io_opts_t o;
    if (!parse_io(argc, argv, &o) || !o.blob || o.out) {
        fprintf(stderr,
                "usage: iotls flash write IMAGE --sector N[,M] BLOB [--size BYTES] [--force]\n");
        return 2;
    }
    iotls_error_t err;
    iotls_flash_t f;
    iotls_store_blob_t parsed;
    size_t file_len = 0, len;
    bool created = false, open = false, ab = o.sector_b >= 0;
    size_t from = ab ? IOTLS_STORE_HEADER_SIZE : 0;
    uint32_t seq = 0;
    iotls_error_clear(&err);
    uint8_t *blob = iotls_file_read(o.blob, &file_len, &err);
    int rc = 1;
    if (!blob || iotls_store_blob_parse(blob, file_len, -1, &parsed, &err) < 0)
        goto out;
    len = parsed.total_len;
    if (iotls_flash_file_update(&f, o.image, o.size, &created, &err) < 0)
        goto out;
    open = true;
    unsigned target = ab ? ab_target(&f, o.sector, (unsigned)o.sector_b) : o.sector;
    if (iotls_store_check_overwrite(&f, target, len, &err) < 0) {
        if (!o.force) {
            iotls_error_append(&err, " (--force writes it anyway)");
            goto out;
        }
        /* Forced: still say what is lost (inspect --expect will too). */
        fprintf(stderr, "iotls " CMD ": warning: %s; written anyway (--force)\n", err.text);
        iotls_error_clear(&err);
    }
    if ((ab ? iotls_store_write_ab(&f, o.sector, (unsigned)o.sector_b, blob, len, &err)
            : iotls_store_write(&f, target, blob, len, &err)) < 0 ||
        !blob_verified(&f, target, blob, len, from, &seq, &err))
        goto out;
    open = false;
    if (iotls_flash_file_commit(&f, &err) < 0 ||
        !image_verified(o.image, target, blob, len, from, &err))
        goto out;
    printf("%s: wrote %zu bytes at sector 0x%02X (offset 0x%zX)", o.image, len, target,
           iotls_flash_sector_offset(target));
    if (ab)
        printf(", slot %c of 0x%02X,0x%02lX, sequence %u (the other slot keeps the previous copy)",
               target == o.sector ? 'A' : 'B', o.sector, o.sector_b, (unsigned)seq);
    printf(", read back and verified%s\n", created ? ", new image" : "");
    rc = 0;
out:
    if (open)
        iotls_flash_close(&f); /* abandons the update: the image is unchanged */
    if (rc)
        prov_fail_err(CMD, &err);
    if (blob)
        OPENSSL_cleanse(blob, file_len);
    free(blob);
    return rc;
}

static int read_cmd(int argc, char **argv)
{
    io_opts_t o;
    if (!parse_io(argc, argv, &o) || o.blob) {
        fprintf(stderr, "usage: iotls flash read IMAGE --sector N[,M] [-o FILE]\n");
        return 2;
    }
    iotls_error_t err;
    iotls_flash_t f;
    size_t len = 0;
    uint8_t *blob = NULL;
    iotls_error_clear(&err);
    if (iotls_flash_open_file(&f, o.image, false, &err) == 0) {
        int s = o.sector_b >= 0 ? iotls_store_newest(&f, o.sector, (unsigned)o.sector_b, &err)
                                : (int)o.sector;
        blob = s >= 0 ? iotls_store_read_alloc(&f, (unsigned)s, &len, &err) : NULL;
        iotls_flash_close(&f);
    }
    if (!blob) {
        prov_fail_err(CMD, &err);
        return 1;
    }
    bool ok = o.out ? prov_write_file(CMD, o.out, blob, len, 0600, false)
                    : fwrite(blob, 1, len, stdout) == len && fflush(stdout) == 0;
    if (!ok && !o.out)
        prov_fail(CMD, "cannot write the blob to stdout: %s", strerror(errno));
    OPENSSL_cleanse(blob, len);
    free(blob);
    return ok ? 0 : 1;
}

int cmd_flash(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (!strcmp(sub, "pack"))
        return pack(argc - 1, argv + 1);
    if (!strcmp(sub, "write"))
        return write_cmd(argc, argv);
    if (!strcmp(sub, "read"))
        return read_cmd(argc, argv);
    if (!strcmp(sub, "inspect"))
        return flash_inspect(argc - 1, argv + 1);
    FILE *out = strcmp(sub, "--help") && strcmp(sub, "-h") ? stderr : stdout;
    fprintf(out, "usage: iotls flash pack ca PEM... -o BLOB\n"
                 "       iotls flash pack creds --cert PEM --key KEY -o BLOB\n"
                 "       iotls flash write IMAGE --sector N[,M] BLOB [--size BYTES] [--force]\n"
                 "                                          (new images: 4 MiB by default)\n"
                 "       iotls flash read IMAGE --sector N[,M] [-o FILE]\n"
                 "       iotls flash inspect IMAGE|BLOB [--expect SECTOR]...  (exit 1 if any blob\n"
                 "                                          is damaged or expected and missing)\n"
                 "sectors are 4096 bytes: --sector 0x3B is offset 0x3B000; --sector 0x3B,0x3D\n"
                 "names two slots: write goes to the one without the newest copy, read takes\n"
                 "the newest intact one (a device's power-loss safe updates)\n");
    return out == stdout ? 0 : 2;
}
