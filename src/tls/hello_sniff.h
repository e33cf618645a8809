/*
 * hello_sniff.h — watches the cleartext start of a TLS 1.0-1.2 (or 1.3
 * ClientHello/ServerHello) byte stream and reports what the first hello says.
 *
 * Why it exists: BearSSL does not tell its caller whether the server
 * accepted max_fragment_length, which ALPN protocol a client offered, or what
 * the raw SNI was.  iotls needs those for adaptive record sizes ("server
 * ignored max_fragment_length") and for error texts.  The binding copies the
 * first bytes of each direction to this sniffer before handing them to the
 * engine; the sniffer never modifies or buffers them.
 *
 * Contract:
 *  - Pure C, no allocation, no recursion, fixed-size state.
 *  - Bytes may arrive in chunks of any size, including 1; results do not
 *    depend on the chunking.
 *  - Only the FIRST handshake message is looked at.  `done` becomes true when
 *    it has been parsed, when it is not a ClientHello/ServerHello, at the
 *    first non-handshake record, or on malformed input (`malformed`, `err`).
 *    After `done`, pushed bytes are ignored.
 *  - Results are informational: the engine still validates everything.
 */
#ifndef IOTLS_TLS_HELLO_SNIFF_H
#define IOTLS_TLS_HELLO_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/options.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether ClientHellos are parsed: only servers read them (a client-only
 * build, iotls/options.h, reads just the ServerHello and keeps none of the
 * ClientHello's fields). */
#define IOTLS_HELLO_SNIFF_CLIENT_HELLO IOTLS_SERVER

#define IOTLS_HELLO_CLIENT 1 /* handshake type ClientHello */
#define IOTLS_HELLO_SERVER 2 /* handshake type ServerHello */

typedef struct {
    /* ---- results (pointers first: no padding between members) ---- */
    /* ClientHello: the host_name from server_name (name_type 0).  Names of
     * 0 or more than 255 bytes or with bytes outside 0x21..0x7e are ignored
     * (sni_present stays false) so sni is always safe to print and compare.
     * ServerHello: sni_present is true when the server acknowledged SNI with
     * an empty server_name extension; sni stays "". */
    /* ALPN: ClientHello: the offered protocols comma-separated; ServerHello:
     * the one selected.  Bytes outside 0x21..0x7e and ',' become '?'; a list
     * longer than 60 characters ends in "...".
     * The hello's session_id (a ClientHello offering resumption, or the
     * ServerHello's id; equal ids mean the server resumed).
     * The three texts are kept where the caller says (NULL = not kept) in
     * builds that read ClientHellos; a client-only build keeps none (its
     * session reads the flags and lengths only) and ignores the storage. */
#if IOTLS_HELLO_SNIFF_CLIENT_HELLO
    char *sni;           /* IOTLS_HELLO_SNI_MAX bytes of the caller's */
    char *alpn;          /* IOTLS_HELLO_ALPN_MAX bytes of the caller's */
    uint8_t *session_id; /* IOTLS_HELLO_SESSION_ID_MAX bytes of the caller's */
#endif
    const char *err;       /* NULL, or a static text naming the first problem */
    uint16_t version;      /* legacy_version in the hello (0x0303 = TLS 1.2) */
    uint16_t cipher_suite; /* ServerHello: the selected suite */
    bool done;             /* nothing more will be parsed */
    bool malformed;        /* the stream broke the record/hello syntax */
    bool complete;         /* a ClientHello/ServerHello was parsed to its end */
    uint8_t msg_type;      /* type of the first handshake message, 0 if none seen */
    bool mfl_present;      /* max_fragment_length extension present */
    uint8_t mfl_code;      /* its code as sent (1..4 valid), see iotls_mfl_code_bytes */
    bool sni_present;
    bool alpn_present;
    uint8_t session_id_len;
#if IOTLS_HELLO_SNIFF_CLIENT_HELLO
    /* ClientHello with iotls_hello_sniff_match_alpn: one of the offered
     * protocols is byte for byte one of the given names (only the first
     * IOTLS_HELLO_ALPN_MATCH_MAX names are compared). */
    bool alpn_matched;
    /* ClientHello: the supported_versions extension (RFC 8446 4.2.1) was
     * present, and which of SSL 3.0 .. TLS 1.3 it lists: bit n set =
     * version 0x0300 + n (other values, e.g. GREASE, are ignored). */
    bool versions_present;
    uint8_t versions;
    /* ClientHello with iotls_hello_sniff_match_suites: one of the offered
     * cipher suites is in the given list. */
    bool suite_matched;
    uint16_t suites_offered; /* ClientHello: cipher suites in its list */
#endif

    /* ---- private state ---- */
    uint32_t need; /* bytes left in the current field */
    uint32_t hpos; /* offset inside the handshake message body */
    uint32_t msg_end, exts_end, ext_end;
    uint16_t rec_left; /* payload bytes left in the current record */
    uint8_t rhdr[5];
    uint8_t rhdr_len;
    uint8_t st;      /* which field is being read */
    uint8_t kind;    /* what to do with its bytes */
    uint8_t fbuf[4]; /* fields of up to 4 bytes are collected here */
    uint8_t flen;
    uint8_t ext_seen; /* duplicate detection for the parsed extensions */
    uint8_t alpn_count;
    bool in_exts, in_ext;
#if IOTLS_HELLO_SNIFF_CLIENT_HELLO
    uint8_t alpn_len;
    bool alpn_full;
    bool sni_bad;
    uint16_t sni_len;
    const char *const *match_names; /* names alpn_matched compares against */
    const uint16_t *match_suites;
    uint32_t match_cand; /* bit i: match_names[i] still equals it so far */
    uint16_t match_suite_count;
    uint8_t match_count;
    uint8_t match_pos; /* byte offset inside the offered name being read */
    uint8_t pair_hi;   /* first byte of a 2-byte list entry (suites, versions) */
    bool pair_half;
#endif
} iotls_hello_sniff_t;

#define IOTLS_HELLO_ALPN_MATCH_MAX 32

/* Storage for the texts, if kept. */
#define IOTLS_HELLO_SNI_MAX 256
#define IOTLS_HELLO_ALPN_MAX 64
#define IOTLS_HELLO_SESSION_ID_MAX 32

/* `sni`, `alpn`, `session_id`: where those go (the sizes above), or NULL
 * when the caller needs only what the flags and lengths say. */
void iotls_hello_sniff_init(iotls_hello_sniff_t *s, char *sni, char *alpn, uint8_t *session_id);

/* Before the first push: compare each offered ALPN protocol with `names`
 * (kept by reference; the caller's list must outlive the sniffer) and set
 * alpn_matched when one is equal. A server uses it to know, before its
 * engine answers, whether the ALPN negotiation will find a protocol. */
void iotls_hello_sniff_match_alpn(iotls_hello_sniff_t *s, const char *const *names, size_t count);

/* Before the first push: set suite_matched when the ClientHello offers one
 * of these cipher suites (kept by reference, at most 65535 compared).
 * Both match calls do nothing in a client-only build (no ClientHello is
 * read there). */
void iotls_hello_sniff_match_suites(iotls_hello_sniff_t *s, const uint16_t *suites, size_t count);

/* Feeds the next len bytes of the stream (any split).  Ignored after done. */
void iotls_hello_sniff_push(iotls_hello_sniff_t *s, const void *data, size_t len);

/* RFC 6066 max_fragment_length code -> bytes: 1..4 => 512, 1024, 2048,
 * 4096; any other code => 0. */
unsigned iotls_mfl_code_bytes(uint8_t code);

#ifdef __cplusplus
}
#endif

#endif
