/* Blob validation. Order matters for useful texts: first "is this ours at
 * all" (magic, version), then "was the write finished" (commit word), then
 * "is it intact" (header CRC before trusting any length, payload CRC),
 * then the structure of the entries. */
#include <string.h>

#include "store/store_internal.h"

const char *iotls_store_blob_type_name(int type)
{
    switch (type) {
    case IOTLS_BLOB_CA: return "CA bundle";
    case IOTLS_BLOB_CREDS: return "credentials";
    case IOTLS_BLOB_SESSION: return "session";
    default: return "unknown";
    }
}

const char *iotls_store_key_format_name(int format)
{
    switch (format) {
    case IOTLS_KEY_FORMAT_PKCS8: return "PKCS#8";
    case IOTLS_KEY_FORMAT_SEC1: return "SEC1 EC";
    case IOTLS_KEY_FORMAT_PKCS1: return "PKCS#1 RSA";
    default: return "none";
    }
}

static bool all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

/* A write cut inside the magic leaves "I", "IO" or "IOT" then erased
 * bytes: that is an unfinished write, not foreign data. */
static bool torn_magic(const uint8_t *buf)
{
    size_t i = 0;
    while (i < 4 && buf[i] == (uint8_t)STORE_MAGIC[i])
        i++;
    return i > 0 && all_ff(buf + i, IOTLS_STORE_HEADER_SIZE - i);
}

unsigned store_magic_distance(const uint8_t *buf)
{
    unsigned bits = 0;
    for (size_t i = 0; i < 4; i++)
        bits += (unsigned)__builtin_popcount((unsigned)(buf[i] ^ (uint8_t)STORE_MAGIC[i]));
    return bits;
}

static int check_header(const uint8_t *buf, size_t len, const char *w, iotls_error_t *err)
{
    if (len < IOTLS_STORE_HEADER_SIZE) {
        if (len >= 4 && !memcmp(buf, STORE_MAGIC, 4))
            return STORE_FAIL(err, IOTLS_ERR_FILE,
                              "%s: truncated blob: %zu bytes, the header alone is %u", w, len,
                              IOTLS_STORE_HEADER_SIZE);
        return STORE_FAIL(err, IOTLS_ERR_CONFIG,
                          "%s: no iotls blob: %zu bytes, shorter than a header", w, len);
    }
    if (memcmp(buf, STORE_MAGIC, 4)) {
        if (all_ff(buf, IOTLS_STORE_HEADER_SIZE))
            return STORE_FAIL(err, IOTLS_ERR_CONFIG, "%s: erased, nothing stored here", w);
        if (torn_magic(buf))
            return STORE_FAIL(err, IOTLS_ERR_FILE,
                              "%s: blob write never completed (header cut inside the magic); "
                              "write it again",
                              w);
        /* A bit or two off "IOTB" is a damaged blob, not foreign data that
         * happens to start like one (1 in 10^7 for random bytes). */
        unsigned bits = store_magic_distance(buf);
        if (bits <= STORE_MAGIC_DAMAGE_BITS)
            return STORE_FAIL(err, IOTLS_ERR_FILE,
                              "%s: damaged blob header: magic %02x %02x %02x %02x is %u bit%s "
                              "off \"IOTB\"",
                              w, buf[0], buf[1], buf[2], buf[3], bits, bits == 1 ? "" : "s");
        return STORE_FAIL(err, IOTLS_ERR_CONFIG,
                          "%s: no iotls blob (foreign data: starts %02x %02x %02x %02x, "
                          "expected \"IOTB\")",
                          w, buf[0], buf[1], buf[2], buf[3]);
    }
    if (memcmp(buf + STORE_OFF_COMMIT, STORE_COMMIT, 4))
        return STORE_FAIL(err, IOTLS_ERR_FILE,
                          "%s: blob write never completed (no commit marker: "
                          "%02x %02x %02x %02x); write it again",
                          w, buf[28], buf[29], buf[30], buf[31]);
    if (buf[STORE_OFF_VERSION] != STORE_VERSION)
        return STORE_FAIL(err, IOTLS_ERR_CONFIG,
                          "%s: blob format version %u, this library reads version %u", w,
                          buf[STORE_OFF_VERSION], STORE_VERSION);
    uint32_t stored = store_le32(buf + STORE_OFF_HEADER_CRC);
    uint32_t computed = store_crc32(0, buf, STORE_OFF_HEADER_CRC);
    if (stored != computed)
        return STORE_FAIL(err, IOTLS_ERR_FILE,
                          "%s: blob header CRC mismatch (stored %08x, computed %08x)", w,
                          (unsigned)stored, (unsigned)computed);
    return 0;
}

