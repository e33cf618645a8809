/* Reset and exception vectors for the mps2-an386 image (and any ARMv6-M /
 * ARMv7-M core): copy .data, zero .bss, run main(), exit through
 * semihosting with its status. SysTick counts its wraps for the
 * instruction counter of test/measure.c. */
#include <stdint.h>
#include <string.h>

#include "semihost.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
int main(void);
void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);

volatile uint32_t systick_wraps;

void Reset_Handler(void)
{
    memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
    memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
    semihost_exit(main());
}

void Fault_Handler(void)
{
    static const char msg[] = "mcu: FAULT (hard fault or unexpected exception)\n";
    semihost_write(msg, sizeof msg - 1);
    semihost_exit(3);
}

void SysTick_Handler(void)
{
    systick_wraps++;
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0,
    0,
    0,
    0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMon */
    0,
    Fault_Handler, /* PendSV */
    SysTick_Handler,
};
