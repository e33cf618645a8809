/* The state word and the byte flows of a session (layout and files:
 * br_session.h). */
#include <string.h>

#include "tls/bearssl/br_session.h"

/* ---- the state word ----------------------------------------------------- */

/* BearSSL ends the handshake silently when it rejects a certificate (the
 * peer's, or a missing client certificate). The peer then only sees the
 * connection close; an alert names the reason. Both ends are still before
 * ChangeCipherSpec at that point, so the alert goes in the clear. */
static void queue_certificate_alert(iotls_session_t *s)
{
    if (s->handshake_done || iotls_error_class(s->error.code) != IOTLS_CLASS_CERTIFICATE)
        return;
    uint8_t desc;
    switch (s->error.code) {
    case IOTLS_ERR_CERT_UNTRUSTED: desc = 48; break; /* unknown_ca */
    case IOTLS_ERR_CERT_EXPIRED:
    case IOTLS_ERR_CERT_NOT_YET_VALID: desc = 45; break; /* certificate_expired */
    case IOTLS_ERR_CERT_MISSING:
        desc = 40;
        break;                 /* handshake_failure, as TLS 1.2
                                                            has no certificate_required */
    default: desc = 42; break; /* bad_certificate */
    }
    const uint8_t alert[7] = {21, 3, 3, 0, 2, 2, desc};
    memcpy(s->final_alert, alert, sizeof alert);
    s->final_alert_len = sizeof alert;
}

static void settle_closed(iotls_session_t *s)
{
    if (s->closed)
        return;
    s->closed = true;
    int e = br_ssl_engine_last_error(s->eng);
    if (e != BR_ERR_OK && s->error.code == IOTLS_OK) {
        iotls_br_explain_engine_error(s, e);
        queue_certificate_alert(s);
    }
}

/* BearSSL 0.6 has no public call to fail an engine from outside, so the
 * session keeps its own flag and stops moving bytes. */
void iotls_br_stop(iotls_session_t *s)
{
    s->failed = true;
    settle_closed(s);
}

unsigned iotls_session_state(iotls_session_t *s)
{
    unsigned st = s->failed ? BR_SSL_CLOSED : br_ssl_engine_current_state(s->eng);
    if (st & BR_SSL_CLOSED) {
        settle_closed(s);
        return IOTLS_CLOSED | (s->handshake_done ? IOTLS_HANDSHAKE_DONE : 0) |
               (s->final_alert_len ? IOTLS_WANT_WRITE : 0);
    }
    if (!s->handshake_done && (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))) {
        s->handshake_done = true;
        iotls_br_fill_report(s);
    }
    unsigned out = 0;
    if (st & BR_SSL_RECVREC)
        out |= IOTLS_WANT_READ;
    if (st & BR_SSL_SENDREC)
        out |= IOTLS_WANT_WRITE;
    if (st & BR_SSL_RECVAPP)
        out |= IOTLS_APP_READY;
    if (st & BR_SSL_SENDAPP)
        out |= IOTLS_APP_WRITABLE;
    if (s->handshake_done)
        out |= IOTLS_HANDSHAKE_DONE;
    return out;
}

/* ---- record flows ------------------------------------------------------- */

uint8_t *iotls_session_recv_buf(iotls_session_t *s, size_t *len)
{
    *len = 0;
    if (s->failed)
        return NULL;
    iotls_br_ws_acquire(s);
    return s->failed ? NULL : br_ssl_engine_recvrec_buf(s->eng, len);
}

void iotls_session_recv_ack(iotls_session_t *s, size_t n)
{
    size_t avail;
    uint8_t *buf = iotls_session_recv_buf(s, &avail);
    if (!buf || n == 0 || n > avail)
        return;
    iotls_record_track_push(&s->track, buf, n);
    if (s->track.not_tls) {
        char preview[20];
        iotls_record_track_preview(&s->track, preview, sizeof preview);
        iotls_error_set(&s->error, IOTLS_ERR_NOT_TLS,
                        "peer does not speak TLS: it sent \"%s\" where a TLS record was "
                        "expected",
                        preview);
        iotls_br_stop(s);
        return;
    }
    iotls_br_ws_note_input(s, buf, n);
    if (!s->sniff.done) {
        iotls_hello_sniff_push(&s->sniff, buf, n);
        iotls_br_note_hello(s);
    }
    br_ssl_engine_recvrec_ack(s->eng, n);
}

const uint8_t *iotls_session_send_buf(iotls_session_t *s, size_t *len)
{
    *len = 0;
    /* The engine may have closed while consuming input: settle now so a
     * driver that asks for output first still gets the final alert. */
    if (!s->closed && (br_ssl_engine_current_state(s->eng) & BR_SSL_CLOSED))
        settle_closed(s);
    if (s->final_alert_len) {
        *len = s->final_alert_len;
        return s->final_alert + sizeof s->final_alert - s->final_alert_len;
    }
    if (s->failed)
        return NULL;
    iotls_br_ws_acquire(s);
    return s->failed ? NULL : br_ssl_engine_sendrec_buf(s->eng, len);
}

void iotls_session_send_ack(iotls_session_t *s, size_t n)
{
    size_t avail;
    if (!n || !iotls_session_send_buf(s, &avail) || n > avail)
        return;
    if (s->final_alert_len)
        s->final_alert_len = (uint8_t)(s->final_alert_len - n);
    else
        br_ssl_engine_sendrec_ack(s->eng, n);
}

