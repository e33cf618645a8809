/* Real ESP8266 SDK applications from public repositories, kept unchanged
 * under tests/realapps/esp8266/ (SOURCE note and licence beside each) and
 * built by mk/espconn-realapps.mk against libiotls-espconn, run as
 * programs against real peers on 127.0.0.1:
 *   tuanpmt/esp_mqtt  MQTT over TLS against mosquitto with TLS
 *   jkent/espbot      IRC bot over TLS against openssl s_server (SNI checked)
 *   jkent/espircd     IRC server on plain TCP against a socket client
 *   FlorianBrett/ESP8266-MQTT-Device  MQTT on plain TCP, GPIO driven by a
 *                     message from mosquitto_pub
 *   Spritetm/esphttpd HTTP server (pages from its espfs image in flash,
 *                     templates, a CGI driving GPIO, Wi-Fi scan) against
 *                     curl, and its captive-portal DNS (UDP) against a query
 * Their server names and ports are fixed in their sources; the host-only
 * IOTLS_ESPCONN_HOSTS / IOTLS_ESPCONN_PORTS point them at the peers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "esp_flash.h"
#include "peer.h"
#include "pki.h"
#include "tmpdir.h"

static const char *app(const char *name)
{
    static char paths[4][512];
    static int next;
    const char *b = getenv("IOTLS_BUILD");
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/realapps/esp8266/%s", b ? b : "build", name);
    return p;
}

/* Starts an app in the background with extra environment entries. */
static void app_start(const char *name, const char *const *env, iotls_test_job_t *job)
{
    const char *argv[] = {app(name), NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .env = env, .timeout_ms = 60000};
    assert_int_equal(iotls_test_cmd_start(&cmd, job), 0);
}

/* Stops it by PID and returns what it printed (stdout then stderr). */
static char *app_stop(iotls_test_job_t *job, char **err)
{
    iotls_test_kill_reap(job->pid, 500);
    job->pid = 0;
    char *out = iotls_test_read_file(job->out_path, NULL);
    *err = iotls_test_read_file(job->err_path, NULL);
    assert_non_null(out);
    assert_non_null(*err);
    return out;
}

static void dump_app(const char *name, const char *out, const char *err)
{
    fprintf(stderr, "---- %s stdout:\n%s\n---- %s stderr:\n%s\n", name, out, name, err);
}

static void test_every_app_built(void **state)
{
    (void)state;
    const char *names[] = {"esp_mqtt", "espbot", "espircd", "mqtt_device", "esphttpd"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct stat st;
        if (stat(app(names[i]), &st) != 0)
            fail_msg("%s was not built (make realapps)", app(names[i]));
        assert_true(st.st_mode & S_IXUSR);
    }
}

/* tuanpmt/esp_mqtt's demo subscribes to /mqtt/topic/0..2 and publishes
 * hello0..2 with QoS 0, 1, 2 over TLS; mosquitto delivers them back to it,
 * and a mosquitto_sub (verifying the broker) sees them reach the broker. */
