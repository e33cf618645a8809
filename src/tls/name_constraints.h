/*
 * name_constraints.h — RFC 5280 name constraints (section 4.2.1.10) for the
 * name forms iotls checks: dNSName, iPAddress and rfc822Name. Pure
 * functions over bytes the certificate walker captured; no engine, no
 * allocation.
 *
 * A trust anchor's constraints are a list of subtrees. A name of one form
 * is admitted when no excluded subtree of that form contains it and, if
 * there is any permitted subtree of that form, one of them contains it.
 * Subtrees of other forms say nothing about it.
 */
#ifndef IOTLS_TLS_NAME_CONSTRAINTS_H
#define IOTLS_TLS_NAME_CONSTRAINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls/cert_walk.h"

/* Longest subtree kept: a DNS suffix or mailbox of up to 64 bytes, or an
 * IPv6 address + mask (32 bytes). */
#define IOTLS_NC_VALUE_MAX IOTLS_CERT_WALK_CAPTURE

typedef enum { IOTLS_NC_DNS, IOTLS_NC_IP, IOTLS_NC_EMAIL } iotls_nc_form_t;

typedef struct {
    uint8_t form; /* iotls_nc_form_t */
    bool excluded;
    uint8_t len;
    uint8_t value[IOTLS_NC_VALUE_MAX]; /* DNS / mailbox text, or address + mask */
} iotls_nc_subtree_t;

/* The form a walker name kind is checked as; false for kinds no constraint
 * applies to. The subject CN counts as a DNS name (iotls matches host names
 * against it when the leaf has no DNS subjectAltName). */
bool iotls_nc_form_of(iotls_cw_name_kind_t kind, iotls_nc_form_t *form);

/* Whether `name` (len bytes; truncated = only its first bytes are known)
 * is admitted by the subtrees. A truncated name is admitted only when no
 * subtree of its form exists (it cannot be compared). */
bool iotls_nc_admits(const iotls_nc_subtree_t *trees, size_t count, iotls_nc_form_t form,
                     const uint8_t *name, size_t len, bool truncated);

#endif
