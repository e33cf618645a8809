/* user_config.h for esphttpclient: the library has none of its own (on the
 * SDK it is the host project's include/user_config.h, which osapi.h reads). */
#ifndef USER_CONFIG_H
#define USER_CONFIG_H
#endif
