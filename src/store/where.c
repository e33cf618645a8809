/* Every store error text starts by naming the place, so a device log line
 * says which sector to re-provision. */
#include <stdio.h>

#include "store/store_internal.h"

store_where_t store_where(int sector)
{
    store_where_t w;
    if (sector < 0)
        snprintf(w.s, sizeof w.s, "blob");
    else
        snprintf(w.s, sizeof w.s, "sector 0x%02X", (unsigned)sector);
    return w;
}
