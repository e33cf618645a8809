/* ESP-IDF's esp-tls on iotls (docs/esp-idf.md): the API called directly
 * against openssl s_server — verification failures reported with esp-tls's
 * codes and flags plus iotls's sentence, client certificates, saved
 * sessions, the async form, configuration refused clearly — and an
 * IDF-style program (examples/esp-idf/) run as a real process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "esp_tls.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"
#include "iotls/net.h"
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN 1
#endif

static char *ca_pem; /* the test root CA, NUL-terminated as IDF programs embed it */
static size_t ca_len;

static int setup(void **state)
{
    const iotls_test_pki_t *pki = iotls_test_pki();
    if (pki == NULL)
        return -1;
    ca_pem = iotls_test_read_file(pki->ca_pem, &ca_len);
    return ca_pem != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    free(ca_pem);
    iotls_test_pki_free();
    return 0;
}

static void start_server(const char *cred, int verify_client, iotls_test_peer_t *p)
{
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_WWW,
                                    .cred = iotls_test_pki_cred(cred),
                                    .verify_client = verify_client};
    assert_int_equal(iotls_test_s_server_start(&o, p), 0);
}

static esp_tls_cfg_t ca_cfg(void)
{
    esp_tls_cfg_t cfg = {.cacert_buf = (const unsigned char *)ca_pem,
                         .cacert_bytes = (unsigned)ca_len + 1,
                         .timeout_ms = 5000};
    return cfg;
}

