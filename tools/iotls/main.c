/* iotls — command-line tool: connect, listen (and provisioning commands). */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"connect", cmd_connect, "open a verified TLS connection (stdin -> peer -> stdout)"},
    {"listen", cmd_listen, "accept TLS connections and echo what each sends"},
    {"serve", cmd_serve, "HTTPS device web server: REST API, status page, static files"},
    {"get", cmd_get, "HTTPS request by URL, verified; body to stdout"},
    {"cert", cmd_cert, "create keys and certificates; show them; emit C headers"},
    {"flash", cmd_flash, "pack certificates into flash blobs; write, read, inspect images"},
    {"lua", cmd_lua, "run a NodeMCU Lua script (tls, net, tmr, node, file, ...) on the loop"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: iotls COMMAND [OPTIONS]   (iotls COMMAND --help for details)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "iotls: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
