/* The device web application `iotls serve` runs: a REST API (status,
 * LEDs, who-am-I) and a status page that refreshes itself. */
#ifndef IOTLS_TOOL_SERVE_APP_H
#define IOTLS_TOOL_SERVE_APP_H

#include "iotls/http.h"

#define SERVE_LEDS 8

typedef struct {
    iotls_http_server_t *srv;
    iotls_loop_t *loop;
    bool led[SERVE_LEDS];
    unsigned long led_changes;
} serve_app_t;

/* Register GET /, GET /api/status, PUT /api/led/{id}, GET /api/whoami. */
int serve_app_routes(serve_app_t *app, iotls_error_t *err);

#endif
