/*
 * server-iotls — an iotls listener (net API, epoll) that accepts TLS
 * connections and keeps them open and idle: the server side of the scale
 * and per-connection benches. A session cache is on, so returning clients
 * resume. Connections share the loop's record workspace (the listener
 * default) unless --own-buffers. Prints "READY" once listening; runs until
 * SIGTERM or --stop-after. Options and the measurement it prints:
 * bench/server.h; it adds what the connections report themselves
 * (iotls_conn_memory) and the shared workspace's size and spill use.
 */
#include <signal.h>
#include <string.h>

#include "iotls/net.h"
#include "iotls_crypto.h"
#include "server.h"

/* Room for ~20000 sessions (BearSSL: 100 bytes each), like OpenSSL's default
 * of 20480 in server-openssl, so neither evicts during a run. Allocated
 * once; pages are only touched as sessions are stored. */
#define CACHE_BYTES (20480u * 100u)

static unsigned long failed;
static size_t conn_memory;
static iotls_loop_t *loop;

static void on_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    conn_memory = iotls_conn_memory(c);
    if (bench_server_handshake_done(r->resumed))
        iotls_loop_stop(loop);
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

static void serve(void *arg)
{
    iotls_loop_run(loop);
}

int main(int argc, char **argv)
{
    bench_server_opts_t o;
    if (bench_server_parse(argc, argv, &o) < 0)
        return 2;
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_creds_t *creds = iotls_creds_new();
    iotls_session_cache_t *cache = NULL;
    if (iotls_creds_load_files(creds, o.cert, o.key, &err) < 0 ||
        !(cache = iotls_session_cache_new(CACHE_BYTES, &err)) || !(loop = iotls_loop_new(&err))) {
        fprintf(stderr, "server-iotls: %s\n", err.text);
        return 1;
    }
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.creds = creds;
    cfg.tls.buffer_size = o.buffer;
    cfg.tls.session_cache = cache;
    cfg.buffers = o.own_buffers ? IOTLS_BUFFERS_OWN : IOTLS_BUFFERS_SHARED;
    /* Idle connections are the point here: no idle timeout (listeners
     * otherwise close connections idle for 120 s). */
    cfg.idle_timeout_ms = IOTLS_TIMEOUT_NEVER;
    cfg.tls.crypto = bench_crypto_provider();
    iotls_listener_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.conn.connected = on_connected;
    cb.conn.received = on_received;
    cb.conn.error = on_error;
    cb.conn.disconnected = on_disconnected;
    iotls_listener_t *l =
        iotls_listener_new(loop, "127.0.0.1", (uint16_t)o.port, 100000, &cfg, &cb, NULL, &err);
    if (!l) {
        fprintf(stderr, "server-iotls: %s\n", err.text);
        return 1;
    }
    signal(SIGTERM, on_term);
    bench_server_run(serve, NULL);
    iotls_workspace_stats_t ws;
    iotls_workspace_stats(iotls_loop_workspace(loop), &ws);
    printf("impl=iotls crypto=%s failed=%lu rejected=%lu conn_memory=%zu workspace_bytes=%zu "
           "spill_capacity=%zu spill_peak=%zu spill_failures=%lu",
           cfg.tls.crypto ? "host" : "bearssl", failed, iotls_listener_rejected(l), conn_memory,
           ws.buffer_bytes + ws.spill_capacity, ws.spill_capacity, ws.spill_peak,
           ws.spill_failures);
    bench_server_report();
    return 0;
}
