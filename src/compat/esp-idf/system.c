/* esp_system.h on a PC. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "esp_log.h"
#include "esp_system.h"

void esp_restart(void)
{
    ESP_LOGI("system", "esp_restart() called: the program ends here (a chip would reboot)");
    fflush(stdout);
    exit(0);
}

esp_reset_reason_t esp_reset_reason(void)
{
    return ESP_RST_POWERON;
}

/* The process's free heap as glibc sees it: what was freed back to the
 * allocator but not to the OS. A PC has no fixed heap; this is for logs. */
uint32_t esp_get_free_heap_size(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (uint32_t)(mi.fordblks > UINT32_MAX ? UINT32_MAX : mi.fordblks);
}

uint32_t esp_get_free_internal_heap_size(void)
{
    return esp_get_free_heap_size();
}

uint32_t esp_get_minimum_free_heap_size(void)
{
    return esp_get_free_heap_size();
}

void esp_fill_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n <= 0) {
            fprintf(stderr, "esp_fill_random: the OS gave no random bytes\n");
            abort(); /* never hand out predictable "random" bytes */
        }
        p += n;
        len -= (size_t)n;
    }
}

uint32_t esp_random(void)
{
    uint32_t v;
    esp_fill_random(&v, sizeof v);
    return v;
}

const char *esp_get_idf_version(void)
{
    return "v5.1-iotls-host";
}
