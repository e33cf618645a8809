/*
 * test_hello_sniff.c — the hello sniffer on hand-built ClientHello /
 * ServerHello bytes (every chunking, split records, malformed variants) and
 * on a real ClientHello from `openssl s_client` plus the real ServerHello an
 * `openssl s_server` answers it with, both on 127.0.0.1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "cmd.h"
#include "peer.h"
#include "tls/hello_sniff.h"

/* ------------------------------------------------------------ builders */

typedef struct {
    uint8_t b[20000];
    size_t n;
} buf_t;

static void put(buf_t *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof(b->b));
    memcpy(b->b + b->n, p, n);
    b->n += n;
}

static void put8(buf_t *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    put(b, &x, 1);
}

static void put16(buf_t *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v);
}

static void put24(buf_t *b, unsigned v)
{
    put8(b, v >> 16);
    put16(b, v);
}

static void put_ext(buf_t *exts, unsigned type, const buf_t *data)
{
    put16(exts, type);
    put16(exts, (unsigned)data->n);
    put(exts, data->b, data->n);
}

static void ext_sni(buf_t *exts, const char *host)
{
    buf_t e = {.n = 0};
    put16(&e, (unsigned)strlen(host) + 3);
    put8(&e, 0);
    put16(&e, (unsigned)strlen(host));
    put(&e, host, strlen(host));
    put_ext(exts, 0, &e);
}

static void ext_mfl(buf_t *exts, unsigned code)
{
    buf_t e = {.n = 0};
    put8(&e, code);
    put_ext(exts, 1, &e);
}

/* protos: comma-separated */
static void ext_alpn(buf_t *exts, const char *protos)
{
    buf_t list = {.n = 0}, e = {.n = 0};
    const char *p = protos;
    while (*p) {
        size_t n = strcspn(p, ",");
        put8(&list, (unsigned)n);
        put(&list, p, n);
        p += n;
        if (*p == ',')
            p++;
    }
    put16(&e, (unsigned)list.n);
    put(&e, list.b, list.n);
    put_ext(exts, 16, &e);
}

/* exts == NULL: no extensions block at all. */
static void client_hello(buf_t *msg, const buf_t *exts)
{
    buf_t body = {.n = 0};
    put16(&body, 0x0303);
    uint8_t rnd[32];
    memset(rnd, 0xAB, sizeof(rnd));
    put(&body, rnd, 32);
    put8(&body, 32);
    put(&body, rnd, 32);
    put16(&body, 4);
    put16(&body, 0xC02B);
    put16(&body, 0xC02F);
    put8(&body, 1);
    put8(&body, 0);
    if (exts != NULL) {
        put16(&body, (unsigned)exts->n);
        put(&body, exts->b, exts->n);
    }
    msg->n = 0;
    put8(msg, 1);
    put24(msg, (unsigned)body.n);
    put(msg, body.b, body.n);
}

static void server_hello(buf_t *msg, const buf_t *exts, unsigned suite)
{
    buf_t body = {.n = 0};
    put16(&body, 0x0303);
    uint8_t rnd[32];
    memset(rnd, 0xCD, sizeof(rnd));
    put(&body, rnd, 32);
    put8(&body, 0);
    put16(&body, suite);
    put8(&body, 0);
    if (exts != NULL) {
        put16(&body, (unsigned)exts->n);
        put(&body, exts->b, exts->n);
    }
    msg->n = 0;
    put8(msg, 2);
    put24(msg, (unsigned)body.n);
    put(msg, body.b, body.n);
}

/* Wraps msg in handshake records; split[] are the record payload sizes
 * (the last record takes the rest). */
static void records(buf_t *out, const buf_t *msg, const size_t *split, size_t nsplit)
{
    out->n = 0;
    size_t off = 0;
    for (size_t i = 0; off < msg->n; i++) {
        size_t n = i < nsplit ? split[i] : msg->n - off;
        if (n > msg->n - off)
            n = msg->n - off;
        put8(out, 22);
        put16(out, 0x0301);
        put16(out, (unsigned)n);
        put(out, msg->b + off, n);
        off += n;
    }
}

