/* The espconn_secure_* compatibility layer in one process: argument and
 * order checks with their documented failure values and log lines, flash
 * sectors in both formats (iotls blobs, SDK lists; PKCS#8/SEC1/PKCS#1 keys),
 * damaged and missing blobs, and SSL client <-> SSL server through the
 * SDK API on loopback (bi-directional verification, sends larger than the
 * buffer, the sent-callback rule, failures reaching the reconnect callback
 * with ESPCONN_* codes), os_timer and the bounded string helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "esp_flash.h"
#include "log_capture.h"
#include "iotls/compat/espconn.h"
#include "iotls/store.h"
#include "pattern.h"
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

/* Sectors of the test image. */
#define S_CA_BLOB 0x3B    /* iotls CA blob: test root CA */
#define S_CLI_BLOB 0x3A   /* iotls credentials blob: test client (PKCS#8) */
#define S_CA_LIST 0x20    /* SDK esp_ca_cert.bin: other CA + root CA */
#define S_CLI_LIST 0x21   /* SDK esp_cert_private_key.bin: client cert, PKCS#8 key */
#define S_CLI_SEC1 0x22   /* the same with a SEC1 key */
#define S_RSA_PK1 0x23    /* server-rsa cert with a PKCS#1 key */
#define S_CA_DAMAGED 0x24 /* CA blob with a flipped payload byte */
#define S_ERASED 0x25
#define S_OTHER_CA 0x26 /* iotls CA blob: other CA only */
#define S_LIST_CUT 0x27 /* SDK list whose length runs past its data */

static char image[512];

/* ---- fixtures ---------------------------------------------------------------- */

static uint8_t *der(const char *pem, iotls_test_der_kind_t kind, size_t *len)
{
    uint8_t *d = iotls_test_der_of(pem, kind, len);
    assert_non_null(d);
    return d;
}

static int put_blob(unsigned sector, iotls_blob_type_t type, const iotls_store_entry_t *e, size_t n,
                    int damage)
{
    uint8_t buf[8192];
    size_t len;
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_store_blob_build(type, 0, e, n, buf, sizeof buf, &len, &err) < 0) {
        fprintf(stderr, "blob: %s\n", err.text);
        return -1;
    }
    if (damage)
        buf[len - 10] ^= 0x40;
    return iotls_test_flash_put(image, sector, buf, len);
}