size_t iotls_session_feed(iotls_session_t *s, const void *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        size_t room;
        uint8_t *buf = iotls_session_recv_buf(s, &room);
        if (!buf || room == 0)
            break;
        size_t n = len - done < room ? len - done : room;
        memcpy(buf, (const uint8_t *)data + done, n);
        iotls_session_recv_ack(s, n);
        done += n;
        if (s->error.code != IOTLS_OK)
            break;
    }
    return done;
}

size_t iotls_session_take(iotls_session_t *s, void *out, size_t cap)
{
    size_t done = 0;
    while (done < cap) {
        size_t avail;
        const uint8_t *buf = iotls_session_send_buf(s, &avail);
        if (!buf || avail == 0)
            break;
        size_t n = cap - done < avail ? cap - done : avail;
        memcpy((uint8_t *)out + done, buf, n);
        iotls_session_send_ack(s, n);
        done += n;
    }
    return done;
}

void iotls_session_feed_eof(iotls_session_t *s)
{
    if (iotls_session_state(s) & IOTLS_CLOSED) {
        settle_closed(s);
        return;
    }
    if (!s->handshake_done) {
        iotls_error_set(&s->error, IOTLS_ERR_PEER_CLOSED_HANDSHAKE,
                        "peer closed the connection during the handshake (it may reject "
                        "our TLS parameters or not speak TLS on this port)");
        iotls_br_explain_hello_mismatch(s);
    } else if (iotls_record_track_saw_renegotiation(&s->track))
        iotls_error_set(&s->error, IOTLS_ERR_TRUNCATED,
                        "peer closed the connection without close_notify after asking to "
                        "renegotiate, which iotls refuses (it answered with a warning "
                        "no_renegotiation alert): received data may be truncated");
    else
        iotls_error_set(&s->error, IOTLS_ERR_TRUNCATED,
                        "peer closed the connection without close_notify: received data "
                        "may be truncated");
    iotls_br_stop(s);
}

/* ---- application data --------------------------------------------------- */

/* Records of at most record_out plaintext bytes: once that much is in the
 * record being filled, it is sealed. out_fill/out_end follow what is
 * unsealed (the workspace needs to know which output bytes are live). */
size_t iotls_session_write(iotls_session_t *s, const void *data, size_t len)
{
    size_t done = 0;
    iotls_br_ws_acquire(s);
    while (done < len && !s->failed) {
        size_t room;
        iotls_br_out_pending(s); /* forgets a fill that was sealed meanwhile */
        uint8_t *buf = br_ssl_engine_sendapp_buf(s->eng, &room);
        if (!buf || room == 0)
            break;
        size_t n = len - done < room ? len - done : room;
        if (s->record_out && n > s->record_out - s->out_fill)
            n = s->record_out - s->out_fill;
        memcpy(buf, (const uint8_t *)data + done, n);
        br_ssl_engine_sendapp_ack(s->eng, n);
        done += n;
        if (n == room) {
            s->out_fill = 0; /* the engine sealed the full record */
        } else {
            s->out_fill += n;
            s->out_end = buf + n;
            if (s->record_out && s->out_fill >= s->record_out) {
                br_ssl_engine_flush(s->eng, 0);
                s->out_fill = 0;
            }
        }
    }
    return done;
}

void iotls_session_flush(iotls_session_t *s)
{
    iotls_br_ws_acquire(s);
    if (s->failed)
        return;
    br_ssl_engine_flush(s->eng, 0);
    s->out_fill = 0;
}

size_t iotls_session_read(iotls_session_t *s, void *out, size_t cap)
{
    size_t done = 0;
    iotls_br_ws_acquire(s);
    while (done < cap && !s->failed) {
        size_t avail;
        uint8_t *buf = br_ssl_engine_recvapp_buf(s->eng, &avail);
        if (!buf || avail == 0)
            break;
        size_t n = cap - done < avail ? cap - done : avail;
        memcpy((uint8_t *)out + done, buf, n);
        br_ssl_engine_recvapp_ack(s->eng, n);
        done += n;
    }
    return done;
}

void iotls_session_close(iotls_session_t *s)
{
    iotls_br_ws_acquire(s);
    if (s->failed)
        return;
    br_ssl_engine_close(s->eng);
}

void iotls_session_fail(iotls_session_t *s, const iotls_error_t *err)
{
    iotls_error_copy(&s->error, err);
    iotls_br_stop(s);
}

const iotls_error_t *iotls_session_error(const iotls_session_t *s)
{
    return &s->error;
}

const iotls_report_t *iotls_session_report(const iotls_session_t *s)
{
    return &s->report;
}

void *iotls_session_spare(iotls_session_t *s, size_t *len)
{
    if (!len)
        return NULL;
    *len = 0;
    if (!s || !s->x509 || !(iotls_session_state(s) & IOTLS_HANDSHAKE_DONE) || s->failed)
        return NULL;
    /* The validator is the block's tail (br_setup.c); once handed out the
     * session forgets it, so nothing in iotls can touch it again. */
    void *tail = s->x509;
    s->x509 = NULL;
    *len = s->tail_len;
    return tail;
}
