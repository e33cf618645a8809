/*
 * tests/lib/peer.h — real peer programs on 127.0.0.1 for interop tests.
 *
 * A peer is a child process (openssl s_server, the Go server in tests/peers/,
 * or any program a test names) that listens on a loopback port. Tests start
 * it, talk to it, then stop it by PID. Its stdout and stderr go to files in
 * the per-process temp dir (tmpdir.h) so a test can read what it printed;
 * its stdin is a pipe the test can write to (s_server's STDIO mode forwards
 * those bytes to the connected client).
 *
 * Every start function waits until the peer listens (at most
 * IOTLS_TEST_PEER_READY_MS) and fails loudly — the peer's stderr is printed —
 * if it dies or never listens. Peers are killed automatically (SIGKILL via
 * PR_SET_PDEATHSIG) if the test process dies, so a crashing test leaves no
 * stray servers; a passing test must still call iotls_test_peer_stop().
 *
 * One-shot clients (openssl s_client, curl) run to completion with a timeout
 * through iotls_test_run_cmd (cmd.h) and return an iotls_test_result_t.
 *
 * Environment: IOTLS_BUILD (default "build") is where built programs live
 * (the Go peer goes to $IOTLS_BUILD/peers/); IOTLS_SRCDIR (default ".", the
 * repository root where `make test` runs) is where tests/peers/ sources are.
 */
#ifndef IOTLS_TEST_PEER_H
#define IOTLS_TEST_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cmd.h"
#include "pki.h"

#define IOTLS_TEST_PEER_READY_MS 5000
#define IOTLS_TEST_PEER_PATH 512

typedef struct {
    char name[32];                       /* for messages; also the log file stem */
    pid_t pid;                           /* 0 when not running */
    uint16_t port;                       /* listening port on 127.0.0.1 */
    int stdin_fd;                        /* write end of its stdin, -1 when closed */
    int exited;                          /* 1 once reaped; status is valid */
    int status;                          /* wait status */
    char out_path[IOTLS_TEST_PEER_PATH]; /* its captured stdout */
    char err_path[IOTLS_TEST_PEER_PATH]; /* its captured stderr */
} iotls_test_peer_t;

/* ---- generic peers ---------------------------------------------------- */

typedef struct {
    const char *name;        /* short label, [A-Za-z0-9_-] */
    const char *const *argv; /* NULL-terminated, argv[0] looked up in PATH */
    const char *const *env;  /* extra NAME=value entries or NULL */
    const char *cwd;         /* NULL = ours */
    uint16_t port;           /* != 0: the peer will listen there; ready when
                                  a TCP connect succeeds (the peer sees one
                                  empty connection). 0: the peer prints a line
                                  "ACCEPT <host>:<port>" on stdout when it
                                  listens (openssl s_server and our Go peer
                                  do), and the port is read from it. */
    int ready_timeout_ms;    /* 0 = IOTLS_TEST_PEER_READY_MS */
    const char *port_line;   /* with port 0: the start of the line, on stdout
                                or stderr, that ends in "<host>:<port>" once
                                the peer listens; NULL = "ACCEPT " */
} iotls_test_peer_spec_t;

/* Sets p->out_path / p->err_path for a new peer named p->name:
 * "<tmpdir>/peers/<name>-<n>.out|.err", n unique in this process (peer.c
 * and badpeer.c). 0 or -1. */
int iotls_test_peer_log_paths(iotls_test_peer_t *p);

/* Starts a peer as described. 0 on success (p filled), -1 on failure (the
 * peer, if started, is stopped and reaped; its stderr is printed). */
int iotls_test_peer_start(const iotls_test_peer_spec_t *spec, iotls_test_peer_t *p);

/* Closes its stdin, SIGTERM, waits up to 2 s, SIGKILL, reaps. Idempotent.
 * Returns the wait status (e.g. WIFSIGNALED/WTERMSIG == SIGTERM for
 * s_server), or -1 if nothing was running. */
int iotls_test_peer_stop(iotls_test_peer_t *p);

/* 1 while the process is running; reaps it (and records status) if not. */
int iotls_test_peer_alive(iotls_test_peer_t *p);

/* Its captured stdout / stderr so far, malloc'd and NUL-terminated (caller
 * frees); "" rather than NULL when nothing was written, NULL on error. */
char *iotls_test_peer_stdout(const iotls_test_peer_t *p, size_t *len);
char *iotls_test_peer_stderr(const iotls_test_peer_t *p, size_t *len);

