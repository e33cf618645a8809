/*
 * hello_sniff.c — streaming parser for the first ClientHello/ServerHello.
 *
 * The hello is read as a sequence of "fields": each field is a byte count
 * plus what to do with the bytes (collect up to 4 into fbuf, skip, copy into
 * sni, append to alpn).  When a field completes, field_done() decides the
 * next one from the field that just ended.  The three nested length scopes a
 * hello has (message, extensions block, one extension) are kept as end
 * offsets, and every field is checked to fit in the innermost one before a
 * byte of it is read, so no length in the input can make us read past a
 * scope.  There is no recursion and no buffering beyond 4 bytes.
 */
#include "tls/hello_sniff.h"

#include <string.h>

#include "iotls/options.h"

enum {
    S_HS_HDR,
    S_VERSION,
    S_RANDOM,
    S_SID_LEN,
    S_SID,
    S_CS_LEN,
    S_CS_LIST,
    S_CS,
    S_COMP_LEN,
    S_COMP_LIST,
    S_COMP,
    S_EXTS_LEN,
    S_EXT_HDR,
    S_EXT_SKIP,
    S_MFL,
    S_SNI_LIST_LEN,
    S_SNI_HDR,
    S_SNI_NAME,
    S_ALPN_LIST_LEN,
    S_ALPN_LEN,
    S_ALPN_NAME,
    S_SV_LEN,
    S_SV_LIST
};

enum { K_COLLECT, K_SKIP, K_SNI, K_ALPN, K_SID, K_SUITES, K_VERSIONS };

enum { EXT_SERVER_NAME = 0, EXT_MFL = 1, EXT_ALPN = 16, EXT_SUPPORTED_VERSIONS = 43 };
enum { SEEN_SNI = 1, SEEN_MFL = 2, SEEN_ALPN = 4, SEEN_VERSIONS = 8 };

/* TLSPlaintext.length may not exceed 2^14; allow the ciphertext slack of
 * 2048 too so a lenient peer is not called malformed for it. */
#define MAX_RECORD (16384 + 2048)
#define ALPN_LIMIT 60 /* leaves room for "..." and the NUL in alpn[64] */

#define CT_HANDSHAKE 22

/* A client-only build (iotls/options.h) reads just the ServerHello: a
 * client uses nothing of a ClientHello (one reaches it only from a broken
 * peer, and the engine refuses it), so its fields are neither parsed nor
 * kept (hello_sniff.h). */
#define READS_CLIENT_HELLO IOTLS_HELLO_SNIFF_CLIENT_HELLO

unsigned iotls_mfl_code_bytes(uint8_t code)
{
    return code >= 1 && code <= 4 ? 256u << code : 0;
}

void iotls_hello_sniff_init(iotls_hello_sniff_t *s, char *sni, char *alpn, uint8_t *session_id)
{
    memset(s, 0, sizeof(*s));
#if READS_CLIENT_HELLO
    s->sni = sni;
    s->alpn = alpn;
    s->session_id = session_id;
#endif
    if (sni)
        sni[0] = '\0';
    if (alpn)
        alpn[0] = '\0';
    s->st = S_HS_HDR;
    s->kind = K_COLLECT;
    s->need = 4;
}

static void bad(iotls_hello_sniff_t *s, const char *why)
{
    if (!s->done) {
        s->done = true;
        s->malformed = true;
        s->err = why;
    }
}

static void begin(iotls_hello_sniff_t *s, uint8_t st, uint32_t n, uint8_t kind)
{
    uint32_t limit = s->in_ext ? s->ext_end : s->in_exts ? s->exts_end : s->msg_end;
    if (n > limit - s->hpos) {
        bad(s, "hello field overruns its enclosing length");
        return;
    }
    s->st = st;
    s->need = n;
    s->flen = 0;
    s->kind = kind;
}

static uint32_t fval(const iotls_hello_sniff_t *s)
{
    uint32_t v = 0;
    for (uint8_t i = 0; i < s->flen; i++)
        v = (v << 8) | s->fbuf[i];
    return v;
}

static void alpn_char(iotls_hello_sniff_t *s, uint8_t c)
{
#if !READS_CLIENT_HELLO
    (void)s, (void)c; /* no text kept (hello_sniff.h) */
#else
    if (s->alpn_full || !s->alpn)
        return;
    if (s->alpn_len + 1u > ALPN_LIMIT) {
        memcpy(s->alpn + s->alpn_len, "...", 4);
        s->alpn_len += 3;
        s->alpn_full = true;
        return;
    }
    s->alpn[s->alpn_len++] = (char)c;
    s->alpn[s->alpn_len] = '\0';
#endif
}

