/* iotls serve — a device web server over HTTPS: REST API, status page,
 * optional static files, Basic auth and client certificates. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_tls.h"
#include "commands.h"
#include "serve_app.h"

#define CMD "serve"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: iotls serve --cert FILE --key FILE [OPTIONS] [HOST:]PORT\n"
            "\n"
            "An HTTPS device web server (PORT 0 picks a free port). Once listening it\n"
            "prints \"ACCEPT HOST:PORT\" on stdout and the URL on stderr.\n"
            "  GET  /               status page (refreshes itself from /api/status)\n"
            "  GET  /api/status     JSON: uptime, connections, handshakes full/resumed,\n"
            "                       memory per connection, LED states\n"
            "  PUT  /api/led/{id}   JSON body {\"on\": true|false}, id 0..7\n"
            "  GET  /api/whoami     the client certificate (and Basic auth user) seen\n"
            "  PUT  /api/upload     streamed body of any size up to --max-body: byte count\n"
            "  POST /api/echo       the body back (at most --max-buffered bytes)\n"
            "  GET  /api/stream?bytes=N  N bytes, chunked, written as the connection drains\n"
            "\n"
            "  --cert FILE, --key FILE  server certificate chain and key (PEM)\n"
            "  --client-ca FILE      ask clients for a certificate issued by these CAs\n"
            "  --require-client-cert refuse clients without one (needs --client-ca)\n"
            "  --root DIR            serve files below DIR (other paths than the API)\n"
            "  --basic-auth USER:PASSWORD  require HTTP Basic authentication\n"
            "  --max-conns N         concurrent connections (default 16); more are refused\n"
            "  --max-body BYTES      largest request body (default 1048576) -> 413\n"
            "  --max-buffered BYTES  largest body collected for a handler (default 16384)\n"
            "  --max-header-bytes N  request head limit (default 8192) -> 431\n"
            "  --max-headers N       header field limit (default 32) -> 431\n"
            "  --max-request-line N  request line limit (default 2048) -> 414\n"
            "  --header-timeout MS   the whole head must arrive within this (default 10000)\n"
            "  --idle-timeout MS     keep-alive idle limit (default 15000)\n"
            "  --session-cache BYTES TLS session cache (default 16384; 0 = no resumption)\n"
            "  --buffer BYTES        TLS record buffer (default 16384)\n"
            "%s"
            "  -v, --verbose         log each connection's handshake\n"
            "  -h, --help            this text\n",
            cli_tls_help_time);
}

static bool parse_u32(const char *arg, const char *what, size_t min, size_t max, uint32_t *out)
{
    size_t v;
    if (!cli_parse_size(arg, what, min, max, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_SERVER_LONG_OPTIONS,
        {"root", required_argument, NULL, 'R'},
        {"basic-auth", required_argument, NULL, 'B'},
        {"max-conns", required_argument, NULL, 'm'},
        {"max-body", required_argument, NULL, 'M'},
        {"max-buffered", required_argument, NULL, 'u'},
        {"max-header-bytes", required_argument, NULL, 'X'},
        {"max-headers", required_argument, NULL, 'N'},
        {"max-request-line", required_argument, NULL, 'l'},
        {"header-timeout", required_argument, NULL, 'T'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {"session-cache", required_argument, NULL, 'S'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    iotls_http_server_config_t hcfg;
    iotls_http_server_config_init(&hcfg);
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cli_tls_t tls;
    cli_tls_init(&tls);
    const char *root = NULL, *basic = NULL;
    serve_app_t app = {0};
    size_t v;
    int rc = 2, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        int shared = cli_server_option(&tls, &cfg.tls, CMD, opt, optarg);
        if (shared < 0)
            goto out;
        if (shared > 0)
            continue;
        switch (opt) {
        case 'R': root = optarg; break;
        case 'B': basic = optarg; break;
        case 'm':
            if (!parse_u32(optarg, "--max-conns", 1, 100000, &hcfg.max_conns))
                goto out;
            break;
        case 'M':
            if (!cli_parse_size(optarg, "--max-body", 0, (size_t)1 << 40, &v))
                goto out;
            hcfg.max_body = v;
            break;
        case 'u':
            if (!cli_parse_size(optarg, "--max-buffered", 0, 1u << 26, &hcfg.max_body_buffered))
                goto out;
            break;
        case 'X':
            if (!cli_parse_size(optarg, "--max-header-bytes", 64, 1u << 20, &hcfg.max_header_bytes))
                goto out;
            break;
        case 'N':
            if (!parse_u32(optarg, "--max-headers", 1, 1000, &hcfg.max_headers))
                goto out;
            break;
        case 'l':
            if (!cli_parse_size(optarg, "--max-request-line", 16, 1u << 16, &hcfg.max_request_line))
                goto out;
            break;
        case 'T':
            if (!parse_u32(optarg, "--header-timeout", 1, 3600000, &hcfg.header_timeout_ms))
                goto out;
            break;
        case 'i':
            if (!parse_u32(optarg, "--idle-timeout", 1, 86400000, &hcfg.idle_timeout_ms))
                goto out;
            break;
        case 'S':
            if (!cli_parse_size(optarg, "--session-cache", 0, 1u << 30, &hcfg.session_cache_bytes))
                goto out;
            break;
        case 'v': break;
        case 'h':
            rc = 0;
            usage(stdout);
            goto out;
        default: usage(stderr); goto out;
        }
    }
    if (optind != argc - 1 || !cli_tls_server_creds_given(&tls, CMD)) {
        usage(stderr);
        goto out;
    }
    if (hcfg.max_header_bytes < hcfg.max_request_line)
        hcfg.max_request_line = hcfg.max_header_bytes;
    char host[256];
    uint16_t port;
    if (!cli_parse_hostport(argv[optind], true, host, sizeof host, &port))
        goto out;

    rc = 1;
    if (!cli_tls_load_server(&tls, &cfg.tls, CMD))
        goto out;
    signal(SIGPIPE, SIG_IGN);

    iotls_error_t err;
    iotls_error_clear(&err);
    app.loop = iotls_loop_new(&err);
    if (app.loop)
        app.srv = iotls_http_server_new(app.loop, &hcfg, &err);
    if (!app.srv || serve_app_routes(&app, &err) < 0)
        goto fail;
    if (root && iotls_http_server_static(app.srv, "/", root, &err) < 0)
        goto fail;
    if (basic) {
        char user[256];
        const char *colon = strchr(basic, ':');
        if (!colon || (size_t)(colon - basic) >= sizeof user) {
            fprintf(stderr, "iotls serve: --basic-auth takes USER:PASSWORD\n");
            goto done;
        }
        memcpy(user, basic, (size_t)(colon - basic));
        user[colon - basic] = '\0';
        if (iotls_http_server_basic_auth(app.srv, "iotls device", user, colon + 1, &err) < 0)
            goto fail;
    }
    int p = iotls_http_server_listen_tls(app.srv, host[0] ? host : NULL, port, &cfg, &err);
    if (p < 0)
        goto fail;
    const char *shown = host[0] ? host : "127.0.0.1";
    bool v6 = strchr(shown, ':') != NULL;
    printf("ACCEPT %s%s%s:%d\n", v6 ? "[" : "", shown, v6 ? "]" : "", p);
    fflush(stdout);
    fprintf(stderr, "iotls serve: https://%s%s%s:%d/ (max %u connections)\n", v6 ? "[" : "", shown,
            v6 ? "]" : "", p, hcfg.max_conns);
    rc = iotls_loop_run(app.loop) == 0 ? 0 : 1;
    goto done;
fail:
    cli_print_error(CMD, &err);
done:
    iotls_http_server_free(app.srv);
    iotls_loop_free(app.loop);
out:
    cli_tls_free(&tls);
    return rc;
}
