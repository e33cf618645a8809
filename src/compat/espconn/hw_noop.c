/* Hardware a PC does not have: registers, interrupts, UART, GPIO and PWM.
 * Calls succeed without effect and say so in a log line (GPIO and PWM:
 * every change; the others: once per function). uart0_sendStr and
 * friends print to stdout, which is where the chip's UART text goes on a
 * PC. All are weak: an application that compiles its own driver keeps it.
 * None of the UART functions is declared in an SDK header (applications
 * carry driver/uart.h), so their prototypes are local. */
#include <stdio.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"
#include "iotls/compat/esp8266/gpio.h"
#include "iotls/compat/esp8266/pwm.h"

#define WEAK __attribute__((weak))

/* The inert register file: 4096 words, addressed by the register's word
 * address modulo its size. */
static uint32_t esp_regs[4096];

volatile uint32_t *iotls_esp_reg(uintptr_t addr)
{
    return &esp_regs[(addr >> 2) & 4095u];
}

#define LOG_ONCE(...)                                                                              \
    do {                                                                                           \
        static bool once_;                                                                         \
        if (!once_) {                                                                              \
            once_ = true;                                                                          \
            espc_log(__VA_ARGS__);                                                                 \
        }                                                                                          \
    } while (0)

void iotls_esp_isr_attach(int inum, void *handler, void *arg)
{
    (void)handler;
    (void)arg;
    espc_log("interrupt %d: handler attached; a PC raises no hardware interrupts", inum);
}

void iotls_esp_isr_mask(uint32 mask)
{
    (void)mask;
}

void iotls_esp_isr_unmask(uint32 mask)
{
    (void)mask;
}

void iotls_esp_intr_lock(void)
{
}

void iotls_esp_intr_unlock(void)
{
}

/* ---- UART (driver/uart.h of the SDK examples) ------------------------- */

void uart_init(int uart0_br, int uart1_br);
void uart_div_modify(unsigned int uart_no, unsigned int div);
void uart0_sendStr(const char *str);
void uart0_tx_buffer(const uint8 *buf, uint16 len);
STATUS uart_tx_one_char(uint8 uart, uint8 c);
void uart1_sendStr_no_wait(const char *str);

WEAK void uart_init(int uart0_br, int uart1_br)
{
    LOG_ONCE("uart_init(%d, %d): no UART on a PC; os_printf and uart0_sendStr write to stdout",
             uart0_br, uart1_br);
}

WEAK void uart_div_modify(unsigned int uart_no, unsigned int div)
{
    LOG_ONCE("uart_div_modify(%u, %u): no UART on a PC (ignored)", uart_no, div);
}

WEAK void uart0_sendStr(const char *str)
{
    if (str != NULL) {
        fputs(str, stdout);
        fflush(stdout);
    }
}

WEAK void uart1_sendStr_no_wait(const char *str)
{
    uart0_sendStr(str);
}

WEAK void uart0_tx_buffer(const uint8 *buf, uint16 len)
{
    if (buf != NULL) {
        fwrite(buf, 1, len, stdout);
        fflush(stdout);
    }
}

WEAK STATUS uart_tx_one_char(uint8 uart, uint8 c)
{
    (void)uart;
    putchar(c);
    fflush(stdout);
    return OK;
}

/* ---- GPIO ------------------------------------------------------------- */

static uint32 gpio_out, gpio_enabled;

WEAK void gpio_init(void)
{
    LOG_ONCE("gpio_init: no pins on a PC; outputs are logged, inputs read what was written");
}

WEAK void gpio_output_set(uint32 set_mask, uint32 clear_mask, uint32 enable_mask,
                          uint32 disable_mask)
{
    uint32 before = gpio_out;
    gpio_out = (gpio_out | set_mask) & ~clear_mask;
    gpio_enabled = (gpio_enabled | enable_mask) & ~disable_mask;
    if (gpio_out != before)
        espc_log("gpio: outputs now 0x%04X (was 0x%04X)", (unsigned)gpio_out, (unsigned)before);
}

WEAK uint32 gpio_input_get(void)
{
    return gpio_out;
}

WEAK void gpio_pin_intr_state_set(uint32 i, GPIO_INT_TYPE intr_state)
{
    LOG_ONCE("gpio_pin_intr_state_set(%u, %d): no pin interrupts on a PC", (unsigned)i,
             (int)intr_state);
}

WEAK void gpio_intr_handler_register(void *fn, void *arg)
{
    (void)fn;
    (void)arg;
    LOG_ONCE("gpio_intr_handler_register: no pin interrupts on a PC");
}

WEAK void gpio_pin_wakeup_enable(uint32 i, GPIO_INT_TYPE intr_state)
{
    (void)i;
    (void)intr_state;
}

WEAK void gpio_pin_wakeup_disable(void)
{
}

WEAK uint32 gpio_intr_pending(void)
{
    return 0;
}

WEAK void gpio_intr_ack(uint32 ack_mask)
{
    (void)ack_mask;
}

static uint8 gpio16;

WEAK void gpio16_output_conf(void)
{
}

WEAK void gpio16_output_set(uint8 value)
{
    if (value != gpio16)
        espc_log("gpio16: output now %u", (unsigned)(value & 1));
    gpio16 = value & 1;
}

WEAK void gpio16_input_conf(void)
{
}

WEAK uint8 gpio16_input_get(void)
{
    return gpio16;
}

/* ---- PWM -------------------------------------------------------------- */

static struct pwm_param pwm;
static uint32 pwm_channels;

WEAK void pwm_init(uint32 period, uint32 *duty, uint32 pwm_channel_num, uint32 (*pin_info_list)[3])
{
    (void)pin_info_list;
    pwm_channels = pwm_channel_num < PWM_CHANNEL_NUM_MAX ? pwm_channel_num : PWM_CHANNEL_NUM_MAX;
    pwm.period = period;
    for (uint32 i = 0; i < pwm_channels; i++)
        pwm.duty[i] = duty ? duty[i] : 0;
    espc_log("pwm_init: %u channels, period %u us (no pins on a PC)", (unsigned)pwm_channels,
             (unsigned)period);
}

WEAK void pwm_start(void)
{
    espc_log("pwm_start: period %u us, channel 0 duty %u", (unsigned)pwm.period,
             (unsigned)pwm.duty[0]);
}

WEAK void pwm_set_duty(uint32 duty, uint8 channel)
{
    if (channel >= PWM_CHANNEL_NUM_MAX) {
        espc_log("pwm_set_duty: channel %u does not exist", (unsigned)channel);
        return;
    }
    if (pwm.duty[channel] != duty)
        espc_log("pwm: channel %u duty %u", (unsigned)channel, (unsigned)duty);
    pwm.duty[channel] = duty;
}

WEAK uint32 pwm_get_duty(uint8 channel)
{
    return channel < PWM_CHANNEL_NUM_MAX ? pwm.duty[channel] : 0;
}

WEAK void pwm_set_period(uint32 period)
{
    if (pwm.period != period)
        espc_log("pwm: period %u us", (unsigned)period);
    pwm.period = period;
}

WEAK uint32 pwm_get_period(void)
{
    return pwm.period;
}

WEAK uint32 get_pwm_version(void)
{
    return 3;
}
