/* Trust anchors in compact form: subject DN + public key (BearSSL
 * br_x509_trust_anchor), decoded once from PEM or DER certificates, plus
 * what BearSSL's form drops and iotls enforces itself (iotls_anchor_meta_t:
 * validity, name constraints, key size). An anchor whose constraints iotls
 * cannot enforce is refused here, never loaded without them. */
#include <stdlib.h>
#include <string.h>

#include "tls/bearssl/br_internal.h"
#include "tls/cert_walk.h"
#include "tls/format.h"

iotls_trust_t *iotls_trust_new(void)
{
    return calloc(1, sizeof(iotls_trust_t));
}

static void anchor_free(br_x509_trust_anchor *ta)
{
    free(ta->dn.data);
    if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
        free(ta->pkey.key.rsa.n);
        free(ta->pkey.key.rsa.e);
    } else {
        free(ta->pkey.key.ec.q);
    }
}

static void meta_free(iotls_anchor_meta_t *m)
{
    free(m->nc);
    free(m->subject);
    memset(m, 0, sizeof *m);
}

static void entry_free(iotls_trust_t *trust, size_t i)
{
    anchor_free(&trust->anchors[i]);
    if (trust->meta[i].nc_slot >= 0)
        trust->nc_anchors--;
    meta_free(&trust->meta[i]);
}

void iotls_trust_free(iotls_trust_t *trust)
{
    if (!trust || trust->borrowed)
        return;
    for (size_t i = 0; i < trust->count; i++)
        entry_free(trust, i);
    free(trust->anchors);
    free(trust->meta);
    free(trust);
}

size_t iotls_trust_count(const iotls_trust_t *trust)
{
    return trust ? trust->count : 0;
}

static uint8_t *dup_bytes(const void *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    if (p && len)
        memcpy(p, src, len);
    return p;
}

static uint64_t dn_hash(const uint8_t *dn, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ dn[i]) * 0x100000001b3ULL;
    return h;
}

uint64_t iotls_br_anchor_dn_hash(const iotls_trust_t *t, size_t i)
{
    return t->meta ? t->meta[i].dn_hash : dn_hash(t->anchors[i].dn.data, t->anchors[i].dn.len);
}

unsigned iotls_br_anchor_rsa_bits(const iotls_trust_t *t, size_t i)
{
    const br_x509_pkey *k = &t->anchors[i].pkey;
    if (k->key_type != BR_KEYTYPE_RSA)
        return 0;
    const unsigned char *n = k->key.rsa.n;
    size_t len = k->key.rsa.nlen;
    while (len > 0 && *n == 0) {
        n++;
        len--;
    }
    unsigned bits = len ? (unsigned)(len - 1) * 8 : 0;
    for (unsigned char top = len ? n[0] : 0; top; top >>= 1)
        bits++;
    return bits;
}

const char *iotls_br_anchor_subject(const iotls_trust_t *t, size_t i)
{
    return t->meta && t->meta[i].subject ? t->meta[i].subject : "(compact trust anchor)";
}

/* Subtrees gathered while walking an anchor certificate. */
#define NC_SUBTREES_MAX 32
struct nc_collect {
    iotls_nc_subtree_t trees[NC_SUBTREES_MAX];
    size_t count;
    const char *problem; /* first subtree iotls cannot enforce */
};

static void collect_subtree(void *ctx, iotls_cw_name_kind_t kind, bool excluded, const uint8_t *v,
                            size_t len, bool truncated)
{
    struct nc_collect *c = ctx;
    iotls_nc_form_t form;
    if (kind < IOTLS_CW_NC_DNS || c->problem)
        return;
    if (kind == IOTLS_CW_NC_OTHER)
        c->problem = "a name constraint of a form iotls cannot check (only DNS, IP and email "
                     "subtrees are enforced)";
    else if (truncated)
        c->problem = "a name constraint longer than 64 bytes";
    else if (c->count == NC_SUBTREES_MAX)
        c->problem = "more than 32 name-constraint subtrees";
    else if (kind == IOTLS_CW_NC_IP && len != 8 && len != 32)
        c->problem = "a malformed iPAddress name constraint";
    if (c->problem)
        return;
    form = kind == IOTLS_CW_NC_DNS  ? IOTLS_NC_DNS
           : kind == IOTLS_CW_NC_IP ? IOTLS_NC_IP
                                    : IOTLS_NC_EMAIL;
    iotls_nc_subtree_t *t = &c->trees[c->count++];
    t->form = (uint8_t)form;
    t->excluded = excluded;
    t->len = (uint8_t)len;
    memcpy(t->value, v, len);
}

