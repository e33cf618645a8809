/*
 * The qemu image `make mcu-check` runs, one per profile and CPU: an iotls
 * session (the device under test) completes a verified handshake over an
 * in-memory transport, echoes data and closes; a client also meets three
 * servers it must refuse (wrong CA, expired certificate, wrong name). The
 * other end is a second iotls session when the profile has both roles,
 * BearSSL's own engine otherwise. Everything iotls is given lives in
 * const arrays from `iotls cert header` (no heap: the image has none).
 *
 * Output: "mcu-run: ..." lines, then the figures for check.sh:
 *   mcu-measure: session=N stack=N handshake_instr=N spare=N
 *   mcu-measure-extra: handshake_instr_1cert=N      (clients)
 *   mcu-split: ...                                  (clients: what the
 *     handshake's public-key operations cost one by one)
 * handshake_instr is a client's handshake with a leaf + intermediate chain
 * (three ECDSA verifications and ECDHE); handshake_instr_1cert the same
 * with a leaf the anchor issued directly (a private CA: two verifications).
 * Exit status 0 only when every case behaved.
 */
#include <stdarg.h>
#include <string.h>

#include "../board.h"
#include "ca.h"
#include "exp.h"
#include "iotls/options.h"
#include "iotls/tls.h"
#include "link.h"
#include "measure.h"
#include "other_ca.h"
#include "srv.h"
#if IOTLS_CLIENT
#include "direct.h"
#include "split.h"
#endif
#include "tls/format.h"
#include "wrong.h"

#define RECORD 2048
#define SERVER_NAME "localhost"

static void say(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    size_t n = iotls_vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    board_console_write(line, n < sizeof line ? n : sizeof line - 1);
}

static const test_cred_t srv = {
    {srv_cert0, srv_cert1}, {sizeof srv_cert0, sizeof srv_cert1}, 2, srv_key, sizeof srv_key};
#if IOTLS_CLIENT
static const test_cred_t expired = {
    {exp_cert0, exp_cert1}, {sizeof exp_cert0, sizeof exp_cert1}, 2, exp_key, sizeof exp_key};
static const test_cred_t wrongname = {{wrong_cert0, wrong_cert1},
                                      {sizeof wrong_cert0, sizeof wrong_cert1},
                                      2,
                                      wrong_key,
                                      sizeof wrong_key};
/* A leaf issued by the (other) root itself: a one-certificate chain. */
static const test_cred_t direct = {
    {direct_cert0, NULL}, {sizeof direct_cert0, 0}, 1, direct_key, sizeof direct_key};
#endif

/* ---- the iotls side ------------------------------------------------------ */

typedef struct {
    iotls_session_t *s;
    bool measured; /* run on the measured stack */
    bool counting; /* add instructions to `instr` */
    uint64_t instr;
    bool spare_taken;
    size_t spare;      /* bytes iotls_session_spare gave back */
    uint8_t echo[256]; /* received, not yet sent back */
    size_t echo_len;
} dut_t;

static size_t dut_move_here(end_t *e)
{
    dut_t *d = e->ctx;
    size_t moved = 0;
    for (;;) {
        unsigned st = iotls_session_state(d->s);
        size_t n, k;
        if (st & IOTLS_WANT_WRITE) {
            const uint8_t *b = iotls_session_send_buf(d->s, &n);
            if ((k = pipe_put(e->out, b, n)) > 0) {
                iotls_session_send_ack(d->s, k);
                moved += k;
                continue;
            }
        }
        if (st & IOTLS_CLOSED)
            return moved;
        /* Echo: read first (a half-duplex session cannot send while a
         * received record is unread), then send it back. */
        if ((st & IOTLS_APP_READY) && e->echo && d->echo_len < sizeof d->echo) {
            k = iotls_session_read(d->s, d->echo + d->echo_len, sizeof d->echo - d->echo_len);
            d->echo_len += k;
            moved += k;
            continue;
        }
        if (d->echo_len && (st & IOTLS_APP_WRITABLE)) {
            k = iotls_session_write(d->s, d->echo, d->echo_len);
            iotls_session_flush(d->s);
            memmove(d->echo, d->echo + k, d->echo_len - k);
            d->echo_len -= k;
            moved += k;
            if (k)
                continue;
        }
        if ((st & IOTLS_WANT_READ) && e->in->len) {
            uint8_t *b = iotls_session_recv_buf(d->s, &n);
            k = pipe_take(e->in, b, n);
            iotls_session_recv_ack(d->s, k);
            moved += k;
            continue;
        }
        return moved;
    }
}

