/* Every BearSSL 0.6 error number has its own iotls code and sentence (the
 * list below is every BR_ERR_* constant of bearssl_ssl.h / bearssl_x509.h),
 * and alerts are named. */
#include <bearssl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tls/bearssl/br_errors.h"

static const struct {
    int code;
    const char *name;
} codes[] = {
    {BR_ERR_OK, "BR_ERR_OK"},
    {BR_ERR_BAD_PARAM, "BR_ERR_BAD_PARAM"},
    {BR_ERR_BAD_STATE, "BR_ERR_BAD_STATE"},
    {BR_ERR_UNSUPPORTED_VERSION, "BR_ERR_UNSUPPORTED_VERSION"},
    {BR_ERR_BAD_VERSION, "BR_ERR_BAD_VERSION"},
    {BR_ERR_BAD_LENGTH, "BR_ERR_BAD_LENGTH"},
    {BR_ERR_TOO_LARGE, "BR_ERR_TOO_LARGE"},
    {BR_ERR_BAD_MAC, "BR_ERR_BAD_MAC"},
    {BR_ERR_NO_RANDOM, "BR_ERR_NO_RANDOM"},
    {BR_ERR_UNKNOWN_TYPE, "BR_ERR_UNKNOWN_TYPE"},
    {BR_ERR_UNEXPECTED, "BR_ERR_UNEXPECTED"},
    {BR_ERR_BAD_CCS, "BR_ERR_BAD_CCS"},
    {BR_ERR_BAD_ALERT, "BR_ERR_BAD_ALERT"},
    {BR_ERR_BAD_HANDSHAKE, "BR_ERR_BAD_HANDSHAKE"},
    {BR_ERR_OVERSIZED_ID, "BR_ERR_OVERSIZED_ID"},
    {BR_ERR_BAD_CIPHER_SUITE, "BR_ERR_BAD_CIPHER_SUITE"},
    {BR_ERR_BAD_COMPRESSION, "BR_ERR_BAD_COMPRESSION"},
    {BR_ERR_BAD_FRAGLEN, "BR_ERR_BAD_FRAGLEN"},
    {BR_ERR_BAD_SECRENEG, "BR_ERR_BAD_SECRENEG"},
    {BR_ERR_EXTRA_EXTENSION, "BR_ERR_EXTRA_EXTENSION"},
    {BR_ERR_BAD_SNI, "BR_ERR_BAD_SNI"},
    {BR_ERR_BAD_HELLO_DONE, "BR_ERR_BAD_HELLO_DONE"},
    {BR_ERR_LIMIT_EXCEEDED, "BR_ERR_LIMIT_EXCEEDED"},
    {BR_ERR_BAD_FINISHED, "BR_ERR_BAD_FINISHED"},
    {BR_ERR_RESUME_MISMATCH, "BR_ERR_RESUME_MISMATCH"},
    {BR_ERR_INVALID_ALGORITHM, "BR_ERR_INVALID_ALGORITHM"},
    {BR_ERR_BAD_SIGNATURE, "BR_ERR_BAD_SIGNATURE"},
    {BR_ERR_WRONG_KEY_USAGE, "BR_ERR_WRONG_KEY_USAGE"},
    {BR_ERR_NO_CLIENT_AUTH, "BR_ERR_NO_CLIENT_AUTH"},
    {BR_ERR_IO, "BR_ERR_IO"},
    {BR_ERR_X509_OK, "BR_ERR_X509_OK"},
    {BR_ERR_X509_INVALID_VALUE, "BR_ERR_X509_INVALID_VALUE"},
    {BR_ERR_X509_TRUNCATED, "BR_ERR_X509_TRUNCATED"},
    {BR_ERR_X509_EMPTY_CHAIN, "BR_ERR_X509_EMPTY_CHAIN"},
    {BR_ERR_X509_INNER_TRUNC, "BR_ERR_X509_INNER_TRUNC"},
    {BR_ERR_X509_BAD_TAG_CLASS, "BR_ERR_X509_BAD_TAG_CLASS"},
    {BR_ERR_X509_BAD_TAG_VALUE, "BR_ERR_X509_BAD_TAG_VALUE"},
    {BR_ERR_X509_INDEFINITE_LENGTH, "BR_ERR_X509_INDEFINITE_LENGTH"},
    {BR_ERR_X509_EXTRA_ELEMENT, "BR_ERR_X509_EXTRA_ELEMENT"},
    {BR_ERR_X509_UNEXPECTED, "BR_ERR_X509_UNEXPECTED"},
    {BR_ERR_X509_NOT_CONSTRUCTED, "BR_ERR_X509_NOT_CONSTRUCTED"},
    {BR_ERR_X509_NOT_PRIMITIVE, "BR_ERR_X509_NOT_PRIMITIVE"},
    {BR_ERR_X509_PARTIAL_BYTE, "BR_ERR_X509_PARTIAL_BYTE"},
    {BR_ERR_X509_BAD_BOOLEAN, "BR_ERR_X509_BAD_BOOLEAN"},
    {BR_ERR_X509_OVERFLOW, "BR_ERR_X509_OVERFLOW"},
    {BR_ERR_X509_BAD_DN, "BR_ERR_X509_BAD_DN"},
    {BR_ERR_X509_BAD_TIME, "BR_ERR_X509_BAD_TIME"},
    {BR_ERR_X509_UNSUPPORTED, "BR_ERR_X509_UNSUPPORTED"},
    {BR_ERR_X509_LIMIT_EXCEEDED, "BR_ERR_X509_LIMIT_EXCEEDED"},
    {BR_ERR_X509_WRONG_KEY_TYPE, "BR_ERR_X509_WRONG_KEY_TYPE"},
    {BR_ERR_X509_BAD_SIGNATURE, "BR_ERR_X509_BAD_SIGNATURE"},
    {BR_ERR_X509_TIME_UNKNOWN, "BR_ERR_X509_TIME_UNKNOWN"},
    {BR_ERR_X509_EXPIRED, "BR_ERR_X509_EXPIRED"},
    {BR_ERR_X509_DN_MISMATCH, "BR_ERR_X509_DN_MISMATCH"},
    {BR_ERR_X509_BAD_SERVER_NAME, "BR_ERR_X509_BAD_SERVER_NAME"},
    {BR_ERR_X509_CRITICAL_EXTENSION, "BR_ERR_X509_CRITICAL_EXTENSION"},
    {BR_ERR_X509_NOT_CA, "BR_ERR_X509_NOT_CA"},
    {BR_ERR_X509_FORBIDDEN_KEY_USAGE, "BR_ERR_X509_FORBIDDEN_KEY_USAGE"},
    {BR_ERR_X509_WEAK_PUBLIC_KEY, "BR_ERR_X509_WEAK_PUBLIC_KEY"},
    {BR_ERR_X509_NOT_TRUSTED, "BR_ERR_X509_NOT_TRUSTED"},
};

