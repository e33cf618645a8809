/* PEM armour decoding over BearSSL's streaming br_pem_decoder. */
#include <stdlib.h>
#include <string.h>

#include "tls/bearssl/br_internal.h"
#include "tls/format.h"

bool iotls_br_is_der(const void *buf, size_t len)
{
    return len >= 2 && ((const uint8_t *)buf)[0] == 0x30;
}

struct sink {
    uint8_t *data;
    size_t len, cap;
    bool oom;
};

static void sink_append(void *ctx, const void *data, size_t len)
{
    struct sink *s = ctx;
    if (s->oom)
        return;
    if (s->len + len > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 2048;
        while (cap < s->len + len)
            cap *= 2;
        uint8_t *bigger = realloc(s->data, cap);
        if (!bigger) {
            s->oom = true;
            return;
        }
        s->data = bigger;
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
}

int iotls_br_pem_each(const void *buf, size_t len, iotls_pem_fn fn, void *ctx, iotls_error_t *err)
{
    br_pem_decoder_context pc;
    struct sink sink = {0};
    const uint8_t *p = buf;
    char label[128] = "";
    bool inside = false;
    int count = 0, rc = 0;

    br_pem_decoder_init(&pc);
    while (len > 0 && rc == 0) {
        size_t n = br_pem_decoder_push(&pc, p, len);
        p += n;
        len -= n;
        switch (br_pem_decoder_event(&pc)) {
        case BR_PEM_BEGIN_OBJ:
            inside = true;
            sink.len = 0;
            iotls_format(label, sizeof label, "%s", br_pem_decoder_name(&pc));
            br_pem_decoder_setdest(&pc, sink_append, &sink);
            break;
        case BR_PEM_END_OBJ:
            inside = false;
            if (sink.oom) {
                iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory decoding PEM");
                rc = -1;
                break;
            }
            count++;
            if (fn(ctx, label, sink.data, sink.len, err) < 0)
                rc = -1;
            break;
        case BR_PEM_ERROR:
            iotls_error_set(err, IOTLS_ERR_BAD_PEM,
                            "invalid PEM: broken armour or base64 in object %d", count + 1);
            rc = -1;
            break;
        default: break;
        }
    }
    /* A final newline-less END line is completed by a virtual newline. */
    if (rc == 0 && inside) {
        br_pem_decoder_push(&pc, "\n", 1);
        if (br_pem_decoder_event(&pc) == BR_PEM_END_OBJ && !sink.oom) {
            count++;
            if (fn(ctx, label, sink.data, sink.len, err) < 0)
                rc = -1;
        } else {
            iotls_error_set(err, IOTLS_ERR_BAD_PEM, "invalid PEM: object '%s' has no END line",
                            label);
            rc = -1;
        }
    }
    free(sink.data);
    return rc < 0 ? -1 : count;
}

int iotls_pem_decode(const void *pem, size_t len, iotls_pem_object_fn fn, void *ctx,
                     iotls_error_t *err)
{
    if (pem == NULL || fn == NULL) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "iotls_pem_decode: no PEM text or callback");
        return -1;
    }
    return iotls_br_pem_each(pem, len, fn, ctx, err);
}

struct dn_sink {
    uint8_t buf[1024];
    size_t len;
    bool overflow;
};

static void dn_append(void *ctx, const void *data, size_t len)
{
    struct dn_sink *d = ctx;
    if (d->len + len > sizeof d->buf) {
        d->overflow = true;
        return;
    }
    memcpy(d->buf + d->len, data, len);
    d->len += len;
}

/* The decoder has seen the whole certificate: its key type, or 0. */
static int decoded_key_type(br_x509_decoder_context *dc, size_t len, iotls_error_t *err)
{
    const br_x509_pkey *pk = br_x509_decoder_get_pkey(dc);
    int e = br_x509_decoder_last_error(dc);
    if (!pk || e != 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_CERT,
                        "certificate does not decode (%lu bytes, BearSSL error %d)",
                        (unsigned long)len, e);
        if (err)
            err->engine_code = e;
        return 0;
    }
    return pk->key_type;
}

int iotls_br_cert_key(br_x509_decoder_context *dc, const uint8_t *der, size_t len,
                      iotls_error_t *err)
{
    br_x509_decoder_init(dc, NULL, NULL);
    br_x509_decoder_push(dc, der, len);
    return decoded_key_type(dc, len, err);
}

int iotls_br_cert_decode(br_x509_decoder_context *dc, const uint8_t *der, size_t len, uint8_t **dn,
                         size_t *dn_len, iotls_error_t *err)
{
    if (!dn)
        return iotls_br_cert_key(dc, der, len, err);
    struct dn_sink sink;
    sink.len = 0;
    sink.overflow = false;
    br_x509_decoder_init(dc, dn_append, &sink);
    br_x509_decoder_push(dc, der, len);
    int type = decoded_key_type(dc, len, err);
    if (!type)
        return 0;
    {
        if (sink.overflow) {
            iotls_error_set(err, IOTLS_ERR_BAD_CERT, "certificate subject name exceeds 1024 bytes");
            return 0;
        }
        *dn = malloc(sink.len ? sink.len : 1);
        if (!*dn) {
            iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory");
            return 0;
        }
        memcpy(*dn, sink.buf, sink.len);
        *dn_len = sink.len;
    }
    return type;
}
