/*
 * iotls/port.h — what the TLS core needs from the platform: entropy, a
 * clock (or none), and a place for log lines. Nothing else in src/tls/
 * touches the platform (no threads, sockets, files or OS headers).
 *
 * A port defines these three functions, one file each. POSIX hosts get
 * them from src/port/posix/ inside libiotls; an MCU build compiles its own
 * (ports/cortex-m/ is the reference) and leaves the POSIX files out. An
 * application that links libiotls.a statically may also define any of them
 * itself: the linker then takes the application's and not the library's
 * (that is how the tests run a clockless device on a PC).
 *
 * The hooks are called from iotls_session_init() and during handshakes,
 * by whichever thread drives the session; they must not call back into
 * iotls.
 */
#ifndef IOTLS_PORT_H
#define IOTLS_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Fill buf with len bytes from a cryptographically secure source (an OS
 * generator, a hardware TRNG). Returns 0, or -1 after
 * iotls_error_set(err, IOTLS_ERR_NO_ENTROPY, "...why..."): the session
 * then refuses to start. A port MUST NOT fall back to a fixed or weak
 * seed; that contract is what makes "no entropy source -> no TLS" hold.
 * Called once per session with len = 32.
 */
int iotls_port_entropy(void *buf, size_t len, iotls_error_t *err);

/*
 * The time certificates are checked against when a session uses
 * IOTLS_TIME_SYSTEM (the default) without cfg.now, in Unix seconds.
 *  - A device with a trustworthy clock returns the current time and sets
 *    *exact = true (validity is checked both ways).
 *  - A device without one returns a LOWER BOUND of the real time and sets
 *    *exact = false: the session then behaves as IOTLS_TIME_AT_LEAST with
 *    that bound (certificates that expired before it are refused; "not yet
 *    valid" cannot be judged and passes). The documented default for
 *    clockless ports is the firmware's build time, IOTLS_BUILD_TIME.
 *  - Returning 0 means "no time at all": sessions with the system policy
 *    then refuse to start (IOTLS_ERR_CONFIG) rather than skip checks.
 */
int64_t iotls_port_time(bool *exact);

/*
 * Where a session's warnings go when its configuration gives no log
 * callback (cfg.log == NULL). One line, no trailing newline. POSIX:
 * stderr; an MCU: a UART, semihosting, or nothing.
 */
void iotls_port_log(const char *line);

#ifdef __cplusplus
}
#endif
#endif
