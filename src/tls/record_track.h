/*
 * Follows TLS record boundaries in a received byte stream, without
 * buffering records: it only reads the 5-byte headers. The session uses it
 * to say WHICH record broke a rule ("record of 16384 bytes exceeds the
 * 2048-byte buffer") and to recognise a peer that does not speak TLS at all
 * (an HTTP server, a banner) before the engine reports a vaguer error.
 */
#ifndef IOTLS_TLS_RECORD_TRACK_H
#define IOTLS_TLS_RECORD_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iotls/options.h"

/* What only error sentences read (the messages a push touched, the
 * stream's first bytes): kept in builds with sentences (iotls/options.h). */
#define IOTLS_RECORD_TRACK_TEXT IOTLS_ERROR_TEXT

typedef struct {
    uint32_t body_left; /* body bytes of the current record still to come */
    uint32_t records;   /* complete headers seen */
    /* Handshake messages read in the clear, before the peer's
     * ChangeCipherSpec: bit N set = a message of type N was seen (13 =
     * CertificateRequest). Lets errors say "the server asked for a client
     * certificate". */
    uint32_t hs_types_seen;
    uint32_t hs_body_left;
    uint16_t last_length; /* declared length of the latest record header */
    uint8_t hdr[5];
    uint8_t hdr_have;  /* header bytes of the current record seen */
    uint8_t last_type; /* content type of the latest record header */
    bool not_tls;      /* a header that no TLS peer would send */
    bool ccs_seen;     /* later handshake messages are encrypted */
    /* Handshake records after the peer's ChangeCipherSpec (saturates at
     * 255). TLS 1.2 has exactly one there, Finished; a second one starts a
     * renegotiation (HelloRequest from a server, ClientHello from a
     * client). */
    uint8_t hs_records_after_ccs;
    uint8_t hs_hdr_have; /* bytes of the current handshake message header */
    uint8_t hs_type;
#if IOTLS_RECORD_TRACK_TEXT
    /* Cleartext handshake messages the latest push touched, in order (a
     * message continuing from an earlier push first): the engine sees the
     * same bytes right after, so a message it rejects is one of these. */
    uint8_t push_types[6];
    uint8_t push_type_count;
    bool push_encrypted; /* the latest push carried handshake records after CCS */
    uint8_t preview[16]; /* first bytes of the stream, for error texts */
    uint8_t preview_len;
#endif
} iotls_record_track_t;

void iotls_record_track_init(iotls_record_track_t *t);
void iotls_record_track_push(iotls_record_track_t *t, const uint8_t *data, size_t len);

#define IOTLS_HS_SERVER_HELLO 2
#define IOTLS_HS_CERTIFICATE_REQUEST 13

static inline bool iotls_record_track_saw_handshake(const iotls_record_track_t *t, unsigned type)
{
    return type < 32 && (t->hs_types_seen >> type & 1u);
}

/* The peer sent a handshake message after its Finished: it asked for, or
 * started, a renegotiation. */
static inline bool iotls_record_track_saw_renegotiation(const iotls_record_track_t *t)
{
    return t->hs_records_after_ccs >= 2;
}

/* "ServerHello", "Certificate", ... for a handshake message type; NULL
 * when unknown. */
const char *iotls_handshake_type_name(unsigned type);

/* Printable rendering of the stream's first bytes ("HTTP/1.1 400 Ba"),
 * non-printables as '.' ("" in builds without sentences). */
void iotls_record_track_preview(const iotls_record_track_t *t, char *out, size_t len);

#endif
