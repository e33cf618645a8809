/*
 * tests/unit/test_testlib.c — the interop test infrastructure (tests/lib/)
 * checked against the real programs it drives: the PKI against
 * `openssl verify` / `openssl x509`, s_server against s_client and curl, the
 * Go peer's max_fragment_length behaviour against s_client -msg, and the
 * misbehaving servers against plain sockets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/badpeer.h"
#include "../lib/cmd.h"
#include "../lib/pattern.h"
#include "../lib/peer.h"
#include "../lib/pki.h"
#include "../lib/tmpdir.h"

/* Peers started by the current test; the teardown stops whatever an
 * assertion failure left running. */
#define MAX_PEERS 4
static iotls_test_peer_t peers[MAX_PEERS];

static int setup(void **state)
{
    (void)state;
    memset(peers, 0, sizeof peers);
    for (int i = 0; i < MAX_PEERS; i++)
        peers[i].stdin_fd = -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < MAX_PEERS; i++)
        iotls_test_peer_stop(&peers[i]);
    return 0;
}

/* Runs a command (argv NULL-terminated) and returns its result. */
static iotls_test_result_t run(const char *const *argv)
{
    iotls_test_cmd_t c = {argv, NULL, NULL, NULL, 0, 20000};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&c, &r), 0);
    return r;
}

static int contains(const char *hay, const char *needle)
{
    return hay != NULL && strstr(hay, needle) != NULL;
}

/* ---- cmd.h ---------------------------------------------------------------- */

static void test_run_cmd(void **state)
{
    (void)state;
    /* stdin passthrough larger than a pipe buffer in both directions. */
    size_t big = 300000;
    char *in = malloc(big);
    assert_non_null(in);
    iotls_test_pattern_fill(in, 0, big);
    const char *cat[] = {"cat", NULL};
    iotls_test_cmd_t c = {cat, NULL, NULL, in, big, 10000};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&c, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    assert_int_equal(r.out_len, big);
    assert_int_equal(iotls_test_pattern_check(r.out, 0, big), big);
    iotls_test_result_free(&r);
    free(in);

    /* exit status, environment, working directory */
    const char *f[] = {"false", NULL};
    r = run(f);
    assert_true(r.exited);
    assert_int_equal(r.exit_code, 1);
    iotls_test_result_free(&r);

    const char *envp[] = {"IOTLS_TESTLIB_PROBE=42", NULL};
    const char *env_argv[] = {"env", NULL};
    iotls_test_cmd_t ce = {env_argv, envp, "/", NULL, 0, 5000};
    assert_int_equal(iotls_test_run_cmd(&ce, &r), 0);
    assert_true(contains(r.out, "IOTLS_TESTLIB_PROBE=42\n"));
    iotls_test_result_free(&r);
    const char *pwd[] = {"pwd", NULL};
    iotls_test_cmd_t cp = {pwd, NULL, "/", NULL, 0, 5000};
    assert_int_equal(iotls_test_run_cmd(&cp, &r), 0);
    assert_string_equal(r.out, "/\n");
    iotls_test_result_free(&r);

    /* timeout: killed and reaped */
    const char *sl[] = {"sleep", "10", NULL};
    iotls_test_cmd_t cs = {sl, NULL, NULL, NULL, 0, 200};
    long long t0 = iotls_test_now_ms();
    assert_int_equal(iotls_test_run_cmd(&cs, &r), 0);
    assert_true(iotls_test_now_ms() - t0 < 3000);
    assert_true(r.timed_out);
    assert_false(r.exited);
    assert_int_equal(r.signal, SIGKILL);
    iotls_test_result_free(&r);

    /* a program that does not exist is an error, not a silent exit 127 */
    const char *nope[] = {"iotls-no-such-program-xyz", NULL};
    iotls_test_cmd_t cn = {nope, NULL, NULL, NULL, 0, 1000};
    assert_int_equal(iotls_test_run_cmd(&cn, &r), -1);
    iotls_test_result_free(&r);
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* nothing left to reap */
    assert_int_equal(errno, ECHILD);

    assert_true(iotls_test_have_program("openssl"));
    assert_false(iotls_test_have_program("iotls-no-such-program-xyz"));
}

/* ---- pki.h ---------------------------------------------------------------- */