void iotls_hello_sniff_match_alpn(iotls_hello_sniff_t *s, const char *const *names, size_t count)
{
#if READS_CLIENT_HELLO
    s->match_names = names;
    s->match_count =
        (uint8_t)(count < IOTLS_HELLO_ALPN_MATCH_MAX ? count : IOTLS_HELLO_ALPN_MATCH_MAX);
#else
    (void)s, (void)names, (void)count;
#endif
}

void iotls_hello_sniff_match_suites(iotls_hello_sniff_t *s, const uint16_t *suites, size_t count)
{
#if READS_CLIENT_HELLO
    s->match_suites = suites;
    s->match_suite_count = (uint16_t)(count < 65535 ? count : 65535);
#else
    (void)s, (void)suites, (void)count;
#endif
}

#if READS_CLIENT_HELLO
/* One complete 2-byte entry of the cipher suite or version list. */
static void pair_done(iotls_hello_sniff_t *s, uint16_t v)
{
    if (s->kind == K_VERSIONS) {
        if ((v >> 8) == 3 && (v & 0xFF) <= 4)
            s->versions |= (uint8_t)(1u << (v & 0xFF));
        return;
    }
    if (s->suites_offered < 0xFFFF)
        s->suites_offered++;
    for (uint16_t i = 0; i < s->match_suite_count && !s->suite_matched; i++)
        if (s->match_suites[i] == v)
            s->suite_matched = true;
}

/* A new offered name of len bytes: the candidates are the names of that
 * length; each byte read then drops those that differ (match_byte). */
static void match_start(iotls_hello_sniff_t *s, uint32_t len)
{
    s->match_cand = 0;
    s->match_pos = 0;
    for (uint8_t i = 0; i < s->match_count; i++)
        if (s->match_names[i] && strlen(s->match_names[i]) == len)
            s->match_cand |= 1u << i;
}

static void match_byte(iotls_hello_sniff_t *s, uint8_t c)
{
    for (uint8_t i = 0; i < s->match_count; i++)
        if ((s->match_cand & (1u << i)) && (uint8_t)s->match_names[i][s->match_pos] != c)
            s->match_cand &= ~(1u << i);
    s->match_pos++;
}
#endif

static void finish_msg(iotls_hello_sniff_t *s)
{
    s->complete = true;
    s->done = true;
}

static void next_ext(iotls_hello_sniff_t *s)
{
    if (s->hpos == s->exts_end) {
        s->in_exts = false;
        finish_msg(s);
    } else {
        begin(s, S_EXT_HDR, 4, K_COLLECT);
    }
}

static void end_ext(iotls_hello_sniff_t *s)
{
    s->in_ext = false;
    next_ext(s);
}

#if READS_CLIENT_HELLO
static void next_sni(iotls_hello_sniff_t *s)
{
    if (s->hpos == s->ext_end)
        end_ext(s);
    else
        begin(s, S_SNI_HDR, 3, K_COLLECT);
}
#endif

static void next_alpn(iotls_hello_sniff_t *s)
{
    if (s->hpos == s->ext_end)
        end_ext(s);
    else
        begin(s, S_ALPN_LEN, 1, K_COLLECT);
}

static void ext_start(iotls_hello_sniff_t *s, uint16_t type, uint16_t elen)
{
    bool client = READS_CLIENT_HELLO && s->msg_type == IOTLS_HELLO_CLIENT;
    uint8_t bit = type == EXT_SERVER_NAME          ? SEEN_SNI
                  : type == EXT_MFL                ? SEEN_MFL
                  : type == EXT_ALPN               ? SEEN_ALPN
                  : type == EXT_SUPPORTED_VERSIONS ? SEEN_VERSIONS
                                                   : 0;
    if (elen > s->exts_end - s->hpos) {
        bad(s, "extension overruns the extensions block");
        return;
    }
    /* RFC 8446 4.2 / RFC 5246 7.4.1.4: one extension of each type at most. */
    if (bit != 0 && (s->ext_seen & bit)) {
        bad(s, "duplicate extension in hello");
        return;
    }
    s->ext_seen |= bit;
    s->in_ext = true;
    s->ext_end = s->hpos + elen;
    switch (type) {
    case EXT_SERVER_NAME:
        if (!client) {
            if (elen != 0)
                bad(s, "ServerHello server_name extension is not empty");
            else
                s->sni_present = true;
            if (!s->done)
                end_ext(s);
            return;
        }
        begin(s, S_SNI_LIST_LEN, 2, K_COLLECT);
        return;
    case EXT_MFL:
        if (elen != 1) {
            bad(s, "max_fragment_length extension is not 1 byte");
            return;
        }
        begin(s, S_MFL, 1, K_COLLECT);
        return;
    case EXT_ALPN: begin(s, S_ALPN_LIST_LEN, 2, K_COLLECT); return;
    case EXT_SUPPORTED_VERSIONS:
        /* A ServerHello's holds the one selected version: not needed. */
        if (client)
            begin(s, S_SV_LEN, 1, K_COLLECT);
        else
            begin(s, S_EXT_SKIP, elen, K_SKIP);
        return;
    default: begin(s, S_EXT_SKIP, elen, K_SKIP); return;
    }
}