/* Walk the anchor certificate for what BearSSL's anchor form drops; -1
 * (IOTLS_ERR_BAD_CERT) for an anchor whose constraints iotls cannot
 * enforce. */
static int meta_from_der(iotls_anchor_meta_t *m, const uint8_t *der, size_t len, iotls_error_t *err)
{
    /* The walker and the subject it renders, in one allocation. */
    struct {
        iotls_cert_walk_t w;
        char subject[IOTLS_CERT_WALK_NAME_MAX];
    } *ws = malloc(sizeof *ws);
    iotls_cert_walk_t *w = ws ? &ws->w : NULL;
    struct nc_collect *nc = malloc(sizeof *nc);
    int rc = -1;
    if (!w || !nc) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory adding a trust anchor");
        goto out;
    }
    nc->count = 0;
    nc->problem = NULL;
    iotls_cert_walk_init(w, NULL, 0, NULL, NULL);
    iotls_cert_walk_set_text(w, ws->subject, sizeof ws->subject, NULL, 0, NULL, 0);
    iotls_cert_walk_set_name_visitor(w, collect_subtree, nc);
    iotls_cert_walk_push(w, der, len);
    if (iotls_cert_walk_finish(w) < 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_CERT, "trust anchor certificate is malformed: %s",
                        w->err);
        goto out;
    }
    const char *subject = ws->subject; /* "" in builds without names */
    if (nc->problem) {
        iotls_error_set(err, IOTLS_ERR_BAD_CERT,
                        "trust anchor '%s' refused: it has %s, which iotls cannot enforce (a "
                        "constraint is never dropped silently)",
                        subject, nc->problem);
        goto out;
    }
    if (w->critical_unknown) {
        iotls_error_set(err, IOTLS_ERR_BAD_CERT,
                        "trust anchor '%s' refused: it has a critical %s extension, which iotls "
                        "cannot enforce (RFC 5280: a critical extension not understood must not "
                        "be ignored)",
                        subject, w->critical_unknown);
        goto out;
    }
    m->has_dates = true;
    m->not_before = w->not_before;
    m->not_after = w->not_after;
    m->dn_hash = w->subject_hash;
    m->nc_slot = -1;
    m->subject = malloc(strlen(subject) + 1);
    if (m->subject)
        memcpy(m->subject, subject, strlen(subject) + 1);
    if (w->has_nc && nc->count) {
        m->nc = malloc(nc->count * sizeof *m->nc);
        if (m->nc)
            memcpy(m->nc, nc->trees, nc->count * sizeof *m->nc);
        m->nc_count = nc->count;
        m->nc_slot = 0; /* placeholder: store_push numbers it */
    }
    if (!m->subject || (w->has_nc && nc->count && !m->nc)) {
        meta_free(m);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory adding a trust anchor");
        goto out;
    }
    rc = 0;
out:
    free(ws);
    free(nc);
    return rc;
}

/* Build an anchor from one DER certificate (not yet added to the store).
 * `direct` makes it a non-CA anchor: its own key is what is trusted. */
static int anchor_from_der(br_x509_trust_anchor *ta, iotls_anchor_meta_t *m, const uint8_t *der,
                           size_t len, bool direct, iotls_error_t *err)
{
    br_x509_decoder_context dc;
    memset(ta, 0, sizeof *ta);
    memset(m, 0, sizeof *m);
    int type = iotls_br_cert_decode(&dc, der, len, &ta->dn.data, &ta->dn.len, err);
    if (!type)
        return -1;
    if (meta_from_der(m, der, len, err) < 0) {
        anchor_free(ta);
        return -1;
    }
    const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
    /* A CA anchors chains; a non-CA certificate is trusted directly
     * (its own key must be the server's key). */
    ta->flags = br_x509_decoder_isCA(&dc) && !direct ? BR_X509_TA_CA : 0;
    ta->pkey.key_type = (unsigned char)type;
    bool ok;
    if (type == BR_KEYTYPE_RSA) {
        ta->pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
        ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
        ta->pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
        ta->pkey.key.rsa.elen = pk->key.rsa.elen;
        ok = ta->pkey.key.rsa.n && ta->pkey.key.rsa.e;
    } else {
        ta->pkey.key.ec.curve = pk->key.ec.curve;
        ta->pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
        ta->pkey.key.ec.qlen = pk->key.ec.qlen;
        ok = ta->pkey.key.ec.q != NULL;
    }
    if (!ok) {
        anchor_free(ta);
        meta_free(m);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory adding a trust anchor");
        return -1;
    }
    return 0;
}