/* Which entry kinds a blob type allows, and in what order. Kept as one
 * function so builder and parser can never disagree. */
static int check_entry_order(iotls_blob_type_t type, size_t i, size_t count,
                             const iotls_store_entry_t *e, int *seen, const char *w,
                             iotls_error_t *err)
{
    const char *why = NULL;
    switch (type) {
    case IOTLS_BLOB_CA:
        if (e->kind != IOTLS_ENTRY_CERT)
            why = "a CA bundle holds certificates only";
        break;
    case IOTLS_BLOB_CREDS:
        if (i + 1 < count && e->kind != IOTLS_ENTRY_CERT)
            why = "credentials are certificates (leaf first) followed by one key";
        else if (i + 1 == count && e->kind != IOTLS_ENTRY_KEY)
            why = "credentials end with the private key";
        break;
    case IOTLS_BLOB_SESSION:
        if (e->kind != IOTLS_ENTRY_SESSION && e->kind != IOTLS_ENTRY_PEER_NAME)
            why = "a session blob holds session data and a peer name";
        else if (seen[e->kind]++)
            why = "a session blob holds each entry kind once";
        else if (i + 1 == count && !seen[IOTLS_ENTRY_SESSION])
            why = "a session blob needs a session entry";
        break;
    }
    if (!why && e->kind == IOTLS_ENTRY_KEY && e->format == IOTLS_KEY_FORMAT_NONE)
        why = "the key format is not PKCS#8, SEC1 or PKCS#1";
    if (!why && e->kind == IOTLS_ENTRY_CERT && !store_der_looks_like_cert(e->data, e->len))
        why = "the certificate is not one DER certificate";
    if (why)
        iotls_error_set(err, IOTLS_ERR_CONFIG, "%s: %s blob entry %zu (kind %u): %s", w,
                        iotls_store_blob_type_name(type), i, (unsigned)e->kind, why);
    return why ? -1 : 0;
}

/* Walk the payload once, checking each entry header, length and padding. */
static int check_entries(iotls_store_blob_t *b, const char *w, iotls_error_t *err)
{
    store_rd_t r = {b->payload_, b->payload_len_, 0};
    int seen[5] = {0};
    for (size_t i = 0; i < b->count; i++) {
        const uint8_t *h, *data, *pad;
        if (!store_rd_take(&r, STORE_ENTRY_HEADER, &h))
            return STORE_FAIL(err, IOTLS_ERR_FILE,
                              "%s: entry %zu of %zu: payload ends inside its header", w, i,
                              b->count);
        iotls_store_entry_t e = {(iotls_entry_kind_t)h[0], (iotls_key_format_t)h[1], NULL,
                                 store_le32(h + 4)};
        if (h[2] || h[3])
            return STORE_FAIL(err, IOTLS_ERR_FILE, "%s: entry %zu: reserved bytes are not zero", w,
                              i);
        if (e.len == 0 || !store_rd_take(&r, e.len, &data))
            return STORE_FAIL(err, IOTLS_ERR_FILE,
                              "%s: entry %zu declares %zu bytes, %zu left in the payload", w, i,
                              e.len, store_rd_left(&r));
        e.data = data;
        size_t padn = (4 - e.len % 4) % 4;
        if (!store_rd_take(&r, padn, &pad) || !(padn == 0 || !memcmp(pad, "\0\0\0", padn)))
            return STORE_FAIL(err, IOTLS_ERR_FILE, "%s: entry %zu: padding missing or not zero", w,
                              i);
        if (e.kind == IOTLS_ENTRY_KEY && e.format != iotls_store_key_format(data, e.len))
            return STORE_FAIL(err, IOTLS_ERR_CONFIG,
                              "%s: entry %zu: key stored as format %u, its DER is %s", w, i,
                              (unsigned)e.format,
                              iotls_store_key_format_name(iotls_store_key_format(data, e.len)));
        if (check_entry_order(b->type, i, b->count, &e, seen, w, err) < 0)
            return -1;
    }
    if (store_rd_left(&r))
        return STORE_FAIL(err, IOTLS_ERR_FILE, "%s: %zu bytes after the last of %zu entries", w,
                          store_rd_left(&r), b->count);
    return 0;
}

