/* The server's ClientHello path with session resumption and ALPN (issue 9):
 * the hello sniffer, the resumption guard and BearSSL's server handshake
 * together. Each input builds one ClientHello from a few flags (offer the
 * cached session or another id, SNI, ALPN names, max_fragment_length, the
 * server's ALPN and client-auth settings) plus raw bytes: extra extensions
 * inside the hello and further records after it. The cache holds a real
 * session (one full handshake at start-up), so resumption with any ALPN
 * list is reached: BearSSL 0.6 crashed on resumption with an unmatched
 * list; the guard must keep every combination on the full-handshake path. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iotls/tls.h"
#include "iotls/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A throw-away self-signed P-256 certificate for CN=localhost (test only). */
static const char cert_pem[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIBfTCCASOgAwIBAgIUFD5uvgYzHYyEx2mVRnP7vUM8qAUwCgYIKoZIzj0EAwIw\n"
                               "FDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MTEzMDA4MTgxNVoXDTQ4MTAyNTA4\n"
                               "MTgxNVowFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
                               "AQcDQgAEqRwXUNvMfziZ0cIfDrCkIa+zNi0HiR4fa5GThuxvb6C2+112l14Opp5G\n"
                               "2H2YJp9e0HB5r5sMUg8+DSTl/jRWsqNTMFEwHQYDVR0OBBYEFLtu5FnIj5dEGDKF\n"
                               "7YVILCcu7S5KMB8GA1UdIwQYMBaAFLtu5FnIj5dEGDKF7YVILCcu7S5KMA8GA1Ud\n"
                               "EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgdhB70bP2hX/YeGEchX24Ckzw\n"
                               "YzVTWpXdOrTuSg1c3WgCIQCqKJJ6wqGHC4oM59yItp/bEEJGoUTmICRWzH9b5mWO\n"
                               "ww==\n"
                               "-----END CERTIFICATE-----\n";

static const char key_pem[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8bBwn8cmfogTjF29\n"
                              "g4+4z+fhP/+/Pc1e32mVb5Jnm3GhRANCAASpHBdQ28x/OJnRwh8OsKQhr7M2LQeJ\n"
                              "Hh9rkZOG7G9voLb7XXaXXg6mnkbYfZgmn17QcHmvmwxSDz4NJOX+NFay\n"
                              "-----END PRIVATE KEY-----\n";

static iotls_creds_t *creds;
static iotls_trust_t *client_ca; /* for client_auth REQUEST */
static iotls_session_cache_t *cache;
static uint8_t cached_id[32];
static size_t cached_id_len;
static const char *const server_alpn[] = {"mqtt", "http/1.1"};

static void quiet(void *ctx, const char *line)
{
    (void)ctx;
    (void)line;
}

static iotls_session_t *server(void **mem, bool alpn, bool request_auth)
{
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_SERVER);
    cfg.creds = creds;
    cfg.session_cache = cache;
    cfg.log = quiet;
    if (alpn) {
        cfg.alpn = server_alpn;
        cfg.alpn_count = 2;
    }
    if (request_auth) {
        cfg.client_auth = IOTLS_CLIENT_AUTH_REQUEST;
        cfg.trust = client_ca;
    }
    size_t n = iotls_session_size(&cfg);
    *mem = malloc(n);
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_session_t *s = iotls_session_init(*mem, n, &cfg, NULL, &err);
    if (!s)
        abort();
    return s;
}

/* One real full handshake puts a session for SNI "localhost" in the cache. */
static void prime(void)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    creds = iotls_creds_new();
    if (iotls_creds_set(creds, cert_pem, sizeof cert_pem - 1, key_pem, sizeof key_pem - 1, &err))
        abort();
    client_ca = iotls_trust_new();
    if (iotls_trust_add_self_signed(client_ca, cert_pem, sizeof cert_pem - 1, &err) < 0)
        abort();
    cache = iotls_session_cache_new(4096, &err);
    void *smem;
    iotls_session_t *s = server(&smem, true, false);
    iotls_config_t ccfg;
    iotls_config_init(&ccfg, IOTLS_ROLE_CLIENT);
    ccfg.insecure = true;
    ccfg.log = quiet;
    ccfg.alpn = server_alpn;
    ccfg.alpn_count = 1;
    size_t n = iotls_session_size(&ccfg);
    void *cmem = malloc(n);
    iotls_session_t *c = iotls_session_init(cmem, n, &ccfg, "localhost", &err);
    if (!c) {
        fprintf(stderr, "fuzz_server_hello: client: %s\n", err.text);
        abort();
    }
    uint8_t buf[20000];
    for (int i = 0; i < 50; i++) {
        size_t k = iotls_session_take(c, buf, sizeof buf);
        iotls_session_feed(s, buf, k);
        size_t m = iotls_session_take(s, buf, sizeof buf);
        iotls_session_feed(c, buf, m);
        /* The state call is what notices the end of the handshake. */
        iotls_session_state(c);
        iotls_session_state(s);
        if (!k && !m)
            break;
    }
    uint8_t saved[IOTLS_SAVED_SESSION_MAX];
    size_t len = iotls_session_save(c, saved, sizeof saved);
    /* Layout (br_saved.c): magic(8) version(2) suite(2) id_len(1) id. */
    if (len < 13 || saved[12] == 0 || saved[12] > 32) {
        fprintf(stderr, "fuzz_server_hello: no session to prime with: %s / %s\n",
                iotls_session_error(c)->text, iotls_session_error(s)->text);
        abort();
    }
    cached_id_len = saved[12];
    memcpy(cached_id, saved + 13, cached_id_len);
    free(cmem);
    free(smem);
}

