/*
 * The shared record workspace (contract in iotls/tls.h, layout in
 * br_session.h). Every session of a workspace has its engine pointed at the
 * same two buffers. BearSSL keeps only offsets between calls, so when the
 * buffers change hands the previous owner's live bytes are copied into the
 * spill pool, and copied back to the same offsets before that session's
 * engine touches them again. Which bytes are live comes from BearSSL's
 * public flow getters alone:
 *
 *   input   recvrec_buf non-NULL: the partial record before it, [0, p)
 *           recvapp_buf non-NULL: the unread plaintext it returns
 *           neither (engine busy with handshake bytes, or closed for
 *           reading): everything written into the current record,
 *           [0, in_hiwater), which recv_ack tracks (note_input)
 *   output  sendrec_buf non-NULL: the rest of the record being sent
 *           otherwise the plaintext this session wrote into the record
 *           being filled (out_fill bytes ending at out_end); the
 *           handshake code never leaves a record unfinished
 */
#include <string.h>

#include "tls/bearssl/br_session.h"

#define WS_ALIGN(n) ALIGN_UP(n)

size_t iotls_workspace_size(size_t spill_bytes)
{
    if (spill_bytes == 0)
        spill_bytes = IOTLS_WORKSPACE_SPILL_DEFAULT;
    uint32_t chunks = iotls_spill_pool_chunks(spill_bytes);
    return WS_ALIGN(sizeof(struct iotls_workspace)) + WS_ALIGN(BR_SSL_BUFSIZE_INPUT) +
           WS_ALIGN(BR_SSL_BUFSIZE_OUTPUT) + iotls_spill_pool_mem(chunks) + alignof(max_align_t);
}

iotls_workspace_t *iotls_workspace_init(void *mem, size_t mem_len, size_t spill_bytes,
                                        iotls_error_t *err)
{
    if (!mem)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "workspace memory is NULL"), NULL;
    size_t need = iotls_workspace_size(spill_bytes);
    if (mem_len < need)
        return iotls_error_set(err, IOTLS_ERR_MEMORY_TOO_SMALL,
                               "workspace memory is %lu bytes; it needs %lu "
                               "(iotls_workspace_size)",
                               (unsigned long)mem_len, (unsigned long)need),
               NULL;
    if (spill_bytes == 0)
        spill_bytes = IOTLS_WORKSPACE_SPILL_DEFAULT;
    uint8_t *p = (uint8_t *)(((uintptr_t)mem + alignof(max_align_t) - 1) &
                             ~(uintptr_t)(alignof(max_align_t) - 1));
    iotls_workspace_t *ws = (iotls_workspace_t *)(void *)p;
    memset(ws, 0, sizeof *ws);
    p += WS_ALIGN(sizeof *ws);
    ws->ibuf = p;
    p += WS_ALIGN(BR_SSL_BUFSIZE_INPUT);
    ws->obuf = p;
    p += WS_ALIGN(BR_SSL_BUFSIZE_OUTPUT);
    iotls_spill_pool_init(&ws->pool, p, iotls_spill_pool_chunks(spill_bytes));
    return ws;
}

void iotls_workspace_stats(const iotls_workspace_t *ws, iotls_workspace_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (!ws)
        return;
    out->buffer_bytes = BR_SSL_BUFSIZE_INPUT + BR_SSL_BUFSIZE_OUTPUT;
    out->spill_capacity = (size_t)ws->pool.chunks * IOTLS_SPILL_CHUNK;
    out->spill_used = iotls_spill_pool_used_bytes(&ws->pool);
    out->spill_peak = (size_t)ws->pool.peak_used * IOTLS_SPILL_CHUNK;
    out->switches = ws->switches;
    out->spills = ws->spills;
    out->spill_failures = ws->failures;
}

/* ---- which bytes are live ------------------------------------------------ */

static void region(iotls_br_spill_t *r, size_t off, size_t len)
{
    r->head = IOTLS_SPILL_NONE;
    r->off = (uint32_t)off;
    r->len = (uint32_t)len;
}

/* The session's part, where its record buffers would be: right after its
 * engine context (the engine is that context's first member). */
static iotls_br_ws_part_t *part(const iotls_session_t *s)
{
    return (iotls_br_ws_part_t *)(void *)((uint8_t *)s->eng +
                                          PART_UP(iotls_br_context_size(s->cfg.role)));
}

void iotls_br_ws_attach(iotls_session_t *s, const iotls_config_t *cfg)
{
    iotls_br_ws_part_t *w = part(s);
    memset(w, 0, sizeof *w);
    w->spill_failed = cfg->spill_failed;
    w->spill_ctx = cfg->spill_ctx;
    region(&w->spill_in, 0, 0);
    region(&w->spill_out, 0, 0);
    s->ws = cfg->workspace;
    iotls_br_ws_acquire(s);
}

/* How far into the input buffer the current record's bytes reach (live
 * bytes when the engine holds handshake data no getter shows). */
void iotls_br_ws_note_input(iotls_session_t *s, const uint8_t *buf, size_t n)
{
    if (!s->ws)
        return;
    iotls_br_ws_part_t *w = part(s);
    size_t off = (size_t)(buf - s->ws->ibuf);
    if (off == 0)
        w->in_hiwater = 0; /* a new record starts: the old bytes are dead */
    if (off + n > w->in_hiwater)
        w->in_hiwater = (uint32_t)(off + n);
}

