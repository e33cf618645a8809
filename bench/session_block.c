/*
 * session_block.c — where the bytes of a verifying client's session block
 * go, for the build profile this program was compiled with (bench/bench.mk
 * builds it once per profile, with the TLS core compiled the same way).
 *
 * The block is what iotls_session_size() says for a client at 2048-byte
 * half-duplex records (the configuration of issue 10's target), without
 * and with cfg.report_peer_identity. "BearSSL alone" is what a client of
 * BearSSL's own API needs for the same: its client context, its minimal
 * X.509 validator and one record buffer of that size.
 *
 * One line of key=value pairs, read by scripts/bench.d/session.sh.
 */
#include <stdio.h>

#include "tls/bearssl/br_session.h"

#ifndef PROFILE
#define PROFILE "default"
#endif

int main(void)
{
    iotls_config_t c;
    iotls_config_init(&c, IOTLS_ROLE_CLIENT);
    c.buffer_size = 2048;
    c.half_duplex = true;
    size_t block = iotls_session_size(&c);
    size_t tail = iotls_br_tail_size(&c);
    size_t head = iotls_br_head_size(&c);
    c.report_peer_identity = true;
    size_t with_identity = iotls_session_size(&c);
    c.report_peer_identity = false;

    size_t payload = iotls_buffer_effective(c.buffer_size);
    size_t bearssl = sizeof(br_ssl_client_context) + sizeof(br_x509_minimal_context) +
                     iotls_br_input_len(payload);
    /* iotls's own part of the validator: the walker and the wrapper's
     * state, and what is carved after it (hashes, error-text names). */
    size_t walker = sizeof(iotls_cert_walk_t);
    size_t wrapper = sizeof(iotls_br_x509_t) - sizeof(br_x509_minimal_context) - walker;
    size_t extra = iotls_br_x509_extra(&c);

    printf("session-block: profile=%s pointer=%u block=%lu identity=%lu bearssl=%lu "
           "iotls=%lu session=%lu report=%lu error=%lu sniff=%lu track=%lu head=%lu "
           "walker=%lu wrapper=%lu names=%lu spare=%lu\n",
           PROFILE, (unsigned)(8 * sizeof(void *)), (unsigned long)block,
           (unsigned long)with_identity, (unsigned long)bearssl, (unsigned long)(block - bearssl),
           (unsigned long)sizeof(struct iotls_session), (unsigned long)sizeof(iotls_report_t),
           (unsigned long)sizeof(iotls_error_t), (unsigned long)sizeof(iotls_hello_sniff_t),
           (unsigned long)sizeof(iotls_record_track_t), (unsigned long)head, (unsigned long)walker,
           (unsigned long)wrapper, (unsigned long)extra, (unsigned long)tail);
    return 0;
}