static int dut_move_fn(void *arg)
{
    return (int)dut_move_here(arg);
}

static size_t dut_move(end_t *e)
{
    dut_t *d = e->ctx;
    if (!d->measured)
        return dut_move_here(e);
    size_t n = (size_t)measure_call(dut_move_fn, e, d->counting ? &d->instr : NULL);
    /* handshake_instr: session init and the handshake, nothing after. */
    unsigned st = iotls_session_state(d->s);
    if (st & (IOTLS_HANDSHAKE_DONE | IOTLS_CLOSED))
        d->counting = false;
    /* The device takes the validator's memory back after the handshake and
     * scribbles over it: the echo and close that follow must not notice. */
    if ((st & IOTLS_HANDSHAKE_DONE) && !d->spare_taken) {
        size_t len;
        uint8_t *spare = iotls_session_spare(d->s, &len);
        d->spare_taken = true;
        d->spare = len;
        if (spare)
            memset(spare, 0xEE, len);
    }
    return n;
}

static size_t dut_write(end_t *e, const void *data, size_t len)
{
    dut_t *d = e->ctx;
    size_t n = iotls_session_write(d->s, data, len);
    iotls_session_flush(d->s);
    return n;
}

static size_t dut_read(end_t *e, void *out, size_t cap)
{
    return iotls_session_read(((dut_t *)e->ctx)->s, out, cap);
}

static void dut_close(end_t *e)
{
    iotls_session_close(((dut_t *)e->ctx)->s);
}

static bool dut_done(end_t *e)
{
    return iotls_session_state(((dut_t *)e->ctx)->s) & IOTLS_HANDSHAKE_DONE;
}

static bool dut_closed(end_t *e)
{
    return iotls_session_state(((dut_t *)e->ctx)->s) & IOTLS_CLOSED;
}

/* Session blocks and the heap-free trust and credentials. */
static uint8_t session_mem[2][40000] __attribute__((aligned(8)));
#if IOTLS_CLIENT
static uint8_t trust_mem[IOTLS_TRUST_STATIC_BYTES(1)];
static uint8_t other_trust_mem[IOTLS_TRUST_STATIC_BYTES(1)];
#endif
#if IOTLS_SERVER
static uint8_t creds_mem[IOTLS_CREDS_STATIC_BYTES(2)];
#endif

typedef struct {
    iotls_config_t cfg;
    void *mem;
    const char *name;
    iotls_error_t err;
    iotls_session_t *s;
} init_args_t;

static int init_fn(void *arg)
{
    init_args_t *a = arg;
    size_t n = iotls_session_size(&a->cfg);
    if (n == 0 || n > sizeof session_mem[0]) {
        iotls_error_set(&a->err, IOTLS_ERR_MEMORY_TOO_SMALL, "session block");
        return 0;
    }
    a->s = iotls_session_init(a->mem, n, &a->cfg, a->name, &a->err);
    return a->s != NULL;
}

static bool dut_init(end_t *e, dut_t *d, iotls_config_t *cfg, int slot, const char *name)
{
    init_args_t a = {.cfg = *cfg, .mem = session_mem[slot], .name = name};
    iotls_error_clear(&a.err);
    int ok = d->measured ? measure_call(init_fn, &a, d->counting ? &d->instr : NULL) : init_fn(&a);
    if (!ok) {
        say("mcu-run: %s: session init failed: %s (%s)\n", e->name,
            iotls_error_code_name(a.err.code), a.err.text);
        return false;
    }
    d->s = a.s;
    e->ctx = d;
    e->move = dut_move;
    e->write = dut_write;
    e->read = dut_read;
    e->close = dut_close;
    e->handshake_done = dut_done;
    e->closed = dut_closed;
    return true;
}

#if IOTLS_CLIENT
static iotls_config_t client_config(const iotls_trust_t *trust)
{
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_CLIENT);
    cfg.buffer_size = RECORD;
    cfg.half_duplex = true;
    cfg.trust = trust; /* time: the port's (clockless: build time as a lower bound) */
    return cfg;
}
#endif

#if IOTLS_SERVER
static iotls_creds_t *server_creds(const test_cred_t *c)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_creds_t *creds = iotls_creds_init_static(creds_mem, sizeof creds_mem, c->certs, c->lens,
                                                   c->count, c->key, c->key_len, &err);
    if (!creds)
        say("mcu-run: server credentials: %s (%s)\n", iotls_error_code_name(err.code), err.text);
    return creds;
}

