/* Unix seconds as "2026-11-30 07:18:36 UTC", without gmtime()/strftime()
 * (which a device libc may lack, and whose newlib versions pull in the
 * scanf family). */
#ifndef IOTLS_TLS_TIME_TEXT_H
#define IOTLS_TLS_TIME_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Always NUL-terminated when len > 0. Years outside 0..9999 print as the
 * plain number of seconds. */
void iotls_time_text(int64_t t, char *out, size_t len);

#endif
