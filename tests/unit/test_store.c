/* Flash image model and blob format: round trips, NOR rules, torn writes,
 * and every kind of damage pinned to its error code and text. Uses
 * synthetic DER-shaped entries; tests/unit/test_store_load.c uses real
 * certificates and keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/store.h"
#include "store/store_internal.h"
#include "tmpdir.h"

#define SECTORS 64
static uint8_t chip[SECTORS * IOTLS_FLASH_SECTOR_SIZE];

/* Smallest shapes the parser accepts: a "certificate" is SEQUENCE {
 * SEQUENCE ...}, a PKCS#8 key SEQUENCE { INTEGER, SEQUENCE, OCTET STRING }. */
static const uint8_t fake_cert[] = {0x30, 0x06, 0x30, 0x04, 0x02, 0x02, 0x01, 0x02};
static const uint8_t fake_cert2[] = {0x30, 0x07, 0x30, 0x05, 0x02, 0x03, 0x01, 0x02, 0x03};
static const uint8_t fake_pkcs8[] = {0x30, 0x07, 0x02, 0x01, 0x00, 0x30, 0x00, 0x04, 0x00};
static const uint8_t fake_sec1[] = {0x30, 0x05, 0x02, 0x01, 0x01, 0x04, 0x00};
static const uint8_t fake_pkcs1[] = {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05};

static void fresh_chip(iotls_flash_t *f)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_init_mem(f, chip, sizeof chip, &err), 0);
    assert_int_equal(iotls_flash_erase(f, 0, SECTORS, &err), 0);
}

/* A CA blob of two fake certificates into out; returns its length. */
static size_t ca_blob(uint8_t *out, size_t cap)
{
    iotls_store_entry_t e[] = {
        {IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, fake_cert, sizeof fake_cert},
        {IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, fake_cert2, sizeof fake_cert2},
    };
    size_t len = 0;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_blob_build(IOTLS_BLOB_CA, 7, e, 2, out, cap, &len, &err), 0);
    return len;
}

/* Recompute both CRCs after a test edits header fields, so the parser gets
 * past the CRCs to the check under test. */
static void reseal(uint8_t *b, size_t payload_len)
{
    store_put_le32(b + STORE_OFF_PAYLOAD_CRC,
                   store_crc32(0, b + IOTLS_STORE_HEADER_SIZE, payload_len));
    store_put_le32(b + STORE_OFF_HEADER_CRC, store_crc32(0, b, STORE_OFF_HEADER_CRC));
}

/* Parse must fail with `code` and a text containing `text`. */
static void expect_parse_error(const uint8_t *b, size_t len, int sector, iotls_err_t code,
                               const char *text)
{
    iotls_store_blob_t blob;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_blob_parse(b, len, sector, &blob, &err), -1);
    if (err.code != code || !strstr(err.text, text))
        fail_msg("got %s \"%s\", want %s containing \"%s\"", iotls_error_code_name(err.code),
                 err.text, iotls_error_code_name(code), text);
}

