/*
 * Measurements inside the qemu image, by the image itself:
 *  - instructions: qemu runs with -icount shift=0 (one instruction = 1 ns
 *    of virtual time); SysTick counts that virtual time, and a loop of a
 *    known instruction count calibrates ticks to instructions at start-up
 *    (no assumption about SysTick's clock);
 *  - stack: code under test runs on its own stack, painted before and
 *    scanned after (the deepest word no longer holding the paint).
 */
#ifndef IOTLS_MCU_MEASURE_H
#define IOTLS_MCU_MEASURE_H

#include <stddef.h>
#include <stdint.h>

void measure_init(void);

/* Instructions executed since measure_init (resolution: a few dozen). */
uint64_t measure_instructions(void);

/* Paint the measured stack (before a phase whose peak is wanted). */
void measure_stack_paint(void);
/* Deepest use of the measured stack since the last paint, in bytes. */
size_t measure_stack_peak(void);

/* Run fn(arg) on the measured stack, adding the instructions it executes
 * to *instr (when not NULL). Returns fn's result. */
int measure_call(int (*fn)(void *), void *arg, uint64_t *instr);

#endif
