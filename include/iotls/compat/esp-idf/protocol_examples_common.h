/*
 * protocol_examples_common.h (iotls) — the helper Espressif's protocol
 * examples call to get online: on a PC the network is up, example_connect()
 * returns ESP_OK once IP_EVENT_STA_GOT_IP (127.0.0.1) was posted.
 */
#ifndef IOTLS_ESPIDF_PROTOCOL_EXAMPLES_COMMON_H
#define IOTLS_ESPIDF_PROTOCOL_EXAMPLES_COMMON_H

#include "esp_err.h"
#include "esp_netif.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EXAMPLE_INTERFACE get_example_netif()
esp_err_t example_connect(void);
esp_err_t example_disconnect(void);
esp_err_t example_configure_stdin_stdout(void);
esp_netif_t *get_example_netif(void);

#ifdef __cplusplus
}
#endif
#endif