static void test_crc32_reference_vector(void **state)
{
    assert_int_equal(store_crc32(0, "123456789", 9), 0xCBF43926u);
    /* Incremental use gives the same result. */
    assert_int_equal(store_crc32(store_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

static void test_ca_blob_round_trip(void **state)
{
    uint8_t b[256];
    size_t len = ca_blob(b, sizeof b);
    assert_int_equal(
        len, iotls_store_blob_size((iotls_store_entry_t[]){{IOTLS_ENTRY_CERT, 0, fake_cert, 8},
                                                           {IOTLS_ENTRY_CERT, 0, fake_cert2, 9}},
                                   2));
    assert_memory_equal(b, "IOTB", 4);
    assert_memory_equal(b + 28, "DONE", 4);
    iotls_store_blob_t blob;
    iotls_store_entry_t e;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_blob_parse(b, len, 0x3B, &blob, &err), 0);
    assert_int_equal(blob.type, IOTLS_BLOB_CA);
    assert_int_equal(blob.count, 2);
    assert_int_equal(blob.sequence, 7);
    assert_int_equal(blob.total_len, len);
    assert_true(iotls_store_blob_next(&blob, &e));
    assert_int_equal(e.kind, IOTLS_ENTRY_CERT);
    assert_int_equal(e.len, sizeof fake_cert);
    assert_memory_equal(e.data, fake_cert, sizeof fake_cert);
    assert_true(iotls_store_blob_next(&blob, &e));
    assert_memory_equal(e.data, fake_cert2, sizeof fake_cert2);
    assert_false(iotls_store_blob_next(&blob, &e));
    /* Bytes after the blob (rest of a sector) are not part of it. */
    uint8_t big[512];
    memset(big, 0xFF, sizeof big);
    memcpy(big, b, len);
    assert_int_equal(iotls_store_blob_parse(big, sizeof big, 0x3B, &blob, &err), 0);
    assert_int_equal(blob.total_len, len);
}

static void test_creds_blob_key_formats(void **state)
{
    static const struct {
        const uint8_t *der;
        size_t len;
        iotls_key_format_t fmt;
    } keys[] = {{fake_pkcs8, sizeof fake_pkcs8, IOTLS_KEY_FORMAT_PKCS8},
                {fake_sec1, sizeof fake_sec1, IOTLS_KEY_FORMAT_SEC1},
                {fake_pkcs1, sizeof fake_pkcs1, IOTLS_KEY_FORMAT_PKCS1}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(iotls_store_key_format(keys[i].der, keys[i].len), keys[i].fmt);
        iotls_store_entry_t e[] = {
            {IOTLS_ENTRY_CERT, 0, fake_cert, sizeof fake_cert},
            {IOTLS_ENTRY_CERT, 0, fake_cert2, sizeof fake_cert2},
            {IOTLS_ENTRY_KEY, keys[i].fmt, keys[i].der, keys[i].len},
        };
        uint8_t b[256];
        size_t len;
        iotls_store_blob_t blob;
        iotls_store_entry_t got;
        iotls_error_t err;
        iotls_error_clear(&err);
        assert_int_equal(iotls_store_blob_build(IOTLS_BLOB_CREDS, 0, e, 3, b, sizeof b, &len, &err),
                         0);
        assert_int_equal(iotls_store_blob_parse(b, len, -1, &blob, &err), 0);
        assert_int_equal(blob.count, 3);
        for (int k = 0; k < 3; k++)
            assert_true(iotls_store_blob_next(&blob, &got));
        assert_int_equal(got.kind, IOTLS_ENTRY_KEY);
        assert_int_equal(got.format, keys[i].fmt);
        assert_memory_equal(got.data, keys[i].der, keys[i].len);
    }
    assert_int_equal(iotls_store_key_format(fake_cert, sizeof fake_cert), IOTLS_KEY_FORMAT_NONE);
}

static void expect_build_error(iotls_blob_type_t type, const iotls_store_entry_t *e, size_t n,
                               iotls_err_t code, const char *text)
{
    uint8_t b[256];
    size_t len = 0;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_blob_build(type, 0, e, n, b, sizeof b, &len, &err), -1);
    if (err.code != code || !strstr(err.text, text))
        fail_msg("got %s \"%s\", want %s containing \"%s\"", iotls_error_code_name(err.code),
                 err.text, iotls_error_code_name(code), text);
}

static void test_builder_enforces_type_rules(void **state)
{
    iotls_store_entry_t cert = {IOTLS_ENTRY_CERT, 0, fake_cert, sizeof fake_cert};
    iotls_store_entry_t key = {IOTLS_ENTRY_KEY, IOTLS_KEY_FORMAT_PKCS8, fake_pkcs8,
                               sizeof fake_pkcs8};
    iotls_store_entry_t sess = {IOTLS_ENTRY_SESSION, 0, (const uint8_t *)"opaque", 6};
    iotls_store_entry_t name = {IOTLS_ENTRY_PEER_NAME, 0, (const uint8_t *)"a.example", 9};

    expect_build_error(IOTLS_BLOB_CA, (iotls_store_entry_t[]){cert, key}, 2, IOTLS_ERR_CONFIG,
                       "blob entry 1 (kind 2): a CA bundle holds certificates only");
    expect_build_error(IOTLS_BLOB_CREDS, (iotls_store_entry_t[]){cert}, 1, IOTLS_ERR_CONFIG,
                       "credentials end with the private key");
    expect_build_error(IOTLS_BLOB_CREDS, (iotls_store_entry_t[]){key, cert}, 2, IOTLS_ERR_CONFIG,
                       "followed by one key");
    expect_build_error(IOTLS_BLOB_SESSION, (iotls_store_entry_t[]){sess, sess}, 2, IOTLS_ERR_CONFIG,
                       "each entry kind once");
    expect_build_error(IOTLS_BLOB_SESSION, (iotls_store_entry_t[]){name}, 1, IOTLS_ERR_CONFIG,
                       "needs a session entry");
    expect_build_error(IOTLS_BLOB_CA, &cert, 0, IOTLS_ERR_BAD_ARGUMENT, "no entries");
    /* A key whose declared format is not what its DER is. */
    iotls_store_entry_t lying = {IOTLS_ENTRY_KEY, IOTLS_KEY_FORMAT_SEC1, fake_pkcs8,
                                 sizeof fake_pkcs8};
    expect_build_error(IOTLS_BLOB_CREDS, (iotls_store_entry_t[]){cert, lying}, 2, IOTLS_ERR_CONFIG,
                       "key stored as format 2, its DER is PKCS#8");
    /* Not a certificate at all. */
    iotls_store_entry_t junk = {IOTLS_ENTRY_CERT, 0, (const uint8_t *)"hello", 5};
    expect_build_error(IOTLS_BLOB_CA, &junk, 1, IOTLS_ERR_CONFIG, "not one DER certificate");

    uint8_t b[256];
    size_t len;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_blob_build(IOTLS_BLOB_SESSION, 3,
                                            (iotls_store_entry_t[]){name, sess}, 2, b, sizeof b,
                                            &len, &err),
                     0);
    /* Too small a buffer says how much is needed. */
    size_t need = 0;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_blob_build(IOTLS_BLOB_CA, 0, &cert, 1, b, 20, &need, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);
    assert_int_equal(need, 32 + 8 + 8);
}

