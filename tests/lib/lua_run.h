/*
 * tests/lib/lua_run.h — run NodeMCU Lua scripts as real programs with
 * `iotls lua` (the NodeMCU layer's tests), under both Lua versions.
 *
 * Scripts live in the source tree (examples/nodemcu/, tests/interop/nodemcu/,
 * tests/realapps/nodemcu/) and are found through IOTLS_SRCDIR (default ".",
 * the repository root where `make test` runs); generated ones go to the
 * per-process temp dir (tmpdir.h).
 */
#ifndef IOTLS_TEST_LUA_RUN_H
#define IOTLS_TEST_LUA_RUN_H

#include <stddef.h>

#include "cmd.h"

/* "5.1" (NodeMCU 2.x) and "5.3" (NodeMCU 3.x). */
#define IOTLS_TEST_LUA_VERSION_COUNT 2
extern const char *const iotls_test_lua_versions[IOTLS_TEST_LUA_VERSION_COUNT];

typedef struct {
    const char *version;     /* "5.1" / "5.3" */
    const char *const *opts; /* runner options before the script, NULL-terminated or NULL */
    const char *script;      /* path */
    const char *const *args; /* script arguments, NULL-terminated or NULL */
    const char *const *env;  /* extra environment, or NULL */
    const void *input;       /* stdin bytes, or NULL */
    size_t input_len;
    int timeout_ms; /* 0 = 60000 */
} iotls_test_lua_t;

/* Runs `iotls lua --lua VERSION OPTS... SCRIPT ARGS...` to completion.
 * 0 when it ran (check res), -1 when it could not be started. */
int iotls_test_lua_run(const iotls_test_lua_t *run, iotls_test_result_t *res);

/* The same in the background (see iotls_test_cmd_start). */
int iotls_test_lua_start(const iotls_test_lua_t *run, iotls_test_job_t *job);

/* "<IOTLS_SRCDIR>/<rel>" in one of a few rotating static buffers. */
const char *iotls_test_src(const char *rel);

/* Count of non-overlapping occurrences of needle in hay. */
int iotls_test_count(const char *hay, const char *needle);

#endif