/* Waits until its stdout contains needle. 1 found, 0 timeout or the peer
 * died. Used to wait for s_server to print what the client sent. */
int iotls_test_peer_wait_stdout(iotls_test_peer_t *p, const char *needle, int timeout_ms);

/* Waits until its stderr holds needle `count` times and ends with a whole
 * line: a server logs a failed connection once it has processed the end,
 * which may be a moment after the client exited. 1 found, 0 timeout or the
 * peer died. */
int iotls_test_peer_wait_stderr(iotls_test_peer_t *p, const char *needle, size_t count,
                                int timeout_ms);

/* Writes bytes to its stdin. 0 or -1. */
int iotls_test_peer_write_stdin(iotls_test_peer_t *p, const void *data, size_t len);

/* Closes its stdin (EOF). Note: s_server (STDIO mode) reacts to stdin EOF
 * only sometimes (measured: about 2 runs in 3 it drops the connection without
 * close_notify and exits; otherwise it keeps going), so end a connection by
 * stopping the peer instead. */
void iotls_test_peer_close_stdin(iotls_test_peer_t *p);

/* Prints its stdout and stderr on stderr (for failing tests). */
void iotls_test_peer_dump(const iotls_test_peer_t *p);

/* A port on 127.0.0.1 that was free for TCP and UDP a moment ago, chosen
 * at random below the kernel's ephemeral range, where no connect() or
 * bind(port 0) of another program takes it (free_port.c). Still a choice
 * made before the peer binds: prefer peers that choose their own port and
 * say which (spec.port = 0). 0 on failure. */
uint16_t iotls_test_free_port(void);

/* "https://localhost:<port><path>" in one of 8 rotating static buffers
 * (paths of up to about 4000 bytes). */
const char *iotls_test_https_url(uint16_t port, const char *path);

/* Tries to TCP-connect to 127.0.0.1:port until it works or timeout_ms pass.
 * 1 when it connected (and closed again), 0 otherwise. */
int iotls_test_port_open(uint16_t port, int timeout_ms);

/* ---- the iotls tool as a server ------------------------------------------ */

/* Starts `iotls listen --cert chain --key key [extra...] 127.0.0.1:0`
 * (at most 16 extra arguments; chain NULL = the test PKI's server_ec chain
 * and key): the listener picks a free port and prints "listening on
 * 127.0.0.1:PORT", which is read (no port race, no probe connection). Its
 * stderr is the server log. 0 or -1 (see peer_start). */
int iotls_test_listen_start(const char *chain, const char *key, const char *const *extra,
                            iotls_test_peer_t *p);

/* ---- openssl s_server ---------------------------------------------------- */

typedef enum {
    /* -WWW: serves files from iotls_test_www_dir(); a request
     * "GET /file HTTP/1.0\r\n\r\n" gets "HTTP/1.0 200 ok\r\nContent-type:
     * text/plain\r\n\r\n" then IOTLS_TEST_WWW_FILE_SIZE bytes of the
     * pattern.h pattern, in records of the negotiated maximum fragment
     * length, then close_notify. "/hello.txt" holds "hello from s_server\n". */
    IOTLS_TEST_S_SERVER_WWW = 0,
    IOTLS_TEST_S_SERVER_STATUS, /* -www: an HTML page describing the session */
    IOTLS_TEST_S_SERVER_REV,    /* -rev: echoes each line reversed; "CLOSE" ends */
    IOTLS_TEST_S_SERVER_STDIO   /* plain: client bytes go to its stdout, its
                                   stdin (iotls_test_peer_write_stdin) goes to
                                   the client once one is connected (wait for
                                   "CIPHER is" in its stdout first). One
                                   connection at a time. */
} iotls_test_s_server_mode_t;

#define IOTLS_TEST_WWW_FILE "/file"
#define IOTLS_TEST_WWW_FILE_SIZE 102400
#define IOTLS_TEST_WWW_REQUEST "GET /file HTTP/1.0\r\n\r\n"
#define IOTLS_TEST_WWW_HEADER "HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\n"

typedef struct {
    iotls_test_s_server_mode_t mode;
    const iotls_test_cred_t *cred; /* NULL = server-ec; sends cert + cred->inter */
    int verify_client;             /* 1: -Verify 1 -verify_return_error (a
                                      client certificate is required) */
    const char *ca_file;           /* -CAfile for client certificates; NULL =
                                      root CA when verify_client is set */
    const char *const *extra;      /* more s_server arguments (e.g. "-tls1_2",
                                      "-naccept", "1"), NULL-terminated; never
                                      "-quiet" (it hides the ACCEPT line) */
} iotls_test_s_server_opts_t;

