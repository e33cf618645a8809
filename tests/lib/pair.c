/* In-memory session pair for state-machine tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pair.h"

static void collect_log(void *ctx, const char *line)
{
    iotls_test_pair_t *p = ctx;
    size_t used = strlen(p->log);
    snprintf(p->log + used, sizeof p->log - used, "%s\n", line);
}

void iotls_test_pair_setup(iotls_test_pair_t *p, const char *ca_path, const char *chain_path,
                           const char *key_path, size_t buffer)
{
    memset(p, 0, sizeof *p);
    iotls_error_t err;
    iotls_error_clear(&err);
    p->trust = iotls_trust_new();
    if (ca_path && iotls_trust_load_file(p->trust, ca_path, &err) < 0)
        fprintf(stderr, "pair: trust: %s\n", err.text);
    p->creds = iotls_creds_new();
    if (chain_path && iotls_creds_load_files(p->creds, chain_path, key_path, &err) < 0)
        fprintf(stderr, "pair: creds: %s\n", err.text);

    iotls_config_init(&p->ccfg, IOTLS_ROLE_CLIENT);
    p->ccfg.buffer_size = buffer;
    p->ccfg.trust = ca_path ? p->trust : NULL;
    p->ccfg.log = collect_log;
    p->ccfg.log_ctx = p;
    /* Tests look at the peers' identities in the reports. */
    p->ccfg.report_peer_identity = true;
    iotls_config_init(&p->scfg, IOTLS_ROLE_SERVER);
    /* A server cannot limit what a client sends (max_fragment_length is
     * the client's request), so servers default to full-size buffers. */
    p->scfg.buffer_size = IOTLS_BUFFER_MAX;
    p->scfg.creds = chain_path ? p->creds : NULL;
    p->scfg.log = collect_log;
    p->scfg.log_ctx = p;
    p->scfg.report_peer_identity = true;
}

bool iotls_test_pair_start(iotls_test_pair_t *p, const char *server_name)
{
    size_t cn = iotls_session_size(&p->ccfg), sn = iotls_session_size(&p->scfg);
    free(p->cmem);
    free(p->smem);
    p->cmem = malloc(cn ? cn : 1);
    p->smem = malloc(sn ? sn : 1);
    iotls_error_clear(&p->cerr);
    iotls_error_clear(&p->serr);
    p->client = iotls_session_init(p->cmem, cn, &p->ccfg, server_name, &p->cerr);
    p->server = iotls_session_init(p->smem, sn, &p->scfg, NULL, &p->serr);
    return p->client && p->server;
}

static size_t move(iotls_session_t *from, iotls_session_t *to)
{
    size_t moved = 0;
    for (;;) {
        size_t out_len, in_len;
        const uint8_t *out = iotls_session_send_buf(from, &out_len);
        uint8_t *in = iotls_session_recv_buf(to, &in_len);
        if (!out || !in || out_len == 0 || in_len == 0)
            return moved;
        size_t n = out_len < in_len ? out_len : in_len;
        memcpy(in, out, n);
        iotls_session_send_ack(from, n);
        iotls_session_recv_ack(to, n);
        moved += n;
    }
}

size_t iotls_test_pair_pump(iotls_test_pair_t *p)
{
    size_t total = 0, step;
    do {
        step = move(p->client, p->server) + move(p->server, p->client);
        total += step;
    } while (step > 0);
    /* Let both sides notice a close or the end of the handshake. */
    iotls_session_state(p->client);
    iotls_session_state(p->server);
    return total;
}

void iotls_test_pair_client_auth(iotls_test_pair_t *p, const char *client_ca_path,
                                 iotls_client_auth_t mode, const char *client_chain,
                                 const char *client_key)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    if (!p->client_ca)
        p->client_ca = iotls_trust_new();
    if (client_ca_path && iotls_trust_load_file(p->client_ca, client_ca_path, &err) < 0)
        fprintf(stderr, "pair: client CA: %s\n", err.text);
    p->scfg.trust = p->client_ca;
    p->scfg.client_auth = mode;
    if (!client_chain)
        return;
    if (!p->client_creds)
        p->client_creds = iotls_creds_new();
    iotls_error_clear(&err);
    if (iotls_creds_load_files(p->client_creds, client_chain, client_key, &err) < 0)
        fprintf(stderr, "pair: client creds: %s\n", err.text);
    p->ccfg.creds = p->client_creds;
}

void iotls_test_pair_finish(iotls_test_pair_t *p)
{
    for (int round = 0; round < 4; round++) {
        iotls_test_pair_pump(p);
        bool cc = iotls_session_state(p->client) & IOTLS_CLOSED;
        bool sc = iotls_session_state(p->server) & IOTLS_CLOSED;
        if (cc == sc)
            return;
        iotls_session_feed_eof(cc ? p->server : p->client);
    }
}

void iotls_test_pair_free(iotls_test_pair_t *p)
{
    iotls_trust_free(p->client_ca);
    iotls_creds_free(p->client_creds);
    free(p->cmem);
    free(p->smem);
    iotls_trust_free(p->trust);
    iotls_creds_free(p->creds);
    memset(p, 0, sizeof *p);
}