static void field_done(iotls_hello_sniff_t *s)
{
    uint32_t v = fval(s);
    bool client = READS_CLIENT_HELLO && s->msg_type == IOTLS_HELLO_CLIENT;
    switch (s->st) {
    case S_HS_HDR:
        s->msg_type = s->fbuf[0];
        if ((!READS_CLIENT_HELLO || s->msg_type != IOTLS_HELLO_CLIENT) &&
            s->msg_type != IOTLS_HELLO_SERVER) {
            s->done = true; /* first message is not a hello: nothing to report */
            return;
        }
        s->msg_end = v & 0xFFFFFF;
        s->hpos = 0;
        begin(s, S_VERSION, 2, K_COLLECT);
        return;
    case S_VERSION:
        s->version = (uint16_t)v;
        begin(s, S_RANDOM, 32, K_SKIP);
        return;
    case S_RANDOM: begin(s, S_SID_LEN, 1, K_COLLECT); return;
    case S_SID_LEN:
        if (v > 32) {
            bad(s, "session id longer than 32 bytes");
            return;
        }
        begin(s, S_SID, v, K_SID);
        return;
    case S_SID:
        if (client)
            begin(s, S_CS_LEN, 2, K_COLLECT);
        else
            begin(s, S_CS, 2, K_COLLECT);
        return;
#if READS_CLIENT_HELLO
    case S_CS_LEN:
        if (v < 2 || (v & 1)) {
            bad(s, "bad cipher_suites length");
            return;
        }
        s->pair_half = false;
        begin(s, S_CS_LIST, v, K_SUITES);
        return;
    case S_CS_LIST: begin(s, S_COMP_LEN, 1, K_COLLECT); return;
#endif
    case S_CS:
        s->cipher_suite = (uint16_t)v;
        begin(s, S_COMP, 1, K_COLLECT);
        return;
#if READS_CLIENT_HELLO
    case S_COMP_LEN:
        if (v < 1) {
            bad(s, "empty compression_methods");
            return;
        }
        begin(s, S_COMP_LIST, v, K_SKIP);
        return;
    case S_COMP_LIST:
#endif
    case S_COMP:
        /* Extensions are optional in TLS 1.0-1.2: the message may end here. */
        if (s->hpos == s->msg_end)
            finish_msg(s);
        else
            begin(s, S_EXTS_LEN, 2, K_COLLECT);
        return;
    case S_EXTS_LEN:
        if (v != s->msg_end - s->hpos) {
            bad(s, "extensions block does not end with the message");
            return;
        }
        s->in_exts = true;
        s->exts_end = s->hpos + v;
        next_ext(s);
        return;
    case S_EXT_HDR: ext_start(s, (uint16_t)(v >> 16), (uint16_t)v); return;
    case S_EXT_SKIP: end_ext(s); return;
    case S_MFL:
        s->mfl_present = true;
        s->mfl_code = (uint8_t)v;
        end_ext(s);
        return;
#if READS_CLIENT_HELLO
    case S_SNI_LIST_LEN:
        if (v == 0 || v != s->ext_end - s->hpos) {
            bad(s, "bad server_name list length");
            return;
        }
        next_sni(s);
        return;
    case S_SNI_HDR: {
        uint32_t nlen = v & 0xFFFF;
        bool take = (v >> 16) == 0 && !s->sni_present && nlen >= 1 && nlen < IOTLS_HELLO_SNI_MAX;
        s->sni_len = 0;
        s->sni_bad = false;
        begin(s, S_SNI_NAME, nlen, take ? K_SNI : K_SKIP);
        return;
    }
    case S_SNI_NAME:
        if (s->kind == K_SNI) {
            if (s->sni_bad) {
                if (s->sni)
                    s->sni[0] = '\0';
            } else {
                if (s->sni)
                    s->sni[s->sni_len] = '\0';
                s->sni_present = true;
            }
        }
        next_sni(s);
        return;
    case S_SV_LEN:
        if (v < 2 || (v & 1) || v != s->ext_end - s->hpos) {
            bad(s, "bad supported_versions length");
            return;
        }
        s->versions_present = true;
        s->pair_half = false;
        begin(s, S_SV_LIST, v, K_VERSIONS);
        return;
    case S_SV_LIST: end_ext(s); return;
#endif
    case S_ALPN_LIST_LEN:
        if (v < 2 || v != s->ext_end - s->hpos) {
            bad(s, "bad ALPN list length");
            return;
        }
        s->alpn_present = true;
        next_alpn(s);
        return;
    case S_ALPN_LEN:
        if (v == 0) {
            bad(s, "empty ALPN protocol name");
            return;
        }
        /* RFC 7301 3.1: the server selects exactly one protocol. */
        if (!client && s->alpn_count != 0) {
            bad(s, "ServerHello ALPN holds more than one protocol");
            return;
        }
        if (s->alpn_count != 0)
            alpn_char(s, ',');
#if READS_CLIENT_HELLO
        match_start(s, v);
#endif
        begin(s, S_ALPN_NAME, v, K_ALPN);
        return;
    case S_ALPN_NAME:
#if READS_CLIENT_HELLO
        if (client && s->match_cand)
            s->alpn_matched = true;
#endif
        if (s->alpn_count < 255)
            s->alpn_count++;
        next_alpn(s);
        return;
    default: bad(s, "internal state error"); return;
    }
}

