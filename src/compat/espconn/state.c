/* The layer's one global state: settings per level, live links and
 * servers, the loop, the flash image, the log sink; shutdown and reset. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/espconn/espconn_internal.h"

espc_state_t espc;

static bool espc_initialised;

void espc_defaults(void)
{
    for (int r = 0; r < 2; r++) {
        memset(&espc.level[r], 0, sizeof espc.level[r]);
        espc.level[r].size = ESPC_SIZE_DEFAULT;
    }
    espc_initialised = true;
}

static void espc_init_once(void)
{
    if (!espc_initialised)
        espc_defaults();
}

void espc_log(const char *fmt, ...)
{
    char line[640];
    int n = snprintf(line, sizeof line, "espconn: ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (espc.log != NULL) {
        espc.log(espc.log_ctx, line);
    } else {
        fprintf(stderr, "%s\n", line);
        fflush(stderr);
    }
}

void espc_tls_log(void *ctx, const char *line)
{
    (void)ctx;
    espc_log("%s", line);
}

void espconn_host_set_log(void (*fn)(void *ctx, const char *line), void *ctx)
{
    espc.log = fn;
    espc.log_ctx = ctx;
}

iotls_loop_t *espc_loop(void)
{
    espc_init_once();
    if (espc.loop == NULL) {
        iotls_error_t err;
        iotls_error_clear(&err);
        espc.loop = iotls_loop_new(&err);
        if (espc.loop == NULL)
            espc_log("cannot create the event loop: %s", err.text);
        if (espc.generation == 0)
            espc.generation = 1;
    }
    return espc.loop;
}

struct iotls_loop *espconn_host_loop(void)
{
    return espc_loop();
}

int espconn_host_run(void)
{
    iotls_loop_t *loop = espc_loop();
    return loop != NULL ? iotls_loop_run(loop) : -1;
}

bool espconn_host_attach_flash(const char *path)
{
    espc_init_once();
    if (path == NULL || path[0] == '\0') {
        espc_log("espconn_host_attach_flash: no path given");
        return false;
    }
    iotls_flash_t f;
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_flash_open_file(&f, path, false, &err) < 0) {
        espc_log("flash image '%s' cannot be attached: %s", path, err.text);
        return false;
    }
    espconn_host_detach_flash();
    espc.flash = f;
    espc.flash_attached = true;
    return true;
}

void espconn_host_detach_flash(void)
{
    if (espc.flash_attached) {
        iotls_flash_close(&espc.flash);
        espc.flash_attached = false;
    }
}

iotls_flash_t *espc_flash(void)
{
    if (!espc.flash_attached) {
        const char *path = getenv(ESPCONN_HOST_ENV_FLASH);
        if (path == NULL || path[0] == '\0') {
            espc_log("no flash image attached: set %s=<image> (made with `iotls flash "
                     "write`) or call espconn_host_attach_flash()",
                     ESPCONN_HOST_ENV_FLASH);
            return NULL;
        }
        if (!espconn_host_attach_flash(path))
            return NULL;
    }
    return &espc.flash;
}

unsigned espc_level_roles(const char *fn, uint8 level)
{
    espc_init_once();
    if (level >= 1 && level <= 3)
        return level;
    espc_log("%s: level 0x%02X is not 0x01 (SSL client), 0x02 (SSL server) or 0x03 (both)", fn,
             level);
    return 0;
}

bool espc_role_locked(const char *fn, espc_role_t role)
{
    bool busy = false;
    for (espc_link_t *l = espc.links; l && !busy; l = l->next)
        busy = l->role == role;
    if (role == ESPC_SERVER)
        for (espc_server_t *s = espc.servers; s && !busy; s = s->next)
            busy = s->listener != NULL;
    if (busy)
        espc_log("%s: too late for the SSL %s: call it before espconn_secure_%s (an SSL %s "
                 "is active)",
                 fn, role == ESPC_CLIENT ? "client" : "server",
                 role == ESPC_CLIENT ? "connect" : "accept",
                 role == ESPC_CLIENT ? "client connection" : "server");
    return busy;
}

espc_link_t *espc_link_find(const struct espconn *esp)
{
    for (espc_link_t *l = espc.links; l; l = l->next)
        if (l->esp == esp)
            return l;
    return NULL;
}

void espc_link_add(espc_link_t *l)
{
    l->next = espc.links;
    espc.links = l;
}

void espc_link_remove(espc_link_t *l)
{
    for (espc_link_t **p = &espc.links; *p; p = &(*p)->next)
        if (*p == l) {
            *p = l->next;
            return;
        }
}

espc_server_t *espc_server_find(const struct espconn *esp)
{
    for (espc_server_t *s = espc.servers; s; s = s->next)
        if (s->esp == esp)
            return s;
    return NULL;
}

unsigned espconn_host_connections(void)
{
    unsigned n = 0;
    for (espc_link_t *l = espc.links; l; l = l->next)
        n++;
    return n;
}

unsigned espconn_host_listeners(void)
{
    unsigned n = 0;
    for (espc_server_t *s = espc.servers; s; s = s->next)
        n += s->listener != NULL;
    return n;
}

void espconn_host_shutdown(void)
{
    /* The loop aborts (no callbacks) every connection and listener and
     * frees every timer; then nothing here points into it any more. */
    if (espc.loop != NULL)
        iotls_loop_free(espc.loop);
    espc.loop = NULL;
    espc_timers_forget();
    espc_dns_forget();
    espc_plain_forget();
    espc_udp_forget();
    espc_tasks_forget();
    espc_wifi_forget();
    while (espc.links) {
        espc_link_t *l = espc.links;
        espc.links = l->next;
        free(l->pending);
        free(l);
    }
    while (espc.servers) {
        espc_server_t *s = espc.servers;
        espc.servers = s->next;
        free(s);
    }
    for (int r = 0; r < 2; r++) {
        iotls_trust_free(espc.level[r].trust);
        iotls_creds_free(espc.level[r].creds);
    }
    free(espc.srv_cert);
    free(espc.srv_key);
    espc.srv_cert = espc.srv_key = NULL;
    espc.srv_cert_len = espc.srv_key_len = 0;
    memset(espc.dns, 0, sizeof espc.dns);
    espc.dns_next = 0;
    espconn_host_detach_flash();
    espc_defaults();
}

sint8 espc_check_tcp(const char *fn, const struct espconn *espconn)
{
    if (espc_loop() == NULL)
        return ESPCONN_MEM;
    if (espconn == NULL || espconn->proto.tcp == NULL || espconn->type != ESPCONN_TCP) {
        espc_log("%s: espconn must be type ESPCONN_TCP with proto.tcp set", fn);
        return ESPCONN_ARG;
    }
    return ESPCONN_OK;
}
