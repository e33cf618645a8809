/*
 * gpio.h — host version of the ESP8266 SDK's GPIO calls (iotls compat).
 * A PC has no pins: outputs are remembered and logged once per change,
 * inputs read 0 unless written (docs/espconn.md).
 */
#ifndef IOTLS_COMPAT_ESP8266_GPIO_H
#define IOTLS_COMPAT_ESP8266_GPIO_H

#include "eagle_soc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    GPIO_PIN_INTR_DISABLE = 0,
    GPIO_PIN_INTR_POSEDGE = 1,
    GPIO_PIN_INTR_NEGEDGE = 2,
    GPIO_PIN_INTR_ANYEDGE = 3,
    GPIO_PIN_INTR_LOLEVEL = 4,
    GPIO_PIN_INTR_HILEVEL = 5
} GPIO_INT_TYPE;

#define GPIO_OUTPUT_SET(gpio_no, bit_value)                                                        \
    gpio_output_set((bit_value) << (gpio_no), ((~(bit_value)) & 0x01) << (gpio_no),                \
                    1u << (gpio_no), 0)
#define GPIO_DIS_OUTPUT(gpio_no) gpio_output_set(0, 0, 0, 1u << (gpio_no))
#define GPIO_INPUT_GET(gpio_no) ((gpio_input_get() >> (gpio_no)) & BIT0)

typedef void (*gpio_intr_handler_fn_t)(uint32 intr_mask, void *arg);

void gpio_init(void);
/* Set, clear, enable as output, disable output: bit masks of GPIOs. */
void gpio_output_set(uint32 set_mask, uint32 clear_mask, uint32 enable_mask, uint32 disable_mask);
uint32 gpio_input_get(void);
void gpio_pin_intr_state_set(uint32 i, GPIO_INT_TYPE intr_state);
void gpio_intr_handler_register(void *fn, void *arg);
void gpio_pin_wakeup_enable(uint32 i, GPIO_INT_TYPE intr_state);
void gpio_pin_wakeup_disable(void);
uint32 gpio_intr_pending(void);
void gpio_intr_ack(uint32 ack_mask);
void gpio16_output_conf(void);
void gpio16_output_set(uint8 value);
void gpio16_input_conf(void);
uint8 gpio16_input_get(void);

#ifdef __cplusplus
}
#endif
#endif
