/*
 * https_device — the HTTP layer in one program: a device web server with a
 * REST route (/api/led/{id}) and an HTTPS client in the same event loop
 * that switches an LED, reads it back over the kept-alive connection, and
 * stops. The client verifies the server (chain + host name).
 *
 *   https_device --ca ca.pem --cert server-chain.pem --key server.key
 *
 * Uses the demo PKI from `make demo` / `make demo-https` (build/demo/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/http.h"

static bool led[8];

static void put_led(iotls_http_req_t *req, void *user)
{
    long id = strtol(iotls_http_req_param(req, "id"), NULL, 10);
    size_t len;
    const char *body = (const char *)iotls_http_req_body(req, &len);
    if (id < 0 || id >= 8) {
        iotls_http_resp_send(req, 404, "text/plain", "no such LED\n", 12);
        return;
    }
    led[id] = strstr(body, "true") != NULL;
    iotls_http_resp_send(req, 204, NULL, NULL, 0);
}

static void get_led(iotls_http_req_t *req, void *user)
{
    long id = strtol(iotls_http_req_param(req, "id"), NULL, 10);
    const char *state = id >= 0 && id < 8 && led[id] ? "{\"on\":true}\n" : "{\"on\":false}\n";
    iotls_http_resp_send(req, 200, "application/json", state, strlen(state));
}

struct run {
    iotls_loop_t *loop;
    char url[128];
    int step;
    int failures;
};

static void on_response(iotls_http_client_t *cl, const iotls_http_response_t *r, void *user)
{
    printf("client: %d %s%s\n", r->status, r->reason,
           r->reused ? " (kept-alive connection reused)" : "");
    if (r->tls && !r->reused)
        printf("client: server %s verified by %s\n", r->tls->peer_subject, r->tls->auth);
}

static void on_body(iotls_http_client_t *cl, const uint8_t *d, size_t n, void *user)
{
    printf("client: body %.*s", (int)n, (const char *)d);
}

static void on_done(iotls_http_client_t *cl, const iotls_error_t *err, void *user)
{
    static const iotls_http_client_callbacks_t cb = {on_response, on_body, on_done};
    struct run *run = user;
    iotls_error_t e;
    iotls_error_clear(&e);
    if (err) {
        fprintf(stderr, "client: %s\n", err->text);
        run->failures++;
        iotls_loop_stop(run->loop);
    } else if (run->step++ == 0) {
        if (iotls_http_client_request(cl, "GET", run->url, NULL, 0, NULL, 0, &cb, run, &e) < 0) {
            fprintf(stderr, "client: %s\n", e.text);
            run->failures++;
        }
    } else {
        iotls_loop_stop(run->loop);
    }
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
        fprintf(stderr, "usage: https_device --ca CA --cert CHAIN --key KEY\n");
        return 2;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    struct run run = {0};
    iotls_trust_t *trust = iotls_trust_new();
    iotls_creds_t *creds = iotls_creds_new();
    run.loop = iotls_loop_new(&err);
    iotls_http_server_t *srv = run.loop ? iotls_http_server_new(run.loop, NULL, &err) : NULL;
    iotls_http_client_t *cl = NULL;
    int rc = 1;
    if (!srv || !trust || !creds || iotls_trust_load_file(trust, ca, &err) < 0 ||
        iotls_creds_load_files(creds, cert, key, &err) < 0 ||
        iotls_http_server_route(srv, "PUT", "/api/led/{id}", 0, put_led, NULL, &err) < 0 ||
        iotls_http_server_route(srv, "GET", "/api/led/{id}", 0, get_led, NULL, &err) < 0)
        goto out;

    iotls_conn_config_t scfg;
    iotls_conn_config_init(&scfg);
    scfg.tls.creds = creds;
    int port = iotls_http_server_listen_tls(srv, "127.0.0.1", 0, &scfg, &err);
    if (port < 0)
        goto out;

    iotls_conn_config_t ccfg;
    iotls_conn_config_init(&ccfg);
    ccfg.tls.trust = trust;
    ccfg.tls.buffer_size = 2048;          /* a device-sized record buffer (asks for MFL) */
    ccfg.tls.report_peer_identity = true; /* it prints the server's subject */
    cl = iotls_http_client_new(run.loop, &ccfg, &err);
    snprintf(run.url, sizeof run.url, "https://localhost:%d/api/led/3", port);
    static const iotls_http_client_callbacks_t cb = {on_response, on_body, on_done};
    if (!cl || iotls_http_client_request(cl, "PUT", run.url, NULL, 0, "{\"on\": true}", 12, &cb,
                                         &run, &err) < 0)
        goto out;
    iotls_loop_run(run.loop);
    rc = run.failures || run.step != 2 ? 1 : 0;
    iotls_http_server_stats_t st;
    iotls_http_server_stats(srv, &st);
    printf("server: %lu requests, %lu full handshake(s), %zu bytes of TLS state per connection\n",
           st.requests, st.handshakes_full, st.tls_bytes_per_conn);
out:
    if (err.code != IOTLS_OK)
        fprintf(stderr, "https_device: %s\n", err.text);
    iotls_http_client_free(cl);
    iotls_http_server_free(srv);
    iotls_loop_free(run.loop);
    iotls_creds_free(creds);
    iotls_trust_free(trust);
    return rc;
}
