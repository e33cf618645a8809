/*
 * tests/lib/log_capture.h — collect log lines (a layer's log sink) in memory
 * and look for text in them. One process-wide buffer; tests reset it.
 */
#ifndef IOTLS_TEST_LOG_CAPTURE_H
#define IOTLS_TEST_LOG_CAPTURE_H

#include <stdio.h>

/* A log sink (void (*)(void *ctx, const char *line)): appends line + '\n'. */
void iotls_test_log_capture(void *ctx, const char *line);
/* Everything captured since the last reset, NUL-terminated. */
const char *iotls_test_log_text(void);
/* How often needle occurs in it. */
int iotls_test_log_count(const char *needle);
void iotls_test_log_reset(void);

#define assert_logged(needle)                                                                      \
    do {                                                                                           \
        if (iotls_test_log_count(needle) == 0) {                                                   \
            fprintf(stderr, "log lacks \"%s\":\n%s", needle, iotls_test_log_text());               \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
