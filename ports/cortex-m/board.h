/*
 * ports/cortex-m/board.h — what the Cortex-M port of iotls needs from a
 * board: a hardware entropy source and somewhere to write a line. A real
 * board implements these over its TRNG and a UART; mps2/board_mps2.c does
 * it for the qemu mps2-an386 machine (entropy supplied by the test, over
 * semihosting).
 */
#ifndef IOTLS_PORT_CORTEX_M_BOARD_H
#define IOTLS_PORT_CORTEX_M_BOARD_H

#include <stddef.h>

/* Fill buf with len bytes from a true random source. 0 on success, -1 when
 * the source failed or is exhausted (the port then refuses to seed). */
int board_entropy(void *buf, size_t len);

/* Write n bytes to the console (no newline added). */
void board_console_write(const char *s, size_t n);

#endif