static int put_list(unsigned sector, const iotls_test_esp_entry_t *e, size_t n, int cut)
{
    size_t len;
    uint8_t *l = iotls_test_esp_list(e, n, &len);
    if (l == NULL)
        return -1;
    if (cut) /* the first entry claims more bytes than the sector holds */
        l[32] = 0xFF, l[33] = 0x7F;
    int rc = iotls_test_flash_put(image, sector, l, cut ? 34 + 100 : len);
    free(l);
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    const iotls_test_pki_t *pki = iotls_test_pki();
    if (pki == NULL || !iotls_test_tmp_path(image, sizeof image, "espconn.img"))
        return -1;
    size_t ca_n, other_n, cli_n, k8_n, sec1_n, rsa_n, pk1_n, in_n;
    uint8_t *ca = der(pki->ca_pem, IOTLS_TEST_DER_CERT, &ca_n);
    uint8_t *other = der(pki->other_ca_pem, IOTLS_TEST_DER_CERT, &other_n);
    uint8_t *cli = der(pki->client.cert, IOTLS_TEST_DER_CERT, &cli_n);
    uint8_t *inter = der(pki->inter_pem, IOTLS_TEST_DER_CERT, &in_n); /* the client's issuer */
    uint8_t *k8 = der(pki->client.key, IOTLS_TEST_DER_PKCS8, &k8_n);
    uint8_t *sec1 = der(pki->client.key, IOTLS_TEST_DER_SEC1, &sec1_n);
    uint8_t *rsa = der(pki->server_rsa.cert, IOTLS_TEST_DER_CERT, &rsa_n);
    uint8_t *pk1 = der(pki->server_rsa.key, IOTLS_TEST_DER_PKCS1, &pk1_n);
    if (iotls_store_key_format(k8, k8_n) != IOTLS_KEY_FORMAT_PKCS8 ||
        iotls_store_key_format(sec1, sec1_n) != IOTLS_KEY_FORMAT_SEC1 ||
        iotls_store_key_format(pk1, pk1_n) != IOTLS_KEY_FORMAT_PKCS1)
        return -1;

    iotls_store_entry_t ca_e[] = {{IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, ca, ca_n}};
    iotls_store_entry_t other_e[] = {{IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, other, other_n}};
    iotls_store_entry_t cli_e[] = {{IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, cli, cli_n},
                                   {IOTLS_ENTRY_CERT, IOTLS_KEY_FORMAT_NONE, inter, in_n},
                                   {IOTLS_ENTRY_KEY, IOTLS_KEY_FORMAT_PKCS8, k8, k8_n}};
    iotls_test_esp_entry_t ca_l[] = {{"TLS.other_ca", other, other_n}, {"TLS.ca_x509", ca, ca_n}};
    iotls_test_esp_entry_t cli_l[] = {
        {"certificate", cli, cli_n}, {"TLS.inter", inter, in_n}, {"private_key", k8, k8_n}};
    iotls_test_esp_entry_t sec1_l[] = {
        {"certificate", cli, cli_n}, {"TLS.inter", inter, in_n}, {"private_key", sec1, sec1_n}};
    iotls_test_esp_entry_t rsa_l[] = {{"certificate", rsa, rsa_n}, {"private_key", pk1, pk1_n}};
    int rc = put_blob(S_CA_BLOB, IOTLS_BLOB_CA, ca_e, 1, 0) |
             put_blob(S_CLI_BLOB, IOTLS_BLOB_CREDS, cli_e, 3, 0) |
             put_blob(S_CA_DAMAGED, IOTLS_BLOB_CA, ca_e, 1, 1) |
             put_blob(S_OTHER_CA, IOTLS_BLOB_CA, other_e, 1, 0) | put_list(S_CA_LIST, ca_l, 2, 0) |
             put_list(S_CLI_LIST, cli_l, 3, 0) | put_list(S_CLI_SEC1, sec1_l, 3, 0) |
             put_list(S_RSA_PK1, rsa_l, 2, 0) | put_list(S_LIST_CUT, cli_l, 1, 1);
    free(ca), free(other), free(cli), free(inter), free(k8), free(sec1), free(rsa), free(pk1);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    espconn_host_shutdown();
    iotls_test_pki_free();
    return 0;
}

static int setup(void **state)
{
    (void)state;
    unsetenv("IOTLS_FLASH");
    espconn_host_shutdown();
    espconn_host_set_log(iotls_test_log_capture, NULL);
    iotls_test_log_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    espconn_host_shutdown();
    espconn_host_set_log(NULL, NULL);
    return 0;
}

static uint8_t *file_bytes(const char *path, uint16_t *len)
{
    size_t n;
    char *d = iotls_test_read_file(path, &n);
    assert_non_null(d);
    assert_true(n < 65536);
    *len = (uint16_t)n;
    return (uint8_t *)d;
}

/* Server credentials from the test PKI (PEM chain + key). */
static void set_server_identity(void)
{
    const iotls_test_pki_t *pki = iotls_test_pki();
    uint16_t cl, kl;
    uint8_t *chain = file_bytes(pki->server_ec.chain, &cl);
    uint8_t *key = file_bytes(pki->server_ec.key, &kl);
    assert_true(espconn_secure_set_default_certificate(chain, cl));
    assert_true(espconn_secure_set_default_private_key(key, kl));
    free(chain);
    free(key);
}

/* ---- levels, sizes, order ------------------------------------------------- */