static void live_input(iotls_session_t *s, iotls_br_spill_t *r)
{
    const uint8_t *base = s->ws->ibuf;
    size_t len;
    const uint8_t *p = br_ssl_engine_recvrec_buf(s->eng, &len);
    if (p) {
        region(r, 0, (size_t)(p - base));
        return;
    }
    p = br_ssl_engine_recvapp_buf(s->eng, &len);
    if (p) {
        region(r, (size_t)(p - base), len);
        return;
    }
    if (br_ssl_engine_current_state(s->eng) & BR_SSL_CLOSED) {
        region(r, 0, 0);
        return;
    }
    region(r, 0, part(s)->in_hiwater);
}

size_t iotls_br_out_pending(iotls_session_t *s)
{
    size_t len;
    const uint8_t *p = br_ssl_engine_sendapp_buf(s->eng, &len);
    /* A record sealed since our last write (a flush, a full record, an
     * alert the engine wrote) moved the fill point: nothing of ours is
     * unsealed any more. */
    if (s->out_fill && (!p || p != s->out_end))
        s->out_fill = 0;
    return s->out_fill;
}

static void live_output(iotls_session_t *s, iotls_br_spill_t *r)
{
    const uint8_t *base = s->ws->obuf;
    size_t len;
    const uint8_t *p = br_ssl_engine_sendrec_buf(s->eng, &len);
    if (p) {
        region(r, (size_t)(p - base), len);
        return;
    }
    size_t fill = iotls_br_out_pending(s);
    region(r, fill ? (size_t)(s->out_end - base) - fill : 0, fill);
}

/* ---- handing the buffers over --------------------------------------------- */

static void lose_bytes(iotls_session_t *s, size_t need)
{
    iotls_workspace_t *ws = s->ws;
    ws->failures++;
    if (s->error.code == IOTLS_OK)
        iotls_error_set(&s->error, IOTLS_ERR_SPILL_FULL,
                        "shared record workspace: the spill pool (%lu bytes, %lu free) has no "
                        "room for this connection's %lu bytes in flight (unread data, a partial "
                        "record or a pending send); connection dropped",
                        (unsigned long)ws->pool.chunks * IOTLS_SPILL_CHUNK,
                        (unsigned long)ws->pool.free_count * IOTLS_SPILL_CHUNK,
                        (unsigned long)need);
    iotls_br_stop(s);
    iotls_br_ws_part_t *w = part(s);
    if (w->spill_failed)
        w->spill_failed(w->spill_ctx);
}

/* The owner gives the buffers up: its live bytes go to the pool. */
static void evict(iotls_session_t *s)
{
    iotls_workspace_t *ws = s->ws;
    ws->owner = NULL;
    if (s->failed || (br_ssl_engine_current_state(s->eng) & BR_SSL_CLOSED))
        return; /* nothing it holds will be used again */
    iotls_br_spill_t in, out;
    live_input(s, &in);
    live_output(s, &out);
    if (in.len == 0 && out.len == 0)
        return;
    ws->spills++;
    if (!iotls_spill_pool_put(&ws->pool, ws->ibuf + in.off, in.len, &in.head)) {
        lose_bytes(s, (size_t)in.len + out.len);
        return;
    }
    if (!iotls_spill_pool_put(&ws->pool, ws->obuf + out.off, out.len, &out.head)) {
        iotls_spill_pool_drop(&ws->pool, in.head);
        lose_bytes(s, (size_t)in.len + out.len);
        return;
    }
    part(s)->spill_in = in;
    part(s)->spill_out = out;
}

static void restore(iotls_session_t *s)
{
    iotls_workspace_t *ws = s->ws;
    iotls_br_ws_part_t *w = part(s);
    if (w->spill_in.head != IOTLS_SPILL_NONE)
        iotls_spill_pool_take(&ws->pool, w->spill_in.head, ws->ibuf + w->spill_in.off,
                              w->spill_in.len);
    if (w->spill_out.head != IOTLS_SPILL_NONE)
        iotls_spill_pool_take(&ws->pool, w->spill_out.head, ws->obuf + w->spill_out.off,
                              w->spill_out.len);
    region(&w->spill_in, 0, 0);
    region(&w->spill_out, 0, 0);
}

void iotls_br_ws_acquire(iotls_session_t *s)
{
    iotls_workspace_t *ws = s->ws;
    if (!ws || ws->owner == s || s->failed)
        return;
    ws->switches++;
    if (ws->owner)
        evict(ws->owner);
    restore(s);
    ws->owner = s;
}

void iotls_session_release(iotls_session_t *s)
{
    if (!s || !s->ws)
        return;
    iotls_workspace_t *ws = s->ws;
    if (ws->owner == s)
        ws->owner = NULL;
    iotls_br_ws_part_t *w = part(s);
    iotls_spill_pool_drop(&ws->pool, w->spill_in.head);
    iotls_spill_pool_drop(&ws->pool, w->spill_out.head);
    region(&w->spill_in, 0, 0);
    region(&w->spill_out, 0, 0);
    s->ws = NULL;
    s->failed = true; /* a released session moves no more bytes */
}

size_t iotls_session_spilled(const iotls_session_t *s)
{
    if (!s || !s->ws)
        return 0;
    return (size_t)part(s)->spill_in.len + part(s)->spill_out.len;
}
