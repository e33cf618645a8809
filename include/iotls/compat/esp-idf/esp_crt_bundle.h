/*
 * esp_crt_bundle.h (iotls) — esp_crt_bundle_attach for esp_tls_cfg_t's
 * crt_bundle_attach. ESP-IDF embeds Mozilla's CA list in the firmware;
 * here the bundle is the file named by $IOTLS_CRT_BUNDLE (PEM), else the
 * system CA store (/etc/ssl/certs/ca-certificates.crt), loaded once.
 */
#ifndef IOTLS_ESPIDF_ESP_CRT_BUNDLE_H
#define IOTLS_ESPIDF_ESP_CRT_BUNDLE_H

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

esp_err_t esp_crt_bundle_attach(void *conf);
void esp_crt_bundle_detach(void *conf);

#ifdef __cplusplus
}
#endif
#endif
