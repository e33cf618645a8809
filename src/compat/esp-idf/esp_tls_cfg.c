/* esp_tls_cfg_t -> iotls connection configuration. The trust source
 * follows esp-tls's precedence (certificate bundle, global CA store, CA
 * buffer, saved session); a configuration with none fails, as esp-tls does
 * unless built insecure — iotls has no insecure build. */
#include <stdio.h>
#include <string.h>

#include "compat/esp-idf/esp_tls_internal.h"
#include "esp_log.h"

/* Record size: small records with max_fragment_length; a server that
 * ignores it gets one reconnect with full-size buffers (iotls MFL policy). */
#ifndef CONFIG_IOTLS_ESP_TLS_BUFFER_SIZE
#define CONFIG_IOTLS_ESP_TLS_BUFFER_SIZE 4096
#endif

static void espt_log(void *ctx, const char *line)
{
    ESP_LOGW("esp-tls", "%s", line);
}

static esp_err_t refuse(esp_tls_t *tls, esp_err_t code, iotls_err_t why, const char *text)
{
    return espt_fail_text(tls, code, ESPT_MBEDTLS_SSL_BAD_INPUT_DATA, ESP_TLS_ERR_TYPE_ESP, why,
                          "%s", text);
}

static bool is_pem(const unsigned char *buf, unsigned len)
{
    return len >= 10 && memmem(buf, len, "-----BEGIN", 10) != NULL;
}

static esp_err_t hardware_fields(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    const char *field = cfg->ds_data                ? "ds_data (digital signature peripheral)"
                        : cfg->use_secure_element   ? "use_secure_element (ATECC608A)"
                        : cfg->use_ecdsa_peripheral ? "use_ecdsa_peripheral (eFuse ECDSA key)"
                                                    : NULL;
    if (field == NULL)
        return ESP_OK;
    char text[200];
    snprintf(text, sizeof text,
             "%s is ESP32 hardware that this host does not have: give the key in "
             "clientkey_buf instead",
             field);
    return refuse(tls, ESP_ERR_ESP_TLS_SE_FAILED, IOTLS_ERR_CONFIG, text);
}

static esp_err_t unsupported_fields(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    if (cfg->tls_version == ESP_TLS_VER_TLS_1_3)
        return refuse(tls, ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED, IOTLS_ERR_CONFIG,
                      "tls_version ESP_TLS_VER_TLS_1_3: iotls speaks TLS 1.2 only (BearSSL 0.6)");
    if (cfg->psk_hint_key != NULL)
        return refuse(tls, ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED, IOTLS_ERR_CONFIG,
                      "psk_hint_key: pre-shared-key suites are not supported (BearSSL 0.6 has "
                      "none); use certificates");
    if (cfg->if_name != NULL)
        return refuse(tls, ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED, IOTLS_ERR_CONFIG,
                      "if_name: binding to a network interface is not supported on this host");
    if (cfg->clientkey_password != NULL && cfg->clientkey_password_len > 0)
        return refuse(tls, ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED, IOTLS_ERR_BAD_KEY,
                      "clientkey_password: encrypted private keys are not supported; store the "
                      "key unencrypted in protected flash (openssl pkey -in key.pem -out "
                      "plain.pem)");
    return ESP_OK;
}

static esp_err_t add_ca_buffer(esp_tls_t *tls, const unsigned char *buf, unsigned len)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    tls->own_trust = iotls_trust_new();
    if (tls->own_trust == NULL)
        return refuse(tls, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED, IOTLS_ERR_NO_MEMORY, "out of memory");
    int n = is_pem(buf, len) ? iotls_trust_add_pem(tls->own_trust, buf, len, &err)
                             : iotls_trust_add_der(tls->own_trust, buf, len, &err);
    if (n < 0) {
        iotls_error_append(&err, " (in cacert_buf)");
        return espt_fail_iotls(tls, &err);
    }
    return ESP_OK;
}

static esp_err_t choose_trust(esp_tls_t *tls, const esp_tls_cfg_t *cfg, iotls_conn_config_t *cc)
{
    if (cfg->crt_bundle_attach != NULL) {
        const iotls_trust_t *bundle = NULL;
        esp_err_t rc = cfg->crt_bundle_attach(&bundle);
        if (rc != ESP_OK || bundle == NULL)
            return refuse(tls, rc != ESP_OK ? rc : ESP_ERR_MBEDTLS_SSL_SETUP_FAILED,
                          IOTLS_ERR_NO_TRUST, "crt_bundle_attach gave no certificate bundle");
        cc->tls.trust = bundle;
    } else if (cfg->use_global_ca_store) {
        cc->tls.trust = espt_global_trust();
        if (cc->tls.trust == NULL)
            return refuse(tls, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED, IOTLS_ERR_NO_TRUST,
                          "use_global_ca_store is set but the global CA store is empty "
                          "(esp_tls_set_global_ca_store)");
    } else if (cfg->cacert_buf != NULL) {
        if (cfg->cacert_bytes == 0)
            return refuse(tls, ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED, IOTLS_ERR_BAD_PEM,
                          "cacert_buf is set but cacert_bytes is 0");
        esp_err_t rc = add_ca_buffer(tls, cfg->cacert_buf, cfg->cacert_bytes);
        if (rc != ESP_OK)
            return rc;
        cc->tls.trust = tls->own_trust;
    } else if (cfg->client_session != NULL && cfg->client_session->len > 0) {
        /* Resumption needs no certificate; should the server insist on a
         * full handshake, only the server the session was made with (its
         * recorded leaf certificate) is accepted. */
        cc->tls.pins = &tls->session_pin;
        cc->tls.pin_count = 1;
    } else {
        return refuse(tls, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED, IOTLS_ERR_NO_TRUST,
                      "No server verification option set in esp_tls_cfg_t: give cacert_buf, "
                      "use_global_ca_store, crt_bundle_attach or client_session (iotls does "
                      "not connect unverified)");
    }
    return ESP_OK;
}

