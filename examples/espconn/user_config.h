/* user_config.h — every ESP8266 SDK project has one (the SDK's osapi.h and
 * user_interface.h include it). The examples need no settings in it. */
#ifndef USER_CONFIG_H
#define USER_CONFIG_H
#endif