/* A free bit for a name-constrained anchor's violations. */
static int free_nc_slot(const iotls_trust_t *trust)
{
    uint64_t used = 0;
    for (size_t i = 0; i < trust->count; i++)
        if (trust->meta[i].nc_slot >= 0)
            used |= 1ULL << trust->meta[i].nc_slot;
    for (int b = 0; b < IOTLS_NC_ANCHORS_MAX; b++)
        if (!(used & (1ULL << b)))
            return b;
    return -1;
}

static int store_push(iotls_trust_t *trust, const br_x509_trust_anchor *ta,
                      const iotls_anchor_meta_t *m, iotls_error_t *err)
{
    if (trust->borrowed) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "a trust store made by iotls_trust_init_static cannot grow");
        return -1;
    }
    /* Sessions find the anchor a chain ended at by this hash: two different
     * names must not share it. */
    for (size_t i = 0; i < trust->count; i++) {
        const br_x509_trust_anchor *o = &trust->anchors[i];
        if (trust->meta[i].dn_hash == m->dn_hash &&
            (o->dn.len != ta->dn.len || memcmp(o->dn.data, ta->dn.data, ta->dn.len) != 0))
            return iotls_error_set(err, IOTLS_ERR_BAD_CERT,
                                   "trust anchor refused: its subject name hashes like that of "
                                   "anchor #%lu, so iotls could not tell them apart",
                                   (unsigned long)(i + 1)),
                   -1;
    }
    int slot = -1;
    if (m->nc_slot >= 0 && (slot = free_nc_slot(trust)) < 0)
        return iotls_error_set(err, IOTLS_ERR_BAD_CERT,
                               "trust anchor '%s' refused: a store holds at most %d "
                               "name-constrained anchors",
                               m->subject, IOTLS_NC_ANCHORS_MAX),
               -1;
    if (trust->count == trust->cap) {
        size_t cap = trust->cap ? trust->cap * 2 : 4;
        br_x509_trust_anchor *bigger = realloc(trust->anchors, cap * sizeof *bigger);
        if (bigger)
            trust->anchors = bigger;
        iotls_anchor_meta_t *bigger_meta = realloc(trust->meta, cap * sizeof *bigger_meta);
        if (bigger_meta)
            trust->meta = bigger_meta;
        if (!bigger || !bigger_meta) {
            iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory adding a trust anchor");
            return -1;
        }
        trust->cap = cap;
    }
    trust->meta[trust->count] = *m;
    trust->meta[trust->count].nc_slot = slot;
    if (slot >= 0)
        trust->nc_anchors++;
    trust->anchors[trust->count++] = *ta;
    return 0;
}

/* store_push taking ownership: a refused anchor and its metadata are
 * freed. 1 (one anchor added) or -1. */
static int store_add(iotls_trust_t *trust, br_x509_trust_anchor *ta, iotls_anchor_meta_t *m,
                     iotls_error_t *err)
{
    if (store_push(trust, ta, m, err) == 0)
        return 1;
    anchor_free(ta);
    meta_free(m);
    return -1;
}

static int add_der(iotls_trust_t *trust, const void *der, size_t len, bool direct,
                   iotls_error_t *err)
{
    br_x509_trust_anchor ta;
    iotls_anchor_meta_t m;
    if (!trust || !der) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "trust: NULL argument");
        return -1;
    }
    if (anchor_from_der(&ta, &m, der, len, direct, err) < 0)
        return -1;
    return store_add(trust, &ta, &m, err);
}