static void expect_verify(const char *ca, const char *untrusted, const char *cert,
                          const char *purpose, const char *expect_out)
{
    const char *argv[12];
    size_t n = 0;
    argv[n++] = "openssl";
    argv[n++] = "verify";
    argv[n++] = "-CAfile";
    argv[n++] = ca;
    if (untrusted != NULL) {
        argv[n++] = "-untrusted";
        argv[n++] = untrusted;
    }
    if (purpose != NULL) {
        argv[n++] = "-purpose";
        argv[n++] = purpose;
    }
    argv[n++] = cert;
    argv[n] = NULL;
    iotls_test_result_t r = run(argv);
    int ok = expect_out == NULL ? iotls_test_result_ok(&r)
                                : (!iotls_test_result_ok(&r) &&
                                   (contains(r.out, expect_out) || contains(r.err, expect_out)));
    if (!ok) {
        fprintf(stderr, "verify %s (expect %s):\n", cert, expect_out ? expect_out : "OK");
        iotls_test_result_dump("openssl verify", &r);
    }
    iotls_test_result_free(&r);
    assert_true(ok);
}

/* `openssl x509 -noout <what...>` of cert. Caller frees r. */
static iotls_test_result_t x509(const char *cert, const char *what1, const char *what2)
{
    const char *argv[] = {"openssl", "x509", "-in", cert, "-noout", what1, what2, NULL};
    iotls_test_result_t r = run(argv);
    assert_true(iotls_test_result_ok(&r));
    return r;
}

static void expect_same_public_key(const iotls_test_cred_t *c)
{
    const char *a[] = {"openssl", "x509", "-in", c->cert, "-noout", "-pubkey", NULL};
    const char *b[] = {"openssl", "pkey", "-in", c->key, "-pubout", NULL};
    iotls_test_result_t ra = run(a), rb = run(b);
    assert_true(iotls_test_result_ok(&ra) && iotls_test_result_ok(&rb));
    assert_string_equal(ra.out, rb.out);
    iotls_test_result_free(&ra);
    iotls_test_result_free(&rb);
}