static void test_esp_mqtt_against_mosquitto_tls(void **state)
{
    (void)state;
    if (!iotls_test_have_program("mosquitto") || !iotls_test_have_program("mosquitto_sub"))
        fail_msg("mosquitto and mosquitto_sub are needed (scripts/deps/esp8266.list)");
    const iotls_test_pki_t *pki = iotls_test_pki();
    assert_non_null(pki);
    uint16_t port = iotls_test_free_port();
    assert_true(port != 0);
    char conf[600], text[2048];
    assert_non_null(iotls_test_tmp_path(conf, sizeof conf, "mosquitto.conf"));
    /* As root mosquitto would switch to its own user, which cannot read the
     * test's key: it keeps root then. */
    int n = snprintf(text, sizeof text,
                     "listener %u 127.0.0.1\nallow_anonymous true\npersistence false\n"
                     "cafile %s\ncertfile %s\nkeyfile %s\n%s",
                     (unsigned)port, pki->ca_pem, pki->server_ec.chain, pki->server_ec.key,
                     geteuid() == 0 ? "user root\n" : "");
    assert_int_equal(iotls_test_write_file(conf, text, (size_t)n), 0);
    const char *margv[] = {"mosquitto", "-c", conf, NULL};
    iotls_test_peer_spec_t spec = {.name = "mosquitto", .argv = margv, .port = port};
    iotls_test_peer_t broker;
    assert_int_equal(iotls_test_peer_start(&spec, &broker), 0);

    char port_text[8];
    snprintf(port_text, sizeof port_text, "%u", (unsigned)port);
    const char *sargv[] = {
        "mosquitto_sub", "-h", "127.0.0.1", "-p", port_text, "--cafile", pki->ca_pem, "-t",
        "/mqtt/topic/#", "-v", "-C",        "3",  NULL};
    iotls_test_cmd_t sub_cmd = {.argv = sargv, .timeout_ms = 30000};
    iotls_test_job_t sub;
    assert_int_equal(iotls_test_cmd_start(&sub_cmd, &sub), 0);
    usleep(300 * 1000); /* let it subscribe before the app publishes */

    char ports[64];
    snprintf(ports, sizeof ports, "IOTLS_ESPCONN_PORTS=8883=%u", (unsigned)port);
    const char *env[] = {"IOTLS_ESPCONN_HOSTS=mqtt.iotls.test=127.0.0.1", ports, NULL};
    iotls_test_job_t job;
    app_start("esp_mqtt", env, &job);
    int got = iotls_test_cmd_wait_stdout(&job, "Receive topic: /mqtt/topic/2, data: hello2", 20000);
    iotls_test_result_t sub_res;
    assert_int_equal(iotls_test_cmd_wait(&sub, &sub_res), 0);
    char *err, *out = app_stop(&job, &err);
    iotls_test_peer_stop(&broker);
    if (!got || !iotls_test_result_ok(&sub_res)) {
        dump_app("esp_mqtt", out, err);
        iotls_test_result_dump("mosquitto_sub", &sub_res);
        iotls_test_peer_dump(&broker);
    }
    assert_true(got);
    assert_non_null(strstr(out, "MQTT: Connected to mqtt.iotls.test:8883"));
    assert_non_null(strstr(out, "Receive topic: /mqtt/topic/0, data: hello0"));
    assert_non_null(strstr(out, "Receive topic: /mqtt/topic/1, data: hello1"));
    /* The app's own hooks and calls, as SDK 3 boot makes them. */
    assert_non_null(strstr(err, "boot: RF calibration sector 0x3FB (user_rf_cal_sector_set)"));
    assert_non_null(strstr(err, "uart_init(115200, 115200): no UART on a PC"));
    assert_non_null(strstr(err, "SSL client connected: TLS 1.2"));
    assert_true(iotls_test_result_ok(&sub_res));
    assert_non_null(strstr(sub_res.out, "/mqtt/topic/0 hello0"));
    assert_non_null(strstr(sub_res.out, "/mqtt/topic/1 hello1"));
    assert_non_null(strstr(sub_res.out, "/mqtt/topic/2 hello2"));
    iotls_test_result_free(&sub_res);
    free(out), free(err);
}

/* jkent/espbot (USE_SECURE): on EVENT_STAMODE_GOT_IP it resolves
 * irc.jkent.net, connects with espconn_secure_connect (no verification, as
 * the app is written), registers, and answers the server's PING. s_server
 * switches context only when the client sent SNI irc.jkent.net. */