/* The sniffers of one test keep their texts here (a few at a time). */
static void sniff_init(iotls_hello_sniff_t *s)
{
    static char sni[8][IOTLS_HELLO_SNI_MAX], alpn[8][IOTLS_HELLO_ALPN_MAX];
    static uint8_t sid[8][IOTLS_HELLO_SESSION_ID_MAX];
    static unsigned next;
    unsigned i = next++ % 8;
    iotls_hello_sniff_init(s, sni[i], alpn[i], sid[i]);
}

static void sniff(iotls_hello_sniff_t *s, const uint8_t *p, size_t n, size_t chunk)
{
    sniff_init(s);
    uint32_t rnd = 99;
    size_t off = 0;
    while (off < n) {
        size_t k = chunk;
        if (k == 0) {
            rnd = rnd * 1103515245u + 12345u;
            k = 1 + (rnd >> 16) % 50;
        }
        if (k > n - off)
            k = n - off;
        iotls_hello_sniff_push(s, p + off, k);
        off += k;
    }
}

static void assert_same(const iotls_hello_sniff_t *a, const iotls_hello_sniff_t *b)
{
    assert_int_equal(a->done, b->done);
    assert_int_equal(a->malformed, b->malformed);
    assert_int_equal(a->complete, b->complete);
    assert_int_equal(a->msg_type, b->msg_type);
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->cipher_suite, b->cipher_suite);
    assert_int_equal(a->mfl_present, b->mfl_present);
    assert_int_equal(a->mfl_code, b->mfl_code);
    assert_int_equal(a->sni_present, b->sni_present);
    assert_string_equal(a->sni, b->sni);
    assert_int_equal(a->alpn_present, b->alpn_present);
    assert_string_equal(a->alpn, b->alpn);
    if (a->err != NULL || b->err != NULL) {
        assert_non_null(a->err);
        assert_non_null(b->err);
        assert_string_equal(a->err, b->err);
    }
}

/* Sniffs in one push, then checks every other chunking agrees. */
static void sniff_all(iotls_hello_sniff_t *s, const buf_t *stream)
{
    sniff(s, stream->b, stream->n, stream->n ? stream->n : 1);
    static const size_t chunks[] = {1, 2, 3, 5, 0};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        iotls_hello_sniff_t t;
        sniff(&t, stream->b, stream->n, chunks[i]);
        assert_same(s, &t);
    }
}

/* ------------------------------------------------------------ tests */

static void test_mfl_code_bytes(void **state)
{
    (void)state;
    assert_int_equal(iotls_mfl_code_bytes(0), 0);
    assert_int_equal(iotls_mfl_code_bytes(1), 512);
    assert_int_equal(iotls_mfl_code_bytes(2), 1024);
    assert_int_equal(iotls_mfl_code_bytes(3), 2048);
    assert_int_equal(iotls_mfl_code_bytes(4), 4096);
    assert_int_equal(iotls_mfl_code_bytes(5), 0);
    assert_int_equal(iotls_mfl_code_bytes(255), 0);
}

