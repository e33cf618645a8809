/* The SDK application's "boot": stdout unbuffered (the chip's UART keeps
 * nothing back), the SDK 2.1+/3.0 boot hooks when the application defines
 * them (user_pre_init, user_rf_cal_sector_set, user_rf_pre_init), the
 * flash image named by $IOTLS_FLASH, user_init(), the network coming up,
 * then the event loop until no connection, listener or armed timer
 * remains, and release. Only main() lives here: a program with its own
 * main() links the library without pulling this object in. */
#include <stdio.h>
#include <stdlib.h>

#include "compat/espconn/espconn_internal.h"

/* Weak references: null when the application does not define them. */
extern void user_pre_init(void) __attribute__((weak));
extern uint32 user_rf_cal_sector_set(void) __attribute__((weak));
extern void user_rf_pre_init(void) __attribute__((weak));

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *img = getenv(ESPCONN_HOST_ENV_FLASH);
    if (img != NULL && img[0] != '\0' && !espconn_host_attach_flash(img))
        return 1;
    if (espc_loop() == NULL)
        return 1;
    if (user_pre_init)
        user_pre_init();
    if (user_rf_cal_sector_set)
        espc_log("boot: RF calibration sector 0x%X (user_rf_cal_sector_set)",
                 (unsigned)user_rf_cal_sector_set());
    if (user_rf_pre_init)
        user_rf_pre_init();
    user_init();
    espconn_host_network_up();
    int rc = espconn_host_run();
    fflush(stdout);
    espconn_host_shutdown();
    return rc == 0 ? 0 : 1;
}
