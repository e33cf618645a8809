/*
 * nvs_flash.h (iotls) — NVS lives in the file named by $IOTLS_ESPIDF_NVS
 * (created when missing), or in memory for the run when that is unset.
 */
#ifndef IOTLS_ESPIDF_NVS_FLASH_H
#define IOTLS_ESPIDF_NVS_FLASH_H

#include "esp_err.h"
#include "nvs.h"

#ifdef __cplusplus
extern "C" {
#endif

esp_err_t nvs_flash_init(void);
esp_err_t nvs_flash_deinit(void);
esp_err_t nvs_flash_erase(void);

#ifdef __cplusplus
}
#endif
#endif