static void test_nor_rules(void **state)
{
    iotls_flash_t f;
    iotls_error_t err;
    uint8_t buf[8];
    fresh_chip(&f);
    assert_int_equal(iotls_flash_sector_count(&f), SECTORS);
    assert_int_equal(iotls_flash_sector_offset(0x3B), 0x3B000);
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_read(&f, 0x3B000, buf, 8, &err), 0);
    assert_memory_equal(buf, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
    assert_int_equal(iotls_flash_write(&f, 0x3B000, "\xf0\x0f", 2, &err), 0);
    /* Clearing more bits is what NOR allows. */
    assert_int_equal(iotls_flash_write(&f, 0x3B000, "\x30\x0f", 2, &err), 0);
    /* Setting a bit back needs an erase. */
    assert_int_equal(iotls_flash_write(&f, 0x3B001, "\x1f", 1, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_STATE);
    assert_string_equal(err.text, "sector 0x3B: write at 0x3B001 over data that was not erased "
                                  "(0x0F -> 0x1F needs an erase first)");
    assert_int_equal(iotls_flash_read(&f, 0x3B000, buf, 2, &err), 0);
    assert_memory_equal(buf, "\x30\x0f", 2);
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_erase(&f, 0x3B, 1, &err), 0);
    assert_int_equal(iotls_flash_write(&f, 0x3B001, "\x1f", 1, &err), 0);
    /* Ranges outside the image. */
    assert_int_equal(iotls_flash_read(&f, sizeof chip - 1, buf, 2, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    assert_non_null(strstr(err.text, "outside the 262144-byte flash image"));
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_erase(&f, SECTORS - 1, 2, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_init_mem(&f, chip, 5000, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
}

static void test_write_read_at_sector(void **state)
{
    iotls_flash_t f;
    iotls_error_t err;
    uint8_t b[256], back[256];
    size_t len = ca_blob(b, sizeof b), got = 0;
    fresh_chip(&f);
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_probe(&f, 0x3B, &err), IOTLS_SECTOR_ERASED);
    assert_int_equal(iotls_store_write(&f, 0x3B, b, len, &err), 0);
    assert_int_equal(iotls_store_probe(&f, 0x3B, &err), IOTLS_SECTOR_BLOB);
    assert_int_equal(iotls_store_read(&f, 0x3B, back, sizeof back, &got, &err), 0);
    assert_int_equal(got, len);
    assert_memory_equal(back, b, len);
    /* Rewriting the same sector erases first, so it works. */
    assert_int_equal(iotls_store_write(&f, 0x3B, b, len, &err), 0);
    /* Buffer too small names the size. */
    assert_int_equal(iotls_store_read(&f, 0x3B, back, 10, &got, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);
    assert_int_equal(got, len);
    assert_string_equal(err.text, "sector 0x3B: blob is 68 bytes, buffer has 10");
}

static void test_blob_spanning_sectors(void **state)
{
    /* Three 3000-byte "certificates": the blob covers three sectors. */
    static uint8_t certs[3][3000];
    iotls_store_entry_t e[3];
    for (int i = 0; i < 3; i++) {
        memset(certs[i], 'a' + i, sizeof certs[i]);
        memcpy(certs[i], "\x30\x82\x0b\xb4\x30\x82\x0b\xb0", 8);
        e[i] = (iotls_store_entry_t){IOTLS_ENTRY_CERT, 0, certs[i], sizeof certs[i]};
    }
    static uint8_t b[10000];
    size_t len;
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_blob_build(IOTLS_BLOB_CA, 0, e, 3, b, sizeof b, &len, &err), 0);
    assert_true(len > 2 * IOTLS_FLASH_SECTOR_SIZE);
    fresh_chip(&f);
    /* Something in the sector after, which the write must erase. */
    assert_int_equal(iotls_flash_write(&f, iotls_flash_sector_offset(0x12), "xyz", 3, &err), 0);
    assert_int_equal(iotls_store_write(&f, 0x10, b, len, &err), 0);
    size_t got;
    uint8_t *back = iotls_store_read_alloc(&f, 0x10, &got, &err);
    assert_non_null(back);
    assert_int_equal(got, len);
    assert_memory_equal(back, b, len);
    free(back);
    /* A sector in the middle of the blob holds no blob of its own. */
    assert_null(iotls_store_read_alloc(&f, 0x11, &got, &err));
    assert_int_equal(err.code, IOTLS_ERR_CONFIG);
    assert_non_null(strstr(err.text, "sector 0x11: no iotls blob (foreign data"));
    /* Near the image end the blob does not fit. */
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_write(&f, SECTORS - 2, b, len, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
}

/* Power cut after every possible byte count: each torn write is refused on
 * read, the complete one is accepted. */
static void test_torn_write_detected_at_every_byte(void **state)
{
    uint8_t b[256], back[256];
    size_t len = ca_blob(b, sizeof b), got;
    for (size_t cut = 0; cut <= len; cut++) {
        iotls_flash_t f;
        iotls_error_t err;
        fresh_chip(&f);
        iotls_flash_test_cut_power_after(&f, cut);
        iotls_error_clear(&err);
        int rc = iotls_store_write(&f, 0x3B, b, len, &err);
        if (cut < len) {
            assert_int_equal(rc, -1);
            assert_int_equal(err.code, IOTLS_ERR_FILE);
            assert_non_null(strstr(err.text, "power cut (test hook)"));
        } else {
            assert_int_equal(rc, 0);
        }
        iotls_error_clear(&err);
        rc = iotls_store_read(&f, 0x3B, back, sizeof back, &got, &err);
        if (cut == len) {
            assert_int_equal(rc, 0);
            continue;
        }
        assert_int_equal(rc, -1);
        if (cut == 0) {
            assert_int_equal(err.code, IOTLS_ERR_CONFIG);
            assert_string_equal(err.text, "sector 0x3B: erased, nothing stored here");
        } else {
            assert_int_equal(err.code, IOTLS_ERR_FILE);
            assert_non_null(strstr(err.text, "sector 0x3B: blob write never completed"));
        }
    }
}

/* Every single-bit flip anywhere in the blob is refused. */
static void test_every_bit_flip_detected(void **state)
{
    uint8_t b[256];
    size_t len = ca_blob(b, sizeof b);
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            iotls_store_blob_t blob;
            iotls_error_t err;
            iotls_error_clear(&err);
            b[i] ^= (uint8_t)(1u << bit);
            if (iotls_store_blob_parse(b, len, 0x3B, &blob, &err) == 0)
                fail_msg("flip of bit %d in byte %zu accepted", bit, i);
            assert_true(err.code == IOTLS_ERR_FILE || err.code == IOTLS_ERR_CONFIG);
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
    /* The texts for the main places. */
    b[5] ^= 1; /* type */
    expect_parse_error(b, len, 0x3B, IOTLS_ERR_FILE,
                       "sector 0x3B: blob header CRC mismatch (stored ");
    b[5] ^= 1;
    b[40] ^= 0x80; /* first entry's data */
    char want[80];
    snprintf(want, sizeof want, "sector 0x3B: CA bundle blob CRC mismatch (stored %08x, computed ",
             (unsigned)store_le32(b + 16));
    expect_parse_error(b, len, 0x3B, IOTLS_ERR_FILE, want);
    b[40] ^= 0x80;
    b[17] ^= 4; /* the stored payload CRC itself: header CRC catches it */
    expect_parse_error(b, len, 0x3B, IOTLS_ERR_FILE, "blob header CRC mismatch");
    b[17] ^= 4;
    /* A flipped magic bit is a damaged blob (FILE), not foreign data. */
    b[0] ^= 1;
    expect_parse_error(b, len, 0x3B, IOTLS_ERR_FILE,
                       "sector 0x3B: damaged blob header: magic 48 4f 54 42 is 1 bit off \"IOTB\"");
    b[0] ^= 1;
    b[4] = 2;
    expect_parse_error(b, len, 0x3B, IOTLS_ERR_CONFIG,
                       "sector 0x3B: blob format version 2, this library reads version 1");
    b[4] = 1;
    b[30] ^= 1;
    expect_parse_error(b, len, 0x3B, IOTLS_ERR_FILE,
                       "never completed (no commit marker: 44 4f 4f 45)");
}

static void test_truncation(void **state)
{
    uint8_t b[256];
    size_t len = ca_blob(b, sizeof b);
    for (size_t n = 0; n < len; n++) {
        iotls_store_blob_t blob;
        iotls_error_t err;
        iotls_error_clear(&err);
        assert_int_equal(iotls_store_blob_parse(b, n, 5, &blob, &err), -1);
    }
    expect_parse_error(b, 0, 5, IOTLS_ERR_CONFIG, "sector 0x05: no iotls blob: 0 bytes");
    expect_parse_error(b, 20, 5, IOTLS_ERR_FILE,
                       "sector 0x05: truncated blob: 20 bytes, the header alone is 32");
    expect_parse_error(b, len - 1, 5, IOTLS_ERR_FILE,
                       "sector 0x05: truncated CA bundle blob: header declares 36 payload "
                       "bytes, only 35 present");
}

static void test_foreign_and_erased(void **state)
{
    uint8_t junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)(i * 131 + 7);
    expect_parse_error(
        junk, sizeof junk, 0x20, IOTLS_ERR_CONFIG,
        "sector 0x20: no iotls blob (foreign data: starts 07 8a 0d 90, expected \"IOTB\")");
    memset(junk, 0xFF, sizeof junk);
    expect_parse_error(junk, sizeof junk, 0x20, IOTLS_ERR_CONFIG,
                       "sector 0x20: erased, nothing stored here");
    expect_parse_error(junk, sizeof junk, -1, IOTLS_ERR_CONFIG, "blob: erased");

    iotls_flash_t f;
    iotls_error_t err;
    fresh_chip(&f);
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_write(&f, 0x20000, "hello", 5, &err), 0);
    assert_int_equal(iotls_store_probe(&f, 0x20, &err), IOTLS_SECTOR_OTHER);
    assert_int_equal(iotls_store_probe(&f, SECTORS, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
}

/* Lengths a header may claim, each made CRC-valid so the length check is
 * what refuses it. */
static void test_huge_declared_lengths(void **state)
{
    uint8_t b[256];
    size_t len = ca_blob(b, sizeof b);
    uint8_t c[256];

    memcpy(c, b, len);
    store_put_le32(c + STORE_OFF_PAYLOAD_LEN, 0xFFFFFFFFu);
    reseal(c, 0);
    expect_parse_error(c, len, 1, IOTLS_ERR_FILE,
                       "sector 0x01: CA bundle blob declares 4294967295 payload bytes, more "
                       "than the 16777216 limit");

    memcpy(c, b, len);
    store_put_le32(c + STORE_OFF_PAYLOAD_LEN, 1u << 20);
    reseal(c, 0);
    expect_parse_error(c, len, 1, IOTLS_ERR_FILE,
                       "truncated CA bundle blob: header declares 1048576 payload bytes, only 36");

    memcpy(c, b, len);
    store_put_le32(c + STORE_OFF_COUNT, 0xFFFFFFFFu);
    reseal(c, len - 32);
    expect_parse_error(c, len, 1, IOTLS_ERR_FILE,
                       "CA bundle blob declares 4294967295 entries in 36 payload bytes");

    memcpy(c, b, len);
    store_put_le32(c + STORE_OFF_COUNT, 0);
    reseal(c, len - 32);
    expect_parse_error(c, len, 1, IOTLS_ERR_FILE, "declares 0 entries");

    /* Entry length beyond the payload, with a valid payload CRC. */
    memcpy(c, b, len);
    store_put_le32(c + 32 + 4, 0x7FFFFFF0u);
    reseal(c, len - 32);
    expect_parse_error(c, len, 1, IOTLS_ERR_FILE,
                       "sector 0x01: entry 0 declares 2147483632 bytes, 28 left in the payload");

    /* Zero-length entry. */
    memcpy(c, b, len);
    store_put_le32(c + 32 + 4, 0);
    reseal(c, len - 32);
    expect_parse_error(c, len, 1, IOTLS_ERR_FILE, "entry 0 declares 0 bytes");

    /* Non-zero padding and trailing payload bytes. */
    memcpy(c, b, len);
    c[32 + 8 + 8 + 8 + 9] = 1; /* pad after the 9-byte second certificate */
    reseal(c, len - 32);
    expect_parse_error(c, len, 1, IOTLS_ERR_FILE, "entry 1: padding missing or not zero");

    memcpy(c, b, len);
    store_put_le32(c + STORE_OFF_COUNT, 1);
    reseal(c, len - 32);
    expect_parse_error(c, len, 1, IOTLS_ERR_FILE, "20 bytes after the last of 1 entries");

    /* A header claiming more than the flash image holds. */
    iotls_flash_t f;
    iotls_error_t err;
    size_t got;
    fresh_chip(&f);
    memcpy(c, b, len);
    store_put_le32(c + STORE_OFF_PAYLOAD_LEN, 8000);
    reseal(c, 0);
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_write(&f, iotls_flash_sector_offset(SECTORS - 1), c, 32, &err), 0);
    assert_null(iotls_store_read_alloc(&f, SECTORS - 1, &got, &err));
    assert_int_equal(err.code, IOTLS_ERR_FILE);
    assert_string_equal(err.text, "sector 0x3F: truncated CA bundle blob: declares 8032 bytes, "
                                  "the image ends 4096 bytes after the sector start");
}

static void test_file_backend(void **state)
{
    char path[512], bad[512];
    assert_non_null(iotls_test_tmp_path(path, sizeof path, "store.img"));
    assert_non_null(iotls_test_tmp_path(bad, sizeof bad, "bad.img"));
    iotls_flash_t f;
    iotls_error_t err;
    uint8_t b[256], back[256];
    size_t len = ca_blob(b, sizeof b), got;
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_create_file(&f, path, 16 * IOTLS_FLASH_SECTOR_SIZE, &err), 0);
    assert_int_equal(iotls_store_write(&f, 3, b, len, &err), 0);
    assert_int_equal(iotls_flash_write(&f, 3 * 4096 + 1, "\xff", 1, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_STATE);
    iotls_flash_close(&f);
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_create_file(&f, path, 4096, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_FILE);
    assert_non_null(strstr(err.text, "File exists"));
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_open_file(&f, path, false, &err), 0);
    assert_int_equal(f.size, 16 * IOTLS_FLASH_SECTOR_SIZE);
    assert_int_equal(iotls_store_read(&f, 3, back, sizeof back, &got, &err), 0);
    assert_memory_equal(back, b, len);
    assert_int_equal(iotls_store_probe(&f, 4, &err), IOTLS_SECTOR_ERASED);
    iotls_flash_close(&f);
    assert_int_equal(iotls_test_write_file(bad, "short", 5), 0);
    assert_int_equal(iotls_flash_open_file(&f, bad, false, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_FILE);
    assert_non_null(strstr(err.text, "5 bytes is not a non-zero multiple of the 4096-byte sector"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_reference_vector),
        cmocka_unit_test(test_ca_blob_round_trip),
        cmocka_unit_test(test_creds_blob_key_formats),
        cmocka_unit_test(test_builder_enforces_type_rules),
        cmocka_unit_test(test_nor_rules),
        cmocka_unit_test(test_write_read_at_sector),
        cmocka_unit_test(test_blob_spanning_sectors),
        cmocka_unit_test(test_torn_write_detected_at_every_byte),
        cmocka_unit_test(test_every_bit_flip_detected),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_foreign_and_erased),
        cmocka_unit_test(test_huge_declared_lengths),
        cmocka_unit_test(test_file_backend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