static void test_espbot_against_s_server(void **state)
{
    (void)state;
    const iotls_test_pki_t *pki = iotls_test_pki();
    assert_non_null(pki);
    const char *extra[] = {"-servername", "irc.jkent.net",    "-cert2", pki->server_ec.chain,
                           "-key2",       pki->server_ec.key, NULL};
    iotls_test_s_server_opts_t o = {.mode = IOTLS_TEST_S_SERVER_STDIO, .extra = extra};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(&o, &srv), 0);
    char ports[64];
    snprintf(ports, sizeof ports, "IOTLS_ESPCONN_PORTS=6697=%u", (unsigned)srv.port);
    const char *env[] = {"IOTLS_ESPCONN_HOSTS=irc.jkent.net=127.0.0.1", ports, NULL};
    iotls_test_job_t job;
    app_start("espbot", env, &job);
    int registered = iotls_test_peer_wait_stdout(&srv, "NICK espbot", 15000);
    int ponged = 0;
    if (registered) {
        /* With a source prefix: s_server treats stdin lines that start
         * with 'P' (and Q, q, r, R, k, K, c, S) as its own commands. */
        const char ping[] = ":irc.test PING :iotls-ping-42\r\n";
        assert_int_equal(iotls_test_peer_write_stdin(&srv, ping, sizeof ping - 1), 0);
        ponged = iotls_test_peer_wait_stdout(&srv, "PONG :iotls-ping-42", 10000);
    }
    char *err, *out = app_stop(&job, &err);
    size_t len;
    char *srv_out = iotls_test_peer_stdout(&srv, &len);
    iotls_test_peer_stop(&srv);
    if (!registered || !ponged) {
        dump_app("espbot", out, err);
        iotls_test_peer_dump(&srv);
    }
    assert_true(registered);
    assert_true(ponged);
    assert_non_null(strstr(srv_out, "USER espbot 8 * :ESP8266 IRC bot"));
    assert_non_null(strstr(srv_out, "Switching server context."));   /* SNI was sent */
    assert_non_null(strstr(out, "<< NICK espbot"));                  /* its printf, unbuffered */
    assert_non_null(strstr(err, "certificate verification is OFF")); /* loud, as always */
    free(srv_out), free(out), free(err);
}

/* Reads from fd until `needle` arrived or 10 s passed. */
static int read_until(int fd, const char *needle, char *buf, size_t cap)
{
    size_t have = 0;
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (have + 1 < cap) {
        ssize_t n = recv(fd, buf + have, cap - 1 - have, 0);
        if (n <= 0)
            break;
        have += (size_t)n;
        buf[have] = '\0';
        if (strstr(buf, needle))
            return 1;
    }
    buf[have] = '\0';
    return 0;
}

/* jkent/espircd: an IRC server on plain TCP (espconn_accept, espconn_sent
 * through the listening espconn, espconn_regist_time). A client registers
 * and gets the welcome; a second one joins a channel with the first. */
static void test_espircd_plain_tcp(void **state)
{
    (void)state;
    uint16_t port = iotls_test_free_port();
    assert_true(port != 0);
    char ports[64];
    snprintf(ports, sizeof ports, "IOTLS_ESPCONN_PORTS=6667=%u", (unsigned)port);
    const char *env[] = {ports, NULL};
    iotls_test_job_t job;
    app_start("espircd", env, &job);
    int ready =
        iotls_test_cmd_wait_stdout(&job, "Ready", 10000) && iotls_test_port_open(port, 5000);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char buf[4096] = "";
    int welcomed = 0, joined = 0;
    if (ready && connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        const char reg[] = "NICK alice\r\nUSER alice 0 * :Alice\r\n";
        send(fd, reg, sizeof reg - 1, 0);
        welcomed = read_until(fd, " 001 alice ", buf, sizeof buf);
        const char join[] = "JOIN #iotls\r\n";
        send(fd, join, sizeof join - 1, 0);
        joined = read_until(fd, "JOIN", buf, sizeof buf);
    }
    close(fd);
    char *err, *out = app_stop(&job, &err);
    if (!welcomed || !joined) {
        dump_app("espircd", out, err);
        fprintf(stderr, "client saw: %s\n", buf);
    }
    assert_true(ready);
    assert_true(welcomed);
    assert_true(joined);
    assert_non_null(strstr(err, "TCP server listening on 127.0.0.1:"));
    free(out), free(err);
}

/* FlorianBrett/ESP8266-MQTT-Device: plain MQTT to a fixed cloud broker
 * (m10.cloudmqtt.com:10308), publishing its switch input every 100 ms and
 * driving GPIO4 from /esp1/led1. mosquitto (no TLS) stands in for the
 * broker; a mosquitto_pub of "0" to /esp1/led1 turns the output off, which
 * the host's GPIO no-op logs. */