/* GET /hello.txt over an open handle; returns what was read (static). */
static const char *get_hello(esp_tls_t *tls)
{
    static char body[4096];
    static const char req[] = "GET /hello.txt HTTP/1.0\r\n\r\n";
    assert_int_equal(esp_tls_conn_write(tls, req, strlen(req)), (ssize_t)strlen(req));
    size_t got = 0;
    for (;;) {
        ssize_t n = esp_tls_conn_read(tls, body + got, sizeof body - 1 - got);
        if (n == ESP_TLS_ERR_SSL_WANT_READ)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    body[got] = '\0';
    return body;
}

static void test_get_verified(void **state)
{
    iotls_test_peer_t p;
    start_server("server-ec", 0, &p);
    esp_tls_cfg_t cfg = ca_cfg();
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    assert_int_equal(esp_tls_conn_new_sync("localhost", 9, p.port, &cfg, tls), 1);
    esp_tls_conn_state_t st;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    assert_int_equal(st, ESP_TLS_DONE);
    int fd = -1;
    assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
    assert_true(fd >= 0);
    const iotls_report_t *r = iotls_conn_report(esp_tls_get_ssl_context(tls));
    assert_string_equal(r->server_name, "localhost"); /* SNI sent */
    assert_true(r->verified);
    const char *body = get_hello(tls);
    assert_non_null(strstr(body, "hello from s_server"));
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    iotls_test_peer_stop(&p);
}

/* Each failure: -1, esp-tls's code, the mbedTLS-style flag, a sentence. */
static void expect_cert_failure(const char *cred, int flag, const char *words)
{
    iotls_test_peer_t p;
    start_server(cred, 0, &p);
    esp_tls_cfg_t cfg = ca_cfg();
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_conn_new_sync("localhost", 9, p.port, &cfg, tls), -1);
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    int code = 0, flags = 0;
    assert_int_equal(esp_tls_get_and_clear_last_error(h, &code, &flags),
                     ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_int_equal(code, -0x2700); /* MBEDTLS_ERR_X509_CERT_VERIFY_FAILED */
    assert_true(flags & flag);
    const char *why = esp_tls_get_error_text(tls);
    if (strstr(why, words) == NULL)
        fail_msg("reason '%s' lacks '%s'", why, words);
    /* Cleared: a second read gives nothing. */
    assert_int_equal(esp_tls_get_and_clear_last_error(h, &code, &flags), ESP_OK);
    esp_tls_conn_destroy(tls);
    iotls_test_peer_stop(&p);
}

static void test_expired(void **state)
{
    expect_cert_failure("server-expired", 0x01, "expired");
}

static void test_wrong_name(void **state)
{
    expect_cert_failure("server-wrongname", 0x04, "localhost");
}

static void test_unknown_ca(void **state)
{
    expect_cert_failure("server-othereca", 0x08, "trust");
}

static void test_mutual_tls(void **state)
{
    const iotls_test_pki_t *pki = iotls_test_pki();
    size_t cl, kl;
    char *cert = iotls_test_read_file(pki->client.chain, &cl); /* leaf + intermediate */
    char *key = iotls_test_read_file(pki->client.key, &kl);
    iotls_test_peer_t p;
    start_server("server-ec", 1, &p);
    esp_tls_cfg_t cfg = ca_cfg();
    cfg.clientcert_buf = (const unsigned char *)cert;
    cfg.clientcert_bytes = (unsigned)cl + 1;
    cfg.clientkey_buf = (const unsigned char *)key;
    cfg.clientkey_bytes = (unsigned)kl + 1;
    esp_tls_t *tls = esp_tls_conn_new("localhost", 9, p.port, &cfg); /* the 4.x form */
    assert_non_null(tls);
    assert_non_null(strstr(get_hello(tls), "hello from s_server"));
    esp_tls_conn_delete(tls);

    /* Without the certificate the server refuses: a failure, not a hang. */
    cfg.clientcert_buf = cfg.clientkey_buf = NULL;
    cfg.clientcert_bytes = cfg.clientkey_bytes = 0;
    tls = esp_tls_init();
    int rc = esp_tls_conn_new_sync("localhost", 9, p.port, &cfg, tls);
    if (rc == 1) /* TLS 1.2 servers may refuse only after our Finished */
        rc = esp_tls_conn_read(tls, (char[16]){0}, 16) < 0 ? -1 : 1;
    assert_int_equal(rc, -1);
    esp_tls_conn_destroy(tls);
    iotls_test_peer_stop(&p);
    free(cert);
    free(key);
}

/* A saved session resumes with nothing but the session in the config; the
 * server it was made with is pinned should a full handshake happen. */
static void test_saved_session_and_global_store(void **state)
{
    iotls_test_peer_t p;
    start_server("server-ec", 0, &p);
    assert_int_equal(
        esp_tls_set_global_ca_store((const unsigned char *)ca_pem, (unsigned)ca_len + 1), ESP_OK);
    esp_tls_cfg_t cfg = {.use_global_ca_store = true, .timeout_ms = 5000};
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_conn_http_new_sync("https://localhost:0/", &cfg, tls), -1);
    esp_tls_conn_destroy(tls); /* port 0 is not a URL port */

    char url[64];
    snprintf(url, sizeof url, "https://localhost:%u/hello.txt", p.port);
    tls = esp_tls_init();
    assert_int_equal(esp_tls_conn_http_new_sync(url, &cfg, tls), 1);
    esp_tls_client_session_t *saved = esp_tls_get_client_session(tls);
    assert_non_null(saved);
    assert_non_null(strstr(get_hello(tls), "hello from s_server"));
    esp_tls_conn_destroy(tls);
    esp_tls_free_global_ca_store();

    esp_tls_cfg_t again = {.client_session = saved, .timeout_ms = 5000};
    tls = esp_tls_init();
    assert_int_equal(esp_tls_conn_http_new_sync(url, &again, tls), 1);
    assert_true(iotls_conn_report(esp_tls_get_ssl_context(tls))->resumed);
    esp_tls_conn_destroy(tls);
    free(saved); /* programs free() it, as with esp-tls */
    iotls_test_peer_stop(&p);
}

static void test_async(void **state)
{
    iotls_test_peer_t p;
    start_server("server-ec", 0, &p);
    esp_tls_cfg_t cfg = ca_cfg();
    cfg.non_block = true;
    esp_tls_t *tls = esp_tls_init();
    /* Polled as an IDF task does (a tick's delay between polls), bounded in
     * time: a bound of 100000 back-to-back polls (a fraction of a second)
     * ran out before the handshake ended on two busy cores (rc 0). */
    int rc, polls = 0;
    long long deadline = iotls_test_now_ms() + 30000;
    while ((rc = esp_tls_conn_new_async("localhost", 9, p.port, &cfg, tls)) == 0 &&
           iotls_test_now_ms() < deadline) {
        polls++;
        vTaskDelay(1);
    }
    assert_int_equal(rc, 1);
    assert_true(polls > 0); /* it really returned "in progress" */
    esp_tls_conn_destroy(tls);
    iotls_test_peer_stop(&p);
}

