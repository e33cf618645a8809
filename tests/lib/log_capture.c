/* In-memory log capture for tests (log_capture.h). */
#include "log_capture.h"

#include <string.h>

static char logbuf[65536];
static size_t loglen;

void iotls_test_log_capture(void *ctx, const char *line)
{
    (void)ctx;
    size_t n = strlen(line);
    if (loglen + n + 2 < sizeof logbuf) {
        memcpy(logbuf + loglen, line, n);
        loglen += n;
        logbuf[loglen++] = '\n';
        logbuf[loglen] = '\0';
    }
}

const char *iotls_test_log_text(void)
{
    return logbuf;
}

int iotls_test_log_count(const char *needle)
{
    int n = 0;
    for (const char *p = logbuf; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

void iotls_test_log_reset(void)
{
    loglen = 0;
    logbuf[0] = '\0';
}
