/* Sizes, defaults and configuration checks of sessions. */
#include <string.h>

#include "iotls/port.h"
#include "tls/bearssl/br_session.h"

size_t iotls_buffer_effective(size_t requested)
{
    if (requested == 0 || requested > 4096)
        return IOTLS_BUFFER_MAX;
    size_t p = IOTLS_BUFFER_MIN;
    while (p < requested)
        p *= 2;
    return p;
}

static bool config_valid(const iotls_config_t *cfg)
{
    return cfg && (cfg->role == IOTLS_ROLE_CLIENT || cfg->role == IOTLS_ROLE_SERVER) &&
           (cfg->buffer_size == 0 ||
            (cfg->buffer_size >= IOTLS_BUFFER_MIN && cfg->buffer_size <= IOTLS_BUFFER_MAX)) &&
           cfg->chain_reorder_bytes <= IOTLS_CHAIN_REORDER_MAX;
}

/* Clients check server certificates; servers only when they ask for
 * client certificates. */
bool iotls_br_needs_x509(const iotls_config_t *cfg)
{
    return cfg->role == IOTLS_ROLE_CLIENT || cfg->client_auth != IOTLS_CLIENT_AUTH_NONE;
}

size_t iotls_br_input_len(size_t payload)
{
    return payload + INPUT_OVERHEAD;
}

size_t iotls_br_output_len(const iotls_config_t *cfg, size_t payload)
{
    return cfg->half_duplex ? 0 : payload + OUTPUT_OVERHEAD;
}

/* Everything placed before the tail fits PART_ALIGN (br_session.h). */
_Static_assert(alignof(struct iotls_session) <= PART_ALIGN &&
                   alignof(iotls_br_peer_names_t) <= PART_ALIGN &&
                   alignof(iotls_br_server_t) <= PART_ALIGN &&
                   alignof(br_ssl_client_context) <= PART_ALIGN &&
                   alignof(br_ssl_server_context) <= PART_ALIGN &&
                   alignof(iotls_br_ws_part_t) <= PART_ALIGN,
               "a part of the session block needs more than PART_ALIGN");

size_t iotls_br_head_size(const iotls_config_t *cfg)
{
    size_t n = PART_UP(sizeof(struct iotls_session));
    if (cfg->report_peer_identity)
        n += PART_UP(sizeof(iotls_br_peer_names_t));
    n += PART_UP(cfg->role == IOTLS_ROLE_CLIENT ? IOTLS_BR_CLIENT_PART(cfg)
                                                : sizeof(iotls_br_server_t));
    return n;
}

size_t iotls_br_tail_size(const iotls_config_t *cfg)
{
    if (!iotls_br_needs_x509(cfg))
        return 0;
    return ALIGN_UP(sizeof(iotls_br_x509_t) + iotls_br_x509_extra(cfg)) +
           ALIGN_UP(cfg->chain_reorder_bytes);
}

size_t iotls_session_size(const iotls_config_t *cfg)
{
    if (!config_valid(cfg))
        return 0;
    size_t payload = iotls_buffer_effective(cfg->buffer_size);
    size_t n = iotls_br_head_size(cfg) + PART_UP(iotls_br_context_size(cfg->role));
    if (!cfg->workspace) /* otherwise the record buffers are the workspace's */
        n += PART_UP(iotls_br_input_len(payload) + iotls_br_output_len(cfg, payload));
    else /* and the session keeps its part of the workspace there */
        n += PART_UP(sizeof(iotls_br_ws_part_t));
    n = ALIGN_UP(n);
    /* Last, so that it is the block's tail: free once the handshake is done
     * (iotls_session_spare). */
    n += iotls_br_tail_size(cfg);
    /* Slack to align a caller block that is not max_align_t aligned. */
    return n + alignof(max_align_t);
}

size_t iotls_br_context_size(iotls_role_t role)
{
    return role == IOTLS_ROLE_CLIENT ? sizeof(br_ssl_client_context)
                                     : sizeof(br_ssl_server_context);
}

void iotls_config_init(iotls_config_t *cfg, iotls_role_t role)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->role = role;
    cfg->buffer_size = IOTLS_BUFFER_MAX;
}

void iotls_br_log(void (*log)(void *log_ctx, const char *line), void *log_ctx, const char *line)
{
    if (log)
        log(log_ctx, line);
    else
        iotls_port_log(line);
}

int iotls_br_resolve_time(iotls_config_t *cfg, const char **check_name, iotls_error_t *err)
{
    *check_name = iotls_br_time_check_name(cfg->time_policy);
    if (cfg->time_policy != IOTLS_TIME_SYSTEM || cfg->now != 0)
        return 0;
    /* The documented "system clock" policy; the only clock read. */
    bool exact = false;
    int64_t t = iotls_port_time(&exact);
    if (t <= 0)
        return iotls_error_set(err, IOTLS_ERR_CONFIG,
                               "this device has no clock and its port gives no lower bound of "
                               "the time: set cfg.now with a time policy, or build with "
                               "IOTLS_BUILD_TIME (see docs/porting.md)"),
               -1;
    cfg->now = t;
    if (!exact) {
        /* Clockless port: the time is only a lower bound (docs/porting.md). */
        cfg->time_policy = IOTLS_TIME_AT_LEAST;
        *check_name = "lower bound from the port (no clock; expiry only)";
    }
    return 0;
}

