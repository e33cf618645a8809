/* Saved sessions in flash: save after a full handshake, load after a
 * "reboot" (a new client), resume; rewrites count up; a torn write or a
 * foreign blob is refused and costs only a full handshake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/store.h"
#include "iotls/tls.h"
#include "pair.h"
#include "pki.h"

#define IMAGE_SIZE (64u * IOTLS_FLASH_SECTOR_SIZE)
#define SESSION_SECTOR 0x10

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

/* A full handshake of a fresh pair sharing `cache`; returns the saved
 * session's length in out. */
static size_t handshake(iotls_test_pair_t *p, iotls_session_cache_t *cache, const uint8_t *resume,
                        size_t resume_len, uint8_t *out, size_t cap)
{
    iotls_test_pair_setup(p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 2048);
    p->scfg.session_cache = cache;
    p->ccfg.resume = resume;
    p->ccfg.resume_len = resume_len;
    assert_true(iotls_test_pair_start(p, "localhost"));
    iotls_test_pair_pump(p);
    assert_true(iotls_session_state(p->client) & IOTLS_HANDSHAKE_DONE);
    return iotls_session_save(p->client, out, cap);
}

static void test_save_load_resume(void **state)
{
    uint8_t *mem = malloc(IMAGE_SIZE);
    memset(mem, 0xFF, IMAGE_SIZE);
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_init_mem(&f, mem, IMAGE_SIZE, &err), 0);
    iotls_session_cache_t *cache = iotls_session_cache_new(4096, &err);
    assert_non_null(cache);

    iotls_test_pair_t p;
    uint8_t saved[IOTLS_SAVED_SESSION_MAX];
    size_t n = handshake(&p, cache, NULL, 0, saved, sizeof saved);
    assert_true(n > 48);
    assert_false(iotls_session_report(p.client)->resumed);
    iotls_test_pair_free(&p);
    assert_int_equal(iotls_store_save_session(&f, SESSION_SECTOR, saved, n, "localhost", &err), 0);

    /* "After a reboot": only the flash remains. */
    uint8_t loaded[IOTLS_SAVED_SESSION_MAX];
    char peer[64];
    size_t len;
    assert_int_equal(iotls_store_load_session(&f, SESSION_SECTOR, loaded, sizeof loaded, &len, peer,
                                              sizeof peer, &err),
                     0);
    assert_int_equal(len, n);
    assert_memory_equal(loaded, saved, n);
    assert_string_equal(peer, "localhost");

    uint8_t again[IOTLS_SAVED_SESSION_MAX];
    handshake(&p, cache, loaded, len, again, sizeof again);
    assert_true(iotls_session_report(p.client)->resumed);
    assert_true(iotls_session_report(p.server)->resumed);
    iotls_test_pair_free(&p);

    /* Rewrites bump the sequence number. */
    assert_int_equal(iotls_store_save_session(&f, SESSION_SECTOR, saved, n, NULL, &err), 0);
    uint8_t blob[IOTLS_FLASH_SECTOR_SIZE];
    size_t blob_len;
    assert_int_equal(iotls_store_read(&f, SESSION_SECTOR, blob, sizeof blob, &blob_len, &err), 0);
    iotls_store_blob_t b;
    assert_int_equal(iotls_store_blob_parse(blob, blob_len, SESSION_SECTOR, &b, &err), 0);
    assert_int_equal(b.type, IOTLS_BLOB_SESSION);
    assert_int_equal(b.sequence, 1);

    /* Too small a buffer is refused with the size. */
    assert_int_equal(iotls_store_load_session(&f, SESSION_SECTOR, loaded, 10, &len, NULL, 0, &err),
                     -1);
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);

    iotls_session_cache_free(cache);
    iotls_flash_close(&f);
    free(mem);
}

static void test_torn_and_foreign_blobs_refused(void **state)
{
    uint8_t *mem = malloc(IMAGE_SIZE);
    memset(mem, 0xFF, IMAGE_SIZE);
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_init_mem(&f, mem, IMAGE_SIZE, &err), 0);
    uint8_t session[120];
    memset(session, 0x5A, sizeof session);

    /* Power cut in the middle of the write. */
    iotls_flash_test_cut_power_after(&f, 60);
    assert_int_equal(
        iotls_store_save_session(&f, SESSION_SECTOR, session, sizeof session, "a.example", &err),
        -1);
    iotls_flash_close(&f);
    iotls_error_clear(&err);
    assert_int_equal(iotls_flash_init_mem(&f, mem, IMAGE_SIZE, &err), 0);
    uint8_t out[IOTLS_SAVED_SESSION_MAX];
    size_t len = 99;
    assert_int_equal(
        iotls_store_load_session(&f, SESSION_SECTOR, out, sizeof out, &len, NULL, 0, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_FILE);
    assert_non_null(strstr(err.text, "sector 0x10"));

    /* A session blob where a CA bundle is expected: refused by type. */
    iotls_store_entry_t e = {IOTLS_ENTRY_SESSION, IOTLS_KEY_FORMAT_NONE, session, sizeof session};
    uint8_t blob[1024];
    size_t blob_len;
    assert_int_equal(
        iotls_store_blob_build(IOTLS_BLOB_SESSION, 0, &e, 1, blob, sizeof blob, &blob_len, &err),
        0);
    assert_int_equal(iotls_store_write(&f, SESSION_SECTOR, blob, blob_len, &err), 0);
    iotls_trust_t *t2 = iotls_trust_new();
    iotls_error_clear(&err);
    assert_int_equal(iotls_store_load_trust(&f, SESSION_SECTOR, t2, &err), -1);
    assert_int_equal(err.code, IOTLS_ERR_CONFIG);
    assert_non_null(strstr(err.text, "session"));
    iotls_trust_free(t2);

    iotls_flash_close(&f);
    free(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_load_resume),
        cmocka_unit_test(test_torn_and_foreign_blobs_refused),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
