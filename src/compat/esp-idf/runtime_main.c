/* The ESP-IDF program's "boot" on a PC: call app_main() as the main task,
 * then wait until every task it started has ended (vTaskDelete). Only
 * main() lives here: a program with its own main() links the library
 * without this object (tests do). */
#include <stdio.h>

#include "compat/esp-idf/rtos_internal.h"

void app_main(void);

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    app_main();
    rtos_tasks_wait_all();
    fflush(stdout);
    return 0;
}
