/* The SDK application's "boot": attach the flash image named by
 * $IOTLS_FLASH, call user_init(), run the event loop until no connection,
 * listener or armed timer remains, release everything. Only main() lives
 * here: a program with its own main() links the library without pulling
 * this object in (and then needs no user_init). */
#include <stdio.h>
#include <stdlib.h>

#include "compat/espconn/espconn_internal.h"

int main(void)
{
    const char *img = getenv(ESPCONN_HOST_ENV_FLASH);
    if (img != NULL && img[0] != '\0' && !espconn_host_attach_flash(img))
        return 1;
    if (espc_loop() == NULL)
        return 1;
    user_init();
    int rc = espconn_host_run();
    fflush(stdout);
    espconn_host_shutdown();
    return rc == 0 ? 0 : 1;
}