static void test_mqtt_device_plain_mqtt_and_gpio(void **state)
{
    (void)state;
    uint16_t port = iotls_test_free_port();
    assert_true(port != 0);
    char conf[600], text[256];
    assert_non_null(iotls_test_tmp_path(conf, sizeof conf, "mosquitto-plain.conf"));
    int n = snprintf(text, sizeof text,
                     "listener %u 127.0.0.1\nallow_anonymous true\npersistence false\n",
                     (unsigned)port);
    assert_int_equal(iotls_test_write_file(conf, text, (size_t)n), 0);
    const char *margv[] = {"mosquitto", "-c", conf, NULL};
    iotls_test_peer_spec_t spec = {.name = "mosquitto-plain", .argv = margv, .port = port};
    iotls_test_peer_t broker;
    assert_int_equal(iotls_test_peer_start(&spec, &broker), 0);
    char ports[64];
    snprintf(ports, sizeof ports, "IOTLS_ESPCONN_PORTS=10308=%u", (unsigned)port);
    const char *env[] = {"IOTLS_ESPCONN_HOSTS=m10.cloudmqtt.com=127.0.0.1", ports, NULL};
    iotls_test_job_t job;
    app_start("mqtt_device", env, &job);
    int connected =
        iotls_test_cmd_wait_stdout(&job, "Receive topic: /esp1/switch1, data: hello", 30000);
    int switched = 0;
    /* The app's MQTT library reads one TCP segment at a time and drops what
     * follows a non-PUBLISH packet or a packet cut at the segment's end; on
     * a busy machine the broker's segments carry several packets, so the "0"
     * may be lost by the app itself: publish it again until it arrives. */
    for (int attempt = 0; connected && !switched && attempt < 10; attempt++) {
        char port_text[8];
        snprintf(port_text, sizeof port_text, "%u", (unsigned)port);
        const char *pargv[] = {"mosquitto_pub", "-h", "127.0.0.1", "-p", port_text, "-t",
                               "/esp1/led1",    "-m", "0",         NULL};
        iotls_test_cmd_t pub = {.argv = pargv, .timeout_ms = 20000};
        iotls_test_result_t r;
        assert_int_equal(iotls_test_run_cmd(&pub, &r), 0);
        assert_true(iotls_test_result_ok(&r));
        iotls_test_result_free(&r);
        switched = iotls_test_cmd_wait_stdout(&job, "Receive topic: /esp1/led1, data: 0", 3000);
    }
    char *err, *out = app_stop(&job, &err);
    iotls_test_peer_stop(&broker);
    if (!connected || !switched) {
        dump_app("mqtt_device", out, err);
        iotls_test_peer_dump(&broker);
    }
    assert_true(connected);
    assert_true(switched);
    assert_non_null(strstr(out, "mqttConnected!"));
    assert_non_null(strstr(out, "Switch value updated to:0"));
    assert_non_null(strstr(err, "gpio: outputs now 0x0010 (was 0x0000)")); /* GPIO4 on at boot */
    assert_non_null(strstr(err, "gpio: outputs now 0x0000 (was 0x0010)")); /* off by MQTT */
    assert_non_null(strstr(err, "espconn_connect: port 10308 is port"));
    free(out), free(err);
}

static int curl_get(const char *url, const char *post, iotls_test_result_t *r)
{
    const char *args[] = {"-s", "-i", "-m", "10", url, post ? "-d" : NULL, post, NULL};
    return iotls_test_curl_run(args, 15000, r);
}

/* A DNS query for name (type A) to 127.0.0.1:port; 1 when an answer with
 * the same id and at least one record came back. */
static int dns_answers(uint16_t port, const char *name)
{
    uint8_t q[512] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};
    size_t n = 12;
    for (const char *label = name; *label;) {
        const char *dot = strchr(label, '.');
        size_t len = dot ? (size_t)(dot - label) : strlen(label);
        q[n++] = (uint8_t)len;
        memcpy(q + n, label, len);
        n += len;
        label += len + (dot != NULL);
    }
    q[n++] = 0;
    const uint8_t tail[] = {0, 1, 0, 1}; /* A, IN */
    memcpy(q + n, tail, 4);
    n += 4;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    uint8_t r[512];
    ssize_t got = -1;
    if (sendto(fd, q, n, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)n)
        got = recv(fd, r, sizeof r, 0);
    close(fd);
    return got >= 12 && r[0] == 0x12 && r[1] == 0x34 && (r[2] & 0x80) && (r[6] << 8 | r[7]) >= 1;
}

/* Spritetm/esphttpd (with libesphttpd): its pages come from the espfs
 * image its own mkespfsimage made from its html/, written into the flash
 * image at ESPFS_POS (0x300000) as its "separate" layout expects. */
