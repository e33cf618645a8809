/*
 * iotls/store.h — what a device keeps in flash: trust anchors, its own
 * credentials and saved sessions, in documented blobs (docs/flash-format.md).
 *
 * Three parts:
 *  1. A flash image model (iotls_flash_t): N bytes in 4096-byte sectors,
 *     addressed by sector number as in the ESP8266 SDK (0x3B -> 0x3B000),
 *     with NOR rules: erase sets bytes to 0xFF, a write may only clear bits.
 *     Backends: caller memory, a POSIX file, or your own port (ops table).
 *  2. Blobs: a 32-byte header (magic "IOTB", version, type, lengths, two
 *     CRC32s, commit word written last) and typed entries. The parser checks
 *     every length and CRC with a bounded cursor, so damaged, truncated,
 *     half-written or foreign bytes give an error, never a wild read.
 *  3. Loaders that put a CA bundle or credentials from flash into an
 *     iotls_trust_t / iotls_creds_t. They also read the ESP8266 SDK's own
 *     lists (make_cacert.py -> esp_ca_cert.bin, make_cert.py ->
 *     esp_cert_private_key.bin).
 *
 * Typical device use (also what `iotls connect --flash` does):
 *
 *     iotls_flash_t flash;
 *     iotls_flash_open_file(&flash, "flash.img", false, &err);  // or _init_mem
 *     iotls_store_load_trust(&flash, 0x3B, trust, &err);
 *     iotls_store_load_creds(&flash, 0x3A, creds, &err);
 *     iotls_flash_close(&flash);
 *
 * Errors (iotls_error_t text always starts with "sector 0xNN: " or "blob: "):
 *  - IOTLS_ERR_FILE: the stored bytes are damaged — CRC mismatch, write that
 *    never completed (no commit word), truncated blob, inconsistent lengths;
 *    or the image could not be read / written.
 *  - IOTLS_ERR_CONFIG: the sector does not hold what was asked for — erased,
 *    foreign data, another blob type, an unknown format version.
 *  - IOTLS_ERR_BAD_STATE: a write over bytes that were not erased first.
 *  - IOTLS_ERR_BAD_ARGUMENT: sector or range outside the image, bad sizes.
 *  - IOTLS_ERR_MEMORY_TOO_SMALL / IOTLS_ERR_NO_MEMORY: buffers.
 *  - IOTLS_ERR_BAD_CERT / IOTLS_ERR_BAD_KEY / IOTLS_ERR_KEY_MISMATCH: from
 *    iotls_trust_add_der / iotls_creds_set when a stored DER is refused.
 * To tell "nothing stored yet" from "damaged" without parsing error codes,
 * call iotls_store_probe() first.
 */
#ifndef IOTLS_STORE_H
#define IOTLS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/error.h"
#include "iotls/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- flash image -------------------------------------------------------- */

#define IOTLS_FLASH_SECTOR_SIZE 4096u
/* Size `iotls flash write` gives a new image (a common ESP8266 module). */
#define IOTLS_FLASH_DEFAULT_SIZE (4u * 1024u * 1024u)

typedef struct iotls_flash iotls_flash_t;

/*
 * A backend moves raw bytes; the generic layer has already checked ranges
 * and NOR rules. Each returns 0, or -1 with errno-style meaning left to the
 * backend (the generic layer reports "read failed at 0x...").
 * `erase` gets whole, aligned sectors.
 */
typedef struct {
    int (*read)(iotls_flash_t *f, size_t off, void *buf, size_t len);
    int (*program)(iotls_flash_t *f, size_t off, const void *buf, size_t len);
    int (*erase)(iotls_flash_t *f, size_t off, size_t len);
    void (*close)(iotls_flash_t *f);
} iotls_flash_ops_t;

struct iotls_flash {
    const iotls_flash_ops_t *ops;
    void *ctx;   /* backend state (memory base for the memory backend) */
    int fd;      /* file backend; -1 otherwise */
    size_t size; /* bytes, a multiple of IOTLS_FLASH_SECTOR_SIZE */
    /* TESTS ONLY — see iotls_flash_test_cut_power_after(). Zeroed by every
     * init/open function; nothing else touches it. */
    struct {
        bool armed;
        size_t budget; /* bytes still programmed before the "power cut" */
    } test_power_cut;
};

/* Use `size` bytes of caller memory as flash (size a non-zero multiple of
 * 4096). Contents are left as they are; a fresh chip is all 0xFF, so call
 * iotls_flash_erase() first if the memory is not. */