static void test_client_hello_full(void **state)
{
    (void)state;
    buf_t exts = {.n = 0}, msg, rec;
    ext_sni(&exts, "device-1.example");
    put16(&exts, 0x000A); /* supported_groups: skipped */
    put16(&exts, 4);
    put16(&exts, 2);
    put16(&exts, 0x0017);
    ext_mfl(&exts, 2);
    ext_alpn(&exts, "h2,http/1.1");
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    iotls_hello_sniff_t s;
    sniff_all(&s, &rec);
    assert_true(s.done);
    assert_true(s.complete);
    assert_false(s.malformed);
    assert_null(s.err);
    assert_int_equal(s.msg_type, IOTLS_HELLO_CLIENT);
    assert_int_equal(s.version, 0x0303);
    assert_true(s.sni_present);
    assert_string_equal(s.sni, "device-1.example");
    assert_true(s.mfl_present);
    assert_int_equal(s.mfl_code, 2);
    assert_int_equal(iotls_mfl_code_bytes(s.mfl_code), 1024);
    assert_true(s.alpn_present);
    assert_string_equal(s.alpn, "h2,http/1.1");

    /* Split across records, including inside the handshake header and
     * inside the host name. */
    static const size_t splits[][3] = {{2, 0, 0}, {1, 2, 0}, {100, 0, 0}, {60, 20, 0}, {3, 1, 1}};
    for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
        size_t nsplit = splits[i][1] == 0 ? 1 : splits[i][2] == 0 ? 2 : 3;
        records(&rec, &msg, splits[i], nsplit);
        iotls_hello_sniff_t t;
        sniff_all(&t, &rec);
        assert_same(&s, &t);
    }

    /* Bytes after the hello (more messages, later records) are ignored. */
    buf_t two = msg;
    put(&two, msg.b, msg.n);
    records(&rec, &two, NULL, 0);
    put(&rec, "\x15\x03\x03\x00\x02\x02\x28", 7);
    iotls_hello_sniff_t t;
    sniff_all(&t, &rec);
    assert_same(&s, &t);
}

static void test_client_hello_minimal(void **state)
{
    (void)state;
    buf_t msg, rec, exts = {.n = 0};
    iotls_hello_sniff_t s;
    client_hello(&msg, NULL); /* no extensions block at all */
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_false(s.malformed);
    assert_false(s.sni_present);
    assert_false(s.mfl_present);
    assert_false(s.alpn_present);
    assert_string_equal(s.sni, "");
    assert_string_equal(s.alpn, "");

    client_hello(&msg, &exts); /* empty extensions block */
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_false(s.malformed);

    /* Only MFL, with a code outside 1..4: reported raw. */
    ext_mfl(&exts, 9);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_true(s.mfl_present);
    assert_int_equal(s.mfl_code, 9);
    assert_int_equal(iotls_mfl_code_bytes(s.mfl_code), 0);
}

static void test_server_hello(void **state)
{
    (void)state;
    buf_t exts = {.n = 0}, msg, rec, empty = {.n = 0};
    put_ext(&exts, 0, &empty); /* SNI acknowledged */
    ext_mfl(&exts, 1);
    put_ext(&exts, 0xFF01, &empty); /* renegotiation_info-ish: skipped */
    ext_alpn(&exts, "h2");
    server_hello(&msg, &exts, 0xC02F);
    /* A ServerHello followed by a Certificate in the same record. */
    put(&msg, "\x0b\x00\x00\x03\x00\x00\x00", 7);
    records(&rec, &msg, NULL, 0);
    iotls_hello_sniff_t s;
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_false(s.malformed);
    assert_int_equal(s.msg_type, IOTLS_HELLO_SERVER);
    assert_int_equal(s.version, 0x0303);
    assert_int_equal(s.cipher_suite, 0xC02F);
    assert_true(s.mfl_present);
    assert_int_equal(s.mfl_code, 1);
    assert_true(s.sni_present);
    assert_string_equal(s.sni, "");
    assert_true(s.alpn_present);
    assert_string_equal(s.alpn, "h2");

    server_hello(&msg, NULL, 0x009C); /* no extensions: server ignored MFL */
    records(&rec, &msg, (const size_t[]){10}, 1);
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_false(s.mfl_present);
    assert_int_equal(s.cipher_suite, 0x009C);

    /* ALPN in a ServerHello must name exactly one protocol. */
    exts.n = 0;
    ext_alpn(&exts, "h2,http/1.1");
    server_hello(&msg, &exts, 0xC02F);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.malformed);
    /* server_name in a ServerHello must be empty. */
    exts.n = 0;
    ext_sni(&exts, "x");
    server_hello(&msg, &exts, 0xC02F);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.malformed);
}

