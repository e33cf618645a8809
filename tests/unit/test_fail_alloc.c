/* Fail every allocation in turn: the loaders that allocate (trust store,
 * credentials, flash blobs, session cache, connections) must fail with
 * IOTLS_ERR_NO_MEMORY or another clean error, leave the caller's objects as
 * they were, and leak nothing (LeakSanitizer checks under SAN=1; valgrind
 * in `make memcheck`). The library's malloc/calloc/realloc are wrapped at
 * link time (-Wl,--wrap, see the Makefile), so no hook exists in the
 * library itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/net.h"
#include "iotls/store.h"
#include "iotls/tls.h"
#include "esp_flash.h"
#include "pki.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long countdown = -1; /* allocations left before one fails; -1 = never */
static bool failed;

static bool fail_now(void)
{
    if (countdown < 0)
        return false;
    if (countdown-- == 0) {
        failed = true;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

static const iotls_test_pki_t *pki;
static iotls_creds_t *server_creds; /* fixture for the listener case */

static int setup(void **state)
{
    pki = iotls_test_pki();
    if (!pki)
        return -1;
    iotls_error_t err;
    iotls_error_clear(&err);
    server_creds = iotls_creds_new();
    return iotls_creds_load_files(server_creds, pki->server_ec.chain, pki->server_ec.key, &err);
}

static int teardown(void **state)
{
    iotls_creds_free(server_creds);
    iotls_test_pki_free();
    return 0;
}

/* Run `op` with the k-th allocation failing, k = 0, 1, ... until it runs
 * without hitting a failure; every failing run must report a clean error
 * whose code is in `allowed`. Returns how many failure points were tried. */
typedef int (*op_fn)(iotls_error_t *err);

static int every_failure(op_fn op, const iotls_err_t *allowed, size_t n_allowed)
{
    for (long k = 0;; k++) {
        iotls_error_t err;
        iotls_error_clear(&err);
        failed = false;
        countdown = k;
        int rc = op(&err);
        countdown = -1;
        if (!failed) {
            assert_int_equal(rc, 0); /* no failure injected: it must work */
            return (int)k;
        }
        if (rc == 0)
            continue; /* the failed allocation was optional (e.g. growth) */
        bool ok = false;
        for (size_t i = 0; i < n_allowed; i++)
            ok |= err.code == allowed[i];
        if (!ok)
            fail_msg("allocation %ld failed: got %s: %s", k, iotls_error_code_name(err.code),
                     err.text);
        assert_true(err.text[0] != '\0');
    }
}

static int op_trust_bundle(iotls_error_t *err)
{
    iotls_trust_t *t = iotls_trust_new();
    if (!t)
        return iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "trust_new"), -1;
    int rc = iotls_trust_load_file(t, pki->bundle_pem, err);
    bool consistent = rc == 2 ? iotls_trust_count(t) == 2 : iotls_trust_count(t) == 0;
    iotls_trust_free(t);
    assert_true(consistent); /* all or nothing */
    return rc == 2 ? 0 : -1;
}

static int op_creds(iotls_error_t *err)
{
    iotls_creds_t *c = iotls_creds_new();
    if (!c)
        return iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "creds_new"), -1;
    int rc = iotls_creds_load_files(c, pki->server_rsa.chain, pki->server_rsa.key, err);
    size_t len = iotls_creds_chain_length(c);
    iotls_creds_free(c);
    assert_true(rc == 0 ? len == 2 : len == 0);
    return rc;
}

static int op_session_cache(iotls_error_t *err)
{
    iotls_session_cache_t *cache = iotls_session_cache_new(4096, err);
    iotls_session_cache_free(cache);
    return cache ? 0 : -1;
}

static int op_loop_and_listener(iotls_error_t *err)
{
    iotls_loop_t *loop = iotls_loop_new(err);
    if (!loop)
        return -1;
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = server_creds;
    iotls_listener_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    iotls_listener_t *l = iotls_listener_new(loop, "127.0.0.1", 0, 4, &cfg, &cb, NULL, err);
    iotls_listener_free(l);
    iotls_loop_free(loop);
    return l ? 0 : -1;
}

/* A CA blob in an in-memory flash image, loaded under failures. */
static uint8_t *image;
#define IMAGE_SIZE (8u * IOTLS_FLASH_SECTOR_SIZE)

static int op_store_trust(iotls_error_t *err)
{
    iotls_flash_t f;
    if (iotls_flash_init_mem(&f, image, IMAGE_SIZE, err) < 0)
        return -1;
    iotls_trust_t *t = iotls_trust_new();
    int rc = t ? iotls_store_load_trust(&f, 2, t, err)
               : (iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "trust_new"), -1);
    bool consistent = rc == 1 ? iotls_trust_count(t) == 1 : iotls_trust_count(t) == 0;
    iotls_trust_free(t);
    iotls_flash_close(&f);
    assert_true(consistent);
    return rc == 1 ? 0 : -1;
}

static const iotls_err_t oom_or_file[] = {IOTLS_ERR_NO_MEMORY, IOTLS_ERR_FILE};

static void test_store_trust_loader(void **state)
{
    size_t der_len, blob_len;
    uint8_t *der = iotls_test_der_of(pki->ca_pem, IOTLS_TEST_DER_CERT, &der_len);
    assert_non_null(der);
    iotls_store_entry_t e = {IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, der, der_len};
    uint8_t blob[4096];
    iotls_error_t err;
    iotls_error_clear(&err);
    assert_int_equal(
        iotls_store_blob_build(IOTLS_BLOB_CA, 0, &e, 1, blob, sizeof blob, &blob_len, &err), 0);
    image = malloc(IMAGE_SIZE);
    memset(image, 0xFF, IMAGE_SIZE);
    iotls_flash_t f;
    assert_int_equal(iotls_flash_init_mem(&f, image, IMAGE_SIZE, &err), 0);
    assert_int_equal(iotls_store_write(&f, 2, blob, blob_len, &err), 0);
    iotls_flash_close(&f);
    free(der);
    int points = every_failure(op_store_trust, oom_or_file, 2);
    print_message("flash CA blob: %d allocation failure points, all clean\n", points);
    assert_true(points >= 2);
    free(image);
}

static void test_trust_loader(void **state)
{
    int points = every_failure(op_trust_bundle, oom_or_file, 2);
    print_message("trust bundle: %d allocation failure points, all clean\n", points);
    assert_true(points > 3);
}

static void test_credentials_loader(void **state)
{
    int points = every_failure(op_creds, oom_or_file, 2);
    print_message("credentials: %d allocation failure points, all clean\n", points);
    assert_true(points > 3);
}

static void test_session_cache(void **state)
{
    static const iotls_err_t oom[] = {IOTLS_ERR_NO_MEMORY};
    assert_true(every_failure(op_session_cache, oom, 1) >= 2);
}

static void test_loop_and_listener(void **state)
{
    static const iotls_err_t oom[] = {IOTLS_ERR_NO_MEMORY};
    int points = every_failure(op_loop_and_listener, oom, 1);
    print_message("loop + listener: %d allocation failure points, all clean\n", points);
    assert_true(points >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trust_loader),      cmocka_unit_test(test_credentials_loader),
        cmocka_unit_test(test_session_cache),     cmocka_unit_test(test_store_trust_loader),
        cmocka_unit_test(test_loop_and_listener),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
