/*
 * sdkconfig.h (iotls host build of ESP-IDF programs) — the CONFIG_*
 * values menuconfig would write, for what runs on a PC. Every value can be
 * overridden with -DCONFIG_X=... (an example's own Kconfig options are
 * given that way, see docs/esp-idf.md).
 */
#ifndef IOTLS_ESPIDF_SDKCONFIG_H
#define IOTLS_ESPIDF_SDKCONFIG_H

#ifndef CONFIG_IDF_TARGET
#define CONFIG_IDF_TARGET "linux-iotls"
#endif
#ifndef CONFIG_IDF_TARGET_LINUX
#define CONFIG_IDF_TARGET_LINUX 1
#endif
#ifndef CONFIG_FREERTOS_HZ
#define CONFIG_FREERTOS_HZ 1000
#endif
#ifndef CONFIG_LOG_DEFAULT_LEVEL
#define CONFIG_LOG_DEFAULT_LEVEL 3
#endif
#ifndef CONFIG_LOG_MAXIMUM_LEVEL
#define CONFIG_LOG_MAXIMUM_LEVEL 5
#endif
/* esp-tls client sessions are supported (iotls saved sessions). */
#ifndef CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS
#define CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS 1
#endif
/* esp_crt_bundle_attach is an iotls anchor set (docs/esp-idf.md). */
#ifndef CONFIG_MBEDTLS_CERTIFICATE_BUNDLE
#define CONFIG_MBEDTLS_CERTIFICATE_BUNDLE 1
#endif
#ifndef CONFIG_ESP_MAIN_TASK_STACK_SIZE
#define CONFIG_ESP_MAIN_TASK_STACK_SIZE 3584
#endif
#ifndef CONFIG_ESP_WIFI_SSID
#define CONFIG_ESP_WIFI_SSID "iotls-host"
#endif
#ifndef CONFIG_ESP_WIFI_PASSWORD
#define CONFIG_ESP_WIFI_PASSWORD ""
#endif
#ifndef CONFIG_EXAMPLE_CONNECT_WIFI
#define CONFIG_EXAMPLE_CONNECT_WIFI 1
#endif

#endif
