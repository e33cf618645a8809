/*
 * demo — an iotls server and an iotls client on loopback in one event loop:
 * the client verifies the server (chain, validity, host name) with a small
 * 1024-byte record buffer, sends a message, gets it echoed, closes cleanly,
 * and both sides print what they negotiated and the memory they used.
 *
 *   demo --ca ca.pem --cert server-chain.pem --key server.key
 *
 * `make demo` creates those files first (see scripts/demo.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/net.h"

static const char message[] = "hello from a device with a 1 KiB record buffer";

struct demo {
    iotls_listener_t *listener;
    size_t echoed;
    int failures;
};

static void print_report(const char *who, iotls_conn_t *c, const iotls_report_t *r)
{
    char text[2048];
    iotls_report_format(r, "    ", text, sizeof text);
    printf("  %s handshake report:\n%s", who, text);
    printf("    connection memory: %zu bytes in total\n", iotls_conn_memory(c));
}

/* ---- server side: echo ---- */

static void *server_accepted(iotls_listener_t *l, iotls_conn_t *c, void *user)
{
    return user;
}

static void server_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    print_report("server", c, r);
}

static void server_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_conn_send(c, data, len, &err) < 0)
        fprintf(stderr, "server: %s\n", err.text);
}

static void server_closed(iotls_conn_t *c, void *user)
{
    struct demo *d = user;
    printf("  server: connection closed cleanly (close_notify)\n");
    /* One client is all this demo serves: stop listening so the loop ends. */
    iotls_listener_free(d->listener);
    d->listener = NULL;
}

static void any_error(iotls_conn_t *c, const iotls_error_t *err, void *user)
{
    struct demo *d = user;
    d->failures++;
    fprintf(stderr, "  error (%s): %s\n", iotls_error_class_name(iotls_error_class(err->code)),
            err->text);
    if (d->listener) {
        iotls_listener_free(d->listener);
        d->listener = NULL;
    }
}

/* ---- client side ---- */

static void client_connected(iotls_conn_t *c, const iotls_report_t *r, void *user)
{
    print_report("client", c, r);
    iotls_conn_send(c, message, sizeof message - 1, NULL);
    printf("  client: sent \"%s\"\n", message);
}

static void client_received(iotls_conn_t *c, const uint8_t *data, size_t len, void *user)
{
    struct demo *d = user;
    printf("  client: received \"%.*s\"\n", (int)len, (const char *)data);
    d->echoed += len;
    if (d->echoed >= sizeof message - 1)
        iotls_conn_close(c);
}

static void client_closed(iotls_conn_t *c, void *user)
{
    printf("  client: connection closed cleanly\n");
}

int main(int argc, char **argv)
{
    const char *ca = NULL, *cert = NULL, *key = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--ca"))
            ca = argv[i + 1];
        else if (!strcmp(argv[i], "--cert"))
            cert = argv[i + 1];
        else if (!strcmp(argv[i], "--key"))
            key = argv[i + 1];
    }
    if (!ca || !cert || !key) {
        fprintf(stderr, "usage: demo --ca CA.pem --cert CHAIN.pem --key KEY.pem\n");
        return 2;
    }

    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_trust_t *trust = iotls_trust_new();
    iotls_creds_t *creds = iotls_creds_new();
    if (iotls_trust_load_file(trust, ca, &err) < 0 ||
        iotls_creds_load_files(creds, cert, key, &err) < 0) {
        fprintf(stderr, "demo: %s\n", err.text);
        return 1;
    }

    struct demo d = {0};
    iotls_loop_t *loop = iotls_loop_new(&err);
    if (!loop) {
        fprintf(stderr, "demo: %s\n", err.text);
        return 1;
    }

    iotls_conn_config_t scfg;
    iotls_conn_config_init(&scfg);
    scfg.tls.creds = creds;
    iotls_listener_callbacks_t scb = {
        server_accepted, {server_connected, server_received, NULL, server_closed, any_error}};
    d.listener = iotls_listener_new(loop, "127.0.0.1", 0, 4, &scfg, &scb, &d, &err);
    if (!d.listener) {
        fprintf(stderr, "demo: %s\n", err.text);
        return 1;
    }
    uint16_t port = iotls_listener_port(d.listener);
    printf("iotls demo: server listening on 127.0.0.1:%u\n", port);

    iotls_conn_config_t ccfg;
    iotls_conn_config_init(&ccfg);
    ccfg.tls.trust = trust;      /* verification on: chain, validity, name */
    ccfg.tls.buffer_size = 1024; /* asks the server for max_fragment_length */
    ccfg.send_queue = 1024;      /* plaintext waiting for the wire: a device keeps it small */
    ccfg.tls.report_peer_identity = true; /* the report names the server */
    iotls_conn_callbacks_t ccb = {client_connected, client_received, NULL, client_closed,
                                  any_error};
    printf("iotls demo: client connecting to localhost:%u (verifying the server)\n", port);
    if (!iotls_conn_connect(loop, "localhost", port, &ccfg, &ccb, &d, &err)) {
        fprintf(stderr, "demo: %s\n", err.text);
        return 1;
    }

    iotls_loop_run(loop);
    iotls_loop_free(loop);
    iotls_trust_free(trust);
    iotls_creds_free(creds);

    bool ok = d.failures == 0 && d.echoed == sizeof message - 1;
    printf("iotls demo: %s\n", ok ? "OK: verified handshake, data echoed, clean close" : "FAILED");
    return ok ? 0 : 1;
}