static void test_pki(void **state)
{
    (void)state;
    long long t0 = iotls_test_now_ms();
    const iotls_test_pki_t *p = iotls_test_pki();
    assert_non_null(p);
    print_message("PKI generated in %lld ms in %s\n", iotls_test_now_ms() - t0, p->dir);
    assert_ptr_equal(iotls_test_pki(), p); /* cached */
    assert_ptr_equal(iotls_test_pki_cred("server-rsa"), &p->server_rsa);
    assert_ptr_equal(iotls_test_pki_cred("server-othereca"), &p->server_otherca);
    assert_null(iotls_test_pki_cred("nope"));

    const char *ca = p->ca_pem, *in = p->inter_pem;
    expect_verify(ca, in, p->server_ec.cert, "sslserver", NULL);
    expect_verify(ca, in, p->server_rsa.cert, "sslserver", NULL);
    expect_verify(ca, in, p->server_wrongname.cert, "sslserver", NULL);
    expect_verify(ca, in, p->client.cert, "sslclient", NULL);
    expect_verify(ca, in, p->client.cert, "sslserver", "unsuitable certificate purpose");
    expect_verify(ca, in, p->server_ec.cert, NULL, NULL);
    expect_verify(ca, NULL, p->server_ec.chain, NULL, "unable to get local issuer certificate");
    expect_verify(ca, in, p->server_expired.cert, NULL, "certificate has expired");
    expect_verify(ca, in, p->server_notyet.cert, NULL, "certificate is not yet valid");
    expect_verify(ca, in, p->server_otherca.cert, NULL, "unable to get local issuer certificate");
    expect_verify(p->other_ca_pem, NULL, p->server_otherca.cert, "sslserver", NULL);
    expect_verify(p->other_ca_pem, in, p->server_ec.cert, NULL,
                  "unable to get local issuer certificate");
    /* the bundle anchors both hierarchies */
    expect_verify(p->bundle_pem, in, p->server_ec.cert, NULL, NULL);
    expect_verify(p->bundle_pem, NULL, p->server_otherca.cert, NULL, NULL);

    /* names */
    iotls_test_result_t r = x509(p->server_ec.cert, "-ext", "subjectAltName");
    assert_true(contains(r.out, "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"));
    iotls_test_result_free(&r);
    r = x509(p->server_wrongname.cert, "-ext", "subjectAltName");
    assert_true(contains(r.out, "DNS:wrong.example"));
    assert_false(contains(r.out, "localhost"));
    assert_false(contains(r.out, "IP Address"));
    iotls_test_result_free(&r);
    r = x509(p->server_wrongname.cert, "-subject", NULL);
    assert_true(contains(r.out, "CN = wrong.example"));
    iotls_test_result_free(&r);

    /* dates */
    r = x509(p->server_expired.cert, "-dates", NULL);
    assert_true(contains(r.out, "notBefore=Jan  1 00:00:00 2020 GMT"));
    assert_true(contains(r.out, "notAfter=Jan  1 00:00:00 2021 GMT"));
    iotls_test_result_free(&r);
    r = x509(p->server_notyet.cert, "-dates", NULL);
    assert_true(contains(r.out, "notBefore=Jan  1 00:00:00 2099 GMT"));
    iotls_test_result_free(&r);

    /* key types and signature algorithm */
    r = x509(p->server_rsa.cert, "-text", NULL);
    assert_true(contains(r.out, "rsaEncryption"));
    assert_true(contains(r.out, "Public-Key: (2048 bit)"));
    assert_true(contains(r.out, "Signature Algorithm: ecdsa-with-SHA256"));
    iotls_test_result_free(&r);
    const char *ec_certs[] = {p->ca_pem,
                              p->inter_pem,
                              p->other_ca_pem,
                              p->server_ec.cert,
                              p->server_expired.cert,
                              p->server_notyet.cert,
                              p->server_wrongname.cert,
                              p->server_otherca.cert,
                              p->client.cert};
    for (size_t i = 0; i < sizeof ec_certs / sizeof ec_certs[0]; i++) {
        r = x509(ec_certs[i], "-text", NULL);
        assert_true(contains(r.out, "ASN1 OID: prime256v1"));
        assert_true(contains(r.out, "Signature Algorithm: ecdsa-with-SHA256"));
        iotls_test_result_free(&r);
    }
    r = x509(p->client.cert, "-ext", "extendedKeyUsage");
    assert_true(contains(r.out, "TLS Web Client Authentication"));
    iotls_test_result_free(&r);
    r = x509(p->inter_pem, "-ext", "basicConstraints");
    assert_true(contains(r.out, "CA:TRUE, pathlen:0"));
    iotls_test_result_free(&r);

    /* keys match certificates; chain = leaf + intermediate */
    const iotls_test_cred_t *creds[] = {&p->server_ec,     &p->server_rsa,       &p->server_expired,
                                        &p->server_notyet, &p->server_wrongname, &p->server_otherca,
                                        &p->client};
    for (size_t i = 0; i < sizeof creds / sizeof creds[0]; i++) {
        expect_same_public_key(creds[i]);
        size_t cl, il, chl;
        char *leaf = iotls_test_read_file(creds[i]->cert, &cl);
        char *inter = iotls_test_read_file(p->inter_pem, &il);
        char *chain = iotls_test_read_file(creds[i]->chain, &chl);
        assert_non_null(leaf);
        assert_non_null(inter);
        assert_non_null(chain);
        assert_memory_equal(chain, leaf, cl);
        if (creds[i] == &p->server_otherca) {
            assert_int_equal(chl, cl);
            assert_null(creds[i]->inter);
        } else {
            assert_int_equal(chl, cl + il);
            assert_memory_equal(chain + cl, inter, il);
            assert_string_equal(creds[i]->inter, p->inter_pem);
        }
        free(leaf);
        free(inter);
        free(chain);
    }
}

/* ---- peer.h: s_server, s_client, curl ----------------------------------- */

