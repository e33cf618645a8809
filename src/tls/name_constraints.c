/* RFC 5280 name-constraint matching; see name_constraints.h. */
#include "tls/name_constraints.h"

#include <string.h>

bool iotls_nc_form_of(iotls_cw_name_kind_t kind, iotls_nc_form_t *form)
{
    switch (kind) {
    case IOTLS_CW_SAN_DNS:
    case IOTLS_CW_SUBJECT_CN: *form = IOTLS_NC_DNS; return true;
    case IOTLS_CW_SAN_IP: *form = IOTLS_NC_IP; return true;
    case IOTLS_CW_SAN_EMAIL:
    case IOTLS_CW_SUBJECT_EMAIL: *form = IOTLS_NC_EMAIL; return true;
    default: return false;
    }
}

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool same_text(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

/* A DNS constraint "example.com" holds example.com and every name under
 * it; ".example.com" only the names under it; "" holds everything. */
static bool dns_within(const uint8_t *name, size_t n, const uint8_t *c, size_t cn)
{
    if (n > 0 && name[n - 1] == '.')
        n--; /* absolute form */
    if (cn == 0)
        return true;
    if (c[0] == '.')
        return n > cn && same_text(name + n - cn, c, cn);
    if (n == cn)
        return same_text(name, c, cn);
    return n > cn && name[n - cn - 1] == '.' && same_text(name + n - cn, c, cn);
}

/* rfc822Name constraints: "user@host" one mailbox, "host" every mailbox
 * at that host, ".example.com" every mailbox at a host under it. */
static bool email_within(const uint8_t *name, size_t n, const uint8_t *c, size_t cn)
{
    const uint8_t *at = memchr(name, '@', n);
    if (at == NULL)
        return false;
    if (memchr(c, '@', cn) != NULL) /* local parts compare exactly */
        return n == cn && memcmp(name, c, (size_t)(at - name)) == 0 &&
               same_text(at, c + (at - name), n - (size_t)(at - name));
    const uint8_t *host = at + 1;
    size_t hn = n - (size_t)(host - name);
    if (cn > 0 && c[0] == '.')
        return hn > cn && same_text(host + hn - cn, c, cn);
    return hn == cn && same_text(host, c, cn);
}

/* iPAddress constraints are address + mask of the same family. */
static bool ip_within(const uint8_t *name, size_t n, const uint8_t *c, size_t cn)
{
    if ((n != 4 && n != 16) || cn != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((name[i] & c[n + i]) != (c[i] & c[n + i]))
            return false;
    return true;
}

static bool within(iotls_nc_form_t form, const uint8_t *name, size_t n, const iotls_nc_subtree_t *t)
{
    switch (form) {
    case IOTLS_NC_DNS: return dns_within(name, n, t->value, t->len);
    case IOTLS_NC_EMAIL: return email_within(name, n, t->value, t->len);
    case IOTLS_NC_IP: return ip_within(name, n, t->value, t->len);
    }
    return false;
}

bool iotls_nc_admits(const iotls_nc_subtree_t *trees, size_t count, iotls_nc_form_t form,
                     const uint8_t *name, size_t len, bool truncated)
{
    bool any_permitted = false, permitted = false;
    for (size_t i = 0; i < count; i++) {
        const iotls_nc_subtree_t *t = &trees[i];
        if (t->form != form)
            continue;
        if (truncated)
            return false;
        if (t->excluded) {
            if (within(form, name, len, t))
                return false;
        } else {
            any_permitted = true;
            permitted = permitted || within(form, name, len, t);
        }
    }
    return !any_permitted || permitted;
}
