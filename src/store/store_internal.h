/* Private helpers of the store module: CRC32, little-endian fields, the
 * bounded reader every parser of untrusted bytes uses, DER shape checks,
 * and the "sector 0xNN: " label that starts every error text. */
#ifndef IOTLS_STORE_INTERNAL_H
#define IOTLS_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/store.h"

/* CRC-32/ISO-HDLC (zlib, `crc32` in Python): start with crc = 0. */
uint32_t store_crc32(uint32_t crc, const void *data, size_t len);

static inline uint32_t store_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t store_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline void store_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void store_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* Bounded reader: every take checks what is left first, so no parser does
 * pointer arithmetic on untrusted input itself. */
typedef struct {
    const uint8_t *p;
    size_t len;
    size_t pos;
} store_rd_t;

static inline size_t store_rd_left(const store_rd_t *r)
{
    return r->len - r->pos;
}

/* Points *out at the next n bytes and advances; false (nothing moved) when
 * fewer than n are left. */
static inline bool store_rd_take(store_rd_t *r, size_t n, const uint8_t **out)
{
    if (n > store_rd_left(r))
        return false;
    *out = r->p + r->pos;
    r->pos += n;
    return true;
}

/* Header layout (docs/flash-format.md). */
#define STORE_MAGIC "IOTB"
#define STORE_VERSION 1u
#define STORE_OFF_VERSION 4
#define STORE_OFF_TYPE 5
#define STORE_OFF_FLAGS 6
#define STORE_OFF_PAYLOAD_LEN 8
#define STORE_OFF_COUNT 12
#define STORE_OFF_PAYLOAD_CRC 16
#define STORE_OFF_SEQUENCE 20
#define STORE_OFF_HEADER_CRC 24
#define STORE_OFF_COMMIT 28
#define STORE_COMMIT "DONE"
#define STORE_ENTRY_HEADER 8u

/* Bits by which buf[0..4) differs from the magic; up to this many is a
 * damaged blob header rather than foreign data. */
#define STORE_MAGIC_DAMAGE_BITS 2u
unsigned store_magic_distance(const uint8_t *buf);

/* Record an error and evaluate to -1: `return STORE_FAIL(err, code, ...)`. */
#define STORE_FAIL(err, code, ...) (iotls_error_set((err), (code), __VA_ARGS__), -1)

/* Label for error texts: "sector 0x3B" or "blob" (sector < 0). */
typedef struct {
    char s[24];
} store_where_t;
store_where_t store_where(int sector);

/* One DER TLV at the start of buf: its tag, and total length (header +
 * content) in *total. False when the length encoding is broken or runs past
 * len. Only definite lengths up to 4 length bytes (certificates and keys). */
bool store_der_tlv(const uint8_t *buf, size_t len, uint8_t *tag, size_t *hdr, size_t *total);

/* True when buf is exactly one DER SEQUENCE (nothing after it). */
bool store_der_is_sequence(const uint8_t *buf, size_t len);

/* A certificate: SEQUENCE { SEQUENCE tbs, ... } — as opposed to a key,
 * whose SEQUENCE starts with an INTEGER version. */
bool store_der_looks_like_cert(const uint8_t *buf, size_t len);

/* Check a blob header (buf holds at least its first `len` bytes) and give
 * the blob's total size, before the payload has been read. */
int store_blob_extent(const uint8_t *buf, size_t len, int sector, size_t *total,
                      iotls_error_t *err);

/* Whether buf starts with a plausible ESP8266 SDK list entry: printable
 * NUL-padded name, a length, and a DER SEQUENCE header announcing exactly
 * that length (the DER itself may lie beyond buf). */
bool store_esp_first_entry_ok(const uint8_t *buf, size_t len);

/* Flash range check shared by the flash layer and the blob reader. */
int store_check_range(const iotls_flash_t *f, size_t off, size_t len, iotls_error_t *err);

#endif