static iotls_config_t server_config(const iotls_creds_t *creds)
{
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_SERVER);
    cfg.buffer_size = RECORD;
    cfg.half_duplex = true;
    cfg.creds = creds;
    return cfg;
}
#endif

/* ---- the scenario -------------------------------------------------------- */

static pipe_t c2s, s2c;

static void pump(end_t *a, end_t *b)
{
    for (int i = 0; i < 1000; i++)
        if (a->move(a) + b->move(b) == 0)
            return;
}

/* Handshake, echo, close. */
static bool talk(end_t *client, end_t *server)
{
    pump(client, server);
    if (!client->handshake_done(client) || !server->handshake_done(server)) {
        say("mcu-run: handshake did not complete\n");
        return false;
    }
    end_t *talker = client->echo ? server : client;
    end_t *echoer = client->echo ? client : server;
    static const char msg[] = "hello from the device, 64 bytes of application data, echoed back";
    if (talker->write(talker, msg, sizeof msg) != sizeof msg) {
        say("mcu-run: write refused\n");
        return false;
    }
    pump(client, server);
    char back[sizeof msg];
    size_t got = 0;
    while (got < sizeof msg) {
        size_t k = talker->read(talker, back + got, sizeof back - got);
        if (k == 0)
            break;
        got += k;
        pump(client, server);
    }
    if (got != sizeof msg || memcmp(back, msg, sizeof msg) != 0) {
        say("mcu-run: echo returned %lu of %lu bytes\n", (unsigned long)got,
            (unsigned long)sizeof msg);
        return false;
    }
    talker->close(talker);
    pump(client, server);
    if (!talker->closed(talker) || !echoer->closed(echoer)) {
        say("mcu-run: close did not complete on both sides\n");
        return false;
    }
    return true;
}

static void reset_pipes(void)
{
    c2s.len = s2c.len = 0;
}

#if IOTLS_CLIENT
static const iotls_trust_t *client_trust(uint8_t *mem, size_t len, const iotls_anchor_t *anchors)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    const iotls_trust_t *t = iotls_trust_init_static(mem, len, anchors, 1, &err);
    if (!t)
        say("mcu-run: trust: %s (%s)\n", iotls_error_code_name(err.code), err.text);
    return t;
}

/* The server side of a client test: an iotls server when the profile has
 * one, BearSSL's otherwise. */
static bool start_server(end_t *server, dut_t *sd, const test_cred_t *cred)
{
    server->in = &c2s;
    server->out = &s2c;
    server->name = "server";
    server->echo = true;
#if IOTLS_SERVER
    iotls_creds_t *creds = server_creds(cred);
    if (!creds)
        return false;
    iotls_config_t cfg = server_config(creds);
    return dut_init(server, sd, &cfg, 1, NULL);
#else
    (void)sd;
    peer_server_init(server, cred);
    return true;
#endif
}

/* A client case: `cred` is what the server presents; `expect` the error
 * the device must end with (IOTLS_OK: a full exchange). */
static bool client_case(const char *label, const iotls_trust_t *trust, const test_cred_t *cred,
                        iotls_err_t expect, dut_t *measured)
{
    reset_pipes();
    end_t client = {.name = "client", .in = &s2c, .out = &c2s};
    end_t server;
    dut_t local = {0}, sd = {0};
    dut_t *cd = measured ? measured : &local;
    iotls_config_t cfg = client_config(trust);
    if (!start_server(&server, &sd, cred) || !dut_init(&client, cd, &cfg, 0, SERVER_NAME))
        return false;
    bool ok;
    if (expect == IOTLS_OK) {
        ok = talk(&client, &server);
        const iotls_report_t *r = iotls_session_report(cd->s);
        ok = ok && r->verified && iotls_session_error(cd->s)->code == IOTLS_OK;
        say("mcu-run: client %s: %s, %s, %s, verified=%d, validity: %s\n", label,
            ok ? "handshake + echo + close OK" : "FAILED", r->version_name, r->cipher_suite_name,
            r->verified, r->time_check);
    } else {
        pump(&client, &server);
        const iotls_error_t *e = iotls_session_error(cd->s);
        ok = e->code == expect && !dut_done(&client);
        say("mcu-run: client %s: %s %s%s%s\n", label,
            ok ? "refused as expected with" : "WRONG:", iotls_error_code_name(e->code),
            e->text[0] ? ": " : "", e->text);
    }
    return ok;
}
#endif

