/*
 * espconn_host.h — what the ESP8266 SDK does not have and a PC needs: a flash
 * image standing for the chip's flash, the event loop, where log lines go.
 * Included by espconn.h. An SDK application never needs these: the compat
 * runtime's main() calls them (docs/espconn.md); tests and hosts that embed
 * the layer in their own program do.
 */
#ifndef IOTLS_COMPAT_ESP8266_ESPCONN_HOST_H
#define IOTLS_COMPAT_ESP8266_ESPCONN_HOST_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iotls_loop;

/* Environment variables read by the runtime and the layer. */
#define ESPCONN_HOST_ENV_FLASH "IOTLS_FLASH"       /* flash image path */
#define ESPCONN_HOST_ENV_BIND "IOTLS_ESPCONN_BIND" /* server address, default 127.0.0.1 */
#define ESPCONN_HOST_ENV_VERIFY_NAME "IOTLS_ESPCONN_VERIFY_NAME" /* client: name to check */
/* Test redirections (docs/espconn.md), unset by default:
 * "name=a.b.c.d,..." answers espconn_gethostbyname for those names;
 * "port=port,..." replaces a remote port (connect) or local port (accept). */
#define ESPCONN_HOST_ENV_HOSTS "IOTLS_ESPCONN_HOSTS"
#define ESPCONN_HOST_ENV_PORTS "IOTLS_ESPCONN_PORTS"

/* Attach the image file that stands for the flash (read-only; size a
 * multiple of 4096). Replaces an attached one. false + log line when it
 * cannot be opened. Without a call, the first flash access attaches
 * $IOTLS_FLASH if set. */
bool espconn_host_attach_flash(const char *path);
void espconn_host_detach_flash(void);

/* The event loop every connection and timer runs on (made on first use;
 * NULL only when the loop cannot be created, with a log line). */
struct iotls_loop *espconn_host_loop(void);

/* Run the loop until no connection, listener or armed timer remains (what
 * the runtime does after user_init). 0, or -1 on a loop failure. */
int espconn_host_run(void);

/* The network comes up: EVENT_STAMODE_CONNECTED and EVENT_STAMODE_GOT_IP
 * reach the wifi_set_event_handler_cb handler from the loop shortly after.
 * The runtime calls it once user_init has returned. */
void espconn_host_network_up(void);

/* Abort every connection and listener (no callbacks), free timers, loop,
 * flash and certificates, and restore every setting to the SDK defaults.
 * The runtime calls it at exit; tests call it between cases. Not from a
 * callback. */
void espconn_host_shutdown(void);

/* Where the layer's log lines go (one line per call, no newline; "espconn:"
 * prefix included). NULL restores the default: stderr. */
void espconn_host_set_log(void (*fn)(void *ctx, const char *line), void *ctx);

/* Live SSL connections (client and accepted) and listeners, for tests. */
unsigned espconn_host_connections(void);
unsigned espconn_host_listeners(void);
/* Live plain TCP connections and listeners, and UDP sockets. */
unsigned espconn_host_plain_connections(void);
unsigned espconn_host_plain_listeners(void);
unsigned espconn_host_udp_sockets(void);

#ifdef __cplusplus
}
#endif
#endif
