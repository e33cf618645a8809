/* Private to the `iotls flash` command files. */
#ifndef IOTLS_TOOL_FLASH_CMDS_H
#define IOTLS_TOOL_FLASH_CMDS_H

#include <stdbool.h>

/* iotls flash inspect IMAGE|BLOB (argv[0] is "inspect"). */
int flash_inspect(int argc, char **argv);

/* "0x3B" / "59" -> sector number; false after a message. */
bool flash_parse_sector(const char *arg, unsigned *sector);

/* "0x3B" -> a, *b = -1; "0x3B,0x3D" -> the two slots of an A/B pair
 * (iotls_store_write_ab / iotls_store_newest). False after a message. */
bool flash_parse_sector_pair(const char *arg, unsigned *a, long *b);

#endif