#if IOTLS_CLIENT && !IOTLS_NO_CHAIN_MODES
/* A build that always verifies the chain refuses the insecure and pin-only
 * configurations at init (iotls/options.h), before any byte is sent. */
static bool chainless_refused(void)
{
    static const iotls_pin_t pin = {IOTLS_PIN_SPKI_SHA256, {0}};
    bool ok = true;
    for (int pin_only = 0; pin_only < 2; pin_only++) {
        iotls_config_t cfg = client_config(NULL);
        cfg.insecure = !pin_only;
        cfg.pins = pin_only ? &pin : NULL;
        cfg.pin_count = pin_only ? 1 : 0;
        iotls_error_t err;
        iotls_error_clear(&err);
        size_t n = iotls_session_size(&cfg);
        iotls_session_t *s = n && n <= sizeof session_mem[0]
                                 ? iotls_session_init(session_mem[0], n, &cfg, SERVER_NAME, &err)
                                 : NULL;
        bool refused = !s && err.code == IOTLS_ERR_CONFIG;
        say("mcu-run: client %s: %s %s\n", pin_only ? "pin-only" : "insecure",
            refused ? "refused at init as expected with" : "WRONG:",
            iotls_error_code_name(err.code));
        ok = ok && refused;
    }
    return ok;
}
#endif

#if IOTLS_SERVER && !IOTLS_CLIENT
static bool server_case(dut_t *sd)
{
    reset_pipes();
    end_t client = {.name = "client", .in = &s2c, .out = &c2s};
    end_t server = {.name = "server", .in = &c2s, .out = &s2c, .echo = true};
    iotls_creds_t *creds = server_creds(&srv);
    if (!creds)
        return false;
    iotls_config_t cfg = server_config(creds);
    if (!dut_init(&server, sd, &cfg, 1, NULL))
        return false;
    peer_client_init(&client, (int64_t)IOTLS_BUILD_TIME, SERVER_NAME);
    bool ok = talk(&client, &server) && iotls_session_error(sd->s)->code == IOTLS_OK;
    const iotls_report_t *r = iotls_session_report(sd->s);
    say("mcu-run: server: %s, %s, %s\n", ok ? "handshake + echo + close OK" : "FAILED",
        r->version_name, r->cipher_suite_name);
    return ok;
}
#endif

int main(void)
{
    measure_init();
    bool ok = true;
    size_t session = 0;
    dut_t dut = {.measured = true, .counting = true};
    measure_stack_paint();
#if IOTLS_CLIENT
    const iotls_trust_t *trust = client_trust(trust_mem, sizeof trust_mem, ca_anchors);
    iotls_config_t cfg = client_config(trust);
    session = iotls_session_size(&cfg);
    ok = trust && client_case("verified", trust, &srv, IOTLS_OK, &dut);
    size_t stack = measure_stack_peak();
    uint64_t instr = dut.instr;
    const iotls_trust_t *other =
        client_trust(other_trust_mem, sizeof other_trust_mem, other_ca_anchors);
    dut_t dut1 = {.measured = true, .counting = true};
    ok = other && client_case("verified-1cert", other, &direct, IOTLS_OK, &dut1) && ok;
    ok = client_case("wrong-ca", other, &srv, IOTLS_ERR_CERT_UNTRUSTED, NULL) && ok;
    ok = client_case("expired", trust, &expired, IOTLS_ERR_CERT_EXPIRED, NULL) && ok;
    ok = client_case("wrong-name", trust, &wrongname, IOTLS_ERR_CERT_NAME_MISMATCH, NULL) && ok;
#if !IOTLS_NO_CHAIN_MODES
    ok = chainless_refused() && ok;
#endif
#else
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_SERVER);
    cfg.buffer_size = RECORD;
    cfg.half_duplex = true;
    session = iotls_session_size(&cfg);
    ok = server_case(&dut);
    size_t stack = measure_stack_peak();
    uint64_t instr = dut.instr;
#endif
    say("mcu-measure: session=%lu stack=%lu handshake_instr=%llu spare=%lu\n",
        (unsigned long)session, (unsigned long)stack, (unsigned long long)instr,
        (unsigned long)dut.spare);
#if IOTLS_CLIENT
    say("mcu-measure-extra: handshake_instr_1cert=%llu\n", (unsigned long long)dut1.instr);
    ok = split_report(say) && ok;
#endif
    say("mcu-run: %s\n", ok ? "all cases passed" : "FAILED");
    return ok ? 0 : 1;
}