int iotls_trust_add_der(iotls_trust_t *trust, const void *der, size_t len, iotls_error_t *err)
{
    return add_der(trust, der, len, false, err);
}

/* PEM: decode every certificate first, then commit all or nothing. */
struct pem_batch {
    iotls_trust_t *trust;
    size_t first; /* store count before this batch */
    int added;
    bool direct;
};

static int add_pem_object(void *ctx, const char *label, const uint8_t *der, size_t len,
                          iotls_error_t *err)
{
    struct pem_batch *b = ctx;
    if (strcmp(label, "CERTIFICATE") != 0 && strcmp(label, "X509 CERTIFICATE") != 0)
        return 0;
    if (add_der(b->trust, der, len, b->direct, err) < 0) {
        iotls_error_append(err, " (certificate #%d in the PEM)", b->added + 1);
        return -1;
    }
    b->added++;
    return 0;
}

static int add_pem(iotls_trust_t *trust, const void *pem, size_t len, bool direct,
                   iotls_error_t *err)
{
    if (!trust || !pem) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "trust: NULL argument");
        return -1;
    }
    struct pem_batch b = {trust, trust->count, 0, direct};
    int rc = iotls_br_pem_each(pem, len, add_pem_object, &b, err);
    if (rc >= 0 && b.added == 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_PEM, "no CERTIFICATE found in the PEM data");
        rc = -1;
    }
    if (rc < 0) {
        while (trust->count > b.first)
            entry_free(trust, --trust->count);
        return -1;
    }
    return b.added;
}

int iotls_trust_add_pem(iotls_trust_t *trust, const void *pem, size_t len, iotls_error_t *err)
{
    return add_pem(trust, pem, len, false, err);
}

int iotls_trust_add_self_signed(iotls_trust_t *trust, const void *data, size_t len,
                                iotls_error_t *err)
{
    return iotls_br_is_der(data, len) ? add_der(trust, data, len, true, err)
                                      : add_pem(trust, data, len, true, err);
}

static bool compact_anchor_valid(const iotls_anchor_t *a, iotls_error_t *err)
{
    bool ok = a && a->dn && a->dn_len &&
              ((a->key_type == IOTLS_ANCHOR_KEY_RSA && a->n && a->n_len && a->e && a->e_len) ||
               (a->key_type == IOTLS_ANCHOR_KEY_EC && a->q && a->q_len));
    if (!ok)
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "trust anchor: missing name or key, or unknown key type %d",
                        a ? a->key_type : -1);
    return ok;
}

int iotls_trust_add_anchor(iotls_trust_t *trust, const iotls_anchor_t *a, iotls_error_t *err)
{
    br_x509_trust_anchor ta;
    iotls_anchor_meta_t m;
    memset(&ta, 0, sizeof ta);
    memset(&m, 0, sizeof m);
    if (!trust) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "trust: NULL argument");
        return -1;
    }
    if (!compact_anchor_valid(a, err))
        return -1;
    ta.dn.data = dup_bytes(a->dn, a->dn_len);
    ta.dn.len = a->dn_len;
    ta.flags = a->flags & IOTLS_ANCHOR_CA ? BR_X509_TA_CA : 0;
    bool ok = ta.dn.data != NULL;
    if (a->key_type == IOTLS_ANCHOR_KEY_RSA) {
        ta.pkey.key_type = BR_KEYTYPE_RSA;
        ta.pkey.key.rsa.n = dup_bytes(a->n, a->n_len);
        ta.pkey.key.rsa.nlen = a->n_len;
        ta.pkey.key.rsa.e = dup_bytes(a->e, a->e_len);
        ta.pkey.key.rsa.elen = a->e_len;
        ok = ok && ta.pkey.key.rsa.n && ta.pkey.key.rsa.e && a->n && a->e;
    } else {
        ta.pkey.key_type = BR_KEYTYPE_EC;
        ta.pkey.key.ec.curve = a->curve; /* TLS curve ids are BearSSL's ids */
        ta.pkey.key.ec.q = dup_bytes(a->q, a->q_len);
        ta.pkey.key.ec.qlen = a->q_len;
        ok = ok && ta.pkey.key.ec.q && a->q;
    }
    /* The compact form carries no certificate: no dates, no constraints
     * (docs/trust.md says so). */
    m.nc_slot = -1;
    if (ok) {
        m.dn_hash = dn_hash(a->dn, a->dn_len);
        char name[48];
        iotls_format(name, sizeof name, "compact trust anchor #%u", (unsigned)trust->count + 1);
        m.subject = malloc(strlen(name) + 1);
        ok = m.subject != NULL;
        if (ok)
            memcpy(m.subject, name, strlen(name) + 1);
    }
    if (!ok) {
        anchor_free(&ta);
        meta_free(&m);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory adding a trust anchor");
        return -1;
    }
    return store_add(trust, &ta, &m, err);
}

