/* Cortex-M port: log lines go to the board's console. */
#include <string.h>

#include "board.h"
#include "iotls/port.h"

void iotls_port_log(const char *line)
{
    board_console_write(line, strlen(line));
    board_console_write("\n", 1);
}