static void expect_refused(const esp_tls_cfg_t *cfg, esp_err_t code, const char *words)
{
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_conn_new_sync("localhost", 9, 9, cfg, tls), -1);
    esp_tls_error_handle_t h;
    esp_tls_get_error_handle(tls, &h);
    assert_int_equal(esp_tls_get_and_clear_last_error(h, NULL, NULL), code);
    if (strstr(esp_tls_get_error_text(tls), words) == NULL)
        fail_msg("'%s' lacks '%s'", esp_tls_get_error_text(tls), words);
    esp_tls_conn_destroy(tls);
}

static void test_refused_configurations(void **state)
{
    esp_tls_cfg_t none = {0};
    expect_refused(&none, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED, "No server verification option");
    esp_tls_cfg_t v13 = ca_cfg();
    v13.tls_version = ESP_TLS_VER_TLS_1_3;
    expect_refused(&v13, ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED, "TLS 1.2 only");
    esp_tls_cfg_t ds = ca_cfg();
    ds.ds_data = &ds;
    expect_refused(&ds, ESP_ERR_ESP_TLS_SE_FAILED, "ds_data");
    esp_tls_cfg_t se = ca_cfg();
    se.use_secure_element = true;
    expect_refused(&se, ESP_ERR_ESP_TLS_SE_FAILED, "secure_element");
    static const char garbage[] =
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
    esp_tls_cfg_t bad = {.cacert_buf = (const unsigned char *)garbage,
                         .cacert_bytes = sizeof garbage};
    expect_refused(&bad, ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED, "cacert_buf");
    esp_tls_cfg_t half = ca_cfg();
    half.clientcert_buf = (const unsigned char *)ca_pem;
    half.clientcert_bytes = (unsigned)ca_len + 1;
    expect_refused(&half, ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED, "clientkey_buf");
    assert_string_equal(esp_err_to_name(ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT),
                        "ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT");
}

static void test_connect_refused(void **state)
{
    uint16_t port = iotls_test_free_port();
    esp_tls_cfg_t cfg = ca_cfg();
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", 9, port, &cfg, tls), -1);
    esp_tls_error_handle_t h;
    esp_tls_get_error_handle(tls, &h);
    assert_int_equal(h->last_error, ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST);
    esp_tls_conn_destroy(tls);
}

/* Plain TCP through esp-tls (esp_tls_plain_tcp_connect, and a handle with
 * is_plain_tcp) to a socket this test listens on. */
static void test_plain_tcp(void **state)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(ls, 4), 0);
    assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &len), 0);
    int port = ntohs(sa.sin_port);

    int fd = -1;
    assert_int_equal(esp_tls_plain_tcp_connect("127.0.0.1", 9, port, NULL, NULL, &fd), ESP_OK);
    int peer = accept(ls, NULL, NULL);
    assert_true(peer >= 0);
    assert_int_equal(write(fd, "ping", 4), 4);
    char b[8] = {0};
    assert_int_equal(read(peer, b, sizeof b), 4);
    assert_memory_equal(b, "ping", 4);
    close(fd);
    close(peer);

    esp_tls_cfg_t cfg = {.is_plain_tcp = true, .timeout_ms = 2000};
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_conn_new_sync("127.0.0.1", 9, port, &cfg, tls), 1);
    peer = accept(ls, NULL, NULL);
    assert_int_equal(write(peer, "pong", 4), 4);
    assert_int_equal(esp_tls_conn_read(tls, b, sizeof b), 4);
    assert_memory_equal(b, "pong", 4);
    assert_int_equal(esp_tls_conn_write(tls, "ok", 2), 2);
    assert_int_equal(read(peer, b, sizeof b), 2);
    assert_memory_equal(b, "ok", 2);
    close(peer);
    assert_int_equal(esp_tls_conn_read(tls, b, sizeof b), 0); /* the peer closed */
    esp_tls_conn_destroy(tls);
    close(ls);
}

/* examples/esp-idf/https_get_cacert: an app_main program with the CA
 * embedded at build time, run against s_server holding the certificate that
 * CA issued; then against a server from another CA. */
