/* Saved client sessions (esp_tls_get_client_session) and the suites list. */
#include <stdlib.h>
#include <string.h>

#include "compat/esp-idf/esp_tls_internal.h"

esp_tls_client_session_t *esp_tls_get_client_session(esp_tls_t *tls)
{
    if (tls == NULL || tls->state != ESP_TLS_DONE || tls->saved_len == 0 ||
        tls->saved_len > sizeof((esp_tls_client_session_t *)0)->data)
        return NULL;
    esp_tls_client_session_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    memcpy(s->data, tls->saved, tls->saved_len);
    s->len = tls->saved_len;
    memcpy(s->peer_sha256, tls->peer_sha256, sizeof s->peer_sha256);
    return s;
}

void esp_tls_free_client_session(esp_tls_client_session_t *client_session)
{
    if (client_session != NULL) {
        memset(client_session, 0, sizeof *client_session); /* holds a master secret */
        free(client_session);
    }
}

/* The suites iotls offers by default (ECDHE only, AEAD first); others
 * BearSSL knows can still be named in ciphersuites_list. */
const int *esp_tls_get_ciphersuites_list(void)
{
    static const int suites[] = {
        0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0xC02C, 0xC030, 0xC023, 0xC027, 0xC024, 0xC028, 0,
    };
    return suites;
}
