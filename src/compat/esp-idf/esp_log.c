/* ESP_LOGx on a PC: lines on stdout, unbuffered per line, per-tag levels. */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esp_log.h"

#define TAG_LEVELS 32

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char tag[32];
    esp_log_level_t level;
} tag_levels[TAG_LEVELS];
static esp_log_level_t default_level = (esp_log_level_t)-1;

static esp_log_level_t initial_level(void)
{
    const char *env = getenv("IOTLS_ESPIDF_LOG_LEVEL");
    if (env != NULL && env[0] >= '0' && env[0] <= '5' && env[1] == '\0')
        return (esp_log_level_t)(env[0] - '0');
    return (esp_log_level_t)CONFIG_LOG_DEFAULT_LEVEL;
}

void esp_log_level_set(const char *tag, esp_log_level_t level)
{
    pthread_mutex_lock(&log_lock);
    if (tag == NULL || strcmp(tag, "*") == 0) {
        default_level = level;
        memset(tag_levels, 0, sizeof tag_levels);
    } else {
        for (int i = 0; i < TAG_LEVELS; i++)
            if (tag_levels[i].tag[0] == '\0' || strcmp(tag_levels[i].tag, tag) == 0) {
                snprintf(tag_levels[i].tag, sizeof tag_levels[i].tag, "%s", tag);
                tag_levels[i].level = level;
                break;
            }
    }
    pthread_mutex_unlock(&log_lock);
}

esp_log_level_t esp_log_level_get(const char *tag)
{
    pthread_mutex_lock(&log_lock);
    if ((int)default_level < 0)
        default_level = initial_level();
    esp_log_level_t level = default_level;
    for (int i = 0; tag != NULL && i < TAG_LEVELS && tag_levels[i].tag[0]; i++)
        if (strcmp(tag_levels[i].tag, tag) == 0)
            level = tag_levels[i].level;
    pthread_mutex_unlock(&log_lock);
    return level;
}

static struct timespec log_start;

static void mark_start(void)
{
    clock_gettime(CLOCK_MONOTONIC, &log_start);
}

uint32_t esp_log_timestamp(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, mark_start);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const struct timespec start = log_start;
    return (uint32_t)((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
}

void esp_log_write(esp_log_level_t level, const char *tag, const char *format, ...)
{
    if (level > esp_log_level_get(tag))
        return;
    va_list ap;
    va_start(ap, format);
    pthread_mutex_lock(&log_lock);
    vfprintf(stdout, format, ap);
    fflush(stdout); /* the chip's UART loses nothing when the program is stopped */
    pthread_mutex_unlock(&log_lock);
    va_end(ap);
}

static void dump(const char *tag, const uint8_t *p, uint16_t len, esp_log_level_t level, bool chars,
                 bool hexdump)
{
    for (uint16_t off = 0; off < len; off += 16) {
        char line[128];
        size_t n = 0;
        if (hexdump)
            n += (size_t)snprintf(line + n, sizeof line - n, "%p: ", (const void *)(p + off));
        for (uint16_t i = off; i < off + 16 && i < len; i++)
            n += (size_t)snprintf(line + n, sizeof line - n, chars ? "%c" : "%02x ",
                                  chars ? (isprint(p[i]) ? p[i] : '.') : p[i]);
        esp_log_write(level, tag, "%s: %s\n", tag, line);
    }
}

void esp_log_buffer_hex_internal(const char *tag, const void *buffer, uint16_t buff_len,
                                 esp_log_level_t level)
{
    dump(tag, buffer, buff_len, level, false, false);
}

void esp_log_buffer_char_internal(const char *tag, const void *buffer, uint16_t buff_len,
                                  esp_log_level_t level)
{
    dump(tag, buffer, buff_len, level, true, false);
}

void esp_log_buffer_hexdump_internal(const char *tag, const void *buffer, uint16_t buff_len,
                                     esp_log_level_t level)
{
    dump(tag, buffer, buff_len, level, false, true);
}