int iotls_flash_init_mem(iotls_flash_t *f, void *mem, size_t size, iotls_error_t *err);

/* Open an existing image file (size must be a multiple of 4096). */
int iotls_flash_open_file(iotls_flash_t *f, const char *path, bool writable, iotls_error_t *err);

/* Create a new image file of `size` bytes, all erased (0xFF); fails if the
 * file exists. Mode 0600: an image usually ends up holding a private key.
 * Opened writable. */
int iotls_flash_create_file(iotls_flash_t *f, const char *path, size_t size, iotls_error_t *err);

/*
 * Host side: change an image file atomically. Locks the image's directory
 * (flock: concurrent updaters wait their turn), copies the image to
 * "<path>.new" — or, when `path` does not exist and create_size != 0,
 * creates an erased image of that size there (*created = true) — and opens
 * the copy writable in *f. Change it through *f, then
 * iotls_flash_file_commit(): fsync, rename over `path`, fsync the
 * directory, unlock. iotls_flash_close() instead abandons the update.
 * Until the rename `path` is unchanged; a kill at any point leaves either
 * the old or the new image, whole (a stale .new is replaced next time).
 */
int iotls_flash_file_update(iotls_flash_t *f, const char *path, size_t create_size, bool *created,
                            iotls_error_t *err);
int iotls_flash_file_commit(iotls_flash_t *f, iotls_error_t *err);

/* Use your own backend (an MCU port): `ops` and `ctx` are kept. */
int iotls_flash_init_ops(iotls_flash_t *f, const iotls_flash_ops_t *ops, void *ctx, size_t size,
                         iotls_error_t *err);

void iotls_flash_close(iotls_flash_t *f);

/* Offset of a sector: 0x3B -> 0x3B000. */
static inline size_t iotls_flash_sector_offset(unsigned sector)
{
    return (size_t)sector * IOTLS_FLASH_SECTOR_SIZE;
}

size_t iotls_flash_sector_count(const iotls_flash_t *f);

int iotls_flash_read(iotls_flash_t *f, size_t off, void *buf, size_t len, iotls_error_t *err);

/* NOR write: every byte written may only clear bits of what is there
 * (IOTLS_ERR_BAD_STATE names the first offending offset otherwise). */
int iotls_flash_write(iotls_flash_t *f, size_t off, const void *buf, size_t len,
                      iotls_error_t *err);

/* Erase `count` sectors starting at `first` (bytes become 0xFF). */
int iotls_flash_erase(iotls_flash_t *f, unsigned first, unsigned count, iotls_error_t *err);

/*
 * FOR TESTS ONLY: simulate a power cut. After `bytes` more bytes have been
 * programmed, every write (and erase) stops, the interrupted call fails with
 * IOTLS_ERR_FILE "power cut (test hook)", and the image keeps what reached
 * it. Reopen/reinit the flash to clear. Never call this in firmware.
 */
void iotls_flash_test_cut_power_after(iotls_flash_t *f, size_t bytes);

/* ---- blobs --------------------------------------------------------------- */

#define IOTLS_STORE_HEADER_SIZE 32u
/* A blob payload larger than this is refused whatever the header says. */
#define IOTLS_STORE_PAYLOAD_MAX (16u * 1024u * 1024u)

typedef enum {
    IOTLS_BLOB_CA = 1,     /* any number of trust anchor certificates */
    IOTLS_BLOB_CREDS = 2,  /* certificate chain (leaf first) + private key */
    IOTLS_BLOB_SESSION = 3 /* one saved TLS session (+ optional peer name) */
} iotls_blob_type_t;

typedef enum {
    IOTLS_ENTRY_CERT = 1,     /* DER X.509 certificate */
    IOTLS_ENTRY_KEY = 2,      /* DER private key; `format` says which */
    IOTLS_ENTRY_SESSION = 3,  /* opaque saved-session bytes */
    IOTLS_ENTRY_PEER_NAME = 4 /* host name a session belongs to (no NUL) */
} iotls_entry_kind_t;

typedef enum {
    IOTLS_KEY_FORMAT_NONE = 0,
    IOTLS_KEY_FORMAT_PKCS8 = 1, /* PrivateKeyInfo */
    IOTLS_KEY_FORMAT_SEC1 = 2,  /* ECPrivateKey */
    IOTLS_KEY_FORMAT_PKCS1 = 3  /* RSAPrivateKey */
} iotls_key_format_t;

