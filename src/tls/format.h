/*
 * A small snprintf for the core's texts (errors, reports, names).
 *
 * Why not the C library's: a device libc's printf family is large (newlib's
 * vfprintf with its locale and float support is several KB) and not always
 * complete (newlib, full and nano, prints %zu as "zu" and shifts every
 * later argument). The core formats its few kinds of text here and links no
 * printf at all.
 *
 * Supported: flags "-0+ #", width and precision (numbers or '*'), length
 * modifiers hh h l ll z j t, conversions d i u o x X c s p %. Floating
 * point is not: %e %f %g %a consume their double and print nothing.
 * Core code itself sticks to %s %d %u %x %X %c and the l/ll modifiers.
 */
#ifndef IOTLS_TLS_FORMAT_H
#define IOTLS_TLS_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: writes at most len bytes (always NUL-terminated when
 * len > 0; out may be NULL when len is 0) and returns the length the whole
 * text needs, without the NUL. */
size_t iotls_vformat(char *out, size_t len, const char *fmt, va_list ap);

size_t iotls_format(char *out, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* What iotls_format(out, len, "%s", text) does, without the formatter (a
 * terse device build that only copies names links none of it): at most
 * len - 1 bytes of text, NUL-terminated when len > 0. Returns strlen(text). */
size_t iotls_text_copy(char *out, size_t len, const char *text);

#endif