const char *iotls_br_time_check_name(iotls_time_policy_t p)
{
    switch (p) {
    case IOTLS_TIME_SYSTEM: return "system clock";
    case IOTLS_TIME_FIXED: return "fixed time";
    case IOTLS_TIME_AT_LEAST: return "lower bound (expiry only)";
    case IOTLS_TIME_UNCHECKED: return "off";
    }
    return "unknown";
}

int iotls_br_check_config(const iotls_config_t *cfg, const char *server_name, size_t mem_len,
                          iotls_error_t *err)
{
    if (!config_valid(cfg))
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "invalid session configuration: buffer_size must be 0 or "
                               "%d..%d bytes, chain_reorder_bytes at most %d",
                               IOTLS_BUFFER_MIN, IOTLS_BUFFER_MAX, IOTLS_CHAIN_REORDER_MAX),
               -1;
    if ((cfg->role == IOTLS_ROLE_CLIENT && !IOTLS_CLIENT) ||
        (cfg->role == IOTLS_ROLE_SERVER && !IOTLS_SERVER))
        return iotls_error_set(err, IOTLS_ERR_CONFIG,
                               "this build of iotls has no %s sessions (IOTLS_%s=0)",
                               cfg->role == IOTLS_ROLE_CLIENT ? "client" : "server",
                               cfg->role == IOTLS_ROLE_CLIENT ? "CLIENT" : "SERVER"),
               -1;
#if IOTLS_EC_DEVICE
    if (cfg->creds && cfg->creds->key_type == BR_KEYTYPE_RSA)
        return iotls_error_set(err, IOTLS_ERR_CONFIG,
                               "this build of iotls is the EC device profile (IOTLS_EC_DEVICE): "
                               "its credentials must have an EC P-256 key, not RSA"),
               -1;
#endif
    if (mem_len < iotls_session_size(cfg))
        return iotls_error_set(err, IOTLS_ERR_MEMORY_TOO_SMALL,
                               "session memory is %lu bytes; this configuration needs %lu "
                               "(iotls_session_size)",
                               (unsigned long)mem_len, (unsigned long)iotls_session_size(cfg)),
               -1;
    if ((cfg->time_policy == IOTLS_TIME_FIXED || cfg->time_policy == IOTLS_TIME_AT_LEAST) &&
        cfg->now <= 0)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "time policy '%s' needs cfg.now (Unix seconds)",
                               iotls_br_time_check_name(cfg->time_policy)),
               -1;
    for (size_t i = 0; i < cfg->alpn_count; i++)
        if (!cfg->alpn || !cfg->alpn[i] || !cfg->alpn[i][0] || strlen(cfg->alpn[i]) > 255)
            return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                                   "ALPN protocol name %lu is empty or longer than 255 bytes",
                                   (unsigned long)(i + 1)),
                   -1;
    if (cfg->role == IOTLS_ROLE_SERVER) {
        if (!cfg->creds || !cfg->creds->key_type)
            return iotls_error_set(err, IOTLS_ERR_NO_CREDENTIALS,
                                   "a server needs a certificate chain and private key "
                                   "(iotls_creds_load_files, or --cert/--key)"),
                   -1;
        for (size_t i = 0; i < cfg->sni_creds_count; i++)
            if (!cfg->sni_creds[i].name || !cfg->sni_creds[i].creds ||
                !cfg->sni_creds[i].creds->key_type)
                return iotls_error_set(err, IOTLS_ERR_NO_CREDENTIALS,
                                       "SNI credentials entry %lu has no name or no "
                                       "certificate and key",
                                       (unsigned long)(i + 1)),
                       -1;
        if (cfg->client_auth != IOTLS_CLIENT_AUTH_NONE && (!cfg->trust || cfg->trust->count == 0))
            return iotls_error_set(err, IOTLS_ERR_NO_TRUST,
                                   "asking for client certificates needs the CAs that issue "
                                   "them (cfg.trust, or --client-ca FILE)"),
                   -1;
        return 0;
    }
#if IOTLS_NO_CHAIN_MODES
    if (cfg->insecure)
        return 0;
#else
    if (cfg->insecure || ((!cfg->trust || cfg->trust->count == 0) && cfg->pin_count))
        return iotls_error_set(err, IOTLS_ERR_CONFIG,
                               "this build verifies every server chain (IOTLS_NO_CHAIN_MODES=0): "
                               "no insecure or pin-only client; give it trust anchors"),
               -1;
#endif
    if ((!cfg->trust || cfg->trust->count == 0) && cfg->pin_count == 0)
        return iotls_error_set(err, IOTLS_ERR_NO_TRUST,
                               "no trust anchors configured: load the CA that issued the "
                               "server's certificate (iotls_trust_load_file, or --ca FILE), "
                               "or pin its key (--pin); use insecure mode only for testing"),
               -1;
    if ((!server_name || !*server_name) && !cfg->no_name_check)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "a verifying client needs the server's host name or IP "
                               "address to check the certificate against"),
               -1;
    if (server_name && strlen(server_name) > 255)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "server name longer than 255 bytes"),
               -1;
    return 0;
}

size_t iotls_br_static_bytes(size_t base, size_t per, size_t count)
{
    if (count > (SIZE_MAX - base) / per)
        return SIZE_MAX;
    return base + per * count;
}

void *iotls_br_align_storage(void *mem, size_t *len)
{
    uintptr_t p = (uintptr_t)mem;
    uintptr_t aligned = (p + alignof(max_align_t) - 1) & ~(uintptr_t)(alignof(max_align_t) - 1);
    *len -= (size_t)(aligned - p);
    return (void *)aligned;
}
