/*
 * libFuzzer target for the TLS hello sniffer.
 * Input: 2 control bytes (split point) + stream bytes.  Pushed in two chunks
 * at a data-derived split and again one byte at a time; both runs must give
 * identical results, strings must stay NUL-terminated in their buffers, and
 * `complete` / `malformed` must be consistent with `done`. ALPN names and
 * cipher suites are matched against fixed lists (a server's) in both runs;
 * their results must agree too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/hello_sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const iotls_hello_sniff_t *s)
{
    if (memchr(s->sni, 0, IOTLS_HELLO_SNI_MAX) == NULL ||
        memchr(s->alpn, 0, IOTLS_HELLO_ALPN_MAX) == NULL)
        abort();
    if ((s->complete || s->malformed) && !s->done)
        abort();
    if (s->complete && s->malformed)
        abort();
    if (s->malformed != (s->err != NULL))
        abort();
    if (s->sni_present && s->msg_type == 1 && strlen(s->sni) == 0)
        abort();
}

static const char *const alpn[] = {"h2", "http/1.1", "mqtt", "x"};
static const uint16_t suites[] = {0xC02B, 0xC02F, 0xCCA9, 0x1301};

/* Each sniffer's texts. */
typedef struct {
    char sni[IOTLS_HELLO_SNI_MAX], alpn[IOTLS_HELLO_ALPN_MAX];
    uint8_t session_id[IOTLS_HELLO_SESSION_ID_MAX];
} texts_t;

static void start(iotls_hello_sniff_t *s, texts_t *t)
{
    iotls_hello_sniff_init(s, t->sni, t->alpn, t->session_id);
    iotls_hello_sniff_match_alpn(s, alpn, 4);
    iotls_hello_sniff_match_suites(s, suites, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t ctl = (size_t)data[0] | (size_t)data[1] << 8;
    data += 2;
    size -= 2;
    size_t split = ctl % (size + 1);

    iotls_hello_sniff_t a, b;
    static texts_t ta, tb;
    start(&a, &ta);
    iotls_hello_sniff_push(&a, data, split);
    iotls_hello_sniff_push(&a, data + split, size - split);
    check(&a);

    start(&b, &tb);
    for (size_t i = 0; i < size; i++)
        iotls_hello_sniff_push(&b, data + i, 1);
    check(&b);

    if (a.done != b.done || a.malformed != b.malformed || a.complete != b.complete ||
        a.msg_type != b.msg_type || a.version != b.version || a.cipher_suite != b.cipher_suite ||
        a.mfl_present != b.mfl_present || a.mfl_code != b.mfl_code ||
        a.sni_present != b.sni_present || a.alpn_present != b.alpn_present || a.err != b.err ||
        strcmp(a.sni, b.sni) != 0 || strcmp(a.alpn, b.alpn) != 0 ||
        a.alpn_matched != b.alpn_matched || a.suite_matched != b.suite_matched ||
        a.versions_present != b.versions_present || a.versions != b.versions ||
        a.suites_offered != b.suites_offered)
        abort();
    /* A match needs an offer. */
    if ((a.alpn_matched && !a.alpn_present) || (a.suite_matched && !a.suites_offered))
        abort();
    return 0;
}
