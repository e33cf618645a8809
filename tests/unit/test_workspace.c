/*
 * The shared record workspace: many sessions interleaved in one process
 * with their engines in the same two buffers. Bytes are moved in random
 * small pieces in a random order so that buffers change hands while a
 * record is half received, plaintext is unread, a record is half sent, or
 * plaintext is written but not sealed. Every byte is checked at the other
 * end; a spill pool too small for one session's bytes fails that session
 * only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iotls/tls.h"
#include "pair.h"
#include "pki.h"

#define PAIRS 8
#define STREAM 40000 /* application bytes each way per pair */

static const iotls_test_pki_t *pki;

static int setup_pki(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

static uint32_t rng_state = 12345;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) % n;
}

/* Byte `off` of the stream pair i sends in direction d (0 = client to
 * server): differs per pair and direction so crossed streams show. */
static uint8_t stream_byte(int i, int d, size_t off)
{
    return (uint8_t)(off * 31u + (off >> 8) * 7u + (unsigned)i * 13u + (unsigned)d * 101u);
}

typedef struct {
    iotls_session_t *s;
    void *mem;
    size_t written, read; /* stream offsets */
    bool lost;            /* spill_failed was called */
} end_t;

typedef struct {
    end_t e[2]; /* 0 = client, 1 = server */
} link_t;

static void on_spill_failed(void *ctx)
{
    ((end_t *)ctx)->lost = true;
}

static iotls_workspace_t *new_workspace(size_t spill, void **mem)
{
    size_t n = iotls_workspace_size(spill);
    *mem = malloc(n);
    iotls_error_t err;
    iotls_workspace_t *ws = iotls_workspace_init(*mem, n, spill, &err);
    assert_non_null(ws);
    return ws;
}

static void start_link(iotls_test_pair_t *p, link_t *l, iotls_workspace_t *cws,
                       iotls_workspace_t *sws, size_t client_buffer)
{
    memset(l, 0, sizeof *l);
    iotls_config_t cfg[2] = {p->ccfg, p->scfg};
    cfg[0].workspace = cws;
    cfg[0].buffer_size = client_buffer;
    cfg[1].workspace = sws;
    for (int k = 0; k < 2; k++) {
        cfg[k].spill_failed = on_spill_failed;
        cfg[k].spill_ctx = &l->e[k];
        size_t n = iotls_session_size(&cfg[k]);
        l->e[k].mem = malloc(n);
        iotls_error_t err;
        l->e[k].s = iotls_session_init(l->e[k].mem, n, &cfg[k], k ? NULL : "localhost", &err);
        assert_non_null(l->e[k].s);
    }
}

static void free_link(link_t *l)
{
    for (int k = 0; k < 2; k++) {
        iotls_session_release(l->e[k].s);
        free(l->e[k].mem);
    }
}

/* One random step on link i: a piece of records one way, a piece of
 * plaintext written, or a piece read. Returns bytes moved. */
