/*
 * cert_walk_text.h — the text side of the certificate walker: validity
 * times to Unix seconds, distinguished names to RFC 4514-like strings, SAN
 * entries to "DNS:a, IP:10.0.0.5". Private to cert_walk.c; it works on
 * bytes the walker has already bounded and captured.
 */
#ifndef IOTLS_TLS_CERT_WALK_TEXT_H
#define IOTLS_TLS_CERT_WALK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls/cert_walk.h"

/* UTCTime (utc, YY < 50 -> 20YY) or GeneralizedTime, 'Z' only. */
bool iotls_cw_parse_time(const uint8_t *s, size_t n, bool utc, int64_t *out);

/* Append the captured attribute (w->oid = w->cap) to the name being built
 * (issuer or subject, w->name_sel). false: the OID is malformed. */
bool iotls_cw_render_attribute(iotls_cert_walk_t *w);

/* Append "TYPE:value" (from w->cap) to w->sans. */
void iotls_cw_sans_append(iotls_cert_walk_t *w, const char *type, const uint8_t *c);

#endif