typedef struct {
    uint8_t b[6000];
    size_t n;
} out_t;

static void put(out_t *o, const void *p, size_t n)
{
    if (n > sizeof o->b - o->n)
        n = sizeof o->b - o->n;
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void put8(out_t *o, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(o, &b, 1);
}

static void put16(out_t *o, unsigned v)
{
    put8(o, v >> 8);
    put8(o, v);
}

/* Takes up to n bytes of the input (less when it runs out). */
static const uint8_t *take(const uint8_t **d, size_t *left, size_t n, size_t *got)
{
    *got = n < *left ? n : *left;
    const uint8_t *p = *d;
    *d += *got;
    *left -= *got;
    return p;
}

/* The oracle for the BearSSL 0.6 defect, independent of the library:
 * 1 when the ALPN list offers one of server_alpn, 0 when it offers none,
 * -1 when it is malformed (the engine refuses those). */
static int offers_ours(const uint8_t *p, size_t len)
{
    int found = 0;
    for (size_t i = 0; i < len;) {
        size_t n = p[i];
        if (n == 0 || n > len - i - 1)
            return -1;
        for (size_t k = 0; k < 2; k++)
            if (strlen(server_alpn[k]) == n && memcmp(server_alpn[k], p + i + 1, n) == 0)
                found = 1;
        i += 1 + n;
    }
    return len ? found : -1;
}

/* A length byte (mod `mod`), then that many bytes. */
static const uint8_t *take_counted(const uint8_t **d, size_t *left, size_t mod, size_t *got)
{
    size_t n = 0;
    if (*left) {
        n = **d % mod;
        (*d)++;
        (*left)--;
    }
    return take(d, left, n, got);
}

static void ext(out_t *exts, unsigned type, const out_t *body)
{
    put16(exts, type);
    put16(exts, (unsigned)body->n);
    put(exts, body->b, body->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!creds)
        prime();
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    const uint8_t *d = data + 1;
    size_t left = size - 1, got;

    out_t exts = {.n = 0}, e;
    /* Groups, point formats and signature algorithms a real client sends. */
    static const uint8_t groups[] = {0, 6, 0, 23, 0, 24, 0, 29};
    static const uint8_t points[] = {1, 0};
    static const uint8_t sigs[] = {0, 8, 4, 3, 5, 3, 4, 1, 5, 1};
    e.n = 0;
    put(&e, groups, sizeof groups);
    ext(&exts, 10, &e);
    e.n = 0;
    put(&e, points, sizeof points);
    ext(&exts, 11, &e);
    e.n = 0;
    put(&e, sigs, sizeof sigs);
    ext(&exts, 13, &e);
    unsigned sni = (flags >> 2) & 3; /* 0 none, 1 localhost, 2 LOCALHOST, 3 from input */
    if (sni) {
        const char *name = sni == 1 ? "localhost" : "LOCALHOST";
        size_t len = strlen(name);
        const uint8_t *p = (const uint8_t *)name;
        if (sni == 3)
            p = take_counted(&d, &left, 40, &len);
        e.n = 0;
        put16(&e, (unsigned)len + 3);
        put8(&e, 0);
        put16(&e, (unsigned)len);
        put(&e, p, len);
        ext(&exts, 0, &e);
    }
    int alpn_ours = -1;
    if (flags & 2) {
        /* ALPN: a list taken from the input, each name prefixed by its
         * length as the input says (malformed lists included). */
        size_t len;
        const uint8_t *p = take_counted(&d, &left, 64, &len);
        alpn_ours = offers_ours(p, len);
        e.n = 0;
        put16(&e, (unsigned)len);
        put(&e, p, len);
        ext(&exts, 16, &e);
    }
    if (flags & 64) {
        size_t len;
        const uint8_t *p = take(&d, &left, 1, &len);
        e.n = 0;
        put(&e, p, len);
        ext(&exts, 1, &e);
    }
    if (flags & 128) {
        /* Raw extension bytes as they come. */
        size_t len;
        const uint8_t *p = take_counted(&d, &left, 128, &len);
        put(&exts, p, len);
    }

    out_t hello = {.n = 0};
    put16(&hello, 0x0303);
    static const uint8_t random[32] = {1};
    put(&hello, random, sizeof random);
    if (flags & 1) {
        put8(&hello, (unsigned)cached_id_len);
        put(&hello, cached_id, cached_id_len);
    } else {
        size_t len;
        const uint8_t *p = take(&d, &left, 32, &len);
        put8(&hello, (unsigned)len);
        put(&hello, p, len);
    }
    static const uint8_t suites[] = {0, 8, 0xC0, 0x2B, 0xC0, 0x2F, 0xCC, 0xA9, 0xC0, 0x2C};
    put(&hello, suites, sizeof suites);
    put8(&hello, 1);
    put8(&hello, 0);
    put16(&hello, (unsigned)exts.n);
    put(&hello, exts.b, exts.n);

    out_t rec = {.n = 0};
    put8(&rec, 22);
    put16(&rec, 0x0301);
    put16(&rec, (unsigned)hello.n + 4);
    put8(&rec, 1);
    put8(&rec, 0);
    put16(&rec, (unsigned)hello.n);
    put(&rec, hello.b, hello.n);

    void *mem;
    iotls_session_t *s = server(&mem, (flags & 16) != 0, (flags & 32) != 0);
    uint8_t sink[20000];
    iotls_session_feed(s, rec.b, rec.n);
    size_t out = iotls_session_take(s, sink, sizeof sink);
    /* Reachability: the plain resumption (cached id, SNI "localhost",
     * nothing else) must resume, i.e. the ServerHello echoes the id
     * (record 5 + header 4 + version 2 + random 32, then id_len, id). */
    bool resumed = out >= 44 + cached_id_len && sink[43] == cached_id_len &&
                   memcmp(sink + 44, cached_id, cached_id_len) == 0;
    if (flags == 0x05 && size == 1 && !resumed)
        abort();
    /* The guard: never resume for a client whose ALPN list has none of
     * the server's protocols (BearSSL 0.6 then indexes its list with
     * 0xFFFE; without memory protection that may not even crash). */
    if (resumed && (flags & 16) && alpn_ours == 0)
        abort();
    /* The rest of the input: whatever the client sends next. */
    iotls_session_feed(s, d, left);
    iotls_session_take(s, sink, sizeof sink);
    (void)iotls_session_state(s);
    free(mem);
    return 0;
}
