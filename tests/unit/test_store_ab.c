/* The device-side power-loss model: two-slot (A/B) blob writes, with the
 * power cut (the store's test hook) after every possible number of bytes
 * programmed. Whatever the cut, the loader finds an intact copy: the
 * previous one until the new one's commit word is down, then the new one.
 * Plus the overwrite guard that stops a long blob's erase from wiping its
 * neighbour, and the sequence order across the 32-bit wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/store.h"

#define SECTORS 64
#define SLOT_A 0x3B
#define SLOT_B 0x3D

static uint8_t chip[SECTORS * IOTLS_FLASH_SECTOR_SIZE];
static uint8_t saved[SECTORS * IOTLS_FLASH_SECTOR_SIZE];

static void fresh_chip(iotls_flash_t *f)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_init_mem(f, chip, sizeof chip, &err), 0);
    assert_int_equal(iotls_flash_erase(f, 0, SECTORS, &err), 0);
}

/* A CA blob whose one "certificate" (the shape the parser accepts: a
 * SEQUENCE holding a SEQUENCE) carries `fill` bytes of `tag`, so versions
 * and sizes differ visibly. */
static size_t make_blob(uint8_t tag, size_t fill, uint8_t *out, size_t cap, uint32_t seq)
{
    static uint8_t cert[8 + 9000];
    assert_true(fill + 8 <= sizeof cert && fill < 60000);
    size_t inner = fill;
    /* 30 82 LL LL | 30 82 LL LL | fill bytes */
    cert[0] = 0x30;
    cert[1] = 0x82;
    cert[2] = (uint8_t)((inner + 4) >> 8);
    cert[3] = (uint8_t)(inner + 4);
    cert[4] = 0x30;
    cert[5] = 0x82;
    cert[6] = (uint8_t)(inner >> 8);
    cert[7] = (uint8_t)inner;
    memset(cert + 8, tag, fill);
    iotls_store_entry_t e = {IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, cert, fill + 8};
    size_t len;
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_store_blob_build(IOTLS_BLOB_CA, seq, &e, 1, out, cap, &len, &err) < 0)
        fail_msg("build: %s", err.text);
    return len;
}

/* The tag of the newest intact copy's certificate, and its sequence. */
static uint8_t newest_tag(iotls_flash_t *f, int *slot, uint32_t *seq)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    *slot = iotls_store_newest(f, SLOT_A, SLOT_B, &err);
    if (*slot < 0)
        fail_msg("no intact copy: %s", err.text);
    size_t len;
    uint8_t *buf = iotls_store_read_alloc(f, (unsigned)*slot, &len, &err);
    assert_non_null(buf);
    iotls_store_blob_t blob;
    iotls_store_entry_t e;
    assert_int_equal(iotls_store_blob_parse(buf, len, *slot, &blob, &err), 0);
    assert_true(iotls_store_blob_next(&blob, &e));
    uint8_t tag = e.data[8];
    *seq = blob.sequence;
    free(buf);
    return tag;
}

static void test_power_cut_at_every_byte_falls_back(void **state)
{
    static uint8_t v1[16384], v2[16384], v3[16384];
    size_t l1 = make_blob(0x11, 300, v1, sizeof v1, 0);
    size_t l2 = make_blob(0x22, 5000, v2, sizeof v2, 0); /* two sectors */
    size_t l3 = make_blob(0x33, 700, v3, sizeof v3, 0);
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    fresh_chip(&f);
    int slot;
    uint32_t seq;
    assert_int_equal(iotls_store_write_ab(&f, SLOT_A, SLOT_B, v1, l1, &err), SLOT_A);
    assert_int_equal(newest_tag(&f, &slot, &seq), 0x11);
    assert_int_equal(seq, 0);
    assert_int_equal(iotls_store_write_ab(&f, SLOT_A, SLOT_B, v2, l2, &err), SLOT_B);
    assert_int_equal(newest_tag(&f, &slot, &seq), 0x22);
    assert_int_equal(slot, SLOT_B);
    assert_int_equal(seq, 1);
    memcpy(saved, chip, sizeof chip);

    /* v3 goes to slot A; B (v2) must survive every cut. */
    for (size_t cut = 0; cut <= l3; cut++) {
        memcpy(chip, saved, sizeof chip);
        assert_int_equal(iotls_flash_init_mem(&f, chip, sizeof chip, &err), 0);
        iotls_flash_test_cut_power_after(&f, cut);
        iotls_error_clear(&err);
        int rc = iotls_store_write_ab(&f, SLOT_A, SLOT_B, v3, l3, &err);
        /* "Reboot": the hook is cleared by re-initialising. */
        assert_int_equal(iotls_flash_init_mem(&f, chip, sizeof chip, &err), 0);
        uint8_t tag = newest_tag(&f, &slot, &seq);
        if (cut < l3) {
            assert_int_equal(rc, -1);
            if (tag != 0x22 || slot != SLOT_B || seq != 1)
                fail_msg("cut after %zu of %zu bytes: newest is slot 0x%02X tag %02x seq %u", cut,
                         l3, slot, tag, (unsigned)seq);
        } else {
            assert_int_equal(rc, SLOT_A);
            assert_int_equal(tag, 0x33);
            assert_int_equal(slot, SLOT_A);
            assert_int_equal(seq, 2);
        }
        /* The loader path a device takes. */
        iotls_trust_t *trust = iotls_trust_new();
        iotls_error_clear(&err);
        (void)iotls_store_load_trust(&f, (unsigned)slot, trust, &err);
        /* The fake certificate is refused by the decoder, but the failure
         * must be about the certificate, never about a torn blob. */
        assert_true(err.code != IOTLS_ERR_FILE);
        iotls_trust_free(trust);
    }
}