static void test_not_a_hello(void **state)
{
    (void)state;
    iotls_hello_sniff_t s;
    buf_t rec = {.n = 0};
    put(&rec, "\x15\x03\x03\x00\x02\x02\x28", 7); /* alert first */
    sniff_all(&s, &rec);
    assert_true(s.done);
    assert_false(s.malformed);
    assert_false(s.complete);
    assert_int_equal(s.msg_type, 0);

    rec.n = 0;
    put(&rec, "\x16\x03\x03\x00\x04\x0b\x00\x00\x00", 9); /* Certificate first */
    sniff_all(&s, &rec);
    assert_true(s.done);
    assert_false(s.malformed);
    assert_false(s.complete);
    assert_int_equal(s.msg_type, 11);

    rec.n = 0;
    put(&rec, "GET / HTTP/1.1\r\n", 16);
    sniff_all(&s, &rec);
    assert_true(s.malformed);
    assert_string_equal(s.err, "not a TLS record");

    /* An alert in the middle of a fragmented hello ends the sniffing. */
    buf_t exts = {.n = 0}, msg;
    ext_sni(&exts, "a.example");
    client_hello(&msg, &exts);
    records(&rec, &msg, (const size_t[]){50}, 1);
    buf_t cut = {.n = 0};
    put(&cut, rec.b, 55);
    put(&cut, "\x15\x03\x03\x00\x02\x02\x28", 7);
    sniff_all(&s, &cut);
    assert_true(s.done);
    assert_false(s.complete);
    assert_false(s.malformed);
}

static void test_sni_edge_cases(void **state)
{
    (void)state;
    iotls_hello_sniff_t s;
    buf_t exts, msg, rec;
    char longname[300];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';

    /* 255 bytes fit; 256 and more are ignored, not truncated. */
    longname[255] = '\0';
    exts.n = 0;
    ext_sni(&exts, longname);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.sni_present);
    assert_int_equal(strlen(s.sni), 255);
    longname[255] = 'a';
    exts.n = 0;
    ext_sni(&exts, longname);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_false(s.sni_present);
    assert_string_equal(s.sni, "");

    /* Control bytes in the name: ignored. */
    exts.n = 0;
    ext_sni(&exts, "bad\x01name");
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_false(s.sni_present);

    /* An unknown name_type entry first, then the host_name. */
    buf_t e = {.n = 0};
    put16(&e, 3 + 2 + 3 + 5);
    put8(&e, 7);
    put16(&e, 2);
    put(&e, "zz", 2);
    put8(&e, 0);
    put16(&e, 5);
    put(&e, "b.org", 5);
    exts.n = 0;
    put_ext(&exts, 0, &e);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_string_equal(s.sni, "b.org");

    /* The list length must match the extension. */
    e.b[1]++;
    exts.n = 0;
    put_ext(&exts, 0, &e);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.malformed);
}

static void test_alpn_long_list(void **state)
{
    (void)state;
    iotls_hello_sniff_t s;
    buf_t exts = {.n = 0}, msg, rec;
    ext_alpn(&exts, "protocol-one,protocol-two,protocol-three,protocol-four,protocol-five,p,q");
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_true(s.complete);
    assert_int_equal(strlen(s.alpn), 63);
    assert_memory_equal(s.alpn, "protocol-one,protocol-two,", 26);
    assert_string_equal(s.alpn + 60, "...");
}

/* alpn_matched: exact, byte-for-byte equality with one configured name,
 * whatever the chunking; prefixes, longer names and names past the list
 * display limit count correctly. */
static bool alpn_match(const char *offered, const char *const *names, size_t count, size_t chunk)
{
    buf_t exts = {.n = 0}, msg, rec;
    ext_alpn(&exts, offered);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    iotls_hello_sniff_t s;
    sniff_init(&s);
    iotls_hello_sniff_match_alpn(&s, names, count);
    for (size_t off = 0; off < rec.n; off += chunk)
        iotls_hello_sniff_push(&s, rec.b + off, rec.n - off < chunk ? rec.n - off : chunk);
    assert_true(s.complete);
    assert_true(s.alpn_present);
    return s.alpn_matched;
}