static size_t step(link_t *links, int i)
{
    link_t *l = &links[i];
    int d = (int)rnd(2);
    end_t *from = &l->e[d], *to = &l->e[1 - d];
    unsigned st = iotls_session_state(from->s);
    size_t moved = 0;
    switch (rnd(4)) {
    case 0: { /* records: a random piece from `from` to `to` */
        size_t avail, room;
        const uint8_t *out = iotls_session_send_buf(from->s, &avail);
        if (!out || !avail)
            break;
        size_t want = 1 + rnd(avail < 3000 ? (uint32_t)avail : 3000);
        uint8_t tmp[3000];
        memcpy(tmp, out, want);
        /* Another session's call in between: the buffers change hands
         * while `from` has a record half sent. */
        (void)iotls_session_send_buf(links[(i + 1) % PAIRS].e[0].s, &room);
        uint8_t *in = iotls_session_recv_buf(to->s, &room);
        if (!in || !room)
            break;
        size_t n = want < room ? want : room;
        memcpy(in, tmp, n);
        iotls_session_recv_ack(to->s, n);
        iotls_session_send_ack(from->s, n);
        moved = n;
        break;
    }
    case 1: /* plaintext in, sometimes sealed, sometimes left unsealed */
        if ((st & IOTLS_APP_WRITABLE) && from->written < STREAM) {
            uint8_t buf[5000];
            size_t n = 1 + rnd(sizeof buf);
            if (n > STREAM - from->written)
                n = STREAM - from->written;
            for (size_t k = 0; k < n; k++)
                buf[k] = stream_byte(i, d, from->written + k);
            size_t w = iotls_session_write(from->s, buf, n);
            from->written += w;
            if (rnd(3) == 0)
                iotls_session_flush(from->s);
            moved = w;
        }
        break;
    case 2: /* read a random piece, often leaving plaintext unread */
        if (st & IOTLS_APP_READY) {
            uint8_t buf[3000];
            size_t n = iotls_session_read(from->s, buf, 1 + rnd(sizeof buf));
            for (size_t k = 0; k < n; k++)
                assert_int_equal(buf[k], stream_byte(i, 1 - d, from->read + k));
            from->read += n;
            moved = n;
        }
        break;
    default: /* seal whatever is written */
        if (st & IOTLS_APP_WRITABLE)
            iotls_session_flush(from->s);
        break;
    }
    return moved;
}

static bool link_done(const link_t *l)
{
    return l->e[0].read == STREAM && l->e[1].read == STREAM;
}

static void run_links(link_t *links)
{
    for (unsigned round = 0; round < 4000000; round++) {
        int i = (int)rnd(PAIRS);
        step(links, i);
        if (round % 1024 == 0) {
            bool all = true;
            for (int k = 0; k < PAIRS; k++) {
                all &= link_done(&links[k]);
                for (int e = 0; e < 2; e++) {
                    const iotls_error_t *err = iotls_session_error(links[k].e[e].s);
                    if (err->code != IOTLS_OK)
                        fail_msg("pair %d end %d: %s", k, e, err->text);
                }
            }
            if (all)
                return;
        }
    }
    fail_msg("streams did not complete");
}

static void check_workspace_idle(iotls_workspace_t *ws, link_t *links)
{
    /* Everything read and sent: an idle session keeps nothing aside. */
    for (int k = 0; k < PAIRS; k++)
        for (int e = 0; e < 2; e++) {
            size_t room;
            iotls_session_flush(links[k].e[e].s);
            (void)iotls_session_recv_buf(links[k].e[e].s, &room);
        }
    for (int k = 0; k < PAIRS; k++)
        for (int e = 0; e < 2; e++)
            assert_int_equal(iotls_session_spilled(links[k].e[e].s), 0);
    iotls_workspace_stats_t st;
    iotls_workspace_stats(ws, &st);
    assert_int_equal(st.spill_used, 0);
    assert_int_equal(st.spill_failures, 0);
}

/* Client and server sessions of 8 pairs, all 16 in ONE workspace. */
static void test_interleaved_one_workspace(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 16384);
    void *wmem;
    iotls_workspace_t *ws = new_workspace(1024 * 1024, &wmem);
    link_t links[PAIRS];
    for (int i = 0; i < PAIRS; i++)
        start_link(&p, &links[i], ws, ws, i % 2 ? 16384 : 1024);
    run_links(links);
    for (int i = 0; i < PAIRS; i++)
        for (int e = 0; e < 2; e++)
            assert_true(iotls_session_state(links[i].e[e].s) & IOTLS_HANDSHAKE_DONE);
    iotls_workspace_stats_t st;
    iotls_workspace_stats(ws, &st);
    assert_true(st.switches > 1000);
    assert_true(st.spills > 100); /* bytes really were in flight at switches */
    assert_true(st.spill_peak > 0);
    check_workspace_idle(ws, links);
    for (int i = 0; i < PAIRS; i++)
        free_link(&links[i]);
    free(wmem);
    iotls_test_pair_free(&p);
}