static void test_levels(void **state)
{
    (void)state;
    assert_true(espconn_host_attach_flash(image));
    assert_false(espconn_secure_ca_enable(0x00, S_CA_BLOB));
    assert_false(espconn_secure_ca_enable(0x04, S_CA_BLOB));
    assert_false(espconn_secure_ca_disable(0x07));
    assert_false(espconn_secure_set_size(0x00, 2048));
    assert_int_equal(espconn_secure_get_size(0x04), ESPCONN_ARG);
    assert_int_equal(
        iotls_test_log_count("is not 0x01 (SSL client), 0x02 (SSL server) or 0x03 (both)"), 5);
    assert_logged("espconn_secure_ca_enable: level 0x04");

    /* The manual: cert_req levels "can only be set as 0x01". */
    assert_false(espconn_secure_cert_req_enable(0x02, S_CLI_BLOB));
    assert_false(espconn_secure_cert_req_enable(0x03, S_CLI_BLOB));
    assert_false(espconn_secure_cert_req_disable(0x02));
    assert_int_equal(iotls_test_log_count("only 0x01 (SSL client) is allowed"), 3);
    assert_true(espconn_secure_cert_req_enable(0x01, S_CLI_BLOB));
    assert_true(espconn_secure_cert_req_disable(0x01));

    assert_true(espconn_secure_ca_enable(0x01, S_CA_BLOB));
    assert_true(espconn_secure_ca_enable(0x02, S_CA_BLOB));
    assert_true(espconn_secure_ca_enable(0x03, S_CA_LIST));
    assert_true(espconn_secure_ca_disable(0x03));
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(espconn_secure_get_size(0x01), 2048); /* documented default */
    assert_int_equal(espconn_secure_get_size(0x02), 2048);
    assert_int_equal(espconn_secure_get_size(0x03), 2048);
    assert_false(espconn_secure_set_size(0x01, 0));
    assert_false(espconn_secure_set_size(0x03, 8193));
    assert_int_equal(iotls_test_log_count("outside the documented range 1..8192"), 2);
    assert_int_equal(espconn_secure_get_size(0x01), 2048);

    assert_true(espconn_secure_set_size(0x01, 1));
    assert_int_equal(espconn_secure_get_size(0x01), 1); /* get returns what was set */
    assert_logged("1 bytes set; TLS records use 512");
    assert_true(espconn_secure_set_size(0x02, 8192));
    assert_int_equal(espconn_secure_get_size(0x02), 8192);
    assert_logged("8192 bytes set; TLS records use 16384");
    assert_int_equal(espconn_secure_get_size(0x03), ESPCONN_ARG); /* they differ */
    assert_logged("sizes differ");
    assert_true(espconn_secure_set_size(0x03, 4096));
    assert_int_equal(espconn_secure_get_size(0x03), 4096);
}

static void test_flash_sectors(void **state)
{
    (void)state;
    /* Nothing attached, no IOTLS_FLASH. */
    assert_false(espconn_secure_ca_enable(0x01, S_CA_BLOB));
    assert_logged("no flash image attached: set IOTLS_FLASH");
    assert_false(espconn_host_attach_flash("/nonexistent/flash.img"));
    assert_logged("flash image '/nonexistent/flash.img' cannot be attached");

    /* IOTLS_FLASH is attached on first use. */
    setenv("IOTLS_FLASH", image, 1);
    assert_true(espconn_secure_ca_enable(0x01, S_CA_BLOB));
    unsetenv("IOTLS_FLASH");

    iotls_test_log_reset();
    assert_false(espconn_secure_ca_enable(0x01, S_ERASED));
    assert_logged("sector 0x25");
    assert_false(espconn_secure_ca_enable(0x02, S_CA_DAMAGED));
    assert_logged("espconn_secure_ca_enable(0x02, 0x24): no CA certificates loaded");
    assert_logged("CRC");
    assert_false(espconn_secure_ca_enable(0x01, S_CLI_BLOB)); /* credentials, not CAs */
    assert_false(espconn_secure_ca_enable(0x01, 0x5000));     /* beyond the 4 MiB image */
    assert_false(espconn_secure_cert_req_enable(0x01, S_CA_BLOB));
    assert_logged("no client certificate + key loaded");
    assert_false(espconn_secure_cert_req_enable(0x01, S_LIST_CUT));
    assert_logged("ESP list entry 0 ('certificate')");
    assert_false(espconn_secure_cert_req_enable(0x01, S_ERASED));

    /* SDK lists: all CA entries, keys in PKCS#8, SEC1 and PKCS#1. */
    iotls_test_log_reset();
    assert_true(espconn_secure_ca_enable(0x01, S_CA_LIST));
    assert_logged("against 2 CA certificate(s) from sector 0x20");
    assert_true(espconn_secure_cert_req_enable(0x01, S_CLI_LIST));
    assert_true(espconn_secure_cert_req_enable(0x01, S_CLI_SEC1));
    assert_true(espconn_secure_cert_req_enable(0x01, S_RSA_PK1));
}