typedef struct {
    iotls_entry_kind_t kind;
    iotls_key_format_t format; /* keys only; IOTLS_KEY_FORMAT_NONE otherwise */
    const uint8_t *data;
    size_t len;
} iotls_store_entry_t;

/* A parsed, fully validated blob plus an entry cursor. Points into the
 * buffer given to iotls_store_blob_parse(), which must stay alive. */
typedef struct {
    iotls_blob_type_t type;
    uint32_t sequence; /* writer's counter (newest of two session copies) */
    size_t count;      /* entries */
    size_t total_len;  /* header + payload: bytes the blob occupies */
    /* cursor (private) */
    const uint8_t *payload_;
    size_t payload_len_, pos_, index_;
} iotls_store_blob_t;

/*
 * Validate a blob at the start of buf[0..len) — len may exceed the blob
 * (a whole sector); trailing bytes are ignored. Checks magic, version,
 * header CRC, commit word, payload length against len, payload CRC, every
 * entry length, padding and the per-type rules. `sector` only labels error
 * texts (-1: "blob: "). Returns 0 and fills *blob, or -1 with `err` set.
 */
int iotls_store_blob_parse(const uint8_t *buf, size_t len, int sector, iotls_store_blob_t *blob,
                           iotls_error_t *err);

/* Next entry in order; false at the end. Never fails after a parse. */
bool iotls_store_blob_next(iotls_store_blob_t *blob, iotls_store_entry_t *entry);

/* Bytes a blob with these entries needs. */
size_t iotls_store_blob_size(const iotls_store_entry_t *entries, size_t n);

/*
 * Build a committed blob into out[0..cap). Entries are validated by the
 * same rules as the parser (a CA blob holds certificates; credentials are
 * certificates then exactly one key; a session one SESSION entry and at
 * most one PEER_NAME). Returns 0 with *len set, or -1.
 */
int iotls_store_blob_build(iotls_blob_type_t type, uint32_t sequence,
                           const iotls_store_entry_t *entries, size_t n, uint8_t *out, size_t cap,
                           size_t *len, iotls_error_t *err);

/* Which DER private key encoding `der` is (by its shape); NONE if neither. */
iotls_key_format_t iotls_store_key_format(const uint8_t *der, size_t len);

/* "CA bundle", "credentials", "session"; "unknown" otherwise. */
const char *iotls_store_blob_type_name(int type);
const char *iotls_store_key_format_name(int format);

/* ---- blobs in flash ------------------------------------------------------ */

typedef enum {
    IOTLS_SECTOR_ERASED = 0, /* every byte 0xFF: nothing stored */
    IOTLS_SECTOR_BLOB,       /* starts with an iotls blob header (maybe damaged) */
    IOTLS_SECTOR_ESP,        /* an ESP8266 SDK certificate/key list */
    IOTLS_SECTOR_OTHER       /* anything else */
} iotls_sector_kind_t;

/* What a sector holds, judged from its first bytes (no CRC check). Returns
 * an iotls_sector_kind_t, or -1 when it cannot be read. */
int iotls_store_probe(iotls_flash_t *f, unsigned sector, iotls_error_t *err);

/*
 * Write a blob (as built by iotls_store_blob_build) at `sector`: validate
 * it, erase the sectors it needs, program header and payload, and program
 * the commit word LAST — a write cut short leaves a blob the parser rejects.
 */
int iotls_store_write(iotls_flash_t *f, unsigned sector, const uint8_t *blob, size_t len,
                      iotls_error_t *err);

/*
 * Before iotls_store_write(): would writing `len` bytes at `sector` destroy
 * another intact blob or ESP8266 list? The erase covers whole sectors, so a
 * two-sector blob at 0x3A wipes a CA bundle at 0x3B. Returns 0 when
 * nothing but the blob at `sector` itself (the one being replaced) would
 * be lost; -1 with IOTLS_ERR_BAD_STATE naming the victim
 * ("... destroying the intact CA bundle at sector 0x3B (812 bytes) ...").
 */
int iotls_store_check_overwrite(iotls_flash_t *f, unsigned sector, size_t len, iotls_error_t *err);

/*
 * Power-loss safe updates on a device: two slots (A and B, far enough
 * apart for the blob). iotls_store_write_ab() writes into the slot that
 * does NOT hold the newest intact copy, with a sequence number one higher
 * (the header's sequence and CRC are rewritten), and never touches the
 * other. A power cut at any byte leaves the previous copy intact, and
 * iotls_store_newest() then picks it: the loader falls back by itself.
 * Returns the slot written, or -1.
 */
