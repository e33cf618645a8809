/* serve_app.c — the REST API and status page of `iotls serve`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve_app.h"

/* JSON for the current figures; returns the length (buf is cap bytes). */
static int status_json(serve_app_t *app, char *buf, size_t cap)
{
    iotls_http_server_stats_t st;
    iotls_http_server_stats(app->srv, &st);
    uint64_t up = (iotls_loop_now_ms(app->loop) - st.started_ms) / 1000;
    int n = snprintf(
        buf, cap,
        "{\"uptime_s\":%llu,\"open_connections\":%u,\"accepted\":%lu,"
        "\"rejected\":%lu,\"evicted\":%lu,\"requests\":%lu,\"handshakes\":{\"full\":%lu,"
        "\"resumed\":%lu},\"tls_bytes_per_connection\":%zu,"
        "\"http_bytes_per_connection\":%zu,\"leds\":[",
        (unsigned long long)up, st.open_conns, st.accepted, st.rejected, st.evicted, st.requests,
        st.handshakes_full, st.handshakes_resumed, st.tls_bytes_per_conn, st.http_bytes_per_conn);
    for (int i = 0; i < SERVE_LEDS && n > 0 && (size_t)n < cap; i++)
        n += snprintf(buf + n, cap - (size_t)n, "%s%s", i ? "," : "",
                      app->led[i] ? "true" : "false");
    if (n > 0 && (size_t)n < cap)
        n += snprintf(buf + n, cap - (size_t)n, "],\"led_changes\":%lu}\n", app->led_changes);
    return n > 0 && (size_t)n < cap ? n : -1;
}

static void get_status(iotls_http_req_t *req, void *user)
{
    char json[768];
    int n = status_json(user, json, sizeof json);
    iotls_http_resp_header(req, "Cache-Control", "no-store");
    if (n < 0)
        iotls_http_resp_send(req, 500, "text/plain", "status too long\n", 16);
    else
        iotls_http_resp_send(req, 200, "application/json", json, (size_t)n);
}

/* {"on": true} or {"on": false}; anything else is refused. */
static int parse_led_body(const char *body, bool *on)
{
    const char *k = strstr(body, "\"on\"");
    if (!k)
        return -1;
    k += 4;
    while (*k == ' ' || *k == '\t' || *k == '\n' || *k == '\r')
        k++;
    if (*k++ != ':')
        return -1;
    while (*k == ' ' || *k == '\t' || *k == '\n' || *k == '\r')
        k++;
    if (!strncmp(k, "true", 4))
        *on = true;
    else if (!strncmp(k, "false", 5))
        *on = false;
    else
        return -1;
    return 0;
}

static void put_led(iotls_http_req_t *req, void *user)
{
    serve_app_t *app = user;
    const char *id = iotls_http_req_param(req, "id");
    char *end = NULL;
    long i = strtol(id, &end, 10);
    if (!*id || *end || i < 0 || i >= SERVE_LEDS) {
        static const char msg[] = "{\"error\":\"no such LED\"}\n";
        iotls_http_resp_send(req, 404, "application/json", msg, sizeof msg - 1);
        return;
    }
    size_t len;
    const char *body = (const char *)iotls_http_req_body(req, &len);
    bool on;
    if (parse_led_body(body, &on) < 0) {
        static const char msg[] = "{\"error\":\"expected a JSON body {\\\"on\\\": true|false}\"}\n";
        iotls_http_resp_send(req, 400, "application/json", msg, sizeof msg - 1);
        return;
    }
    app->led[i] = on;
    app->led_changes++;
    char out[64];
    int n = snprintf(out, sizeof out, "{\"id\":%ld,\"on\":%s}\n", i, on ? "true" : "false");
    iotls_http_resp_send(req, 200, "application/json", out, (size_t)n);
}

