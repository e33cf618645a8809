/* NVS on a PC: entries (namespace, key, type, bytes) in memory, loaded
 * from and written back to $IOTLS_ESPIDF_NVS at nvs_commit (write to a
 * temporary file, then rename: a crash leaves the old or the new file).
 * Names follow NVS's limit of 15 characters. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvs_flash.h"

#define NVS_NAME_MAX 15
#define NVS_MAX_HANDLES 32
#define NVS_VALUE_MAX 4000

typedef enum { T_U8 = 1, T_I8, T_U16, T_I16, T_U32, T_I32, T_U64, T_I64, T_STR, T_BLOB } nvs_type_t;

typedef struct entry {
    char ns[NVS_NAME_MAX + 1];
    char key[NVS_NAME_MAX + 1];
    uint8_t type;
    uint16_t len;
    uint8_t *value;
    struct entry *next;
} entry_t;

typedef struct {
    bool open;
    bool writable;
    char ns[NVS_NAME_MAX + 1];
} handle_t;

static pthread_mutex_t nvs_lock = PTHREAD_MUTEX_INITIALIZER;
static bool initialized;
static entry_t *entries;
static handle_t handles[NVS_MAX_HANDLES + 1]; /* 0 is never a handle */

static void clear_all(void)
{
    while (entries != NULL) {
        entry_t *e = entries;
        entries = e->next;
        free(e->value);
        free(e);
    }
}

