/* Manual 4.1-4.6, 4.8, 4.9: what an SSL client or server uses, set before
 * espconn_secure_connect / _accept. Flash sectors are read when enabled, so
 * a missing or damaged blob is reported by the call that names it. */
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

static const char *role_name(int r)
{
    return r == ESPC_CLIENT ? "client" : "server";
}

/* Roles of `level`, or 0 when the level is bad or a role is locked (every
 * role is checked first: a 0x03 call changes both levels or neither). */
static unsigned roles_unlocked(const char *fn, uint8 level)
{
    unsigned roles = espc_level_roles(fn, level);
    for (int r = 0; r < 2; r++)
        if ((roles & (1u << r)) && espc_role_locked(fn, (espc_role_t)r))
            return 0;
    return roles;
}

bool espconn_secure_ca_enable(uint8 level, uint32 flash_sector)
{
    const char *fn = "espconn_secure_ca_enable";
    unsigned roles = roles_unlocked(fn, level);
    if (roles == 0)
        return false;
    iotls_flash_t *flash = espc_flash();
    if (flash == NULL) {
        espc_log("%s: cannot read sector 0x%X", fn, (unsigned)flash_sector);
        return false;
    }
    iotls_trust_t *loaded[2] = {NULL, NULL};
    for (int r = 0; r < 2; r++) {
        if (!(roles & (1u << r)))
            continue;
        iotls_error_t err;
        iotls_error_clear(&err);
        loaded[r] = iotls_trust_new();
        int n = -1;
        if (loaded[r] == NULL)
            iotls_error_set(&err, IOTLS_ERR_NO_MEMORY, "out of memory");
        else
            n = iotls_store_load_trust(flash, flash_sector, loaded[r], &err);
        if (n <= 0) {
            espc_log("%s(0x%02X, 0x%X): no CA certificates loaded (esp_ca_cert.bin or an "
                     "iotls CA blob expected at 0x%X): %s",
                     fn, level, (unsigned)flash_sector, (unsigned)flash_sector * 4096u, err.text);
            iotls_trust_free(loaded[0]);
            iotls_trust_free(loaded[1]);
            return false;
        }
    }
    for (int r = 0; r < 2; r++) {
        if (!(roles & (1u << r)))
            continue;
        espc_level_t *lv = &espc.level[r];
        iotls_trust_free(lv->trust);
        lv->trust = loaded[r];
        lv->ca_enabled = true;
        lv->ca_sector = flash_sector;
        espc_log("%s: SSL %s %s against %zu CA certificate(s) from sector 0x%X", fn, role_name(r),
                 r == ESPC_CLIENT ? "verifies the server" : "requires client certificates verified",
                 iotls_trust_count(lv->trust), (unsigned)flash_sector);
    }
    return true;
}

bool espconn_secure_ca_disable(uint8 level)
{
    unsigned roles = roles_unlocked("espconn_secure_ca_disable", level);
    if (roles == 0)
        return false;
    for (int r = 0; r < 2; r++) {
        if (!(roles & (1u << r)))
            continue;
        espc_level_t *lv = &espc.level[r];
        iotls_trust_free(lv->trust);
        lv->trust = NULL;
        lv->ca_enabled = false;
    }
    return true;
}

/* The manual: "level can only be set as 0x01". */
static bool client_level_only(const char *fn, uint8 level)
{
    if (espc_level_roles(fn, level) == 0)
        return false;
    if (level != 0x01) {
        espc_log("%s: level 0x%02X: only 0x01 (SSL client) is allowed; a server's own "
                 "certificate is set with espconn_secure_set_default_certificate/_private_key",
                 fn, level);
        return false;
    }
    return !espc_role_locked(fn, ESPC_CLIENT);
}