static void test_alpn_match(void **state)
{
    (void)state;
    static const char *const ours[] = {"mqtt", "http/1.1"};
    static const size_t chunks[] = {1, 3, 4096};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        size_t c = chunks[i];
        assert_true(alpn_match("mqtt", ours, 2, c));
        assert_true(alpn_match("x,http/1.1", ours, 2, c));
        assert_false(alpn_match("x", ours, 2, c));
        assert_false(alpn_match("mqt,mqttt,MQTT,http/1.0", ours, 2, c));
        assert_false(alpn_match("mqtt", ours, 0, c));
        /* Beyond the 60 characters alpn[] shows, matching goes on. */
        assert_true(
            alpn_match("protocol-one,protocol-two,protocol-three,protocol-four,mqtt", ours, 2, c));
    }
    /* A ServerHello never sets it. */
    buf_t exts = {.n = 0}, msg, rec;
    ext_alpn(&exts, "mqtt");
    server_hello(&msg, &exts, 0xC02B);
    records(&rec, &msg, NULL, 0);
    iotls_hello_sniff_t s;
    sniff_init(&s);
    iotls_hello_sniff_match_alpn(&s, ours, 2);
    iotls_hello_sniff_push(&s, rec.b, rec.n);
    assert_true(s.complete);
    assert_false(s.alpn_matched);
}

/* supported_versions and cipher suite matching, under every chunking. */
static void test_versions_and_suites(void **state)
{
    (void)state;
    buf_t exts = {.n = 0}, sv = {.n = 0}, msg, rec;
    put8(&sv, 6);
    put16(&sv, 0x0A0A); /* GREASE: ignored */
    put16(&sv, 0x0304);
    put16(&sv, 0x0303);
    put_ext(&exts, 43, &sv);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    static const uint16_t ours[] = {0xC02C, 0xC02F};
    static const uint16_t other[] = {0x009C};
    static const size_t chunks[] = {1, 3, 4096};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        for (int m = 0; m < 2; m++) {
            iotls_hello_sniff_t s;
            sniff_init(&s);
            iotls_hello_sniff_match_suites(&s, m ? other : ours, m ? 1 : 2);
            for (size_t off = 0; off < rec.n; off += chunks[i])
                iotls_hello_sniff_push(&s, rec.b + off,
                                       rec.n - off < chunks[i] ? rec.n - off : chunks[i]);
            assert_true(s.complete);
            assert_true(s.versions_present);
            assert_int_equal(s.versions, (1u << 3) | (1u << 4));
            assert_int_equal(s.suites_offered, 2);
            assert_int_equal(s.suite_matched, m == 0);
        }
    }
    /* An odd-length list is malformed. */
    buf_t bad = {.n = 0}, bad_exts = {.n = 0};
    put8(&bad, 3);
    put16(&bad, 0x0304);
    put8(&bad, 3);
    put_ext(&bad_exts, 43, &bad);
    client_hello(&msg, &bad_exts);
    records(&rec, &msg, NULL, 0);
    iotls_hello_sniff_t s;
    sniff_all(&s, &rec);
    assert_true(s.malformed);
}