int iotls_trust_load_file(iotls_trust_t *trust, const char *path, iotls_error_t *err)
{
    size_t len;
    uint8_t *data = iotls_file_read(path, &len, err);
    if (!data)
        return -1;
    int rc = iotls_br_is_der(data, len) ? iotls_trust_add_der(trust, data, len, err)
                                        : iotls_trust_add_pem(trust, data, len, err);
    free(data);
    if (rc < 0 && err && !strstr(err->text, path))
        iotls_error_append(err, " in '%s'", path);
    return rc;
}

/* ---- heap-free: the caller's storage, pointing at the caller's data ---- */

_Static_assert(sizeof(iotls_trust_t) + 16 <= IOTLS_TRUST_STATIC_BASE &&
                   sizeof(br_x509_trust_anchor) <= IOTLS_TRUST_STATIC_PER_ANCHOR,
               "IOTLS_TRUST_STATIC_BYTES is too small for this target");

size_t iotls_trust_static_size(size_t count)
{
    return iotls_br_static_bytes(IOTLS_TRUST_STATIC_BASE, IOTLS_TRUST_STATIC_PER_ANCHOR, count);
}

iotls_trust_t *iotls_trust_init_static(void *mem, size_t mem_len, const iotls_anchor_t *anchors,
                                       size_t count, iotls_error_t *err)
{
    if (!mem || !anchors || count == 0)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "static trust: no storage or anchors"),
               NULL;
    if (mem_len < iotls_trust_static_size(count) || iotls_trust_static_size(count) == SIZE_MAX)
        return iotls_error_set(err, IOTLS_ERR_MEMORY_TOO_SMALL,
                               "static trust: %lu bytes given, %lu anchors need %lu",
                               (unsigned long)mem_len, (unsigned long)count,
                               (unsigned long)iotls_trust_static_size(count)),
               NULL;
    for (size_t i = 0; i < count; i++)
        if (!compact_anchor_valid(&anchors[i], err))
            return NULL;
    iotls_trust_t *t = iotls_br_align_storage(mem, &mem_len);
    memset(t, 0, sizeof *t);
    t->borrowed = true;
    t->anchors = (br_x509_trust_anchor *)(void *)(t + 1);
    /* BearSSL's anchor type has non-const pointers but never writes through
     * them: the bytes stay in flash. */
    for (size_t i = 0; i < count; i++) {
        const iotls_anchor_t *a = &anchors[i];
        br_x509_trust_anchor *ta = &t->anchors[i];
        memset(ta, 0, sizeof *ta);
        ta->dn.data = (unsigned char *)(uintptr_t)a->dn;
        ta->dn.len = a->dn_len;
        ta->flags = a->flags & IOTLS_ANCHOR_CA ? BR_X509_TA_CA : 0;
        if (a->key_type == IOTLS_ANCHOR_KEY_RSA) {
            ta->pkey.key_type = BR_KEYTYPE_RSA;
            ta->pkey.key.rsa.n = (unsigned char *)(uintptr_t)a->n;
            ta->pkey.key.rsa.nlen = a->n_len;
            ta->pkey.key.rsa.e = (unsigned char *)(uintptr_t)a->e;
            ta->pkey.key.rsa.elen = a->e_len;
        } else {
            ta->pkey.key_type = BR_KEYTYPE_EC;
            ta->pkey.key.ec.curve = a->curve;
            ta->pkey.key.ec.q = (unsigned char *)(uintptr_t)a->q;
            ta->pkey.key.ec.qlen = a->q_len;
        }
    }
    t->count = t->cap = count;
    return t;
}
