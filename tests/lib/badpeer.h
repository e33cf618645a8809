/*
 * tests/lib/badpeer.h — misbehaving servers on 127.0.0.1, for error paths.
 *
 * Each one is a forked child of the test process (no exec) that owns a
 * listening socket the parent bound to 127.0.0.1:0 before forking, so the
 * port is known and accepting as soon as the start function returns — no race,
 * no readiness wait. Connections are served one after another, forever,
 * until iotls_test_peer_stop() (peer.h) kills and reaps the child. The
 * returned handle is a normal iotls_test_peer_t; its stdout file gets one
 * line per event so a test can check what the peer saw:
 *     "accept", "read <n>", "wrote <n>", "close", "reset"
 * The child uses only system calls (it may be forked from a multithreaded
 * test) and dies with the test process (PR_SET_PDEATHSIG).
 */
#ifndef IOTLS_TEST_BADPEER_H
#define IOTLS_TEST_BADPEER_H

#include <stddef.h>

#include "peer.h"

/* Garbage server: accepts, waits up to 2 s for the client's first bytes and
 * reads them, writes `bytes` (NULL = "HTTP/1.1 400 Bad Request\r\n\r\n"),
 * shuts down its sending side (the client reads the bytes, then EOF), drains
 * until the client closes (at most 2 s), closes. `bytes` is copied. */
int iotls_test_garbage_server_start(const void *bytes, size_t len, iotls_test_peer_t *p);

/* Reset server: accepts, reads up to 5 bytes (the ClientHello's record
 * header; waits at most 2 s), then closes with SO_LINGER {1, 0} so the client
 * gets a TCP RST (ECONNRESET) instead of a FIN. */
int iotls_test_reset_server_start(iotls_test_peer_t *p);

/* Silent server: accepts and never writes; reads and discards whatever the
 * client sends, keeps up to 64 connections open until the client closes them
 * or the server is stopped. For handshake timeouts. */
int iotls_test_silent_server_start(iotls_test_peer_t *p);

#endif