int iotls_store_write_ab(iotls_flash_t *f, unsigned slot_a, unsigned slot_b, const uint8_t *blob,
                         size_t len, iotls_error_t *err);

/* The slot (slot_a or slot_b) holding the intact blob with the higher
 * sequence number (serial-number order, so a wrapped counter is newer);
 * -1 with both reasons when neither holds one. Pass it to the loaders:
 *     int s = iotls_store_newest(&flash, 0x3B, 0x3D, &err);
 *     if (s >= 0) iotls_store_load_trust(&flash, (unsigned)s, trust, &err); */
int iotls_store_newest(iotls_flash_t *f, unsigned slot_a, unsigned slot_b, iotls_error_t *err);

/* Read and validate the blob at `sector` into caller memory. Too small a
 * buffer gives IOTLS_ERR_MEMORY_TOO_SMALL with the size needed in *len. */
int iotls_store_read(iotls_flash_t *f, unsigned sector, uint8_t *buf, size_t cap, size_t *len,
                     iotls_error_t *err);

/* The same into a new buffer (free() it). */
uint8_t *iotls_store_read_alloc(iotls_flash_t *f, unsigned sector, size_t *len, iotls_error_t *err);

/* ---- loaders -------------------------------------------------------------- */

/*
 * Add every certificate of the CA bundle at `sector` (an iotls CA blob or
 * an ESP8266 esp_ca_cert.bin list) to `trust`. Returns the number added, or
 * -1. Nothing is added when any stored certificate is refused.
 */
int iotls_store_load_trust(iotls_flash_t *f, unsigned sector, iotls_trust_t *trust,
                           iotls_error_t *err);

/*
 * Set `creds` from the credentials at `sector` (an iotls credentials blob or
 * an ESP8266 esp_cert_private_key.bin list). Returns 0 or -1.
 */
int iotls_store_load_creds(iotls_flash_t *f, unsigned sector, iotls_creds_t *creds,
                           iotls_error_t *err);

/*
 * Keep a saved TLS session (iotls_session_save() bytes) at `sector`, with
 * the peer name it belongs to (may be NULL), so a device can resume after
 * deep sleep or a reboot. The blob holds the session's master secret.
 * Rewriting bumps the blob's sequence number. Returns 0 or -1.
 */
int iotls_store_save_session(iotls_flash_t *f, unsigned sector, const uint8_t *session, size_t len,
                             const char *peer, iotls_error_t *err);

/* Read it back into out[0..cap) (*len = bytes) and the peer name into
 * peer[0..peer_cap) (may be NULL). A damaged or torn blob is an error:
 * the caller then simply does a full handshake. Returns 0 or -1. */
int iotls_store_load_session(iotls_flash_t *f, unsigned sector, uint8_t *out, size_t cap,
                             size_t *len, char *peer, size_t peer_cap, iotls_error_t *err);

/* ---- ESP8266 SDK lists ----------------------------------------------------- */

/* make_cacert.py / make_cert.py entries: 32-byte NUL-padded name, 16-bit
 * little-endian length, DER bytes; the list ends at an erased (0xFF) or
 * zero name, or at the end of the buffer. */
#define IOTLS_ESP_NAME_SIZE 32u
#define IOTLS_ESP_ENTRY_HEADER (IOTLS_ESP_NAME_SIZE + 2u)

typedef struct {
    char name[IOTLS_ESP_NAME_SIZE + 1]; /* NUL-terminated copy */
    const uint8_t *data;
    size_t len;
} iotls_esp_entry_t;

typedef struct {
    size_t count;     /* entries */
    size_t total_len; /* bytes the list occupies */
    const uint8_t *buf_;
    size_t pos_, index_;
} iotls_esp_list_t;

/* Validate a list: printable names, lengths inside len, each entry one
 * DER SEQUENCE of exactly its length, at least one entry. */
int iotls_store_esp_parse(const uint8_t *buf, size_t len, int sector, iotls_esp_list_t *list,
                          iotls_error_t *err);
bool iotls_store_esp_next(iotls_esp_list_t *list, iotls_esp_entry_t *entry);

/* Read the ESP list at `sector` into a new buffer (free() it). */
uint8_t *iotls_store_esp_read_alloc(iotls_flash_t *f, unsigned sector, size_t *len,
                                    iotls_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
