/*
 * The flash figure of a profile: a minimal device application of that
 * profile (trust and credentials from `iotls cert header` arrays, one
 * session driven over a transport) linked alone — no test harness, no
 * peer — so the map shows what iotls, BearSSL and the C library cost such
 * a device. It is linked, not run; check.sh also looks in it for printf
 * and strftime, which iotls must not pull in.
 */
#include "ca.h"
#include "iotls/options.h"
#include "iotls/tls.h"
#include "srv.h"

/* The device's transport, opaque to the compiler. */
extern volatile unsigned char net_window[2048];
volatile unsigned char net_window[2048];
static size_t net_io(uint8_t *buf, size_t len, int dir)
{
    for (size_t i = 0; i < len; i++) {
        if (dir)
            net_window[i % sizeof net_window] = buf[i];
        else
            buf[i] = net_window[i % sizeof net_window];
    }
    return len;
}

static uint8_t session_mem[24000] __attribute__((aligned(8)));

static int drive(iotls_session_t *s)
{
    for (;;) {
        unsigned st = iotls_session_state(s);
        size_t n;
        if (st & IOTLS_WANT_WRITE)
            iotls_session_send_ack(s, net_io((uint8_t *)iotls_session_send_buf(s, &n), n, 1));
        if (st & IOTLS_CLOSED)
            return iotls_session_error(s)->code;
        if (st & IOTLS_APP_READY) {
            uint8_t b[64];
            size_t k = iotls_session_read(s, b, sizeof b);
            iotls_session_write(s, b, k);
            iotls_session_flush(s);
        }
        if (st & IOTLS_WANT_READ) {
            uint8_t *b = iotls_session_recv_buf(s, &n);
            iotls_session_recv_ack(s, net_io(b, n, 0));
        }
    }
}

int main(void)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_config_t cfg;
#if IOTLS_CLIENT
    static uint8_t trust_mem[IOTLS_TRUST_STATIC_BYTES(1)];
    iotls_config_init(&cfg, IOTLS_ROLE_CLIENT);
    cfg.trust = iotls_trust_init_static(trust_mem, sizeof trust_mem, ca_anchors, 1, &err);
#else
    static uint8_t creds_mem[IOTLS_CREDS_STATIC_BYTES(2)];
    static const uint8_t *const certs[2] = {srv_cert0, srv_cert1};
    static const size_t lens[2] = {sizeof srv_cert0, sizeof srv_cert1};
    iotls_config_init(&cfg, IOTLS_ROLE_SERVER);
    cfg.creds = iotls_creds_init_static(creds_mem, sizeof creds_mem, certs, lens, 2, srv_key,
                                        sizeof srv_key, &err);
#endif
    cfg.buffer_size = 2048;
    cfg.half_duplex = true;
    iotls_session_t *s =
        iotls_session_init(session_mem, sizeof session_mem, &cfg, "device.example", &err);
    int rc = s ? drive(s) : err.code;
#if IOTLS_CLIENT && IOTLS_SERVER
    /* A device with both roles: a server session as well. */
    static uint8_t creds_mem[IOTLS_CREDS_STATIC_BYTES(2)];
    static const uint8_t *const certs[2] = {srv_cert0, srv_cert1};
    static const size_t lens[2] = {sizeof srv_cert0, sizeof srv_cert1};
    iotls_config_init(&cfg, IOTLS_ROLE_SERVER);
    cfg.creds = iotls_creds_init_static(creds_mem, sizeof creds_mem, certs, lens, 2, srv_key,
                                        sizeof srv_key, &err);
    cfg.buffer_size = 2048;
    cfg.half_duplex = true;
    s = iotls_session_init(session_mem, sizeof session_mem, &cfg, NULL, &err);
    rc += s ? drive(s) : err.code;
#endif
    return rc;
}