static void test_server_identity(void **state)
{
    (void)state;
    const iotls_test_pki_t *pki = iotls_test_pki();
    struct espconn srv = {0};
    esp_tcp tcp = {0};
    srv.type = ESPCONN_TCP;
    srv.proto.tcp = &tcp;
    assert_int_equal(espconn_secure_accept(&srv), ESPCONN_ARG); /* no certificate yet */
    assert_logged("no server certificate and key");

    assert_false(espconn_secure_set_default_certificate(NULL, 10));
    assert_false(espconn_secure_set_default_certificate((const uint8_t *)"garbage", 7));
    assert_logged("neither DER (starts 0x30) nor PEM");
    uint8_t junk_der[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    assert_false(espconn_secure_set_default_certificate(junk_der, sizeof junk_der));
    assert_logged("not a usable certificate");

    uint16_t cl, kl;
    uint8_t *cert = file_bytes(pki->server_ec.chain, &cl);
    uint8_t *rsa_key = file_bytes(pki->server_rsa.key, &kl);
    assert_true(espconn_secure_set_default_certificate(cert, cl));
    assert_false(espconn_secure_set_default_private_key(rsa_key, kl)); /* not its key */
    assert_logged("do not make credentials");
    assert_int_equal(espconn_secure_accept(&srv), ESPCONN_ARG);
    free(cert);
    free(rsa_key);

    set_server_identity();
    iotls_test_log_reset();
    assert_int_equal(espconn_secure_accept(&srv), ESPCONN_OK);
    assert_int_not_equal(tcp.local_port, 0); /* port 0: picked and written back */
    assert_int_equal(srv.state, ESPCONN_LISTEN);
    assert_int_equal(espconn_host_listeners(), 1);
    assert_int_equal(espconn_secure_accept(&srv), ESPCONN_ISCONN);

    /* After accept, the server's settings are fixed; the client's are not. */
    iotls_test_log_reset();
    assert_false(espconn_secure_set_size(0x02, 1024));
    assert_false(espconn_secure_set_size(0x03, 1024));
    assert_false(espconn_secure_ca_enable(0x02, S_CA_BLOB));
    assert_false(espconn_secure_ca_disable(0x03));
    uint8_t *again = file_bytes(pki->server_ec.chain, &cl);
    assert_false(espconn_secure_set_default_certificate(again, cl));
    free(again);
    assert_int_equal(iotls_test_log_count("call it before espconn_secure_accept"), 5);
    assert_int_equal(espconn_secure_get_size(0x01), 2048); /* 0x03 changed neither */
    assert_true(espconn_secure_set_size(0x01, 1024));

    /* A second server on another espconn: the SDK allowed one. */
    struct espconn srv2 = {0};
    esp_tcp tcp2 = {0};
    srv2.type = ESPCONN_TCP;
    srv2.proto.tcp = &tcp2;
    assert_int_equal(espconn_secure_accept(&srv2), ESPCONN_OK);
    assert_int_equal(espconn_host_listeners(), 2);

    /* The same port twice: refused with the reason. */
    struct espconn srv3 = {0};
    esp_tcp tcp3 = {.local_port = tcp.local_port};
    srv3.type = ESPCONN_TCP;
    srv3.proto.tcp = &tcp3;
    assert_int_equal(espconn_secure_accept(&srv3), ESPCONN_ARG);
    assert_logged("cannot listen on 127.0.0.1");

    assert_int_equal(espconn_secure_delete(&srv), ESPCONN_OK);
    assert_int_equal(espconn_secure_delete(&srv), ESPCONN_ARG);
    assert_int_equal(espconn_secure_delete(&srv2), ESPCONN_OK);
    assert_true(espconn_secure_set_size(0x02, 1024)); /* no server left: allowed again */
}

static void test_bad_calls(void **state)
{
    (void)state;
    struct espconn c = {0};
    esp_tcp tcp = {0};
    uint8_t data[4] = "abc";
    assert_int_equal(espconn_secure_connect(NULL), ESPCONN_ARG);
    assert_int_equal(espconn_secure_connect(&c), ESPCONN_ARG); /* no proto.tcp, no type */
    assert_int_equal(espconn_regist_connectcb(&c, NULL), ESPCONN_ARG);
    c.type = ESPCONN_TCP;
    c.proto.tcp = &tcp;
    assert_int_equal(espconn_secure_connect(&c), ESPCONN_ARG); /* remote_port 0 */
    assert_logged("remote_port 0 is not a port");
    assert_int_equal(espconn_secure_send(&c, data, 3), ESPCONN_ARG);
    assert_logged("espconn_secure_send: this espconn has no SSL connection");
    assert_int_equal(espconn_secure_disconnect(&c), ESPCONN_ARG);
    assert_int_equal(espconn_secure_disconnect(NULL), ESPCONN_ARG);
    assert_int_equal(espconn_secure_delete(&c), ESPCONN_ARG);
    assert_int_equal(espconn_host_connections(), 0);
}

/* ---- client <-> server on loopback ------------------------------------------- */

#define BULK 20000   /* one espconn_secure_send, ten 2048-byte records */
#define BULK_MORE 10 /* a second send before the sent callback: queued behind */

typedef struct {
    struct espconn srv, cli;
    esp_tcp srv_tcp, cli_tcp;
    int srv_connects, cli_connects, srv_discon, cli_discon, sent_cbs;
    int srv_recon, cli_recon;
    sint8 srv_err, cli_err;
    size_t srv_received;
    size_t srv_bad_at; /* first pattern mismatch, or (size_t)-1 */
    sint8 second_send_rc, third_send_rc;
    bool setting_locked, distinct_esp, reverse_copied;
    uint8_t cli_ip[4];
    char cli_reply[64];
    size_t cli_reply_len;
    int stop_after; /* server connections to see before espconn_secure_delete */
    int send_bulk;
} duo_t;

static duo_t duo;

static void srv_gone(void)
{
    if (--duo.stop_after == 0)
        espconn_secure_delete(&duo.srv);
}

static void srv_recv(void *arg, char *p, unsigned short len)
{
    (void)arg;
    if (duo.srv_bad_at == (size_t)-1) {
        size_t ok = iotls_test_pattern_check(p, duo.srv_received, len);
        if (ok != len)
            duo.srv_bad_at = duo.srv_received + ok;
    }
    duo.srv_received += len;
    if (duo.srv_received == (size_t)(duo.send_bulk ? BULK + BULK_MORE : 5))
        espconn_secure_send(arg, (uint8 *)"done\n", 5);
}

static void srv_connect(void *arg)
{
    struct espconn *e = arg;
    duo.srv_connects++;
    duo.distinct_esp = e != &duo.srv;
    duo.reverse_copied = e->reverse == &duo;
    memcpy(duo.cli_ip, e->proto.tcp->remote_ip, 4);
    espconn_regist_recvcb(e, srv_recv);
}

static void srv_discon(void *arg)
{
    (void)arg;
    duo.srv_discon++;
    srv_gone();
}

static void srv_recon(void *arg, sint8 err)
{
    (void)arg;
    duo.srv_recon++;
    duo.srv_err = err;
    srv_gone();
}

static void cli_recv(void *arg, char *p, unsigned short len)
{
    if (duo.cli_reply_len + len < sizeof duo.cli_reply) {
        memcpy(duo.cli_reply + duo.cli_reply_len, p, len);
        duo.cli_reply_len += len;
    }
    if (duo.cli_reply_len == 5)
        espconn_secure_disconnect(arg);
}

static void cli_sent(void *arg)
{
    (void)arg;
    duo.sent_cbs++;
}

static void cli_connect(void *arg)
{
    duo.cli_connects++;
    duo.setting_locked = !espconn_secure_ca_enable(0x01, S_CA_BLOB);
    espconn_regist_recvcb(arg, cli_recv);
    espconn_regist_sentcb(arg, cli_sent);
    if (duo.send_bulk) {
        static uint8_t bulk[BULK];
        iotls_test_pattern_fill(bulk, 0, BULK);
        static uint8_t more[BULK_MORE];
        iotls_test_pattern_fill(bulk, 0, BULK);
        iotls_test_pattern_fill(more, BULK, BULK_MORE);
        assert_int_equal(espconn_secure_send(arg, bulk, BULK), ESPCONN_OK);
        /* Again before the sent callback: queued behind the first, as real
         * SDK applications expect (they send line after line). */
        duo.second_send_rc = espconn_secure_send(arg, more, BULK_MORE);
        /* Beyond the queue's bound: refused, nothing of it queued. */
        duo.third_send_rc = espconn_secure_send(arg, bulk, BULK);
    } else {
        iotls_test_pattern_fill(duo.cli_reply, 0, 5);
        espconn_secure_send(arg, (uint8 *)duo.cli_reply, 5);
        duo.cli_reply_len = 0;
    }
}

static void cli_discon(void *arg)
{
    (void)arg;
    duo.cli_discon++;
}

static void cli_recon(void *arg, sint8 err)
{
    (void)arg;
    duo.cli_recon++;
    duo.cli_err = err;
}

/* Server with client certificates required (CA at S_CA_BLOB), client with
 * the given CA sector (-1: none) and credentials sector (-1: none). */
static void duo_run(int cli_ca, int cli_creds, int send_bulk)
{
    memset(&duo, 0, sizeof duo);
    duo.srv_bad_at = (size_t)-1;
    duo.stop_after = 1;
    duo.send_bulk = send_bulk;
    assert_true(espconn_host_attach_flash(image));
    set_server_identity();
    assert_true(espconn_secure_ca_enable(0x02, S_CA_BLOB));
    if (cli_ca >= 0)
        assert_true(espconn_secure_ca_enable(0x01, (uint32)cli_ca));
    if (cli_creds >= 0)
        assert_true(espconn_secure_cert_req_enable(0x01, (uint32)cli_creds));

    duo.srv.type = ESPCONN_TCP;
    duo.srv.proto.tcp = &duo.srv_tcp;
    duo.srv.reverse = &duo;
    espconn_regist_connectcb(&duo.srv, srv_connect);
    espconn_regist_disconcb(&duo.srv, srv_discon);
    espconn_regist_reconcb(&duo.srv, srv_recon);
    assert_int_equal(espconn_secure_accept(&duo.srv), ESPCONN_OK);

    duo.cli.type = ESPCONN_TCP;
    duo.cli.proto.tcp = &duo.cli_tcp;
    duo.cli_tcp.remote_port = duo.srv_tcp.local_port;
    duo.cli_tcp.local_port = (int)espconn_port();
    IP4_ADDR((ip_addr_t *)(void *)duo.cli_tcp.remote_ip, 127, 0, 0, 1);
    espconn_regist_connectcb(&duo.cli, cli_connect);
    espconn_regist_disconcb(&duo.cli, cli_discon);
    espconn_regist_reconcb(&duo.cli, cli_recon);
    assert_int_equal(espconn_secure_connect(&duo.cli), ESPCONN_OK);
    assert_int_equal(espconn_secure_connect(&duo.cli), ESPCONN_ISCONN);
    assert_int_equal(espconn_host_run(), 0); /* returns when nothing is left */
    assert_int_equal(espconn_host_connections(), 0);
    assert_int_equal(espconn_host_listeners(), 0);
}

static void test_mutual_auth_bulk(void **state)
{
    (void)state;
    duo_run(S_CA_BLOB, S_CLI_BLOB, 1);
    if (duo.cli_connects != 1)
        fprintf(stderr, "%s", iotls_test_log_text());
    assert_int_equal(duo.cli_connects, 1);
    assert_int_equal(duo.srv_connects, 1);
    assert_true(duo.distinct_esp);   /* a per-client espconn, as in the SDK */
    assert_true(duo.reverse_copied); /* with the listening espconn's reverse */
    assert_memory_equal(duo.cli_ip, "\x7f\x00\x00\x01", 4);
    assert_int_equal(duo.srv_received, BULK + BULK_MORE);
    assert_int_equal(duo.srv_bad_at, (size_t)-1);
    assert_int_equal(duo.second_send_rc, ESPCONN_OK);
    assert_int_equal(duo.third_send_rc, ESPCONN_MAXNUM);
    assert_logged("more would pass the 32768-byte bound: refused");
    assert_int_equal(duo.sent_cbs, 1);
    assert_true(duo.setting_locked);
    assert_logged("call it before espconn_secure_connect");
    assert_memory_equal(duo.cli_reply, "done\n", 5);
    if (duo.cli_discon != 1 || duo.srv_discon != 1)
        fprintf(stderr, "%s", iotls_test_log_text());
    assert_int_equal(duo.cli_discon, 1);
    assert_int_equal(duo.srv_discon, 1);
    assert_int_equal(duo.cli_recon + duo.srv_recon, 0);
    assert_logged("SSL server connected");
    assert_logged("peer verified (client certificate");
    assert_logged("peer verified (chain + host name)");
    assert_int_equal(iotls_test_log_count("verification is OFF"), 0);
    assert_int_equal(duo.cli.state, ESPCONN_CLOSE);
}

static void test_sdk_list_client(void **state)
{
    (void)state;
    duo_run(S_CA_LIST, S_CLI_SEC1, 0); /* both from SDK-format lists */
    assert_int_equal(duo.cli_connects, 1);
    assert_int_equal(duo.srv_received, 5);
    assert_int_equal(duo.cli_discon, 1);
}

static void test_unverified_warns(void **state)
{
    (void)state;
    duo_run(-1, S_CLI_BLOB, 0); /* SDK default: CA verification off */
    assert_int_equal(duo.cli_connects, 1);
    assert_int_equal(duo.cli_discon, 1);
    assert_int_equal(iotls_test_log_count("certificate verification is OFF"), 1);
    assert_logged("peer not verified (insecure");
}

static void test_wrong_ca_handshake(void **state)
{
    (void)state;
    duo_run(S_OTHER_CA, S_CLI_BLOB, 0);
    assert_int_equal(duo.cli_connects, 0);
    assert_int_equal(duo.cli_recon, 1);
    assert_int_equal(duo.cli_err, ESPCONN_HANDSHAKE);
    assert_logged("[IOTLS_ERR_CERT_UNTRUSTED] -> reconnect callback with ESPCONN_HANDSHAKE (-28)");
    assert_int_equal(duo.srv_recon, 1); /* the server saw the client's alert */
    assert_int_equal(duo.srv_err, ESPCONN_HANDSHAKE);
}

static void test_no_client_cert(void **state)
{
    (void)state;
    duo_run(S_CA_BLOB, -1, 0); /* server requires one, client has none */
    assert_int_equal(duo.srv_recon, 1);
    assert_int_equal(duo.srv_err, ESPCONN_HANDSHAKE);
    assert_logged("[IOTLS_ERR_CERT_MISSING]");
    assert_int_equal(duo.cli_recon, 1);
    assert_int_equal(duo.cli_err, ESPCONN_HANDSHAKE);
}

static int refused_recon;
static sint8 refused_err;
static void refused_cb(void *arg, sint8 err)
{
    (void)arg;
    refused_recon++;
    refused_err = err;
}

static void test_refused(void **state)
{
    (void)state;
    uint16_t port = iotls_test_free_port();
    assert_int_not_equal(port, 0);
    struct espconn c = {.type = ESPCONN_TCP};
    esp_tcp tcp = {.remote_port = port, .remote_ip = {127, 0, 0, 1}};
    c.proto.tcp = &tcp;
    espconn_regist_reconcb(&c, refused_cb);
    refused_recon = 0;
    assert_int_equal(espconn_secure_connect(&c), ESPCONN_OK);
    assert_int_equal(espconn_host_run(), 0);
    assert_int_equal(refused_recon, 1);
    assert_int_equal(refused_err, ESPCONN_RST);
    assert_logged("-> reconnect callback with ESPCONN_RST (-9)");
}

/* ---- os_timer, strings, dns ------------------------------------------------ */

static int ticks, one_shots;
static os_timer_t tick_timer, once_timer;

static void tick(void *arg)
{
    assert_ptr_equal(arg, &ticks);
    if (++ticks == 3)
        os_timer_disarm(&tick_timer);
}

static void once(void *arg)
{
    (void)arg;
    one_shots++;
}

static void test_os_timer(void **state)
{
    (void)state;
    ticks = one_shots = 0;
    os_timer_disarm(&tick_timer);
    os_timer_setfn(&tick_timer, tick, &ticks);
    os_timer_arm(&tick_timer, 5, 1);
    os_timer_setfn(&once_timer, once, NULL);
    os_timer_arm(&once_timer, 1, 0);
    assert_int_equal(espconn_host_run(), 0); /* ends: nothing armed any more */
    assert_int_equal(ticks, 3);
    assert_int_equal(one_shots, 1);

    /* After a shutdown the same static timers get fresh iotls timers. */
    espconn_host_shutdown();
    os_timer_arm(&once_timer, 0, 0);
    assert_int_equal(espconn_host_run(), 0);
    assert_int_equal(one_shots, 2);

    os_timer_t unset = {0};
    os_timer_arm(&unset, 1, 0);
    assert_logged("os_timer_arm: no function set");
}

static void test_strings(void **state)
{
    (void)state;
    char small[8];
    os_strcpy(small, "0123456789");
    assert_string_equal(small, "0123456");
    assert_logged("os_strcpy: 10 characters truncated to 7");
    os_sprintf(small, "%d-%d", 1234, 5678);
    assert_string_equal(small, "1234-56");
    assert_logged("os_sprintf: 9 characters truncated to 7");
    char big[32];
    os_strcpy(big, "fits");
    assert_string_equal(big, "fits");
    assert_int_equal(os_sprintf(big, "%s:%u", "ok", 7u), 4);
    assert_string_equal(big, "ok:7");
    assert_true(system_get_free_heap_size() <= IOTLS_ESPCONN_HEAP_NOMINAL);
    assert_int_equal(wifi_station_get_connect_status(), STATION_GOT_IP);
    ip_addr_t a;
    IP4_ADDR(&a, 10, 1, 2, 3);
    assert_memory_equal(&a.addr, "\x0a\x01\x02\x03", 4);
    assert_int_equal(ipaddr_addr("10.1.2.3"), a.addr);
    assert_int_equal(ipaddr_addr("10.1.2"), IPADDR_NONE);
}

static int dns_calls;
static ip_addr_t dns_result;
static void dns_cb(const char *name, ip_addr_t *ip, void *arg)
{
    (void)name;
    (void)arg;
    dns_calls++;
    if (ip)
        dns_result = *ip;
}

static void test_gethostbyname(void **state)
{
    (void)state;
    struct espconn c = {0};
    ip_addr_t a = {0};
    dns_calls = 0;
    assert_int_equal(espconn_gethostbyname(&c, "127.0.0.1", &a, dns_cb), ESPCONN_OK);
    assert_memory_equal(&a.addr, "\x7f\x00\x00\x01", 4);
    assert_int_equal(espconn_gethostbyname(&c, "localhost", &a, dns_cb), ESPCONN_INPROGRESS);
    assert_int_equal(dns_calls, 0); /* never from inside the call */
    assert_int_equal(espconn_host_run(), 0);
    assert_int_equal(dns_calls, 1);
    assert_memory_equal(&dns_result.addr, "\x7f\x00\x00\x01", 4);
    assert_int_equal(espconn_gethostbyname(&c, "localhost", &a, dns_cb), ESPCONN_OK); /* cached */
    assert_int_equal(espconn_gethostbyname(&c, NULL, &a, dns_cb), ESPCONN_ARG);
    assert_int_equal(espconn_gethostbyname(&c, "no-such-host.invalid", &a, dns_cb),
                     ESPCONN_INPROGRESS);
    dns_result.addr = 0;
    assert_int_equal(espconn_host_run(), 0);
    assert_int_equal(dns_calls, 2);
    assert_int_equal(dns_result.addr, 0); /* called with NULL */
}

/* Asked again while the lookup is pending (applications poll from a
 * timer): still in progress, not an address the callback has not seen;
 * and the host map answers names without DNS. */
static void test_gethostbyname_pending_and_host_map(void **state)
{
    (void)state;
    setenv(ESPCONN_HOST_ENV_HOSTS, "broker.example=127.0.0.7,bad=300.1.1.1", 1);
    struct espconn c = {0};
    ip_addr_t a = {0};
    dns_calls = 0;
    assert_int_equal(espconn_gethostbyname(&c, "broker.example", &a, dns_cb), ESPCONN_INPROGRESS);
    assert_int_equal(espconn_gethostbyname(&c, "broker.example", &a, dns_cb), ESPCONN_INPROGRESS);
    assert_int_equal(a.addr, 0);
    assert_int_equal(espconn_host_run(), 0);
    assert_int_equal(dns_calls, 1); /* one waiter, one answer */
    assert_memory_equal(&dns_result.addr, "\x7f\x00\x00\x07", 4);
    assert_int_equal(espconn_gethostbyname(&c, "broker.example", &a, dns_cb), ESPCONN_OK);
    assert_memory_equal(&a.addr, "\x7f\x00\x00\x07", 4);
    assert_logged("'broker.example' is 127.0.0.7 (from IOTLS_ESPCONN_HOSTS, host-only)");
    assert_int_equal(espconn_gethostbyname(&c, "bad", &a, dns_cb), ESPCONN_INPROGRESS);
    assert_int_equal(espconn_host_run(), 0);
    assert_logged("'bad=300.1.1.1' is not an IPv4 address: ignored");
    unsetenv(ESPCONN_HOST_ENV_HOSTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flash_sectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mutual_auth_bulk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdk_list_client, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unverified_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_ca_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_client_cert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_os_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gethostbyname, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gethostbyname_pending_and_host_map, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