static void test_s_server_www(void **state)
{
    (void)state;
    const iotls_test_pki_t *p = iotls_test_pki();
    assert_non_null(p);
    iotls_test_peer_t *srv = &peers[0];
    assert_int_equal(iotls_test_s_server_start(NULL, srv), 0);
    assert_true(srv->port != 0);
    assert_true(iotls_test_peer_alive(srv));

    /* verified chain + host name; the 100 KiB file arrives intact */
    iotls_test_s_client_opts_t o = {0};
    o.port = srv->port;
    o.ca_file = p->ca_pem;
    o.verify_host = "localhost";
    o.servername = "localhost";
    o.input = IOTLS_TEST_WWW_REQUEST;
    o.input_len = strlen(IOTLS_TEST_WWW_REQUEST);
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("s_client", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_true(contains(r.err, "verify return:1"));
    size_t hl = strlen(IOTLS_TEST_WWW_HEADER);
    assert_int_equal(r.out_len, hl + IOTLS_TEST_WWW_FILE_SIZE);
    assert_memory_equal(r.out, IOTLS_TEST_WWW_HEADER, hl);
    assert_int_equal(iotls_test_pattern_check(r.out + hl, 0, IOTLS_TEST_WWW_FILE_SIZE),
                     IOTLS_TEST_WWW_FILE_SIZE);
    iotls_test_result_free(&r);

    /* the wrong trust anchor fails verification */
    o.ca_file = p->other_ca_pem;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_false(iotls_test_result_ok(&r));
    assert_true(contains(r.err, "unable to get local issuer certificate"));
    iotls_test_result_free(&r);

    /* s_server honours max_fragment_length: it echoes the extension and
     * every application-data record stays within 512 bytes + AEAD overhead */
    o.ca_file = p->ca_pem;
    o.maxfraglen = 512;
    o.verbose = 1;
    o.extra = (const char *const[]){"-tls1_2", NULL};
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    assert_true(contains(r.out, "TLS server extension \"max fragment length\""));
    long maxrec = iotls_test_s_client_max_record(r.out, 23);
    print_message("s_server, maxfraglen 512: largest application record %ld bytes\n", maxrec);
    assert_true(maxrec > 0 && maxrec <= 512 + 64);
    assert_true(contains(r.out, IOTLS_TEST_WWW_HEADER));
    /* 100 KiB in <= 512-byte fragments: at least 200 received records */
    size_t records = 0;
    for (const char *s = r.out; (s = strstr(s, "\n    17 03 03 ")) != NULL; s++)
        records++;
    assert_true(records >= IOTLS_TEST_WWW_FILE_SIZE / 512);
    iotls_test_result_free(&r);

    /* ... and without it, sends full 16 KiB records */
    o.maxfraglen = 0;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    maxrec = iotls_test_s_client_max_record(r.out, 23);
    assert_true(maxrec > 16384);
    iotls_test_result_free(&r);

    /* curl, verified against the root, by name and by IP */
    char url[64], resolve[64];
    snprintf(url, sizeof url, "https://localhost:%u/file", srv->port);
    snprintf(resolve, sizeof resolve, "localhost:%u:127.0.0.1", srv->port);
    const char *args[] = {"-sS", "--cacert", p->ca_pem, "--resolve", resolve, url, NULL};
    assert_int_equal(iotls_test_curl_run(args, 10000, &r), 0);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("curl", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_int_equal(r.out_len, IOTLS_TEST_WWW_FILE_SIZE);
    assert_int_equal(iotls_test_pattern_check(r.out, 0, r.out_len), IOTLS_TEST_WWW_FILE_SIZE);
    iotls_test_result_free(&r);
    snprintf(url, sizeof url, "https://127.0.0.1:%u/hello.txt", srv->port);
    const char *args_ip[] = {"-sS", "--cacert", p->ca_pem, url, NULL};
    assert_int_equal(iotls_test_curl_run(args_ip, 10000, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    assert_string_equal(r.out, "hello from s_server\n");
    iotls_test_result_free(&r);

    int st = iotls_test_peer_stop(srv);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    assert_int_equal(srv->pid, 0);
    assert_int_equal(iotls_test_peer_stop(srv), -1); /* idempotent */
    assert_false(iotls_test_port_open(o.port, 0));
}

static void test_s_server_certs_and_client_auth(void **state)
{
    (void)state;
    const iotls_test_pki_t *p = iotls_test_pki();
    assert_non_null(p);
    iotls_test_result_t r;
    char url[64], resolve[64];

    /* curl (host name checking on) refuses the wrong-name certificate */
    iotls_test_s_server_opts_t so = {0};
    so.cred = &p->server_wrongname;
    assert_int_equal(iotls_test_s_server_start(&so, &peers[0]), 0);
    snprintf(url, sizeof url, "https://localhost:%u/hello.txt", peers[0].port);
    snprintf(resolve, sizeof resolve, "localhost:%u:127.0.0.1", peers[0].port);
    const char *args[] = {"-sS", "--cacert", p->ca_pem, "--resolve", resolve, url, NULL};
    assert_int_equal(iotls_test_curl_run(args, 10000, &r), 0);
    assert_true(r.exited);
    assert_int_equal(r.exit_code, 60); /* CURLE_PEER_FAILED_VERIFICATION */
    assert_true(contains(r.err, "localhost"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&peers[0]);

    /* the RSA server and the other-CA server verify with the bundle */
    const iotls_test_cred_t *ok_creds[] = {&p->server_rsa, &p->server_otherca};
    for (size_t i = 0; i < 2; i++) {
        so.cred = ok_creds[i];
        assert_int_equal(iotls_test_s_server_start(&so, &peers[0]), 0);
        iotls_test_s_client_opts_t o = {0};
        o.port = peers[0].port;
        o.ca_file = p->bundle_pem;
        o.verify_host = "localhost";
        o.input = "GET /hello.txt HTTP/1.0\r\n\r\n";
        o.input_len = strlen(o.input);
        assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
        if (!iotls_test_result_ok(&r))
            iotls_test_result_dump(ok_creds[i]->name, &r);
        assert_true(iotls_test_result_ok(&r));
        assert_true(contains(r.out, "hello from s_server\n"));
        iotls_test_result_free(&r);
        iotls_test_peer_stop(&peers[0]);
    }

    /* client authentication, STDIO mode: the server prints what it got */
    so.cred = NULL;
    so.mode = IOTLS_TEST_S_SERVER_STDIO;
    so.verify_client = 1;
    so.extra = (const char *const[]){"-tls1_2", NULL};
    assert_int_equal(iotls_test_s_server_start(&so, &peers[0]), 0);
    iotls_test_s_client_opts_t o = {0};
    o.port = peers[0].port;
    o.ca_file = p->ca_pem;
    o.close_at_eof = 1;
    o.input = "no certificate\n";
    o.input_len = strlen(o.input);
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_false(iotls_test_result_ok(&r)); /* handshake refused */
    iotls_test_result_free(&r);
    assert_true(iotls_test_peer_alive(&peers[0]));

    o.cert = p->client.cert;
    o.key = p->client.key;
    o.cert_chain = p->client.inter;
    o.input = "hello from the client\n";
    o.input_len = strlen(o.input);
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("s_client with client cert", &r);
    assert_true(iotls_test_result_ok(&r));
    iotls_test_result_free(&r);
    assert_true(iotls_test_peer_wait_stdout(&peers[0], "hello from the client\n", 5000));
    char *log = iotls_test_peer_stdout(&peers[0], NULL);
    assert_true(contains(log, "iotls test client")); /* s_server names the client cert */
    free(log);
    iotls_test_peer_stop(&peers[0]);

    /* STDIO mode, other direction, with s_client in the background: what the
     * test writes to s_server's stdin reaches the client; stopping the server
     * ends the client. */
    so.verify_client = 0;
    assert_int_equal(iotls_test_s_server_start(&so, &peers[0]), 0);
    memset(&o, 0, sizeof o);
    o.port = peers[0].port;
    o.ca_file = p->ca_pem;
    iotls_test_job_t job;
    assert_int_equal(iotls_test_s_client_start(&o, &job), 0);
    assert_true(iotls_test_peer_wait_stdout(&peers[0], "CIPHER is", 5000));
    assert_false(iotls_test_cmd_finished(&job));
    assert_int_equal(iotls_test_peer_write_stdin(&peers[0], "from the server\n", 16), 0);
    assert_true(iotls_test_cmd_wait_stdout(&job, "from the server\n", 5000));
    iotls_test_peer_stop(&peers[0]);
    assert_int_equal(iotls_test_cmd_wait(&job, &r), 0);
    assert_false(r.timed_out);
    assert_string_equal(r.out, "from the server\n");
    iotls_test_result_free(&r);
    assert_int_equal(iotls_test_cmd_wait(&job, &r), -1); /* already reaped */
    iotls_test_result_free(&r);
    assert_int_equal(iotls_test_peer_write_stdin(&peers[0], "x", 1), -1);

    /* background job killed at its deadline */
    o.port = iotls_test_free_port(); /* nobody listens: s_client fails fast */
    o.timeout_ms = 5000;
    assert_int_equal(iotls_test_s_client_start(&o, &job), 0);
    assert_int_equal(iotls_test_cmd_wait(&job, &r), 0);
    assert_false(r.timed_out);
    assert_true(r.exited && r.exit_code != 0);
    iotls_test_result_free(&r);
    const char *sl[] = {"sleep", "10", NULL};
    iotls_test_cmd_t cs = {sl, NULL, NULL, NULL, 0, 200};
    assert_int_equal(iotls_test_cmd_start(&cs, &job), 0);
    assert_int_equal(iotls_test_cmd_wait(&job, &r), 0);
    assert_true(r.timed_out);
    assert_int_equal(r.signal, SIGKILL);
    iotls_test_result_free(&r);

    /* a peer told which port to use: ready once a connect succeeds */
    uint16_t port = iotls_test_free_port();
    assert_true(port != 0);
    char accept_arg[32];
    snprintf(accept_arg, sizeof accept_arg, "127.0.0.1:%u", port);
    const char *www[] = {"openssl",         "s_server", "-accept",        accept_arg, "-cert",
                         p->server_ec.cert, "-key",     p->server_ec.key, "-WWW",     NULL};
    iotls_test_peer_spec_t fixed = {"fixed_port", www, NULL, iotls_test_www_dir(), port, 0, NULL};
    assert_int_equal(iotls_test_peer_start(&fixed, &peers[2]), 0);
    assert_int_equal(peers[2].port, port);
    memset(&o, 0, sizeof o);
    o.port = port;
    o.input = "GET /hello.txt HTTP/1.0\r\n\r\n";
    o.input_len = strlen(o.input);
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    assert_true(contains(r.out, "hello from s_server\n"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&peers[2]);

    /* a peer that dies before listening fails loudly and is reaped */
    const char *bad[] = {
        "openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", "/nonexistent/iotls.pem", NULL};
    iotls_test_peer_spec_t spec = {"doomed", bad, NULL, NULL, 0, 0, NULL};
    assert_int_equal(iotls_test_peer_start(&spec, &peers[1]), -1);
    assert_int_equal(peers[1].pid, 0);
    char *err = iotls_test_peer_stderr(&peers[1], NULL);
    assert_true(contains(err, "nonexistent"));
    free(err);
}

/* ---- Go peer --------------------------------------------------------------- */

static void test_mfl_ignoring_server(void **state)
{
    (void)state;
    const iotls_test_pki_t *p = iotls_test_pki();
    assert_non_null(p);
    long long t0 = iotls_test_now_ms();
    int rc = iotls_test_mfl_ignoring_server_start(NULL, &peers[0]);
    if (rc == 1)
        skip(); /* no Go toolchain */
    assert_int_equal(rc, 0);
    print_message("Go peer built/started in %lld ms\n", iotls_test_now_ms() - t0);

    /* The client asks for 512-byte fragments; the server neither echoes the
     * extension nor honours it: one application record carries 16 KiB. */
    iotls_test_s_client_opts_t o = {0};
    o.port = peers[0].port;
    o.ca_file = p->ca_pem;
    o.verify_host = "localhost";
    o.maxfraglen = 512;
    o.verbose = 1;
    o.input = "hello\n";
    o.input_len = 6;
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    if (!iotls_test_result_ok(&r))
        iotls_test_result_dump("s_client -maxfraglen 512", &r);
    assert_true(iotls_test_result_ok(&r));
    assert_true(contains(r.out, "Protocol  : TLSv1.2"));
    assert_false(contains(r.out, "max fragment length"));
    long maxrec = iotls_test_s_client_max_record(r.out, 23);
    print_message("Go peer, maxfraglen 512: largest application record %ld bytes\n", maxrec);
    assert_true(maxrec >= 16384 && maxrec <= 16384 + 256);
    iotls_test_result_free(&r);
    assert_true(iotls_test_peer_wait_stdout(&peers[0], "sent 20000", 5000));

    /* the payload is the pattern, exactly */
    o.verbose = 0;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    assert_int_equal(r.out_len, IOTLS_TEST_MFL_PAYLOAD);
    assert_int_equal(iotls_test_pattern_check(r.out, 0, r.out_len), IOTLS_TEST_MFL_PAYLOAD);
    iotls_test_result_free(&r);

    /* a second build request reuses the binary */
    char bin[512];
    t0 = iotls_test_now_ms();
    assert_int_equal(iotls_test_go_build("mfl_ignoring_server", bin, sizeof bin), 0);
    assert_true(iotls_test_now_ms() - t0 < 1000);
    assert_int_equal(access(bin, X_OK), 0);
    iotls_test_peer_stop(&peers[0]);
}

/* ---- badpeer.h ------------------------------------------------------------ */

static int connect_port(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* A ClientHello-looking prefix: a handshake record header and some bytes. */
static const unsigned char hello_prefix[] = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00,
                                             0x3c, 0x03, 0x03, 0xaa, 0xbb, 0xcc, 0xdd};

static void test_garbage_server(void **state)
{
    (void)state;
    assert_int_equal(iotls_test_garbage_server_start(NULL, 0, &peers[0]), 0);
    int fd = connect_port(peers[0].port);
    assert_int_equal(send(fd, hello_prefix, sizeof hello_prefix, MSG_NOSIGNAL),
                     (ssize_t)sizeof hello_prefix);
    char buf[256];
    size_t got = 0;
    for (;;) {
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        assert_true(n >= 0);
        if (n == 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    assert_string_equal(buf, "HTTP/1.1 400 Bad Request\r\n\r\n");
    close(fd);

    /* a real TLS client sees a protocol error */
    iotls_test_s_client_opts_t o = {0};
    o.port = peers[0].port;
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_false(iotls_test_result_ok(&r));
    assert_false(r.timed_out);
    assert_true(contains(r.err, "wrong version number") ||
                contains(r.err, "packet length too long"));
    iotls_test_result_free(&r);

    assert_true(iotls_test_peer_wait_stdout(&peers[0], "wrote 28\nclose\naccept\nread ", 5000));
    assert_true(iotls_test_peer_wait_stdout(&peers[0], "read 15\n", 100));
    iotls_test_peer_stop(&peers[0]);

    /* custom bytes: a TLS alert record (fatal, handshake_failure) */
    static const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    assert_int_equal(iotls_test_garbage_server_start(alert, sizeof alert, &peers[0]), 0);
    o.port = peers[0].port;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_false(iotls_test_result_ok(&r));
    assert_true(contains(r.err, "handshake failure"));
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&peers[0]);
}

static void test_reset_server(void **state)
{
    (void)state;
    assert_int_equal(iotls_test_reset_server_start(&peers[0]), 0);
    int fd = connect_port(peers[0].port);
    assert_int_equal(send(fd, hello_prefix, sizeof hello_prefix, MSG_NOSIGNAL),
                     (ssize_t)sizeof hello_prefix);
    char buf[64];
    struct pollfd pf = {fd, POLLIN, 0};
    assert_int_equal(poll(&pf, 1, 5000), 1);
    errno = 0;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    assert_int_equal(n, -1);
    assert_int_equal(errno, ECONNRESET);
    close(fd);
    assert_true(iotls_test_peer_wait_stdout(&peers[0], "accept\nread 5\nreset\n", 5000));

    iotls_test_s_client_opts_t o = {0};
    o.port = peers[0].port;
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_false(iotls_test_result_ok(&r));
    assert_false(r.timed_out);
    iotls_test_result_free(&r);
    iotls_test_peer_stop(&peers[0]);
}

static void test_silent_server(void **state)
{
    (void)state;
    assert_int_equal(iotls_test_silent_server_start(&peers[0]), 0);
    int fd = connect_port(peers[0].port);
    assert_int_equal(send(fd, hello_prefix, sizeof hello_prefix, MSG_NOSIGNAL),
                     (ssize_t)sizeof hello_prefix);
    struct pollfd pf = {fd, POLLIN, 0};
    assert_int_equal(poll(&pf, 1, 300), 0); /* nothing comes back, not even EOF */
    assert_true(iotls_test_peer_wait_stdout(&peers[0], "accept\nread 15\n", 5000));

    /* a TLS client waits forever: only our timeout ends it */
    iotls_test_s_client_opts_t o = {0};
    o.port = peers[0].port;
    o.timeout_ms = 700;
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    assert_true(r.timed_out);
    iotls_test_result_free(&r);
    close(fd);
    assert_true(iotls_test_peer_wait_stdout(&peers[0], "close\n", 5000));

    int st = iotls_test_peer_stop(&peers[0]);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

/* ---- cleanup --------------------------------------------------------------- */

static void test_cleanup(void **state)
{
    (void)state;
    const iotls_test_pki_t *p = iotls_test_pki();
    assert_non_null(p);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", iotls_test_tmpdir());
    iotls_test_pki_free();
    struct stat st;
    if (iotls_test_keep_tmp())
        assert_int_equal(stat(dir, &st), 0);
    else
        assert_int_equal(stat(dir, &st), -1);
    /* nothing left to reap */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_cmd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pki, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s_server_www, setup, teardown),
        cmocka_unit_test_setup_teardown(test_s_server_certs_and_client_auth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mfl_ignoring_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silent_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cleanup, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
