/* Name resolution and plain TCP for esp-tls. ESP-IDF programs carry their
 * server names and ports in the source; on a PC, $IOTLS_ESPIDF_HOSTS maps
 * them to test servers without editing the program:
 *     IOTLS_ESPIDF_HOSTS="www.howsmyssl.com=127.0.0.1:4433,example.com:8443=::1:9000"
 * A mapped name is still the name that is verified and sent as SNI. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat/esp-idf/esp_tls_internal.h"

/* Finds `host` (or "host:port") in the map; fills addr/port from the entry. */
static bool host_map(const char *host, int *port, char *addr, size_t addr_len)
{
    const char *map = getenv("IOTLS_ESPIDF_HOSTS");
    if (map == NULL)
        return false;
    char with_port[270];
    snprintf(with_port, sizeof with_port, "%s:%d", host, *port);
    const char *p = map;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        if (eq != NULL) {
            size_t klen = (size_t)(eq - p);
            bool hit = (klen == strlen(host) && strncmp(p, host, klen) == 0) ||
                       (klen == strlen(with_port) && strncmp(p, with_port, klen) == 0);
            const char *target = eq + 1;
            size_t tlen = len - klen - 1;
            const char *colon = NULL;
            for (size_t i = 0; i < tlen; i++) /* the last ':' splits off the port */
                if (target[i] == ':')
                    colon = target + i;
            if (hit && colon != NULL && (size_t)(colon - target) < addr_len) {
                memcpy(addr, target, (size_t)(colon - target));
                addr[colon - target] = '\0';
                *port = atoi(colon + 1);
                return true;
            }
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

esp_err_t espt_resolve(esp_tls_t *tls, const char *host, int *port, esp_tls_addr_family_t family,
                       char *addr, size_t addr_len)
{
    char mapped[64];
    const char *name = host;
    if (host_map(host, port, mapped, sizeof mapped))
        name = mapped;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    hints.ai_family = family == ESP_TLS_AF_INET    ? AF_INET
                      : family == ESP_TLS_AF_INET6 ? AF_INET6
                                                   : AF_UNSPEC;
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0 || res == NULL) {
        return espt_fail_text(tls, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME, 0, ESP_TLS_ERR_TYPE_ESP,
                              IOTLS_ERR_RESOLVE, "cannot resolve '%s': %s", name, gai_strerror(rc));
    }
    rc = getnameinfo(res->ai_addr, res->ai_addrlen, addr, (socklen_t)addr_len, NULL, 0,
                     NI_NUMERICHOST);
    freeaddrinfo(res);
    if (rc != 0) {
        return espt_fail_text(tls, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME, 0, ESP_TLS_ERR_TYPE_ESP,
                              IOTLS_ERR_RESOLVE, "address of '%s': %s", name, gai_strerror(rc));
    }
    return ESP_OK;
}

void espt_keep_alive(int fd, const tls_keep_alive_cfg_t *ka)
{
    if (ka == NULL || !ka->keep_alive_enable)
        return;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &ka->keep_alive_idle, sizeof(int));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &ka->keep_alive_interval, sizeof(int));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &ka->keep_alive_count, sizeof(int));
}

int espt_tcp_connect(const char *addr, int port, int timeout_ms, const tls_keep_alive_cfg_t *ka,
                     iotls_error_t *err)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
    struct addrinfo *res = NULL;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    if (getaddrinfo(addr, service, &hints, &res) != 0 || res == NULL) {
        iotls_error_set(err, IOTLS_ERR_RESOLVE, "'%s' is not an address", addr);
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        iotls_error_set(err, IOTLS_ERR_IO, "socket: %s", strerror(errno));
        return -1;
    }
    int rc = connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0 && errno == EINPROGRESS) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        rc = poll(&p, 1, timeout_ms);
        if (rc == 0) {
            close(fd);
            iotls_error_set(err, IOTLS_ERR_CONNECT_TIMEOUT,
                            "no TCP connection to %s:%d within %d ms", addr, port, timeout_ms);
            return -1;
        }
        int soerr = 0;
        socklen_t len = sizeof soerr;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
        errno = soerr;
        rc = soerr == 0 ? 0 : -1;
    }
    if (rc != 0) {
        int e = errno;
        close(fd);
        iotls_error_set(err, e == ECONNREFUSED ? IOTLS_ERR_CONNECT_REFUSED : IOTLS_ERR_CONNECT,
                        "connect to %s:%d: %s", addr, port, strerror(e));
        return -1;
    }
    /* Blocking from here on, as esp-tls leaves its sockets. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    espt_keep_alive(fd, ka);
    return fd;
}

esp_err_t esp_tls_plain_tcp_connect(const char *host, int hostlen, int port,
                                    const esp_tls_cfg_t *cfg, esp_tls_error_handle_t error_handle,
                                    int *sockfd)
{
    if (host == NULL || hostlen <= 0 || hostlen > 253 || sockfd == NULL)
        return ESP_ERR_INVALID_ARG;
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL)
        return ESP_ERR_NO_MEM;
    esp_tls_cfg_t plain = {0};
    if (cfg != NULL)
        plain = *cfg;
    plain.is_plain_tcp = true;
    int rc = esp_tls_conn_new_sync(host, hostlen, port, &plain, tls);
    esp_err_t result = ESP_OK;
    if (rc == 1) {
        *sockfd = tls->plain_fd;
        tls->plain_fd = -1; /* the caller's now */
    } else {
        result = tls->last_error.last_error ? tls->last_error.last_error : ESP_FAIL;
        if (error_handle != NULL)
            *error_handle = tls->last_error;
    }
    esp_tls_conn_destroy(tls);
    return result;
}