int store_blob_extent(const uint8_t *buf, size_t len, int sector, size_t *total, iotls_error_t *err)
{
    store_where_t w = store_where(sector);
    if (check_header(buf, len, w.s, err) < 0)
        return -1;
    unsigned type = buf[STORE_OFF_TYPE];
    uint32_t plen = store_le32(buf + STORE_OFF_PAYLOAD_LEN);
    if (type < IOTLS_BLOB_CA || type > IOTLS_BLOB_SESSION)
        return STORE_FAIL(err, IOTLS_ERR_CONFIG, "%s: unknown blob type %u", w.s, type);
    if (store_le16(buf + STORE_OFF_FLAGS))
        return STORE_FAIL(err, IOTLS_ERR_CONFIG, "%s: unknown blob flags 0x%04x", w.s,
                          store_le16(buf + STORE_OFF_FLAGS));
    if (plen > IOTLS_STORE_PAYLOAD_MAX)
        return STORE_FAIL(
            err, IOTLS_ERR_FILE, "%s: %s blob declares %u payload bytes, more than the %u limit",
            w.s, iotls_store_blob_type_name((int)type), (unsigned)plen, IOTLS_STORE_PAYLOAD_MAX);
    *total = IOTLS_STORE_HEADER_SIZE + (size_t)plen;
    return 0;
}

int iotls_store_blob_parse(const uint8_t *buf, size_t len, int sector, iotls_store_blob_t *blob,
                           iotls_error_t *err)
{
    store_where_t w = store_where(sector);
    size_t total;
    if (!buf || !blob)
        return STORE_FAIL(err, IOTLS_ERR_BAD_ARGUMENT, "%s: no buffer", w.s);
    memset(blob, 0, sizeof *blob);
    if (store_blob_extent(buf, len, sector, &total, err) < 0)
        return -1;
    unsigned type = buf[STORE_OFF_TYPE];
    uint32_t plen = store_le32(buf + STORE_OFF_PAYLOAD_LEN);
    uint32_t count = store_le32(buf + STORE_OFF_COUNT);
    if (plen > len - IOTLS_STORE_HEADER_SIZE)
        return STORE_FAIL(err, IOTLS_ERR_FILE,
                          "%s: truncated %s blob: header declares %u payload bytes, only "
                          "%zu present",
                          w.s, iotls_store_blob_type_name((int)type), (unsigned)plen,
                          len - IOTLS_STORE_HEADER_SIZE);
    /* Each entry needs at least a header and a byte; a count above that is
     * a lie we need not loop over. */
    if (count == 0 || count > plen / (STORE_ENTRY_HEADER + 1))
        return STORE_FAIL(err, IOTLS_ERR_FILE,
                          "%s: %s blob declares %u entries in %u payload bytes", w.s,
                          iotls_store_blob_type_name((int)type), (unsigned)count, (unsigned)plen);
    const uint8_t *payload = buf + IOTLS_STORE_HEADER_SIZE;
    uint32_t stored = store_le32(buf + STORE_OFF_PAYLOAD_CRC);
    uint32_t computed = store_crc32(0, payload, plen);
    if (stored != computed)
        return STORE_FAIL(
            err, IOTLS_ERR_FILE, "%s: %s blob CRC mismatch (stored %08x, computed %08x)", w.s,
            iotls_store_blob_type_name((int)type), (unsigned)stored, (unsigned)computed);
    blob->type = (iotls_blob_type_t)type;
    blob->sequence = store_le32(buf + STORE_OFF_SEQUENCE);
    blob->count = count;
    blob->total_len = total;
    blob->payload_ = payload;
    blob->payload_len_ = plen;
    if (check_entries(blob, w.s, err) < 0) {
        memset(blob, 0, sizeof *blob);
        return -1;
    }
    return 0;
}

bool iotls_store_blob_next(iotls_store_blob_t *blob, iotls_store_entry_t *entry)
{
    store_rd_t r = {blob->payload_, blob->payload_len_, blob->pos_};
    const uint8_t *h, *data, *pad;
    if (blob->index_ >= blob->count || !store_rd_take(&r, STORE_ENTRY_HEADER, &h))
        return false;
    size_t len = store_le32(h + 4);
    /* Parse validated all this; the checks stay so a caller-corrupted
     * cursor still cannot read out of bounds. */
    if (!store_rd_take(&r, len, &data) || !store_rd_take(&r, (4 - len % 4) % 4, &pad))
        return false;
    entry->kind = (iotls_entry_kind_t)h[0];
    entry->format = (iotls_key_format_t)h[1];
    entry->data = data;
    entry->len = len;
    blob->pos_ = r.pos;
    blob->index_++;
    return true;
}