static void test_example_program(void **state)
{
    const char *build = getenv("IOTLS_BUILD") ? getenv("IOTLS_BUILD") : "build";
    char prog[PATH_MAX], pki[PATH_MAX], cert[PATH_MAX + 16], key[PATH_MAX + 16];
    snprintf(prog, sizeof prog, "%s/espidf-pki", build);
    assert_non_null(realpath(prog, pki)); /* s_server runs in its web root */
    snprintf(cert, sizeof cert, "%s/server.pem", pki);
    snprintf(key, sizeof key, "%s/server.key", pki);
    snprintf(prog, sizeof prog, "%s/examples/esp-idf/https_get_cacert", build);
    iotls_test_cred_t own = {.name = "espidf-server", .cert = cert, .chain = cert, .key = key};
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_WWW, .cred = &own};
    iotls_test_peer_t p;
    assert_int_equal(iotls_test_s_server_start(&o, &p), 0);
    char map[96];
    snprintf(map, sizeof map, "IOTLS_ESPIDF_HOSTS=localhost=127.0.0.1:%u", p.port);
    const char *env[] = {map, NULL};
    const char *argv[] = {prog, NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .env = env, .timeout_ms = 20000};
    iotls_test_result_t res;
    assert_int_equal(iotls_test_run_cmd(&cmd, &res), 0);
    if (!iotls_test_result_ok(&res) || !strstr(res.out, "hello from s_server") ||
        !strstr(res.out, "Connection established"))
        iotls_test_result_dump("https_get_cacert", &res), fail();
    iotls_test_result_free(&res);
    iotls_test_peer_stop(&p);

    start_server("server-ec", 0, &p); /* issued by a CA the program does not embed */
    snprintf(map, sizeof map, "IOTLS_ESPIDF_HOSTS=localhost=127.0.0.1:%u", p.port);
    assert_int_equal(iotls_test_run_cmd(&cmd, &res), 0);
    if (!strstr(res.out, "ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED") || !strstr(res.out, "flags 0x8"))
        iotls_test_result_dump("https_get_cacert (other CA)", &res), fail();
    iotls_test_result_free(&res);
    iotls_test_peer_stop(&p);
}

/* An item shaped like the default event loop's (base, id, payload). */
typedef struct {
    const char *base;
    int32_t id;
    void *data;
} queued_event_t;

static __attribute__((noinline)) void queue_fresh_payloads(QueueHandle_t q, int n)
{
    for (int i = 0; i < n; i++) {
        queued_event_t ev = {.base = "TEST_EVENT", .id = i, .data = malloc(24)};
        assert_non_null(ev.data);
        assert_int_equal(xQueueSend(q, &ev, 0), pdPASS);
    }
}

static __attribute__((noinline)) void scrub_stack(void)
{
    volatile char junk[4096];
    memset((char *)junk, 0, sizeof junk);
}

/* A heap block whose only reference sits in a queue (an event payload the
 * loop's thread has not taken yet when the program ends) is not a leak.
 * The queue stored its items 4 bytes off pointer alignment, where
 * LeakSanitizer does not look: under load, https_get_cacert (SAN build)
 * ended before the event thread ran and exited 1 with "24 bytes leaked
 * from esp_event_post". The leak check runs in sanitizer builds (make test
 * SAN=1); every build checks the items come back whole and in order. */
static void test_queued_pointers_stay_visible(void **state)
{
    QueueHandle_t q = xQueueCreate(8, sizeof(queued_event_t));
    assert_non_null(q);
    queue_fresh_payloads(q, 4);
    scrub_stack();
#ifdef HAVE_LSAN
    assert_int_equal(__lsan_do_recoverable_leak_check(), 0);
#endif
    for (int i = 0; i < 4; i++) {
        queued_event_t ev;
        assert_int_equal(xQueueReceive(q, &ev, 0), pdPASS);
        assert_int_equal(ev.id, i);
        assert_string_equal(ev.base, "TEST_EVENT");
        assert_non_null(ev.data);
        free(ev.data);
    }
    vQueueDelete(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_verified),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_wrong_name),
        cmocka_unit_test(test_unknown_ca),
        cmocka_unit_test(test_mutual_tls),
        cmocka_unit_test(test_saved_session_and_global_store),
        cmocka_unit_test(test_async),
        cmocka_unit_test(test_refused_configurations),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_plain_tcp),
        cmocka_unit_test(test_example_program),
        cmocka_unit_test(test_queued_pointers_stay_visible),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