bool espconn_secure_cert_req_enable(uint8 level, uint32 flash_sector)
{
    const char *fn = "espconn_secure_cert_req_enable";
    if (!client_level_only(fn, level))
        return false;
    iotls_flash_t *flash = espc_flash();
    if (flash == NULL) {
        espc_log("%s: cannot read sector 0x%X", fn, (unsigned)flash_sector);
        return false;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_creds_t *creds = iotls_creds_new();
    if (creds == NULL || iotls_store_load_creds(flash, flash_sector, creds, &err) < 0) {
        if (creds == NULL)
            iotls_error_set(&err, IOTLS_ERR_NO_MEMORY, "out of memory");
        espc_log("%s(0x01, 0x%X): no client certificate + key loaded "
                 "(esp_cert_private_key.bin or an iotls credentials blob expected at 0x%X): %s",
                 fn, (unsigned)flash_sector, (unsigned)flash_sector * 4096u, err.text);
        iotls_creds_free(creds);
        return false;
    }
    espc_level_t *lv = &espc.level[ESPC_CLIENT];
    iotls_creds_free(lv->creds);
    lv->creds = creds;
    lv->cert_enabled = true;
    lv->cert_sector = flash_sector;
    return true;
}

bool espconn_secure_cert_req_disable(uint8 level)
{
    if (!client_level_only("espconn_secure_cert_req_disable", level))
        return false;
    espc_level_t *lv = &espc.level[ESPC_CLIENT];
    iotls_creds_free(lv->creds);
    lv->creds = NULL;
    lv->cert_enabled = false;
    return true;
}

/* ---- server certificate and key (4.5, 4.6) ------------------------------ */

static bool is_pem(const uint8_t *p, size_t n)
{
    return n >= 11 && memcmp(p, "-----BEGIN ", 11) == 0;
}

/* With both halves present, build the server credentials (a key that does
 * not belong to the certificate is refused here, not at the handshake). */
static bool server_creds_rebuild(const char *fn)
{
    espc_level_t *lv = &espc.level[ESPC_SERVER];
    if (espc.srv_cert == NULL || espc.srv_key == NULL)
        return true;
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_creds_t *creds = iotls_creds_new();
    if (creds == NULL || iotls_creds_set(creds, espc.srv_cert, espc.srv_cert_len, espc.srv_key,
                                         espc.srv_key_len, &err) < 0) {
        espc_log("%s: certificate and private key do not make credentials: %s", fn,
                 creds ? err.text : "out of memory");
        iotls_creds_free(creds);
        return false;
    }
    iotls_creds_free(lv->creds);
    lv->creds = creds;
    return true;
}

static bool set_server_part(const char *fn, const char *what, uint8_t **slot, size_t *slot_len,
                            const uint8_t *data, uint16_t len)
{
    espc_level_roles(fn, 0x02); /* initialises defaults */
    if (espc_role_locked(fn, ESPC_SERVER))
        return false;
    if (data == NULL || len == 0) {
        espc_log("%s: no %s given (pointer %s, length %u)", fn, what, data ? "set" : "NULL",
                 (unsigned)len);
        return false;
    }
    if (!is_pem(data, len) && data[0] != 0x30) {
        espc_log("%s: the %u bytes are neither DER (starts 0x30) nor PEM: not a %s", fn,
                 (unsigned)len, what);
        return false;
    }
    if (slot == &espc.srv_cert) {
        /* Decode the certificate now, on its own, so a bad one is named here. */
        iotls_trust_t *probe = iotls_trust_new();
        iotls_error_t err;
        iotls_error_clear(&err);
        int ok = probe && (is_pem(data, len) ? iotls_trust_add_pem(probe, data, len, &err)
                                             : iotls_trust_add_der(probe, data, len, &err)) > 0;
        iotls_trust_free(probe);
        if (!ok) {
            espc_log("%s: not a usable certificate: %s", fn, err.text);
            return false;
        }
    }
    /* PEM parsers want a terminating NUL after the text. */
    uint8_t *copy = malloc((size_t)len + 1);
    if (copy == NULL) {
        espc_log("%s: out of memory", fn);
        return false;
    }
    memcpy(copy, data, len);
    copy[len] = 0;
    uint8_t *old = *slot;
    size_t old_len = *slot_len;
    *slot = copy;
    *slot_len = len;
    if (!server_creds_rebuild(fn)) {
        *slot = old;
        *slot_len = old_len;
        free(copy);
        return false;
    }
    free(old);
    return true;
}

bool espconn_secure_set_default_certificate(const uint8_t *certificate, uint16_t length)
{
    return set_server_part("espconn_secure_set_default_certificate", "certificate", &espc.srv_cert,
                           &espc.srv_cert_len, certificate, length);
}

bool espconn_secure_set_default_private_key(const uint8_t *key, uint16_t length)
{
    return set_server_part("espconn_secure_set_default_private_key", "private key", &espc.srv_key,
                           &espc.srv_key_len, key, length);
}

/* ---- buffer size (4.8, 4.9) ---------------------------------------------- */

bool espconn_secure_set_size(uint8 level, uint16 size)
{
    const char *fn = "espconn_secure_set_size";
    unsigned roles = espc_level_roles(fn, level);
    if (roles == 0)
        return false;
    if (size < 1 || size > ESPC_SIZE_MAX) {
        espc_log("%s: size %u is outside the documented range 1..%u", fn, (unsigned)size,
                 ESPC_SIZE_MAX);
        return false;
    }
    roles = roles_unlocked(fn, level);
    if (roles == 0)
        return false;
    for (int r = 0; r < 2; r++)
        if (roles & (1u << r))
            espc.level[r].size = size;
    size_t eff = iotls_buffer_effective(size);
    if (eff != size)
        espc_log("%s: %u bytes set; TLS records use %zu (the next size TLS can negotiate)", fn,
                 (unsigned)size, eff);
    return true;
}

sint16 espconn_secure_get_size(uint8 level)
{
    const char *fn = "espconn_secure_get_size";
    unsigned roles = espc_level_roles(fn, level);
    if (roles == 0)
        return ESPCONN_ARG;
    if (roles == 3 && espc.level[0].size != espc.level[1].size) {
        espc_log("%s(0x03): the client (%u) and server (%u) sizes differ; ask 0x01 or 0x02", fn,
                 (unsigned)espc.level[0].size, (unsigned)espc.level[1].size);
        return ESPCONN_ARG;
    }
    return (sint16)espc.level[roles == 2 ? ESPC_SERVER : ESPC_CLIENT].size;
}
