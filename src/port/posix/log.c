/* POSIX port: log lines go to stderr (see iotls/port.h). */
#include <stdio.h>

#include "iotls/port.h"

void iotls_port_log(const char *line)
{
    fprintf(stderr, "%s\n", line);
}
