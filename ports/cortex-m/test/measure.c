/* See measure.h. SysTick registers per the ARMv6-M / ARMv7-M manuals. */
#include <stdint.h>

#include "measure.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define RELOAD 0xFFFFFFu

extern volatile uint32_t systick_wraps;

#define STACK_BYTES 16384
#define PAINT 0xA5A5A5A5u
static uint32_t measured_stack[STACK_BYTES / 4] __attribute__((aligned(8)));

/* Instructions per 2^16 ticks, from the calibration loop. */
static uint64_t instr_per_64k_ticks;

static uint64_t ticks(void)
{
    uint32_t w, v;
    do {
        w = systick_wraps;
        v = SYST_CVR;
    } while (w != systick_wraps);
    return (uint64_t)w * (RELOAD + 1) + (RELOAD - v);
}

/* Exactly 2 instructions per iteration (subs + bne). */
static void spin(uint32_t n)
{
#if defined(__ARM_ARCH_6M__)
    /* GCC hands ARMv6-M inline assembly to the assembler in divided syntax. */
    __asm__ volatile(".syntax unified\n1: subs %0, %0, #1\n\tbne 1b\n.syntax divided"
                     : "+l"(n)
                     :
                     : "cc");
#else
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+l"(n) : : "cc");
#endif
}

void measure_init(void)
{
    SYST_RVR = RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 7; /* enable, interrupt on wrap, core clock */
    /* Enabled with CVR 0, the counter reloads on its first tick; only then
     * does ticks() count from a known point. */
    while (SYST_CVR == 0)
        ;
    /* The difference of two loop lengths cancels the fixed overhead. */
    uint64_t t0 = ticks();
    spin(1000000);
    uint64_t t1 = ticks();
    spin(3000000);
    uint64_t t2 = ticks();
    uint64_t d = (t2 - t1) - (t1 - t0); /* ticks of 2,000,000 iterations */
    instr_per_64k_ticks = d ? (4000000ull << 16) / d : 0;
}

uint64_t measure_instructions(void)
{
    return (ticks() * instr_per_64k_ticks) >> 16;
}

void measure_stack_paint(void)
{
    for (size_t i = 0; i < STACK_BYTES / 4; i++)
        measured_stack[i] = PAINT;
}

size_t measure_stack_peak(void)
{
    size_t i = 0;
    while (i < STACK_BYTES / 4 && measured_stack[i] == PAINT)
        i++;
    return STACK_BYTES - i * 4;
}

/* fn(arg) with sp at the top of measured_stack (Thumb-1 instructions only,
 * so the same code serves ARMv6-M). */
__attribute__((naked, noinline)) static int on_stack(int (*fn)(void *), void *arg, void *top)
{
    __asm__ volatile("push {r4, lr}\n\t"
                     "mov r4, sp\n\t"
                     "mov sp, r2\n\t"
                     "mov r3, r0\n\t"
                     "mov r0, r1\n\t"
                     "blx r3\n\t"
                     "mov sp, r4\n\t"
                     "pop {r4, pc}\n\t");
}

int measure_call(int (*fn)(void *), void *arg, uint64_t *instr)
{
    uint64_t before = instr ? measure_instructions() : 0;
    int rc = on_stack(fn, arg, measured_stack + STACK_BYTES / 4);
    if (instr)
        *instr += measure_instructions() - before;
    return rc;
}