/* Starts `openssl s_server -accept 127.0.0.1:0 ...` (it picks the port and
 * prints it). o may be NULL for all defaults. 0 or -1 (see peer_start). */
int iotls_test_s_server_start(const iotls_test_s_server_opts_t *o, iotls_test_peer_t *p);

/* The web root s_server -WWW serves ("<tmpdir>/www"), created on first use. */
const char *iotls_test_www_dir(void);

/* ---- openssl s_client ---------------------------------------------------- */

typedef struct {
    uint16_t port;            /* connects to 127.0.0.1:port */
    const char *ca_file;      /* -CAfile X -verify_return_error; NULL = no
                                   verification (s_client's default) */
    const char *verify_host;  /* -verify_hostname (needs ca_file) */
    const char *servername;   /* -servername (SNI); NULL = s_client default */
    const char *cert, *key;   /* client certificate and key, or NULL */
    const char *cert_chain;   /* -cert_chain: certificates sent after cert
                                   (e.g. pki->inter_pem), or NULL */
    int maxfraglen;           /* 512/1024/2048/4096, 0 = not requested */
    int verbose;              /* 0: -quiet (stdout = application data only)
                                   1: -msg -tlsextdebug: stdout also holds the
                                   session report, record headers and
                                   extensions (see iotls_test_s_client_max_record) */
    int close_at_eof;         /* 0: stdin EOF does not close the connection
                                   (-quiet or -ign_eof), s_client returns when
                                   the server closes. 1: s_client sends
                                   close_notify right after the input (no
                                   -quiet; stdout carries the session report) */
    const char *const *extra; /* more arguments, NULL-terminated */
    const void *input;        /* sent after the handshake (see close_at_eof) */
    size_t input_len;
    int timeout_ms; /* 0 = IOTLS_TEST_CMD_TIMEOUT_MS */
} iotls_test_s_client_opts_t;

int iotls_test_s_client_run(const iotls_test_s_client_opts_t *o, iotls_test_result_t *res);

/* The same in the background (finish with iotls_test_cmd_wait, cmd.h). */
int iotls_test_s_client_start(const iotls_test_s_client_opts_t *o, iotls_test_job_t *job);

/* From verbose s_client output: the largest length field of a RECEIVED
 * record header ("<<< ... RecordHeader" followed by its 5 bytes) whose
 * content type is content_type (23 = application data), i.e. the ciphertext
 * length on the wire. -1 when none was seen. */
long iotls_test_s_client_max_record(const char *out, int content_type);

/* ---- curl ----------------------------------------------------------------- */

/* Runs `curl -q --noproxy '*' <args...>` (no ~/.curlrc, no proxy from the
 * environment). args is NULL-terminated. 0 when curl ran (check res). */
int iotls_test_curl_run(const char *const *args, int timeout_ms, iotls_test_result_t *res);

/* The same in the background (finish with iotls_test_cmd_wait, cmd.h). */
int iotls_test_curl_start(const char *const *args, int timeout_ms, iotls_test_job_t *job);

/* ---- Go peers (tests/peers/<name>.go) ------------------------------------ */

/* Builds tests/peers/<name>.go once per process into $IOTLS_BUILD/peers/<name>
 * (standard library only, GO111MODULE=off, CGO_ENABLED=0, GOCACHE/GOPATH
 * under $IOTLS_BUILD/peers/; rebuilt when the source is newer). Writes the
 * binary path into out. 0 built, 1 `go` is not installed (skip the test),
 * -1 build failure (compiler output printed). */
int iotls_test_go_build(const char *name, char *out, size_t n);

/* Starts tests/peers/mfl_ignoring_server.go with cred's chain and key (NULL =
 * server-ec): TLS 1.2 at most; per connection it reads one line, writes 20000
 * pattern bytes in one 16384-byte record plus one 3616-byte record (it
 * ignores max_fragment_length), prints "sent 20000" and closes.
 * 0 started, 1 go unavailable (skip), -1 failure. */
#define IOTLS_TEST_MFL_PAYLOAD 20000
int iotls_test_mfl_ignoring_server_start(const iotls_test_cred_t *cred, iotls_test_peer_t *p);

#endif
