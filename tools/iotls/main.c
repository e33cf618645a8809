/* iotls — command-line tool: connect, listen (and provisioning commands). */
#include <errno.h>
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

/* Every command's output reaches stdout through stdio: a disk that filled
 * up or a reader that went away (SIGPIPE ignored) shows only at the final
 * flush, and must not end in exit 0. A command that already failed has
 * said why. */
static int stdout_checked(const char *cmd, int rc)
{
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) {
        fprintf(stderr, "iotls %s: cannot write to stdout: %s; the output is incomplete\n", cmd,
                errno ? strerror(errno) : "write error");
        return 1;
    }
    return rc;
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
            return stdout_checked(argv[1], commands[i].run(argc - 1, argv + 1));
    fprintf(stderr, "iotls: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
