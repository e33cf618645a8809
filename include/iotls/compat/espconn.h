/*
 * iotls/compat/espconn.h — the ESP8266 SDK's espconn_secure_* API on iotls.
 *
 * Include this from host code, or build SDK sources unchanged with
 * -I<prefix>/include/iotls/compat/esp8266 (pkg-config iotls-espconn) so that
 * their "espconn.h", "osapi.h", "user_interface.h"... resolve to the host
 * versions in that directory. Link libiotls-espconn.a (its runtime provides
 * main(), which calls the application's user_init()). docs/espconn.md.
 */
#ifndef IOTLS_COMPAT_ESPCONN_H
#define IOTLS_COMPAT_ESPCONN_H

/* SDK sources get the application's user_config.h through osapi.h and
 * user_interface.h, as with the SDK; host code that includes this header
 * has no such file. */
#ifndef IOTLS_ESP_NO_USER_CONFIG
#define IOTLS_ESP_NO_USER_CONFIG
#endif

#include "esp8266/c_types.h"
#include "esp8266/espconn.h"
#include "esp8266/mem.h"
#include "esp8266/osapi.h"
#include "esp8266/user_interface.h"

#endif
