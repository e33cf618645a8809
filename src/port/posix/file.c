/* POSIX port: whole-file reads for the loaders (iotls_file_read, trust.h);
 * device builds have no files and leave this out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "iotls/trust.h"

uint8_t *iotls_file_read(const char *path, size_t *len, iotls_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        iotls_error_set(err, IOTLS_ERR_FILE, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        iotls_error_set(err, IOTLS_ERR_FILE, "'%s' is a directory, not a file", path);
        return NULL;
    }
    size_t cap = 4096, used = 0;
    uint8_t *buf = malloc(cap + 1);
    while (buf) {
        size_t n = fread(buf + used, 1, cap - used, f);
        used += n;
        if (used < cap)
            break;
        if (cap >= (16u << 20) && fgetc(f) == EOF && !ferror(f))
            break; /* exactly 16 MiB: allowed */
        /* Certificates and keys are small; 16 MiB stops a wrong path (a
         * device node, a huge log) from eating the heap. */
        if (cap >= (16u << 20)) {
            free(buf);
            fclose(f);
            iotls_error_set(err, IOTLS_ERR_FILE, "'%s' is larger than 16 MiB", path);
            return NULL;
        }
        uint8_t *bigger = realloc(buf, cap * 2 + 1);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int read_error = ferror(f) ? errno : 0;
    fclose(f);
    if (!buf) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory reading '%s'", path);
        return NULL;
    }
    if (read_error) {
        free(buf);
        iotls_error_set(err, IOTLS_ERR_FILE, "error reading '%s': %s", path, strerror(read_error));
        return NULL;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}
