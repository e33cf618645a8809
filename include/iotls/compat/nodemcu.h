/*
 * iotls/compat/nodemcu.h — NodeMCU's Lua modules on a PC, over iotls.
 *
 * NodeMCU scripts (Lua 5.1 for NodeMCU 2.x, Lua 5.3 for 3.x) use the `tls`
 * module and the modules around it (net, tmr, node, wifi, file, uart, gpio,
 * sjson). This layer provides them for the stock Lua interpreters, on one
 * iotls event loop; see docs/nodemcu.md for every function and what differs
 * from the chip.
 *
 * Two ways to use it:
 *  - the runner, `iotls lua [--flash IMAGE] script.lua` (tools/iotls-lua/),
 *    which calls iotls_nodemcu_open(), runs the script, then
 *    iotls_nodemcu_run();
 *  - `require "nodemcu"` from a stock lua5.1/lua5.3 (the module
 *    build/lua5.x/nodemcu.so): it defines the same globals and returns a
 *    table whose run() drives the loop until nothing is pending and whose
 *    run_once(ms) handles one round of events.
 *
 * Threading: single-threaded, like NodeMCU. Every Lua callback runs from the
 * loop, inside iotls_nodemcu_run(), in protected mode: an error in one is
 * reported on the log with its traceback and counted, and the loop goes on.
 *
 * Link with libiotls-nodemcu-lua5.x.a, libiotls.a, -llua5.x -lbearssl.
 */
#ifndef IOTLS_COMPAT_NODEMCU_H
#define IOTLS_COMPAT_NODEMCU_H

#include <stdbool.h>
#include <stddef.h>

#include "iotls/error.h"
#include "iotls/net.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lua_State;

/* Where tls.cert.verify(pem) and tls.cert.auth(cert, key) keep what they
 * are given: an iotls CA blob and an iotls credentials blob (`iotls flash
 * inspect IMAGE` shows them). Each may span up to IOTLS_NODEMCU_BLOB_SECTORS
 * sectors. */
#define IOTLS_NODEMCU_CA_SECTOR 0x70u
#define IOTLS_NODEMCU_CREDS_SECTOR 0x78u
#define IOTLS_NODEMCU_BLOB_SECTORS 8u
/* Size of the flash image used when none is named (in memory, lost at exit). */
#define IOTLS_NODEMCU_MEM_FLASH_SIZE (512u * 1024u)
/* node.heap() reports this minus what live TLS connections occupy. */
#define IOTLS_NODEMCU_HEAP_NOMINAL 44000

typedef struct {
    /* The loop to run on; NULL = the layer makes (and frees) its own. */
    iotls_loop_t *loop;
    /* Flash image file for tls.cert state: opened writable, created
     * (IOTLS_FLASH_DEFAULT_SIZE, erased) when missing. NULL = in memory. */
    const char *flash_path;
    /* Directory the `file` module works in (NULL = "."). */
    const char *fs_dir;
    /* "HOST:PORT:HOST2:PORT2" (curl's --connect-to): a tls socket asked to
     * connect to HOST:PORT connects to HOST2:PORT2 instead, and still sends
     * HOST as SNI and checks the certificate against HOST. How tests point
     * unchanged scripts at local servers. */
    const char *const *connect_to;
    size_t connect_to_count;
    /* Test hook: lines "PIN LEVEL" read from this descriptor set simulated
     * input pins (and fire gpio.trig callbacks); -1 = none. */
    int gpio_in_fd;
    /* Log every gpio.write as "gpio: pin P = LEVEL". */
    bool gpio_trace;
    /* Initial tls.setDebug() level. */
    int debug_level;
    /* Where the layer's lines go (NULL = stderr). */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
} iotls_nodemcu_options_t;

void iotls_nodemcu_options_init(iotls_nodemcu_options_t *opt);

/*
 * Define the globals tls, net, tmr, node, wifi, file, uart, gpio, sjson and
 * http in L. Returns 0, or -1 with `err` set (flash image unusable, no loop).
 * The state is released when L is closed (lua_close).
 */
int iotls_nodemcu_open(struct lua_State *L, const iotls_nodemcu_options_t *opt, iotls_error_t *err);

/* Run the loop until no timer, socket or posted task remains, or until
 * node.restart()/node.dsleep(). Returns 0, or -1 if the layer is not open
 * in L or the loop failed. */
int iotls_nodemcu_run(struct lua_State *L);

/* Errors raised by Lua callbacks so far (each was logged with its traceback). */
unsigned iotls_nodemcu_callback_errors(struct lua_State *L);

/* true once the script called node.restart(), node.dsleep() or
 * node.flashreload(). */
bool iotls_nodemcu_restart_requested(struct lua_State *L);

/* Report an error raised outside a callback (the main chunk) the same way:
 * message plus traceback, on the layer's log. Counted like callback errors. */
void iotls_nodemcu_report_error(struct lua_State *L, const char *where, const char *message);

/* Protected call of the function below nargs arguments on the stack, with a
 * traceback on error (reported as above, naming `where`). Returns 0 or -1. */
int iotls_nodemcu_pcall(struct lua_State *L, int nargs, const char *where);

/* `require "nodemcu"` entry point. */
int luaopen_nodemcu(struct lua_State *L);

#ifdef __cplusplus
}
#endif
#endif
