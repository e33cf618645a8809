/* user_config.local.h for tuanpmt/esp_mqtt: the settings its README asks the
 * user to write (from include/user_config.sample.h). Written for the iotls
 * test: TLS on, a broker name the test maps to 127.0.0.1 with
 * IOTLS_ESPCONN_HOSTS and a port it maps to mosquitto's with
 * IOTLS_ESPCONN_PORTS (tests/interop/test_espconn_realapps.c). */
#ifndef ESP_MQTT_LOCAL_CONFIG_H
#define ESP_MQTT_LOCAL_CONFIG_H

#define MQTT_SSL_ENABLE

#define MQTT_HOST "mqtt.iotls.test"
#define MQTT_PORT 8883
#define MQTT_BUF_SIZE 1024
#define MQTT_KEEPALIVE 120

#define MQTT_CLIENT_ID "iotls_esp_mqtt"
#define MQTT_USER ""
#define MQTT_PASS ""
#define MQTT_CLEAN_SESSION 1

#define STA_SSID "iotls-host"
#define STA_PASS "unused"

#define MQTT_RECONNECT_TIMEOUT 5
#define DEFAULT_SECURITY 1
#define QUEUE_BUFFER_SIZE 2048

#define PROTOCOL_NAMEv311

#if defined(DEBUG_ON)
#define INFO(format, ...) os_printf(format, ##__VA_ARGS__)
#else
#define INFO(format, ...)
#endif

#endif
