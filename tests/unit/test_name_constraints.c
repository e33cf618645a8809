/*
 * test_name_constraints.c — RFC 5280 name-constraint matching
 * (src/tls/name_constraints.c) for the three forms iotls enforces, the
 * permitted / excluded logic, and names that cannot be compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tls/name_constraints.h"

static iotls_nc_subtree_t tree(iotls_nc_form_t form, bool excluded, const void *v, size_t n)
{
    iotls_nc_subtree_t t;
    memset(&t, 0, sizeof t);
    t.form = (uint8_t)form;
    t.excluded = excluded;
    t.len = (uint8_t)n;
    memcpy(t.value, v, n);
    return t;
}

static bool dns_ok(const iotls_nc_subtree_t *t, size_t n, const char *name)
{
    return iotls_nc_admits(t, n, IOTLS_NC_DNS, (const uint8_t *)name, strlen(name), false);
}

static bool email_ok(const iotls_nc_subtree_t *t, size_t n, const char *name)
{
    return iotls_nc_admits(t, n, IOTLS_NC_EMAIL, (const uint8_t *)name, strlen(name), false);
}

static void test_dns(void **state)
{
    (void)state;
    iotls_nc_subtree_t t[2] = {tree(IOTLS_NC_DNS, false, "example.test", 12),
                               tree(IOTLS_NC_DNS, true, "bad.example.test", 16)};
    assert_true(dns_ok(t, 1, "example.test"));
    assert_true(dns_ok(t, 1, "a.example.test"));
    assert_true(dns_ok(t, 1, "A.B.EXAMPLE.TEST"));
    assert_true(dns_ok(t, 1, "a.example.test."));  /* absolute form */
    assert_false(dns_ok(t, 1, "badexample.test")); /* label boundary */
    assert_false(dns_ok(t, 1, "example.test.evil"));
    assert_false(dns_ok(t, 1, "localhost"));
    /* excluded wins inside the permitted tree */
    assert_true(dns_ok(t, 2, "good.example.test"));
    assert_false(dns_ok(t, 2, "bad.example.test"));
    assert_false(dns_ok(t, 2, "x.bad.example.test"));
    /* leading dot: names under it only */
    iotls_nc_subtree_t dot = tree(IOTLS_NC_DNS, false, ".example.test", 13);
    assert_false(dns_ok(&dot, 1, "example.test"));
    assert_true(dns_ok(&dot, 1, "a.example.test"));
    /* empty constraint: everything */
    iotls_nc_subtree_t all = tree(IOTLS_NC_DNS, true, "", 0);
    assert_false(dns_ok(&all, 1, "anything.test"));
}

static void test_email(void **state)
{
    (void)state;
    iotls_nc_subtree_t host = tree(IOTLS_NC_EMAIL, false, "example.test", 12);
    assert_true(email_ok(&host, 1, "dev@example.test"));
    assert_true(email_ok(&host, 1, "dev@EXAMPLE.test"));
    assert_false(email_ok(&host, 1, "dev@a.example.test"));
    assert_false(email_ok(&host, 1, "no-at-sign"));
    iotls_nc_subtree_t domain = tree(IOTLS_NC_EMAIL, false, ".example.test", 13);
    assert_true(email_ok(&domain, 1, "dev@a.example.test"));
    assert_false(email_ok(&domain, 1, "dev@example.test"));
    iotls_nc_subtree_t mailbox = tree(IOTLS_NC_EMAIL, true, "root@example.test", 17);
    assert_false(email_ok(&mailbox, 1, "root@example.test"));
    assert_true(email_ok(&mailbox, 1, "Root@example.test")); /* local part is exact */
    assert_true(email_ok(&mailbox, 1, "dev@example.test"));
}

static void test_ip(void **state)
{
    (void)state;
    static const uint8_t net8[8] = {127, 0, 0, 0, 255, 0, 0, 0};
    static const uint8_t ex[8] = {127, 1, 0, 0, 255, 255, 0, 0};
    iotls_nc_subtree_t t[2] = {tree(IOTLS_NC_IP, false, net8, 8), tree(IOTLS_NC_IP, true, ex, 8)};
    static const uint8_t lo[4] = {127, 0, 0, 1}, lo1[4] = {127, 1, 2, 3}, ten[4] = {10, 0, 0, 1};
    static const uint8_t v6[16] = {[15] = 1};
    assert_true(iotls_nc_admits(t, 2, IOTLS_NC_IP, lo, 4, false));
    assert_false(iotls_nc_admits(t, 2, IOTLS_NC_IP, lo1, 4, false));
    assert_false(iotls_nc_admits(t, 2, IOTLS_NC_IP, ten, 4, false));
    /* only IPv4 ranges permitted: an IPv6 address is outside them */
    assert_false(iotls_nc_admits(t, 2, IOTLS_NC_IP, v6, 16, false));
}

static void test_forms_and_truncation(void **state)
{
    (void)state;
    iotls_nc_subtree_t t = tree(IOTLS_NC_DNS, false, "example.test", 12);
    /* another form's constraints say nothing about this name */
    assert_true(email_ok(&t, 1, "x@elsewhere.test"));
    /* a name known only in part cannot be compared: refused under
     * constraints of its form, fine under none */
    const char *name = "a.example.test";
    assert_false(iotls_nc_admits(&t, 1, IOTLS_NC_DNS, (const uint8_t *)name, 14, true));
    assert_true(iotls_nc_admits(&t, 1, IOTLS_NC_EMAIL, (const uint8_t *)name, 14, true));
    iotls_nc_form_t f;
    assert_true(iotls_nc_form_of(IOTLS_CW_SUBJECT_CN, &f) && f == IOTLS_NC_DNS);
    assert_true(iotls_nc_form_of(IOTLS_CW_SUBJECT_EMAIL, &f) && f == IOTLS_NC_EMAIL);
    assert_false(iotls_nc_form_of(IOTLS_CW_NC_DNS, &f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dns),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_ip),
        cmocka_unit_test(test_forms_and_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
