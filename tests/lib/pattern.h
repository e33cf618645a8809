/*
 * tests/lib/pattern.h — a known, position-revealing byte pattern.
 *
 * Used for every bulk payload the peers send (s_server's /file, the Go
 * MFL-ignoring server) so a test can check that data arrived intact AND in
 * order: a dropped, duplicated or reordered record shows up as a wrong offset.
 *
 * The pattern is printable ASCII in 64-byte lines; the line starting at offset
 * off (a multiple of 64) is
 *     8 lowercase hex digits of off, one space, 54 letters, '\n'
 * where letter j (0..53) is 'a' + ((off / 64 + j) % 26).
 * The same definition is implemented in tests/peers/mfl_ignoring_server.go.
 */
#ifndef IOTLS_TEST_PATTERN_H
#define IOTLS_TEST_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* Byte at absolute offset off of the pattern. */
uint8_t iotls_test_pattern_byte(size_t off);

/* Fills buf[0..len) with pattern bytes off .. off+len. */
void iotls_test_pattern_fill(void *buf, size_t off, size_t len);

/* Compares buf[0..len) with pattern bytes off .. off+len. Returns len when
 * everything matches, otherwise the index (in buf) of the first mismatch. */
size_t iotls_test_pattern_check(const void *buf, size_t off, size_t len);

#endif
