/* esp_random.h (iotls) — random numbers from the OS (see esp_system.h). */
#ifndef IOTLS_ESPIDF_ESP_RANDOM_H
#define IOTLS_ESPIDF_ESP_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t esp_random(void);
void esp_fill_random(void *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
