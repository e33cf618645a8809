/* The other end for one-role profiles: BearSSL's own client or server,
 * configured the way BearSSL's samples do (full algorithm set), so the
 * device side is measured against an ordinary peer. It shares the
 * image's BearSSL library; its code and stack are not counted. */
#include <bearssl.h>
#include <string.h>

#include "../board.h"
#include "ca.h"
#include "link.h"

size_t pipe_put(pipe_t *p, const void *data, size_t len)
{
    size_t k = PIPE_BYTES - p->len < len ? PIPE_BYTES - p->len : len;
    memcpy(p->b + p->len, data, k);
    p->len += k;
    return k;
}

size_t pipe_take(pipe_t *p, void *out, size_t len)
{
    size_t k = p->len < len ? p->len : len;
    memcpy(out, p->b, k);
    memmove(p->b, p->b + k, p->len - k);
    p->len -= k;
    return k;
}

static struct {
    union {
        br_ssl_server_context server;
        br_ssl_client_context client;
    } u;
    br_ssl_engine_context *eng;
    br_x509_minimal_context x509;
    br_skey_decoder_context key;
    br_x509_certificate chain[2];
    br_x509_trust_anchor anchors[1];
    uint8_t iobuf[BR_SSL_BUFSIZE_BIDI];
} peer;

static size_t peer_move(end_t *e)
{
    br_ssl_engine_context *eng = peer.eng;
    size_t moved = 0;
    for (;;) {
        unsigned st = br_ssl_engine_current_state(eng);
        size_t n, k;
        if (st & BR_SSL_SENDREC) {
            unsigned char *b = br_ssl_engine_sendrec_buf(eng, &n);
            if ((k = pipe_put(e->out, b, n)) > 0) {
                br_ssl_engine_sendrec_ack(eng, k);
                moved += k;
                continue;
            }
        }
        if ((st & BR_SSL_RECVAPP) && e->echo && (st & BR_SSL_SENDAPP)) {
            unsigned char *in = br_ssl_engine_recvapp_buf(eng, &n);
            size_t room;
            unsigned char *outb = br_ssl_engine_sendapp_buf(eng, &room);
            k = n < room ? n : room;
            memcpy(outb, in, k);
            br_ssl_engine_recvapp_ack(eng, k);
            br_ssl_engine_sendapp_ack(eng, k);
            br_ssl_engine_flush(eng, 0);
            moved += k;
            continue;
        }
        if ((st & BR_SSL_RECVREC) && e->in->len) {
            unsigned char *b = br_ssl_engine_recvrec_buf(eng, &n);
            k = pipe_take(e->in, b, n);
            br_ssl_engine_recvrec_ack(eng, k);
            moved += k;
            continue;
        }
        return moved;
    }
}

static size_t peer_write(end_t *e, const void *data, size_t len)
{
    size_t room;
    if (!(br_ssl_engine_current_state(peer.eng) & BR_SSL_SENDAPP))
        return 0;
    unsigned char *b = br_ssl_engine_sendapp_buf(peer.eng, &room);
    size_t k = len < room ? len : room;
    memcpy(b, data, k);
    br_ssl_engine_sendapp_ack(peer.eng, k);
    br_ssl_engine_flush(peer.eng, 0);
    return k;
}

static size_t peer_read(end_t *e, void *out, size_t cap)
{
    size_t n;
    if (!(br_ssl_engine_current_state(peer.eng) & BR_SSL_RECVAPP))
        return 0;
    unsigned char *b = br_ssl_engine_recvapp_buf(peer.eng, &n);
    size_t k = n < cap ? n : cap;
    memcpy(out, b, k);
    br_ssl_engine_recvapp_ack(peer.eng, k);
    return k;
}

static void peer_close(end_t *e)
{
    br_ssl_engine_close(peer.eng);
}

static bool peer_done(end_t *e)
{
    unsigned st = br_ssl_engine_current_state(peer.eng);
    return (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)) != 0;
}

static bool peer_closed(end_t *e)
{
    return br_ssl_engine_current_state(peer.eng) == BR_SSL_CLOSED;
}

static void seed(void)
{
    uint8_t s[32];
    if (board_entropy(s, sizeof s) == 0)
        br_ssl_engine_inject_entropy(peer.eng, s, sizeof s);
}

static void common(end_t *e, size_t buf_len, int bidi)
{
    e->move = peer_move;
    e->write = peer_write;
    e->read = peer_read;
    e->close = peer_close;
    e->handshake_done = peer_done;
    e->closed = peer_closed;
    br_ssl_engine_set_buffer(peer.eng, peer.iobuf, buf_len, bidi);
    seed();
}

void peer_server_init(end_t *e, const test_cred_t *cred)
{
    br_skey_decoder_init(&peer.key);
    br_skey_decoder_push(&peer.key, cred->key, cred->key_len);
    for (size_t i = 0; i < cred->count; i++)
        peer.chain[i] =
            (br_x509_certificate){(unsigned char *)(uintptr_t)cred->certs[i], cred->lens[i]};
    br_ssl_server_init_full_ec(&peer.u.server, peer.chain, cred->count, BR_KEYTYPE_EC,
                               br_skey_decoder_get_ec(&peer.key));
    peer.eng = &peer.u.server.eng;
    common(e, sizeof peer.iobuf, 1);
    br_ssl_server_reset(&peer.u.server);
}

void peer_client_init(end_t *e, int64_t now, const char *server_name)
{
    const iotls_anchor_t *a = &ca_anchors[0];
    peer.anchors[0] = (br_x509_trust_anchor){
        {(unsigned char *)(uintptr_t)a->dn, a->dn_len},
        BR_X509_TA_CA,
        {BR_KEYTYPE_EC, {.ec = {a->curve, (unsigned char *)(uintptr_t)a->q, a->q_len}}}};
    br_ssl_client_init_full(&peer.u.client, &peer.x509, peer.anchors, 1);
    br_x509_minimal_set_time(&peer.x509, (uint32_t)(now / 86400 + 719528), (uint32_t)(now % 86400));
    peer.eng = &peer.u.client.eng;
    /* A record buffer of 2048 bytes of payload: BearSSL then asks the
     * server for max_fragment_length, as a small device would. */
    common(e, 2048 + 325, 0);
    br_ssl_client_reset(&peer.u.client, server_name, 0);
}
