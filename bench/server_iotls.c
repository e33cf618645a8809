/*
 * server-iotls — an iotls listener (net API, epoll) that accepts TLS
 * connections and keeps them open and idle: the server side of the scale
 * bench. Prints "READY" once listening; runs until SIGTERM. Accepted,
 * connected and failed counts go to stdout at the end so the bench can
 * check that every connection really completed its handshake.
 *
 *   server-iotls --cert CHAIN.pem --key KEY.pem --port P [--buffer B]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/net.h"

static unsigned long connected, failed;
static size_t conn_memory;
static iotls_loop_t *loop;

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    connected++;
    conn_memory = iotls_conn_memory(c);
}

static void on_received(iotls_conn_t *c, const uint8_t *d, size_t n, void *user)
{
}

static void on_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    failed++;
}

static void on_disconnected(iotls_conn_t *c, void *user)
{
}

static void on_term(int sig)
{
    iotls_loop_stop(loop);
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL;
    unsigned port = 0;
    size_t buffer = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--cert"))
            cert = argv[i + 1];
        else if (!strcmp(argv[i], "--key"))
            key = argv[i + 1];
        else if (!strcmp(argv[i], "--port"))
            port = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--buffer"))
            buffer = strtoul(argv[i + 1], NULL, 10);
    }
    if (!cert || !key || !port) {
        fprintf(stderr, "usage: server-iotls --cert F --key F --port P [--buffer B]\n");
        return 2;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_creds_t *creds = iotls_creds_new();
    if (iotls_creds_load_files(creds, cert, key, &err) < 0 || !(loop = iotls_loop_new(&err))) {
        fprintf(stderr, "server-iotls: %s\n", err.text);
        return 1;
    }
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = creds;
    cfg.tls.buffer_size = buffer;
    /* Idle connections are the point here: no idle timeout (the default). */
    iotls_listener_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.conn.connected = on_connected;
    cb.conn.received = on_received;
    cb.conn.error = on_error;
    cb.conn.disconnected = on_disconnected;
    iotls_listener_t *l =
        iotls_listener_new(loop, "127.0.0.1", (uint16_t)port, 100000, &cfg, &cb, NULL, &err);
    if (!l) {
        fprintf(stderr, "server-iotls: %s\n", err.text);
        return 1;
    }
    signal(SIGTERM, on_term);
    printf("READY\n");
    fflush(stdout);
    iotls_loop_run(loop);
    printf("impl=iotls connected=%lu failed=%lu rejected=%lu conn_memory=%zu\n", connected,
           failed, iotls_listener_rejected(l), conn_memory);
    return 0;
}