static esp_err_t client_identity(esp_tls_t *tls, const esp_tls_cfg_t *cfg, iotls_conn_config_t *cc)
{
    if (cfg->clientcert_buf == NULL && cfg->clientkey_buf == NULL)
        return ESP_OK;
    if (cfg->clientcert_buf == NULL || cfg->clientkey_buf == NULL)
        return refuse(tls, ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED, IOTLS_ERR_NO_CREDENTIALS,
                      "a client certificate needs both clientcert_buf and clientkey_buf");
    iotls_error_t err;
    iotls_error_clear(&err);
    tls->creds = iotls_creds_new();
    if (tls->creds == NULL)
        return refuse(tls, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED, IOTLS_ERR_NO_MEMORY, "out of memory");
    if (iotls_creds_set(tls->creds, cfg->clientcert_buf, cfg->clientcert_bytes, cfg->clientkey_buf,
                        cfg->clientkey_bytes, &err) != 0) {
        iotls_error_append(&err, " (clientcert_buf / clientkey_buf)");
        return espt_fail_iotls(tls, &err);
    }
    cc->tls.creds = tls->creds;
    return ESP_OK;
}

static esp_err_t protocols(esp_tls_t *tls, const esp_tls_cfg_t *cfg, iotls_conn_config_t *cc)
{
    size_t used = 0, n = 0;
    for (const char **p = cfg->alpn_protos; p != NULL && *p != NULL; p++) {
        size_t len = strlen(*p) + 1;
        if (n == ESPT_MAX_ALPN || used + len > sizeof tls->alpn_text)
            return refuse(tls, ESP_ERR_MBEDTLS_SSL_CONF_ALPN_PROTOCOLS_FAILED,
                          IOTLS_ERR_BAD_ARGUMENT, "alpn_protos: too many or too long names");
        memcpy(tls->alpn_text + used, *p, len);
        tls->alpn[n++] = tls->alpn_text + used;
        used += len;
    }
    cc->tls.alpn = n ? tls->alpn : NULL;
    cc->tls.alpn_count = n;
    /* The leaf's fingerprint pins a saved session to its server
     * (esp_tls_conn.c, esp_tls_session.c). */
    cc->tls.report_peer_identity = true;

    n = 0;
    for (const int *s = cfg->ciphersuites_list; s != NULL && *s != 0; s++) {
        if (n == ESPT_MAX_SUITES || *s < 0 || *s > 0xFFFF)
            return refuse(tls, ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED, IOTLS_ERR_BAD_ARGUMENT,
                          "ciphersuites_list: more than 32 entries or a number that is not a "
                          "cipher suite");
        tls->suites[n++] = (uint16_t)*s;
    }
    cc->tls.suites = n ? tls->suites : NULL;
    cc->tls.suite_count = n;
    return ESP_OK;
}

esp_err_t espt_config_build(esp_tls_t *tls, const esp_tls_cfg_t *cfg, iotls_conn_config_t *cc)
{
    iotls_conn_config_init(cc);
    cc->tls.buffer_size = CONFIG_IOTLS_ESP_TLS_BUFFER_SIZE;
    cc->mfl_policy = IOTLS_MFL_RETRY_FULL;
    cc->connect_timeout_ms = (uint32_t)tls->timeout_ms;
    cc->handshake_timeout_ms = (uint32_t)tls->timeout_ms;
    cc->tls.log = espt_log;
    esp_err_t rc = hardware_fields(tls, cfg);
    if (rc == ESP_OK)
        rc = unsupported_fields(tls, cfg);
    if (rc == ESP_OK)
        rc = choose_trust(tls, cfg, cc);
    if (rc == ESP_OK)
        rc = client_identity(tls, cfg, cc);
    if (rc == ESP_OK)
        rc = protocols(tls, cfg, cc);
    if (rc != ESP_OK)
        return rc;
    if (cfg->client_session != NULL && cfg->client_session->len > 0 &&
        cfg->client_session->len <= sizeof tls->resume) {
        memcpy(tls->resume, cfg->client_session->data, cfg->client_session->len);
        cc->tls.resume = tls->resume;
        cc->tls.resume_len = cfg->client_session->len;
        tls->session_pin.kind = IOTLS_PIN_CERT_SHA256;
        memcpy(tls->session_pin.sha256, cfg->client_session->peer_sha256, 32);
    }
    cc->tls.no_name_check = cfg->skip_common_name;
    return ESP_OK;
}