static void test_sequence_order_wraps(void **state)
{
    static uint8_t a[4096], b[4096];
    size_t la = make_blob(0xAA, 100, a, sizeof a, 0xFFFFFFFFu);
    size_t lb = make_blob(0xBB, 100, b, sizeof b, 0);
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    fresh_chip(&f);
    assert_int_equal(iotls_store_write(&f, SLOT_A, a, la, &err), 0);
    assert_int_equal(iotls_store_write(&f, SLOT_B, b, lb, &err), 0);
    int slot;
    uint32_t seq;
    assert_int_equal(newest_tag(&f, &slot, &seq), 0xBB); /* 0 follows 0xFFFFFFFF */
    assert_int_equal(slot, SLOT_B);
}

static void test_neither_slot_intact(void **state)
{
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    fresh_chip(&f);
    assert_int_equal(iotls_store_newest(&f, SLOT_A, SLOT_B, &err), -1);
    assert_non_null(strstr(err.text, "no intact copy in either slot: sector 0x3B: erased"));
    assert_non_null(strstr(err.text, "sector 0x3D: erased"));
}

static void test_overlapping_slots_refused(void **state)
{
    static uint8_t big[16384];
    size_t len = make_blob(0x44, 5000, big, sizeof big, 0); /* two sectors */
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    fresh_chip(&f);
    assert_int_equal(iotls_store_write_ab(&f, 0x3B, 0x3C, big, len, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_ARGUMENT);
    assert_non_null(strstr(err.text, "slots 0x3B and 0x3C overlap"));
}

static void test_overwrite_guard(void **state)
{
    static uint8_t small[4096], big[16384];
    size_t ls = make_blob(0x55, 100, small, sizeof small, 0);
    size_t lb = make_blob(0x66, 5000, big, sizeof big, 0); /* two sectors */
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    fresh_chip(&f);
    assert_int_equal(iotls_store_write(&f, 0x3B, small, ls, &err), 0);
    /* A two-sector blob at 0x3A would erase 0x3B. */
    assert_int_equal(iotls_store_check_overwrite(&f, 0x3A, lb, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_BAD_STATE);
    assert_non_null(strstr(err.text, "sector 0x3A: writing "));
    assert_non_null(strstr(err.text, "destroying the intact CA bundle at sector 0x3B"));
    /* Replacing the blob where it starts is what a write is for. */
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_check_overwrite(&f, 0x3B, lb, &err), 0);
    /* A blob starting before the target reaches into it. */
    assert_int_equal(iotls_store_write(&f, 0x20, big, lb, &err), 0);
    assert_int_equal(iotls_store_check_overwrite(&f, 0x21, ls, &err), -1);
    assert_non_null(strstr(err.text, "intact CA bundle at sector 0x20"));
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_check_overwrite(&f, 0x22, ls, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_cut_at_every_byte_falls_back),
        cmocka_unit_test(test_sequence_order_wraps),
        cmocka_unit_test(test_neither_slot_intact),
        cmocka_unit_test(test_overlapping_slots_refused),
        cmocka_unit_test(test_overwrite_guard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