/* Servers in one workspace, clients in another (the net layer's shape:
 * a server and its device clients need not share). */
static void test_interleaved_two_workspaces(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_rsa.chain, pki->server_rsa.key, 16384);
    void *cmem, *smem;
    iotls_workspace_t *cws = new_workspace(256 * 1024, &cmem);
    iotls_workspace_t *sws = new_workspace(256 * 1024, &smem);
    link_t links[PAIRS];
    for (int i = 0; i < PAIRS; i++)
        start_link(&p, &links[i], cws, sws, i % 3 ? 2048 : 16384);
    run_links(links);
    check_workspace_idle(sws, links);
    for (int i = 0; i < PAIRS; i++)
        free_link(&links[i]);
    free(cmem);
    free(smem);
    iotls_test_pair_free(&p);
}

/* Move everything between the two ends of a link until stuck. */
static void pump_link(link_t *l)
{
    for (bool moved = true; moved;) {
        moved = false;
        for (int d = 0; d < 2; d++) {
            size_t avail, room;
            const uint8_t *out = iotls_session_send_buf(l->e[d].s, &avail);
            if (!out || !avail)
                continue;
            uint8_t tmp[20000];
            memcpy(tmp, out, avail);
            uint8_t *in = iotls_session_recv_buf(l->e[1 - d].s, &room);
            if (!in || !room)
                continue;
            size_t n = avail < room ? avail : room;
            memcpy(in, tmp, n);
            iotls_session_recv_ack(l->e[1 - d].s, n);
            iotls_session_send_ack(l->e[d].s, n);
            moved = true;
        }
    }
}

/* A pool too small for one server's unread 16 KiB: that server fails with
 * IOTLS_ERR_SPILL_FULL and its callback runs; the other pairs carry on. */
static void test_spill_pool_exhaustion_fails_one(void **state)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 16384);
    void *wmem;
    iotls_workspace_t *ws = new_workspace(4096, &wmem);
    link_t a, b;
    start_link(&p, &a, NULL, ws, 16384);
    pump_link(&a);
    start_link(&p, &b, NULL, ws, 16384);
    pump_link(&b);
    assert_true(iotls_session_state(a.e[1].s) & IOTLS_HANDSHAKE_DONE);
    assert_true(iotls_session_state(b.e[1].s) & IOTLS_HANDSHAKE_DONE);

    /* a's server receives a 16 KiB record and leaves it unread. */
    static uint8_t big[16384];
    memset(big, 0x5a, sizeof big);
    assert_int_equal(iotls_session_write(a.e[0].s, big, sizeof big), sizeof big);
    iotls_session_flush(a.e[0].s);
    pump_link(&a);
    assert_true(iotls_session_state(a.e[1].s) & IOTLS_APP_READY);

    /* b's server takes the buffers: a's 16 KiB cannot be set aside. */
    uint8_t msg[100];
    memset(msg, 1, sizeof msg);
    iotls_session_write(b.e[0].s, msg, sizeof msg);
    iotls_session_flush(b.e[0].s);
    pump_link(&b);
    assert_true(a.e[1].lost);
    assert_false(b.e[1].lost);
    const iotls_error_t *err = iotls_session_error(a.e[1].s);
    assert_int_equal(err->code, IOTLS_ERR_SPILL_FULL);
    assert_non_null(strstr(err->text, "spill pool"));
    assert_true(iotls_session_state(a.e[1].s) & IOTLS_CLOSED);
    uint8_t got[200];
    assert_int_equal(iotls_session_read(b.e[1].s, got, sizeof got), sizeof msg);
    assert_memory_equal(got, msg, sizeof msg);
    assert_int_equal(iotls_session_error(b.e[1].s)->code, IOTLS_OK);
    iotls_workspace_stats_t st;
    iotls_workspace_stats(ws, &st);
    assert_int_equal(st.spill_failures, 1);

    /* A third server still handshakes and talks in the same workspace. */
    link_t c;
    start_link(&p, &c, NULL, ws, 2048);
    pump_link(&c);
    assert_true(iotls_session_state(c.e[1].s) & IOTLS_HANDSHAKE_DONE);
    free_link(&a);
    free_link(&b);
    free_link(&c);
    free(wmem);
    iotls_test_pair_free(&p);
}