/* Each case mutates a good ClientHello; all must be malformed. */
static void test_malformed(void **state)
{
    (void)state;
    buf_t exts = {.n = 0}, msg, rec;
    ext_sni(&exts, "x.example");
    ext_mfl(&exts, 2);
    ext_alpn(&exts, "h2");
    client_hello(&msg, &exts);
    const size_t sid_len_off = 4 + 2 + 32;
    const size_t cs_len_off = sid_len_off + 1 + 32;
    const size_t exts_len_off = cs_len_off + 2 + 4 + 2;
    const size_t first_ext = exts_len_off + 2;
    iotls_hello_sniff_t s;

    struct {
        size_t off;
        uint8_t val;
        const char *err;
    } muts[] = {
        {sid_len_off, 33, "session id longer than 32 bytes"},
        {cs_len_off + 1, 3, "bad cipher_suites length"},
        {cs_len_off + 1, 0, "bad cipher_suites length"},
        {exts_len_off + 1, (uint8_t)(msg.b[exts_len_off + 1] - 1),
         "extensions block does not end with the message"},
        {first_ext + 3, 200, "extension overruns the extensions block"},
        {first_ext + 5, 0xff, "bad server_name list length"},
        {3, 10, "hello field overruns its enclosing length"},
    };
    for (size_t i = 0; i < sizeof(muts) / sizeof(muts[0]); i++) {
        buf_t m = msg;
        m.b[muts[i].off] = muts[i].val;
        records(&rec, &m, NULL, 0);
        sniff_all(&s, &rec);
        assert_true(s.malformed);
        assert_true(s.done);
        assert_false(s.complete);
        assert_string_equal(s.err, muts[i].err);
    }

    /* Duplicate extension. */
    ext_mfl(&exts, 2);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_string_equal(s.err, "duplicate extension in hello");

    /* MFL of the wrong size; empty ALPN name; zero-length record; empty message. */
    buf_t e = {.n = 0};
    put16(&e, 3);
    exts.n = 0;
    put_ext(&exts, 1, &e);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_string_equal(s.err, "max_fragment_length extension is not 1 byte");
    e.n = 0;
    put16(&e, 3);
    put8(&e, 0);
    put8(&e, 1);
    put8(&e, 'x');
    exts.n = 0;
    put_ext(&exts, 16, &e);
    client_hello(&msg, &exts);
    records(&rec, &msg, NULL, 0);
    sniff_all(&s, &rec);
    assert_string_equal(s.err, "empty ALPN protocol name");
    rec.n = 0;
    put(&rec, "\x16\x03\x01\x00\x00", 5);
    sniff_all(&s, &rec);
    assert_string_equal(s.err, "empty handshake record");
    rec.n = 0;
    put(&rec, "\x16\x03\x01\x00\x04\x01\x00\x00\x00", 9);
    sniff_all(&s, &rec);
    assert_true(s.malformed);
    rec.n = 0;
    put(&rec, "\x16\x03\x01\x48\x01", 5);
    sniff_all(&s, &rec);
    assert_string_equal(s.err, "record longer than TLS allows");
}

static void test_prefixes_and_bit_flips(void **state)
{
    (void)state;
    buf_t exts = {.n = 0}, msg, rec;
    ext_sni(&exts, "x.example");
    ext_mfl(&exts, 2);
    ext_alpn(&exts, "h2,http/1.1");
    client_hello(&msg, &exts);
    records(&rec, &msg, (const size_t[]){40, 40}, 2);
    iotls_hello_sniff_t s;
    /* A proper prefix is never complete nor malformed: just not done yet. */
    for (size_t n = 0; n < rec.n; n++) {
        sniff(&s, rec.b, n, 1 + n % 4);
        assert_false(s.done);
        assert_false(s.complete);
        assert_false(s.malformed);
    }
    buf_t m;
    for (size_t i = 0; i < rec.n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            m = rec;
            m.b[i] ^= (uint8_t)(1u << bit);
            sniff(&s, m.b, m.n, 1 + (i + bit) % 5);
            assert_true(strlen(s.sni) < IOTLS_HELLO_SNI_MAX);
            assert_true(strlen(s.alpn) < IOTLS_HELLO_ALPN_MAX);
            assert_true(!s.malformed || s.err != NULL);
        }
    }
}

/* ------------------------------------------------------------ real peers */

static int listen_loopback(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof(a);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* Reads from fd into the sniffer (and a copy into out) until the sniffer is
 * done, EOF, or 10 s pass. */
static void read_into(int fd, iotls_hello_sniff_t *s, buf_t *out)
{
    time_t until = time(NULL) + 10;
    while (!s->done && time(NULL) < until) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (poll(&pf, 1, 500) <= 0)
            continue;
        uint8_t b[4096];
        ssize_t n = read(fd, b, sizeof(b));
        if (n <= 0)
            break;
        iotls_hello_sniff_push(s, b, (size_t)n);
        if (out != NULL && out->n + (size_t)n <= sizeof(out->b))
            put(out, b, (size_t)n);
    }
}