static void test_every_engine_error_has_a_sentence(void **state)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *text = iotls_br_error_text(codes[i].code);
        if (!strcmp(text, "unknown TLS engine error"))
            fail_msg("%s (%d) has no message", codes[i].name, codes[i].code);
        iotls_err_t code = iotls_br_error_code(codes[i].code);
        bool ok_code = codes[i].code == BR_ERR_OK || codes[i].code == BR_ERR_X509_OK;
        assert_true(ok_code == (code == IOTLS_OK));
        /* Distinct sentences: no two engine errors read the same. */
        for (size_t j = 0; j < i; j++)
            if (!strcmp(text, iotls_br_error_text(codes[j].code)))
                fail_msg("%s and %s share '%s'", codes[i].name, codes[j].name, text);
    }
}

static void test_alerts_are_classified_and_named(void **state)
{
    assert_int_equal(iotls_br_error_code(BR_ERR_RECV_FATAL_ALERT + 48), IOTLS_ERR_ALERT_RECEIVED);
    assert_int_equal(iotls_br_error_code(BR_ERR_SEND_FATAL_ALERT + 40), IOTLS_ERR_ALERT_SENT);
    assert_int_equal(iotls_error_class(IOTLS_ERR_ALERT_RECEIVED), IOTLS_CLASS_ALERT_RECEIVED);
    assert_int_equal(iotls_error_class(IOTLS_ERR_ALERT_SENT), IOTLS_CLASS_ALERT_SENT);
    assert_string_equal(iotls_alert_name(48), "unknown_ca");
    assert_string_equal(iotls_alert_name(40), "handshake_failure");
    assert_string_equal(iotls_alert_name(250), "unknown_alert");
}

static void test_error_classes_and_names(void **state)
{
    assert_int_equal(iotls_error_class(IOTLS_ERR_TRUNCATED), IOTLS_CLASS_IO);
    assert_int_equal(iotls_error_class(IOTLS_ERR_RECORD_TOO_LARGE), IOTLS_CLASS_PROTOCOL);
    assert_int_equal(iotls_error_class(IOTLS_ERR_CERT_PIN_MISMATCH), IOTLS_CLASS_CERTIFICATE);
    assert_int_equal(iotls_error_class(IOTLS_ERR_NO_TRUST), IOTLS_CLASS_CONFIG);
    assert_int_equal(iotls_error_class(IOTLS_ERR_NO_ENTROPY), IOTLS_CLASS_RESOURCE);
    assert_string_equal(iotls_error_code_name(IOTLS_ERR_CERT_EXPIRED), "IOTLS_ERR_CERT_EXPIRED");
    assert_string_equal(iotls_error_class_name(IOTLS_CLASS_CERTIFICATE), "certificate");

    /* Sticky: the first error wins; append adds context to it. */
    iotls_error_t e;
    iotls_error_clear(&e);
    iotls_error_set(&e, IOTLS_ERR_FILE, "cannot open '%s'", "ca.pem");
    iotls_error_set(&e, IOTLS_ERR_BAD_PEM, "later");
    iotls_error_append(&e, " (flash image '%s')", "x.img");
    assert_int_equal(e.code, IOTLS_ERR_FILE);
    assert_string_equal(e.text, "cannot open 'ca.pem' (flash image 'x.img')");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_engine_error_has_a_sentence),
        cmocka_unit_test(test_alerts_are_classified_and_named),
        cmocka_unit_test(test_error_classes_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