/* Parse record headers in `out` and return the largest record length. */
static size_t largest_record(const uint8_t *out, size_t len)
{
    size_t max = 0;
    for (size_t off = 0; off + 5 <= len;) {
        size_t rl = (size_t)out[off + 3] << 8 | out[off + 4];
        if (out[off] == 23 && rl > max)
            max = rl;
        off += 5 + rl;
    }
    return max;
}

/* A server in a workspace with buffer_size 2048 acknowledges a 4096 and a
 * 512 max_fragment_length alike (full-size buffers), and its own records
 * stay within 2048 bytes of plaintext. */
static void test_server_acknowledges_every_mfl(void **state)
{
    static const size_t client_sizes[] = {512, 1024, 4096, 16384};
    for (size_t k = 0; k < sizeof client_sizes / sizeof client_sizes[0]; k++) {
        iotls_test_pair_t p;
        iotls_test_pair_setup(&p, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key, 16384);
        p.scfg.buffer_size = 2048;
        void *wmem;
        iotls_workspace_t *ws = new_workspace(0, &wmem);
        link_t l;
        start_link(&p, &l, NULL, ws, client_sizes[k]);
        pump_link(&l);
        const iotls_report_t *cr = iotls_session_report(l.e[0].s);
        assert_true(iotls_session_state(l.e[0].s) & IOTLS_HANDSHAKE_DONE);
        unsigned expect = client_sizes[k] < 16384 ? (unsigned)client_sizes[k] : 0;
        assert_int_equal(cr->mfl_agreed, expect);

        static uint8_t data[10000];
        memset(data, 7, sizeof data);
        static uint8_t wire[40000];
        size_t n = 0;
        for (size_t done = 0; done < sizeof data;) {
            size_t w = iotls_session_write(l.e[1].s, data + done, sizeof data - done);
            iotls_session_flush(l.e[1].s);
            n += iotls_session_take(l.e[1].s, wire + n, sizeof wire - n);
            assert_true(w > 0);
            done += w;
        }
        size_t limit = client_sizes[k] < 2048 ? client_sizes[k] : 2048;
        size_t biggest = largest_record(wire, n);
        assert_true(biggest > limit / 2);
        assert_true(biggest <= limit + 64); /* payload + AEAD overhead */
        free_link(&l);
        free(wmem);
        iotls_test_pair_free(&p);
    }
}

static void test_sizes(void **state)
{
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_SERVER);
    size_t own = iotls_session_size(&cfg);
    void *wmem;
    cfg.workspace = new_workspace(0, &wmem);
    size_t shared = iotls_session_size(&cfg);
    assert_true(own - shared >= 16384 * 2);
    assert_true(shared <= 8 * 1024);
    assert_true(iotls_workspace_size(0) >= 2 * 16384 + IOTLS_WORKSPACE_SPILL_DEFAULT);
    iotls_error_t err;
    iotls_error_clear(&err);
    char small[64];
    assert_null(iotls_workspace_init(small, sizeof small, 0, &err));
    assert_int_equal(err.code, IOTLS_ERR_MEMORY_TOO_SMALL);
    free(wmem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_interleaved_one_workspace),
        cmocka_unit_test(test_interleaved_two_workspaces),
        cmocka_unit_test(test_spill_pool_exhaustion_fails_one),
        cmocka_unit_test(test_server_acknowledges_every_mfl),
    };
    return cmocka_run_group_tests(tests, setup_pki, iotls_test_pki_teardown);
}