static int accept_within(int lfd, int ms)
{
    struct pollfd pf = {.fd = lfd, .events = POLLIN};
    if (poll(&pf, 1, ms) != 1)
        return -1;
    return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* Captures what `openssl s_client` (SNI foo.test, MFL 1024, ALPN h2 and
 * http/1.1, and tls_opt) sends to a socket we listen on. */
static void capture_client_hello(iotls_hello_sniff_t *s, buf_t *raw, const char *tls_opt)
{
    uint16_t port = 0;
    int lfd = listen_loopback(&port);
    assert_true(lfd >= 0);
    const char *extra[] = {"-alpn", "h2,http/1.1", tls_opt, NULL};
    iotls_test_s_client_opts_t o = {
        .port = port, .servername = "foo.test", .maxfraglen = 1024, .extra = extra};
    iotls_test_job_t job;
    assert_int_equal(iotls_test_s_client_start(&o, &job), 0);
    int fd = accept_within(lfd, 10000);
    sniff_init(s);
    raw->n = 0;
    if (fd >= 0) {
        read_into(fd, s, raw);
        close(fd); /* s_client gives up: no ServerHello */
    }
    close(lfd);
    iotls_test_result_t r;
    iotls_test_cmd_wait(&job, &r);
    iotls_test_result_free(&r);
    assert_true(fd >= 0);
}

static void test_real_client_hello(void **state)
{
    (void)state;
    iotls_hello_sniff_t s;
    static buf_t raw;
    capture_client_hello(&s, &raw, NULL); /* default: TLS 1.3 capable hello */
    assert_true(s.complete);
    assert_false(s.malformed);
    assert_int_equal(s.msg_type, IOTLS_HELLO_CLIENT);
    assert_int_equal(s.version, 0x0303);
    assert_true(s.sni_present);
    assert_string_equal(s.sni, "foo.test");
    assert_true(s.mfl_present);
    assert_int_equal(iotls_mfl_code_bytes(s.mfl_code), 1024);
    assert_string_equal(s.alpn, "h2,http/1.1");
    iotls_hello_sniff_t t;
    sniff(&t, raw.b, raw.n, 1);
    assert_same(&s, &t);
}

/* Our captured TLS 1.2 ClientHello replayed to `openssl s_server`: its real
 * ServerHello must acknowledge MFL and pick h2. */
static void test_real_server_hello(void **state)
{
    (void)state;
    iotls_hello_sniff_t s;
    static buf_t ch, sh;
    capture_client_hello(&s, &ch, "-tls1_2");
    assert_true(s.complete);

    static const char *const extra[] = {"-tls1_2", "-alpn", "h2", NULL};
    iotls_test_s_server_opts_t o = {.extra = extra};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(&o, &srv), 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(srv.port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(write(fd, ch.b, ch.n), (ssize_t)ch.n);
    sniff_init(&s);
    sh.n = 0;
    read_into(fd, &s, &sh);
    close(fd);
    iotls_test_peer_stop(&srv);

    assert_true(s.complete);
    assert_false(s.malformed);
    assert_int_equal(s.msg_type, IOTLS_HELLO_SERVER);
    assert_int_equal(s.version, 0x0303);
    assert_true(s.cipher_suite != 0);
    assert_true(s.mfl_present);
    assert_int_equal(s.mfl_code, 2);
    assert_true(s.alpn_present);
    assert_string_equal(s.alpn, "h2");
    iotls_hello_sniff_t t;
    sniff(&t, sh.b, sh.n, 1);
    assert_same(&s, &t);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mfl_code_bytes),
        cmocka_unit_test(test_client_hello_full),
        cmocka_unit_test(test_client_hello_minimal),
        cmocka_unit_test(test_server_hello),
        cmocka_unit_test(test_not_a_hello),
        cmocka_unit_test(test_sni_edge_cases),
        cmocka_unit_test(test_alpn_long_list),
        cmocka_unit_test(test_alpn_match),
        cmocka_unit_test(test_versions_and_suites),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_prefixes_and_bit_flips),
        cmocka_unit_test(test_real_client_hello),
        cmocka_unit_test(test_real_server_hello),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