/* Consumes up to n handshake-layer bytes; returns how many were used. */
static size_t hs_feed(iotls_hello_sniff_t *s, const uint8_t *p, size_t n)
{
    size_t used = 0;
    while (!s->done) {
        if (s->need == 0) {
            field_done(s);
            continue;
        }
        if (used == n)
            break;
        size_t k = n - used < s->need ? n - used : s->need;
        const uint8_t *q = p + used;
        switch (s->kind) {
        case K_COLLECT:
            memcpy(s->fbuf + s->flen, q, k); /* need <= 4 for collected fields */
            s->flen = (uint8_t)(s->flen + k);
            break;
#if READS_CLIENT_HELLO
        case K_SNI:
            /* nlen < sizeof(sni) was checked, so sni_len + k stays inside. */
            for (size_t i = 0; i < k; i++) {
                if (q[i] < 0x21 || q[i] > 0x7e)
                    s->sni_bad = true;
                if (s->sni)
                    s->sni[s->sni_len] = (char)q[i];
                s->sni_len++;
            }
            break;
        case K_SUITES:
        case K_VERSIONS:
            for (size_t i = 0; i < k; i++) {
                if (s->pair_half)
                    pair_done(s, (uint16_t)(s->pair_hi << 8 | q[i]));
                else
                    s->pair_hi = q[i];
                s->pair_half = !s->pair_half;
            }
            break;
#endif
        case K_SID:
            /* S_SID_LEN refused lengths over IOTLS_HELLO_SESSION_ID_MAX. */
#if READS_CLIENT_HELLO
            if (s->session_id)
                memcpy(s->session_id + s->session_id_len, q, k);
#endif
            s->session_id_len = (uint8_t)(s->session_id_len + k);
            break;
        case K_ALPN:
            /* Names are 1..255 bytes (one length byte): match_pos fits. */
            for (size_t i = 0; i < k; i++) {
                alpn_char(s, q[i] < 0x21 || q[i] > 0x7e || q[i] == ',' ? '?' : q[i]);
#if READS_CLIENT_HELLO
                match_byte(s, q[i]);
#endif
            }
            break;
        default: break;
        }
        used += k;
        s->need -= (uint32_t)k;
        if (s->st != S_HS_HDR)
            s->hpos += (uint32_t)k;
    }
    return used;
}

void iotls_hello_sniff_push(iotls_hello_sniff_t *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0 && !s->done) {
        if (s->rec_left == 0) {
            s->rhdr[s->rhdr_len++] = *p++;
            len--;
            if (s->rhdr_len < 5)
                continue;
            s->rhdr_len = 0;
            uint8_t type = s->rhdr[0];
            uint16_t rlen = (uint16_t)((s->rhdr[3] << 8) | s->rhdr[4]);
            if (type < 20 || type > 23 || s->rhdr[1] != 3) {
                bad(s, "not a TLS record");
            } else if (type != CT_HANDSHAKE) {
                s->done = true; /* e.g. an alert before any hello */
            } else if (rlen == 0) {
                bad(s, "empty handshake record");
            } else if (rlen > MAX_RECORD) {
                bad(s, "record longer than TLS allows");
            } else {
                s->rec_left = rlen;
            }
            continue;
        }
        size_t n = len < s->rec_left ? len : s->rec_left;
        size_t used = hs_feed(s, p, n);
        p += used;
        len -= used;
        s->rec_left = (uint16_t)(s->rec_left - used);
    }
}
