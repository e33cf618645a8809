/* The process-wide trust of esp-tls: the global CA store and the
 * certificate bundle. FreeRTOS tasks are threads here, so both are
 * guarded; they are loaded once and read-only afterwards, as
 * iotls/trust.h requires while sessions use them. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compat/esp-idf/esp_tls_internal.h"
#include "esp_crt_bundle.h"
#include "esp_log.h"

static pthread_mutex_t trust_lock = PTHREAD_MUTEX_INITIALIZER;
static iotls_trust_t *global_store;
static iotls_trust_t *bundle;

esp_err_t esp_tls_init_global_ca_store(void)
{
    pthread_mutex_lock(&trust_lock);
    if (global_store == NULL)
        global_store = iotls_trust_new();
    esp_err_t rc = global_store != NULL ? ESP_OK : ESP_ERR_NO_MEM;
    pthread_mutex_unlock(&trust_lock);
    return rc;
}

esp_err_t esp_tls_set_global_ca_store(const unsigned char *cacert_pem_buf,
                                      const unsigned int cacert_pem_bytes)
{
    if (cacert_pem_buf == NULL || cacert_pem_bytes == 0) {
        ESP_LOGE("esp-tls", "esp_tls_set_global_ca_store: no certificates given");
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t rc = esp_tls_init_global_ca_store();
    if (rc != ESP_OK)
        return rc;
    iotls_error_t err;
    iotls_error_clear(&err);
    pthread_mutex_lock(&trust_lock);
    int n = iotls_trust_add_pem(global_store, cacert_pem_buf, cacert_pem_bytes, &err);
    pthread_mutex_unlock(&trust_lock);
    if (n < 0) {
        ESP_LOGE("esp-tls", "esp_tls_set_global_ca_store: %s", err.text);
        return ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED;
    }
    return ESP_OK;
}

void esp_tls_free_global_ca_store(void)
{
    pthread_mutex_lock(&trust_lock);
    iotls_trust_free(global_store);
    global_store = NULL;
    pthread_mutex_unlock(&trust_lock);
}

const iotls_trust_t *espt_global_trust(void)
{
    pthread_mutex_lock(&trust_lock);
    const iotls_trust_t *t =
        global_store != NULL && iotls_trust_count(global_store) > 0 ? global_store : NULL;
    pthread_mutex_unlock(&trust_lock);
    return t;
}

/* The bundle: $IOTLS_CRT_BUNDLE (a PEM file), else the system's CA store. */
const iotls_trust_t *espt_bundle_trust(iotls_error_t *err)
{
    pthread_mutex_lock(&trust_lock);
    if (bundle == NULL) {
        const char *path = getenv("IOTLS_CRT_BUNDLE");
        if (path == NULL || path[0] == '\0')
            path = "/etc/ssl/certs/ca-certificates.crt";
        iotls_trust_t *t = iotls_trust_new();
        if (t != NULL && iotls_trust_load_file(t, path, err) > 0)
            bundle = t;
        else
            iotls_trust_free(t);
    }
    const iotls_trust_t *b = bundle;
    pthread_mutex_unlock(&trust_lock);
    return b;
}

esp_err_t esp_crt_bundle_attach(void *conf)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    const iotls_trust_t *b = espt_bundle_trust(&err);
    if (b == NULL) {
        ESP_LOGE("esp-tls", "certificate bundle: %s", err.text[0] ? err.text : "out of memory");
        return ESP_ERR_INVALID_STATE;
    }
    if (conf != NULL)
        *(const iotls_trust_t **)conf = b;
    return ESP_OK;
}

void esp_crt_bundle_detach(void *conf)
{
    if (conf != NULL)
        *(const iotls_trust_t **)conf = NULL;
}