static entry_t *find(const char *ns, const char *key)
{
    for (entry_t *e = entries; e != NULL; e = e->next)
        if (strcmp(e->ns, ns) == 0 && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

static esp_err_t put(const char *ns, const char *key, uint8_t type, const void *v, size_t len)
{
    entry_t *e = find(ns, key);
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return ESP_ERR_NO_MEM;
    memcpy(copy, v, len);
    if (e == NULL) {
        e = calloc(1, sizeof *e);
        if (e == NULL) {
            free(copy);
            return ESP_ERR_NO_MEM;
        }
        snprintf(e->ns, sizeof e->ns, "%s", ns);
        snprintf(e->key, sizeof e->key, "%s", key);
        e->next = entries;
        entries = e;
    }
    free(e->value);
    e->value = copy;
    e->len = (uint16_t)len;
    e->type = type;
    return ESP_OK;
}

/* File: records of ns\0 key\0 type(1) len(2, little endian) bytes. */
static void load_file(void)
{
    const char *path = getenv("IOTLS_ESPIDF_NVS");
    FILE *f = path != NULL ? fopen(path, "rb") : NULL;
    if (f == NULL)
        return;
    char ns[NVS_NAME_MAX + 1], key[NVS_NAME_MAX + 1];
    uint8_t buf[NVS_VALUE_MAX];
    for (;;) {
        int c;
        size_t i = 0;
        while ((c = fgetc(f)) > 0 && i < NVS_NAME_MAX)
            ns[i++] = (char)c;
        ns[i] = '\0';
        if (c != 0)
            break;
        i = 0;
        while ((c = fgetc(f)) > 0 && i < NVS_NAME_MAX)
            key[i++] = (char)c;
        key[i] = '\0';
        uint8_t hdr[3];
        if (c != 0 || fread(hdr, 1, 3, f) != 3)
            break;
        size_t len = (size_t)hdr[1] | (size_t)hdr[2] << 8;
        if (len > sizeof buf || fread(buf, 1, len, f) != len)
            break;
        put(ns, key, hdr[0], buf, len);
    }
    fclose(f);
}

static esp_err_t save_file(void)
{
    const char *path = getenv("IOTLS_ESPIDF_NVS");
    if (path == NULL)
        return ESP_OK;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (f == NULL)
        return ESP_FAIL;
    bool ok = true;
    for (entry_t *e = entries; e != NULL && ok; e = e->next) {
        uint8_t hdr[3] = {e->type, (uint8_t)(e->len & 0xFF), (uint8_t)(e->len >> 8)};
        ok = fwrite(e->ns, 1, strlen(e->ns) + 1, f) == strlen(e->ns) + 1 &&
             fwrite(e->key, 1, strlen(e->key) + 1, f) == strlen(e->key) + 1 &&
             fwrite(hdr, 1, 3, f) == 3 && fwrite(e->value, 1, e->len, f) == e->len;
    }
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return ESP_FAIL;
    }
    return ESP_OK;
}

esp_err_t nvs_flash_init(void)
{
    pthread_mutex_lock(&nvs_lock);
    if (!initialized) {
        load_file();
        initialized = true;
    }
    pthread_mutex_unlock(&nvs_lock);
    return ESP_OK;
}

esp_err_t nvs_flash_deinit(void)
{
    pthread_mutex_lock(&nvs_lock);
    clear_all();
    memset(handles, 0, sizeof handles);
    initialized = false;
    pthread_mutex_unlock(&nvs_lock);
    return ESP_OK;
}

esp_err_t nvs_flash_erase(void)
{
    pthread_mutex_lock(&nvs_lock);
    clear_all();
    esp_err_t rc = save_file();
    pthread_mutex_unlock(&nvs_lock);
    return rc;
}

static bool name_ok(const char *s)
{
    return s != NULL && s[0] != '\0' && strlen(s) <= NVS_NAME_MAX;
}

esp_err_t nvs_open(const char *name, nvs_open_mode_t open_mode, nvs_handle_t *out_handle)
{
    if (out_handle == NULL)
        return ESP_ERR_INVALID_ARG;
    if (!name_ok(name))
        return ESP_ERR_NVS_INVALID_NAME;
    pthread_mutex_lock(&nvs_lock);
    esp_err_t rc = ESP_ERR_NVS_NOT_INITIALIZED;
    if (initialized) {
        rc = ESP_ERR_NO_MEM;
        for (nvs_handle_t h = 1; h <= NVS_MAX_HANDLES; h++)
            if (!handles[h].open) {
                handles[h].open = true;
                handles[h].writable = open_mode == NVS_READWRITE;
                snprintf(handles[h].ns, sizeof handles[h].ns, "%s", name);
                *out_handle = h;
                rc = ESP_OK;
                break;
            }
    }
    pthread_mutex_unlock(&nvs_lock);
    return rc;
}

void nvs_close(nvs_handle_t handle)
{
    pthread_mutex_lock(&nvs_lock);
    if (handle >= 1 && handle <= NVS_MAX_HANDLES)
        handles[handle].open = false;
    pthread_mutex_unlock(&nvs_lock);
}

static handle_t *handle_get(nvs_handle_t h)
{
    return h >= 1 && h <= NVS_MAX_HANDLES && handles[h].open ? &handles[h] : NULL;
}

esp_err_t nvs_commit(nvs_handle_t handle)
{
    pthread_mutex_lock(&nvs_lock);
    esp_err_t rc = handle_get(handle) ? save_file() : ESP_ERR_NVS_INVALID_HANDLE;
    pthread_mutex_unlock(&nvs_lock);
    return rc;
}

static esp_err_t set_value(nvs_handle_t handle, const char *key, uint8_t type, const void *v,
                           size_t len)
{
    if (!name_ok(key))
        return key != NULL && strlen(key) > NVS_NAME_MAX ? ESP_ERR_NVS_KEY_TOO_LONG
                                                         : ESP_ERR_NVS_INVALID_NAME;
    if (len > NVS_VALUE_MAX)
        return ESP_ERR_NVS_INVALID_LENGTH;
    pthread_mutex_lock(&nvs_lock);
    handle_t *h = handle_get(handle);
    esp_err_t rc = h == NULL      ? ESP_ERR_NVS_INVALID_HANDLE
                   : !h->writable ? ESP_ERR_NVS_READ_ONLY
                                  : put(h->ns, key, type, v, len);
    pthread_mutex_unlock(&nvs_lock);
    return rc;
}

/* Copies the value out; for strings and blobs *len is in/out as NVS's. */
static esp_err_t get_value(nvs_handle_t handle, const char *key, uint8_t type, void *out,
                           size_t *len)
{
    if (!name_ok(key))
        return ESP_ERR_NVS_INVALID_NAME;
    pthread_mutex_lock(&nvs_lock);
    esp_err_t rc = ESP_OK;
    handle_t *h = handle_get(handle);
    entry_t *e = h != NULL ? find(h->ns, key) : NULL;
    if (h == NULL)
        rc = ESP_ERR_NVS_INVALID_HANDLE;
    else if (e == NULL)
        rc = ESP_ERR_NVS_NOT_FOUND;
    else if (e->type != type)
        rc = ESP_ERR_NVS_TYPE_MISMATCH;
    else if (out == NULL)
        *len = e->len;
    else if (*len < e->len)
        rc = ESP_ERR_NVS_INVALID_LENGTH;
    else {
        memcpy(out, e->value, e->len);
        *len = e->len;
    }
    pthread_mutex_unlock(&nvs_lock);
    return rc;
}

#define NVS_INT(suffix, ctype, tag)                                                                \
    esp_err_t nvs_set_##suffix(nvs_handle_t handle, const char *key, ctype value)                  \
    {                                                                                              \
        return set_value(handle, key, tag, &value, sizeof value);                                  \
    }                                                                                              \
    esp_err_t nvs_get_##suffix(nvs_handle_t handle, const char *key, ctype *out_value)             \
    {                                                                                              \
        size_t len = sizeof *out_value;                                                            \
        return out_value ? get_value(handle, key, tag, out_value, &len) : ESP_ERR_INVALID_ARG;     \
    }

NVS_INT(u8, uint8_t, T_U8)
NVS_INT(i8, int8_t, T_I8)
NVS_INT(u16, uint16_t, T_U16)
NVS_INT(i16, int16_t, T_I16)
NVS_INT(u32, uint32_t, T_U32)
NVS_INT(i32, int32_t, T_I32)
NVS_INT(u64, uint64_t, T_U64)
NVS_INT(i64, int64_t, T_I64)

esp_err_t nvs_set_str(nvs_handle_t handle, const char *key, const char *value)
{
    return value ? set_value(handle, key, T_STR, value, strlen(value) + 1) : ESP_ERR_INVALID_ARG;
}

esp_err_t nvs_set_blob(nvs_handle_t handle, const char *key, const void *value, size_t length)
{
    return value || !length ? set_value(handle, key, T_BLOB, value, length) : ESP_ERR_INVALID_ARG;
}

esp_err_t nvs_get_str(nvs_handle_t handle, const char *key, char *out_value, size_t *length)
{
    return length ? get_value(handle, key, T_STR, out_value, length) : ESP_ERR_INVALID_ARG;
}

esp_err_t nvs_get_blob(nvs_handle_t handle, const char *key, void *out_value, size_t *length)
{
    return length ? get_value(handle, key, T_BLOB, out_value, length) : ESP_ERR_INVALID_ARG;
}

esp_err_t nvs_erase_key(nvs_handle_t handle, const char *key)
{
    pthread_mutex_lock(&nvs_lock);
    handle_t *h = handle_get(handle);
    esp_err_t rc = h == NULL ? ESP_ERR_NVS_INVALID_HANDLE : ESP_ERR_NVS_NOT_FOUND;
    for (entry_t **p = &entries; h != NULL && key != NULL && *p != NULL; p = &(*p)->next)
        if (strcmp((*p)->ns, h->ns) == 0 && strcmp((*p)->key, key) == 0) {
            entry_t *e = *p;
            *p = e->next;
            free(e->value);
            free(e);
            rc = ESP_OK;
            break;
        }
    pthread_mutex_unlock(&nvs_lock);
    return rc;
}

esp_err_t nvs_erase_all(nvs_handle_t handle)
{
    pthread_mutex_lock(&nvs_lock);
    handle_t *h = handle_get(handle);
    for (entry_t **p = &entries; h != NULL && *p != NULL;) {
        if (strcmp((*p)->ns, h->ns) == 0) {
            entry_t *e = *p;
            *p = e->next;
            free(e->value);
            free(e);
        } else {
            p = &(*p)->next;
        }
    }
    pthread_mutex_unlock(&nvs_lock);
    return h != NULL ? ESP_OK : ESP_ERR_NVS_INVALID_HANDLE;
}