static void get_whoami(iotls_http_req_t *req, void *user)
{
    const iotls_report_t *r = iotls_http_req_tls(req);
    char out[768];
    int n;
    if (r && r->peer_cert_present && r->peer_sha256) {
        char fp[96];
        iotls_fingerprint_hex(r->peer_sha256, fp);
        n = snprintf(out, sizeof out, "client certificate: %s\nsha256: %s\nverified: %s\n",
                     r->peer_subject, fp, r->verified ? "yes" : "no");
    } else {
        n = snprintf(out, sizeof out, "no client certificate\n");
    }
    const char *user_name = iotls_http_req_auth_user(req);
    if (user_name && n > 0 && (size_t)n < sizeof out)
        n += snprintf(out + n, sizeof out - (size_t)n, "user: %s\n", user_name);
    iotls_http_resp_send(req, 200, "text/plain; charset=utf-8", out,
                         n > 0 && (size_t)n < sizeof out ? (size_t)n : 0);
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>iotls device</title>\n"
    "<style>body{font-family:sans-serif;margin:2em}td{padding:2px 12px}"
    ".on{color:#080}.off{color:#888}</style></head><body>\n"
    "<h1>iotls device status</h1>\n<table id=\"figures\">\n";

static const char page_tail[] =
    "</table>\n<p id=\"refreshed\">served by the device</p>\n"
    "<script>\n"
    "function show(s){\n"
    " var t={uptime:s.uptime_s+' s',open:s.open_connections,requests:s.requests,\n"
    "  full:s.handshakes.full,resumed:s.handshakes.resumed,\n"
    "  tlsmem:s.tls_bytes_per_connection+' bytes',httpmem:s.http_bytes_per_connection+' bytes',\n"
    "  leds:s.leds.map(function(x){return x?'on':'off'}).join(' ')};\n"
    " for(var k in t){var e=document.getElementById(k);if(e)e.textContent=t[k];}\n"
    " document.getElementById('refreshed').textContent='refreshed '+new "
    "Date().toLocaleTimeString();\n"
    "}\n"
    "function poll(){fetch('/api/status',{cache:'no-store'}).then(function(r){return "
    "r.json()}).then(show).catch(function(){});}\n"
    "poll();setInterval(poll,2000);\n"
    "</script>\n</body></html>\n";

static void get_page(iotls_http_req_t *req, void *user)
{
    serve_app_t *app = user;
    iotls_http_server_stats_t st;
    iotls_http_server_stats(app->srv, &st);
    char rows[1024], leds[64] = "";
    for (int i = 0; i < SERVE_LEDS; i++) {
        size_t l = strlen(leds);
        snprintf(leds + l, sizeof leds - l, "%s%s", i ? " " : "", app->led[i] ? "on" : "off");
    }
    int n =
        snprintf(rows, sizeof rows,
                 "<tr><td>uptime</td><td id=\"uptime\">%llu s</td></tr>\n"
                 "<tr><td>open connections</td><td id=\"open\">%u</td></tr>\n"
                 "<tr><td>requests</td><td id=\"requests\">%lu</td></tr>\n"
                 "<tr><td>full handshakes</td><td id=\"full\">%lu</td></tr>\n"
                 "<tr><td>resumed handshakes</td><td id=\"resumed\">%lu</td></tr>\n"
                 "<tr><td>TLS memory per connection</td><td id=\"tlsmem\">%zu bytes</td></tr>\n"
                 "<tr><td>HTTP state per connection</td><td id=\"httpmem\">%zu bytes</td></tr>\n"
                 "<tr><td>LEDs</td><td id=\"leds\">%s</td></tr>\n",
                 (unsigned long long)((iotls_loop_now_ms(app->loop) - st.started_ms) / 1000),
                 st.open_conns, st.requests, st.handshakes_full, st.handshakes_resumed,
                 st.tls_bytes_per_conn, st.http_bytes_per_conn, leds);
    if (n < 0 || (size_t)n >= sizeof rows)
        n = 0;
    size_t total = sizeof page_head - 1 + (size_t)n + sizeof page_tail - 1;
    iotls_http_resp_header(req, "Cache-Control", "no-store");
    iotls_http_resp_start(req, 200, "text/html; charset=utf-8", (int64_t)total);
    iotls_http_resp_write(req, page_head, sizeof page_head - 1);
    iotls_http_resp_write(req, rows, (size_t)n);
    iotls_http_resp_write(req, page_tail, sizeof page_tail - 1);
    iotls_http_resp_end(req);
}

/* PUT /api/upload: a streamed body of any size up to the server's
 * max_body, counted and hashed (FNV-1a) as it arrives. */
typedef struct {
    uint64_t bytes;
    uint32_t fnv;
} upload_t;

static void upload_closed(iotls_http_req_t *req, void *user)
{
    free(user);
}

static void put_upload(iotls_http_req_t *req, void *user)
{
    upload_t *u = iotls_http_req_ctx(req);
    if (!u) {
        u = calloc(1, sizeof *u);
        if (!u) {
            iotls_http_resp_send(req, 500, "text/plain", "out of memory\n", 14);
            return;
        }
        u->fnv = 2166136261u;
        iotls_http_req_set_ctx(req, u);
        iotls_http_req_on_closed(req, upload_closed, u);
    }
    uint8_t buf[4096];
    long r;
    while ((r = iotls_http_req_read(req, buf, sizeof buf)) > 0) {
        u->bytes += (uint64_t)r;
        for (long i = 0; i < r; i++)
            u->fnv = (u->fnv ^ buf[i]) * 16777619u;
    }
    if (r != 0)
        return; /* more to come */
    char out[96];
    int n = snprintf(out, sizeof out, "{\"bytes\":%llu,\"fnv1a\":\"%08x\"}\n",
                     (unsigned long long)u->bytes, (unsigned)u->fnv);
    iotls_http_req_on_closed(req, NULL, NULL);
    free(u);
    iotls_http_resp_send(req, 200, "application/json", out, (size_t)n);
}

/* POST /api/echo: the (buffered) body back, same content type. */
static void post_echo(iotls_http_req_t *req, void *user)
{
    size_t len;
    const uint8_t *body = iotls_http_req_body(req, &len);
    const char *type = iotls_http_req_header(req, "Content-Type");
    iotls_http_resp_send(req, 200, type ? type : "application/octet-stream", body, len);
}

/* GET /api/stream?bytes=N: N bytes of "0123456789abcdef" in chunked
 * coding, written as the connection drains (a large download in little
 * memory). */
typedef struct {
    uint64_t left;
} stream_t;

static void stream_closed(iotls_http_req_t *req, void *user)
{
    free(user);
}

static void stream_more(iotls_http_req_t *req, void *user)
{
    stream_t *s = user;
    char buf[4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = "0123456789abcdef"[i % 16];
    while (s->left > 0 && iotls_http_resp_pending(req) == 0) {
        size_t n = s->left < sizeof buf ? (size_t)s->left : sizeof buf;
        iotls_http_resp_write(req, buf, n);
        s->left -= n;
    }
    if (s->left == 0) {
        iotls_http_req_on_closed(req, NULL, NULL);
        free(s);
        iotls_http_resp_end(req);
    }
}

static void get_stream(iotls_http_req_t *req, void *user)
{
    char v[24];
    char *end = NULL;
    unsigned long long n = 0;
    if (iotls_http_query_value(iotls_http_req_query(req), "bytes", v, sizeof v) > 0)
        n = strtoull(v, &end, 10);
    if (!end || *end || n > (1ull << 32)) {
        iotls_http_resp_send(req, 400, "text/plain", "bytes=N (up to 4 GiB)\n", 22);
        return;
    }
    stream_t *s = malloc(sizeof *s);
    if (!s) {
        iotls_http_resp_send(req, 500, "text/plain", "out of memory\n", 14);
        return;
    }
    s->left = n;
    iotls_http_resp_start(req, 200, "text/plain", -1);
    iotls_http_req_on_closed(req, stream_closed, s);
    iotls_http_req_on_writable(req, stream_more, s);
    stream_more(req, s);
}

int serve_app_routes(serve_app_t *app, iotls_error_t *err)
{
    if (iotls_http_server_route(app->srv, "GET", "/", 0, get_page, app, err) < 0 ||
        iotls_http_server_route(app->srv, "GET", "/api/status", 0, get_status, app, err) < 0 ||
        iotls_http_server_route(app->srv, "PUT", "/api/led/{id}", 0, put_led, app, err) < 0 ||
        iotls_http_server_route(app->srv, "GET", "/api/whoami", 0, get_whoami, app, err) < 0 ||
        iotls_http_server_route(app->srv, "PUT", "/api/upload", IOTLS_HTTP_STREAM_BODY, put_upload,
                                app, err) < 0 ||
        iotls_http_server_route(app->srv, "POST", "/api/echo", 0, post_echo, app, err) < 0 ||
        iotls_http_server_route(app->srv, "GET", "/api/stream", 0, get_stream, app, err) < 0)
        return -1;
    return 0;
}
