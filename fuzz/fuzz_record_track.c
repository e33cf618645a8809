/* The record tracker reads every byte a peer sends before the engine does:
 * any stream, in any chunking, must be consumed without a crash, and the
 * result must not depend on how the bytes were split. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/record_track.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotls_record_track_t whole, split;
    iotls_record_track_init(&whole);
    iotls_record_track_init(&split);
    iotls_record_track_push(&whole, data, size);
    size_t cut = size ? data[0] % (size + 1) : 0;
    iotls_record_track_push(&split, data, cut);
    for (size_t i = cut; i < size; i++)
        iotls_record_track_push(&split, data + i, 1);
    if (whole.not_tls != split.not_tls || whole.records != split.records ||
        whole.hs_types_seen != split.hs_types_seen || whole.ccs_seen != split.ccs_seen)
        abort();
    char preview[20];
    iotls_record_track_preview(&whole, preview, sizeof preview);
    return 0;
}
