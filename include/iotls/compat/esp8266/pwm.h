/*
 * pwm.h — host version of the ESP8266 SDK's PWM calls (iotls compat). A PC
 * has no pins: duties and periods are remembered (get returns what was set)
 * and each change is logged.
 */
#ifndef IOTLS_COMPAT_ESP8266_PWM_H
#define IOTLS_COMPAT_ESP8266_PWM_H

#include "c_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PWM_CHANNEL_NUM_MAX 8

struct pwm_param {
    uint32 period;
    uint32 freq;
    uint32 duty[PWM_CHANNEL_NUM_MAX];
};

void pwm_init(uint32 period, uint32 *duty, uint32 pwm_channel_num, uint32 (*pin_info_list)[3]);
void pwm_start(void);
void pwm_set_duty(uint32 duty, uint8 channel);
uint32 pwm_get_duty(uint8 channel);
void pwm_set_period(uint32 period);
uint32 pwm_get_period(void);
uint32 get_pwm_version(void);

#ifdef __cplusplus
}
#endif
#endif
