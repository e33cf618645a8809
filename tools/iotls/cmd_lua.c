/* iotls lua — run a NodeMCU Lua script on the PC (docs/nodemcu.md).
 * The Lua interpreters are separate programs, iotls-lua5.3 (default) and
 * iotls-lua5.1, next to this one: one binary cannot link both Lua versions.
 * This command picks one (--lua 5.1|5.3, or IOTLS_LUA_VERSION) and runs it
 * with the same arguments. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

static int runner_path(const char *version, char *out, size_t cap)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    int w = snprintf(out, cap, "%s/iotls-lua%s", self, version);
    return w > 0 && (size_t)w < cap ? 0 : -1;
}

int cmd_lua(int argc, char **argv)
{
    const char *version = getenv("IOTLS_LUA_VERSION");
    if (version == NULL || *version == '\0')
        version = "5.3";
    for (int i = 1; i + 1 < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--lua") == 0) {
            version = argv[i + 1];
            break;
        }
        if (strcmp(argv[i], "--") == 0)
            break;
    }
    if (strcmp(version, "5.1") != 0 && strcmp(version, "5.3") != 0) {
        fprintf(stderr, "iotls lua: --lua must be 5.1 or 5.3, got '%s'\n", version);
        return 2;
    }
    char path[PATH_MAX];
    if (runner_path(version, path, sizeof path) < 0) {
        fprintf(stderr, "iotls lua: cannot locate this program's directory\n");
        return 1;
    }
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr, "iotls lua: cannot run %s: %s (built by `make nodemcu`)\n", path,
            strerror(errno));
    return 1;
}
