/*
 * ets_sys.h — host version of the ESP8266 SDK's timer, task and interrupt
 * types (iotls compat). Includes the inert eagle_soc.h, as the SDK's does.
 *
 * ETSTimer keeps the SDK's field names so code that peeks at timer_period
 * or timer_arg still compiles; `host_timer` is the iotls timer behind it,
 * made on the first os_timer_arm(). Timers run on the iotls event loop
 * (docs/espconn.md).
 *
 * No ets_* function is declared here: their prototypes differ between SDK
 * generations and applications declare the ones they use themselves (the
 * widely copied espmissingincludes.h). The library defines them; the
 * macros below call functions with iotls names instead.
 */
#ifndef IOTLS_COMPAT_ESP8266_ETS_SYS_H
#define IOTLS_COMPAT_ESP8266_ETS_SYS_H

#include "c_types.h"
#include "eagle_soc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t ETSSignal;
/* uint32_t on the chip, where it is also pointer-sized: applications post
 * pointers in it (system_os_post(prio, sig, (os_param_t)client)). On a
 * 64-bit host it must hold a pointer too, so it is uintptr_t. */
typedef uintptr_t ETSParam;
typedef uint32_t ETSHandle;

typedef struct ETSEventTag {
    ETSSignal sig;
    ETSParam par;
} ETSEvent;

typedef void (*ETSTask)(ETSEvent *e);

typedef void ETSTimerFunc(void *timer_arg);

typedef struct _ETSTIMER_ {
    struct _ETSTIMER_ *timer_next; /* unused on the host */
    uint32_t timer_expire;         /* unused on the host */
    uint32_t timer_period;         /* ms; 0 for a one-shot timer */
    ETSTimerFunc *timer_func;
    void *timer_arg;
    void *host_timer; /* iotls_timer_t *, owned by the compat layer */
} ETSTimer;

/* Interrupts: there are none on a PC. Attaching a handler logs once;
 * masking, unmasking and locking do nothing. */
#define ETS_SLC_INUM 1
#define ETS_SPI_INUM 2
#define ETS_GPIO_INUM 4
#define ETS_UART_INUM 5
#define ETS_UART1_INUM 5
#define ETS_CCOMPARE0_INUM 6
#define ETS_SOFT_INUM 7
#define ETS_WDT_INUM 8
#define ETS_FRC_TIMER1_INUM 9

typedef void (*ets_isr_t)(void *);

void iotls_esp_isr_attach(int inum, void *handler, void *arg);
void iotls_esp_isr_mask(uint32 mask);
void iotls_esp_isr_unmask(uint32 mask);
void iotls_esp_intr_lock(void);
void iotls_esp_intr_unlock(void);

#define ETS_INTR_LOCK() iotls_esp_intr_lock()
#define ETS_INTR_UNLOCK() iotls_esp_intr_unlock()
#define ETS_INTR_ENABLE(inum) iotls_esp_isr_unmask(1u << (inum))
#define ETS_INTR_DISABLE(inum) iotls_esp_isr_mask(1u << (inum))
#define ETS_FRC_TIMER1_INTR_ATTACH(func, arg)                                                      \
    iotls_esp_isr_attach(ETS_FRC_TIMER1_INUM, (void *)(func), (void *)(arg))
#define ETS_GPIO_INTR_ATTACH(func, arg)                                                            \
    iotls_esp_isr_attach(ETS_GPIO_INUM, (void *)(func), (void *)(arg))
#define ETS_UART_INTR_ATTACH(func, arg)                                                            \
    iotls_esp_isr_attach(ETS_UART_INUM, (void *)(func), (void *)(arg))
#define ETS_SPI_INTR_ATTACH(func, arg)                                                             \
    iotls_esp_isr_attach(ETS_SPI_INUM, (void *)(func), (void *)(arg))
#define ETS_SLC_INTR_ATTACH(func, arg)                                                             \
    iotls_esp_isr_attach(ETS_SLC_INUM, (void *)(func), (void *)(arg))
#define ETS_UART_INTR_ENABLE() ETS_INTR_ENABLE(ETS_UART_INUM)
#define ETS_UART_INTR_DISABLE() ETS_INTR_DISABLE(ETS_UART_INUM)
#define ETS_GPIO_INTR_ENABLE() ETS_INTR_ENABLE(ETS_GPIO_INUM)
#define ETS_GPIO_INTR_DISABLE() ETS_INTR_DISABLE(ETS_GPIO_INUM)
#define ETS_FRC1_INTR_ENABLE() ETS_INTR_ENABLE(ETS_FRC_TIMER1_INUM)
#define ETS_FRC1_INTR_DISABLE() ETS_INTR_DISABLE(ETS_FRC_TIMER1_INUM)
#define ETS_SPI_INTR_ENABLE() ETS_INTR_ENABLE(ETS_SPI_INUM)
#define ETS_SLC_INTR_ENABLE() ETS_INTR_ENABLE(ETS_SLC_INUM)
#define ETS_SLC_INTR_DISABLE() ETS_INTR_DISABLE(ETS_SLC_INUM)

#ifdef __cplusplus
}
#endif
#endif
