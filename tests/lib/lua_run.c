/* Running NodeMCU Lua scripts with `iotls lua` (see lua_run.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_run.h"

#define MAX_ARGV 64

const char *const iotls_test_lua_versions[IOTLS_TEST_LUA_VERSION_COUNT] = {"5.1", "5.3"};

const char *iotls_test_src(const char *rel)
{
    static char bufs[8][1024];
    static int next;
    char *b = bufs[next++ % 8];
    const char *src = getenv("IOTLS_SRCDIR");
    snprintf(b, sizeof bufs[0], "%s/%s", src && *src ? src : ".", rel);
    return b;
}

int iotls_test_count(const char *hay, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    if (hay == NULL || len == 0)
        return 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

static int build_argv(const iotls_test_lua_t *run, const char **argv)
{
    size_t n = 0;
    argv[n++] = iotls_test_tool();
    argv[n++] = "lua";
    argv[n++] = "--lua";
    argv[n++] = run->version;
    for (const char *const *o = run->opts; o && *o; o++) {
        if (n >= MAX_ARGV - 3)
            return -1;
        argv[n++] = *o;
    }
    argv[n++] = run->script;
    for (const char *const *a = run->args; a && *a; a++) {
        if (n >= MAX_ARGV - 1)
            return -1;
        argv[n++] = *a;
    }
    argv[n] = NULL;
    return 0;
}

static int prepare(const iotls_test_lua_t *run, const char **argv, iotls_test_cmd_t *cmd)
{
    if (build_argv(run, argv) < 0) {
        fprintf(stderr, "lua_run: too many arguments\n");
        return -1;
    }
    memset(cmd, 0, sizeof *cmd);
    cmd->argv = argv;
    cmd->env = run->env;
    cmd->input = run->input;
    cmd->input_len = run->input_len;
    cmd->timeout_ms = run->timeout_ms ? run->timeout_ms : 60000;
    return 0;
}

int iotls_test_lua_run(const iotls_test_lua_t *run, iotls_test_result_t *res)
{
    const char *argv[MAX_ARGV];
    iotls_test_cmd_t cmd;
    memset(res, 0, sizeof *res);
    if (prepare(run, argv, &cmd) < 0)
        return -1;
    return iotls_test_run_cmd(&cmd, res);
}

int iotls_test_lua_start(const iotls_test_lua_t *run, iotls_test_job_t *job)
{
    const char *argv[MAX_ARGV];
    iotls_test_cmd_t cmd;
    if (prepare(run, argv, &cmd) < 0)
        return -1;
    return iotls_test_cmd_start(&cmd, job);
}