static void test_esphttpd_http_and_captive_dns(void **state)
{
    (void)state;
    char espfs[600], image[600];
    const char *b = getenv("IOTLS_BUILD");
    snprintf(espfs, sizeof espfs, "%s/realapps/esp8266/esphttpd.espfs", b ? b : "build");
    size_t len = 0;
    char *fs = iotls_test_read_file(espfs, &len);
    assert_non_null(fs);
    assert_non_null(iotls_test_tmp_path(image, sizeof image, "esphttpd.img"));
    assert_int_equal(iotls_test_flash_put(image, 0x300, fs, len), 0);
    free(fs);
    uint16_t http = iotls_test_free_port(), dns = iotls_test_free_port();
    assert_true(http != 0 && dns != 0);
    char flash_env[700], ports[64];
    snprintf(flash_env, sizeof flash_env, "IOTLS_FLASH=%s", image);
    snprintf(ports, sizeof ports, "IOTLS_ESPCONN_PORTS=80=%u,53=%u", (unsigned)http, (unsigned)dns);
    const char *env[] = {flash_env, ports, NULL};
    iotls_test_job_t job;
    app_start("esphttpd", env, &job);
    int ready =
        iotls_test_cmd_wait_stdout(&job, "Ready", 10000) && iotls_test_port_open(http, 5000);
    char url[64];
    iotls_test_result_t root = {0}, page = {0}, led = {0}, ledpage = {0}, scan = {0};
    int dns_ok = 0;
    if (ready) {
        snprintf(url, sizeof url, "http://127.0.0.1:%u/", (unsigned)http);
        curl_get(url, NULL, &root);
        snprintf(url, sizeof url, "http://127.0.0.1:%u/index.tpl", (unsigned)http);
        curl_get(url, NULL, &page);
        snprintf(url, sizeof url, "http://127.0.0.1:%u/led.cgi", (unsigned)http);
        curl_get(url, "led=1", &led);
        snprintf(url, sizeof url, "http://127.0.0.1:%u/led.tpl", (unsigned)http);
        curl_get(url, NULL, &ledpage);
        snprintf(url, sizeof url, "http://127.0.0.1:%u/wifi/wifiscan.cgi", (unsigned)http);
        curl_get(url, NULL, &scan);
        dns_ok = dns_answers(dns, "esp8266.nonet");
    }
    char *err, *out = app_stop(&job, &err);
    int ok = ready && root.out && strstr(root.out, "Location: /index.tpl") && page.out &&
             strstr(page.out, "<h1>It Works</h1>") && led.out && strstr(led.out, "302") &&
             ledpage.out && strstr(ledpage.out, "it's now on") && scan.out &&
             strstr(scan.out, "\"APs\"") && dns_ok;
    if (!ok) {
        dump_app("esphttpd", out, err);
        iotls_test_result_dump("GET /", &root);
        iotls_test_result_dump("GET /index.tpl", &page);
        iotls_test_result_dump("POST /led.cgi", &led);
        iotls_test_result_dump("GET /led.tpl", &ledpage);
        iotls_test_result_dump("GET /wifi/wifiscan.cgi", &scan);
        fprintf(stderr, "dns answered: %d\n", dns_ok);
    }
    assert_true(ok);
    assert_non_null(strstr(err, "gpio: outputs now 0x0004")); /* GPIO2, the LED */
    assert_non_null(strstr(err, "espconn_create: port 53 is port"));
    assert_non_null(strstr(out, "URL = /led.cgi"));
    iotls_test_result_free(&root), iotls_test_result_free(&page), iotls_test_result_free(&led);
    iotls_test_result_free(&ledpage), iotls_test_result_free(&scan);
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_app_built),
        cmocka_unit_test(test_esp_mqtt_against_mosquitto_tls),
        cmocka_unit_test(test_espbot_against_s_server),
        cmocka_unit_test(test_espircd_plain_tcp),
        cmocka_unit_test(test_mqtt_device_plain_mqtt_and_gpio),
        cmocka_unit_test(test_esphttpd_http_and_captive_dns),
    };
    return cmocka_run_group_tests(tests, NULL, iotls_test_pki_teardown);
}
