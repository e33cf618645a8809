/* The SDK around TLS, one group per test, in one process (the layer's loop
 * driven by espconn_host_run): header facts real applications rely on,
 * os_* names an application's locals cannot shadow, plain TCP (client,
 * server, sends queued behind each other, the listening espconn naming a
 * client, idle timeout, refused), UDP, system_os_task/post, the Wi-Fi
 * events and calls, system calls (flash map, partitions, RTC memory,
 * parameters, OTA refused), hardware no-ops that log, SNTP from the host
 * clock, and os_printf writing at once. (DNS while a lookup is pending:
 * test_espconn_api.c.) */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "iotls/compat/esp8266/pwm.h"
#include "iotls/compat/esp8266/smartconfig.h"
#include "iotls/compat/esp8266/sntp.h"
#include "iotls/compat/esp8266/upgrade.h"
#include "iotls/compat/espconn.h"
#include "log_capture.h"
#include "tmpdir.h"

static int setup(void **state)
{
    (void)state;
    espconn_host_set_log(iotls_test_log_capture, NULL);
    iotls_test_log_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    espconn_host_shutdown();
    unsetenv(ESPCONN_HOST_ENV_HOSTS);
    unsetenv(ESPCONN_HOST_ENV_PORTS);
    return 0;
}

/* ---- headers ---------------------------------------------------------- */

static void test_header_facts(void **state)
{
    (void)state;
    /* The connection-level enum doubles as the manual's SSL levels. */
    assert_int_equal(ESPCONN_CLIENT, 0x01);
    assert_int_equal(ESPCONN_SERVER, 0x02);
    assert_int_equal(ESPCONN_BOTH, 0x03);
    assert_int_equal(ESPCONN_MAX, 4);
    err_t e = ESPCONN_INPROGRESS;
    assert_int_equal(e, -5);
    /* Applications post pointers in an os_param_t. */
    assert_int_equal(sizeof(os_param_t), sizeof(void *));
    assert_int_equal(OK, 0);
    assert_int_equal(CANCEL, 4);
    assert_int_equal(FLASH_SIZE_32M_MAP_1024_1024, 6);
    assert_int_equal(SYSTEM_PARTITION_CUSTOMER_BEGIN, 100);
    assert_int_equal(REASON_NO_AP_FOUND, 201);
    assert_int_equal(EVENT_STAMODE_GOT_IP, 3);
    assert_int_equal(AUTH_WPA2_PSK, 3);
    assert_int_equal(BIT5, 0x20u);
    struct station_config sc;
    assert_int_equal(sizeof sc.ssid, 32);
    assert_int_equal(sizeof sc.password, 64);
    uint8 mac[6] = {1, 2, 3, 0xaa, 0xbb, 0xcc};
    char text[32];
    snprintf(text, sizeof text, MACSTR, MAC2STR(mac));
    assert_string_equal(text, "01:02:03:aa:bb:cc");
    /* Registers are an inert file: what is written reads back. */
    WRITE_PERI_REG(PERIPHS_IO_MUX_GPIO2_U, 0);
    PIN_FUNC_SELECT(PERIPHS_IO_MUX_GPIO2_U, FUNC_U1TXD_BK);
    assert_int_equal(READ_PERI_REG(PERIPHS_IO_MUX_GPIO2_U), 2u << PERIPHS_IO_MUX_FUNC_S);
    SET_PERI_REG_MASK(PERIPHS_IO_MUX_GPIO2_U, BIT0);
    assert_true(READ_PERI_REG(PERIPHS_IO_MUX_GPIO2_U) & BIT0);
}

/* As with the SDK, os_* work in a function whose locals are named like the
 * C library's functions. */
static void test_os_names_beside_locals(void **state)
{
    (void)state;
    char text[] = "espconn on a host";
    char *strstr = os_strstr(text, " on ");
    size_t strlen = os_strlen(text);
    char memcpy[8];
    os_memcpy(memcpy, "abc", 4);
    char *strchr = os_strchr(text, 'h');
    assert_non_null(strstr);
    assert_string_equal(strstr, " on a host");
    assert_int_equal(strlen, 17);
    assert_string_equal(memcpy, "abc");
    assert_string_equal(strchr, "host");
    char small[4];
    assert_int_equal(os_snprintf(small, sizeof small, "%d", 12345), 5);
    assert_string_equal(small, "123");
    /* os_strcat, unbounded on the SDK, stops at a known destination size. */
    char joined[8] = "ab";
    os_strcat(joined, "cd");
    assert_string_equal(joined, "abcd");
    os_strcat(joined, "efghij");
    assert_string_equal(joined, "abcdefg");
    assert_logged("os_strcat: 6 characters truncated to 3 to fit the destination");
    void *p = os_zalloc(16);
    assert_non_null(p);
    assert_int_equal(((uint8 *)p)[15], 0);
    os_free(p);
}

/* ---- plain TCP ---------------------------------------------------------- */

static struct {
    struct espconn srv, cli;
    esp_tcp srv_tcp, cli_tcp;
    int srv_connects, cli_connects, srv_discon, cli_discon, sent, recon;
    sint8 recon_err, second_send, listening_send;
    char srv_got[64], cli_got[64];
    struct espconn *accepted;
} tcp;

static void tcp_srv_recv(void *arg, char *p, unsigned short len)
{
    (void)arg;
    strncat(tcp.srv_got, p, len < 20 ? len : 20);
    if (strcmp(tcp.srv_got, "hello,world") == 0) {
        /* Older applications answer through the listening espconn, naming
         * the client by its remote address (as espircd does). */
        memcpy(tcp.srv_tcp.remote_ip, tcp.accepted->proto.tcp->remote_ip, 4);
        tcp.srv_tcp.remote_port = tcp.accepted->proto.tcp->remote_port;
        tcp.listening_send = espconn_sent(&tcp.srv, (uint8 *)"bye", 3);
    }
}

static void tcp_srv_discon(void *arg)
{
    (void)arg;
    tcp.srv_discon++;
    espconn_delete(&tcp.srv); /* the server ends: the loop can finish */
}

static void tcp_srv_connect(void *arg)
{
    struct espconn *c = arg;
    tcp.srv_connects++;
    tcp.accepted = c;
    espconn_regist_recvcb(c, tcp_srv_recv);
    espconn_regist_disconcb(c, tcp_srv_discon);
    remot_info *info = NULL;
    assert_int_equal(espconn_get_connection_info(&tcp.srv, &info, 0), ESPCONN_OK);
    assert_int_equal(tcp.srv.link_cnt, 1);
    assert_int_equal(info[0].remote_port, c->proto.tcp->remote_port);
}

static void tcp_cli_recv(void *arg, char *p, unsigned short len)
{
    strncat(tcp.cli_got, p, len < 20 ? len : 20);
    if (strcmp(tcp.cli_got, "bye") == 0)
        espconn_disconnect(arg);
}

static void tcp_cli_sent(void *arg)
{
    (void)arg;
    tcp.sent++;
}

static void tcp_cli_discon(void *arg)
{
    (void)arg;
    tcp.cli_discon++;
}

static void tcp_cli_connect(void *arg)
{
    tcp.cli_connects++;
    espconn_regist_recvcb(arg, tcp_cli_recv);
    espconn_regist_sentcb(arg, tcp_cli_sent);
    espconn_regist_disconcb(arg, tcp_cli_discon);
    assert_int_equal(espconn_send(arg, (uint8 *)"hello", 5), ESPCONN_OK);
    /* Before the sent callback: queued behind the first. */
    tcp.second_send = espconn_send(arg, (uint8 *)",world", 6);
}

static void test_plain_tcp(void **state)
{
    (void)state;
    memset(&tcp, 0, sizeof tcp);
    tcp.srv.type = ESPCONN_TCP;
    tcp.srv.proto.tcp = &tcp.srv_tcp;
    espconn_regist_connectcb(&tcp.srv, tcp_srv_connect);
    assert_int_equal(espconn_accept(&tcp.srv), ESPCONN_OK);
    assert_true(tcp.srv_tcp.local_port > 0); /* 0 picks one and writes it back */
    assert_int_equal(espconn_accept(&tcp.srv), ESPCONN_ISCONN);
    assert_int_equal(espconn_host_plain_listeners(), 1);

    tcp.cli.type = ESPCONN_TCP;
    tcp.cli.proto.tcp = &tcp.cli_tcp;
    tcp.cli_tcp.remote_port = tcp.srv_tcp.local_port;
    IP4_ADDR((ip_addr_t *)(void *)tcp.cli_tcp.remote_ip, 127, 0, 0, 1);
    espconn_regist_connectcb(&tcp.cli, tcp_cli_connect);
    assert_int_equal(espconn_connect(&tcp.cli), ESPCONN_OK);
    assert_int_equal(espconn_connect(&tcp.cli), ESPCONN_ISCONN);
    assert_int_equal(tcp.cli_connects, 0); /* never inside the call */
    assert_int_equal(espconn_host_run(), 0);

    assert_int_equal(tcp.cli_connects, 1);
    assert_int_equal(tcp.srv_connects, 1);
    assert_true(tcp.accepted != &tcp.srv); /* a per-client espconn */
    assert_int_equal(tcp.second_send, ESPCONN_OK);
    assert_string_equal(tcp.srv_got, "hello,world");
    assert_int_equal(tcp.listening_send, ESPCONN_OK);
    assert_string_equal(tcp.cli_got, "bye");
    assert_int_equal(tcp.sent, 1); /* once both sends were written */
    assert_int_equal(tcp.cli_discon, 1);
    assert_int_equal(tcp.srv_discon, 1);
    assert_int_equal(espconn_host_plain_connections(), 0);
    assert_int_equal(espconn_host_plain_listeners(), 0);
}

static void tcp_refused(void *arg, sint8 err)
{
    (void)arg;
    tcp.recon++;
    tcp.recon_err = err;
}

static void test_plain_tcp_refused_and_bad(void **state)
{
    (void)state;
    memset(&tcp, 0, sizeof tcp);
    /* A port nothing listens on: find one by listening and deleting. */
    tcp.srv.type = ESPCONN_TCP;
    tcp.srv.proto.tcp = &tcp.srv_tcp;
    assert_int_equal(espconn_accept(&tcp.srv), ESPCONN_OK);
    int port = tcp.srv_tcp.local_port;
    assert_int_equal(espconn_delete(&tcp.srv), ESPCONN_OK);
    assert_int_equal(espconn_delete(&tcp.srv), ESPCONN_ARG);

    tcp.cli.type = ESPCONN_TCP;
    tcp.cli.proto.tcp = &tcp.cli_tcp;
    tcp.cli_tcp.remote_port = port;
    IP4_ADDR((ip_addr_t *)(void *)tcp.cli_tcp.remote_ip, 127, 0, 0, 1);
    espconn_regist_reconcb(&tcp.cli, tcp_refused);
    assert_int_equal(espconn_connect(&tcp.cli), ESPCONN_OK);
    assert_int_equal(espconn_host_run(), 0);
    assert_int_equal(tcp.recon, 1);
    assert_int_equal(tcp.recon_err, ESPCONN_RST);
    assert_logged("connect failed: Connection refused");

    /* Bad calls: clear errors, nothing changes. */
    struct espconn udp_like = {.type = ESPCONN_UDP};
    assert_int_equal(espconn_connect(&udp_like), ESPCONN_ARG);
    assert_int_equal(espconn_connect(NULL), ESPCONN_ARG);
    assert_int_equal(espconn_send(&tcp.cli, (uint8 *)"x", 1), ESPCONN_ARG);
    assert_logged("espconn_send: this espconn has no TCP connection");
    assert_int_equal(espconn_disconnect(&tcp.cli), ESPCONN_ARG);
    assert_int_equal(espconn_tcp_set_max_con(0), ESPCONN_ARG);
    assert_int_equal(espconn_tcp_set_max_con(1), ESPCONN_OK);
    assert_int_equal(espconn_tcp_get_max_con(), 1);
    assert_int_equal(espconn_regist_time(&tcp.srv, 7201, 0), ESPCONN_ARG);
    /* A bind address that is not one never turns into "every address". */
    setenv(ESPCONN_HOST_ENV_BIND, "localhost", 1);
    assert_int_equal(espconn_accept(&tcp.srv), ESPCONN_ARG);
    assert_logged("IOTLS_ESPCONN_BIND=localhost is not an IPv4 address (or *): not listening");
    unsetenv(ESPCONN_HOST_ENV_BIND);
    assert_int_equal(espconn_host_plain_listeners(), 0);
}

static int idle_discon;
static void idle_gone(void *arg)
{
    (void)arg;
    idle_discon++;
    espconn_delete(&tcp.srv);
}

static void idle_accepted(void *arg)
{
    espconn_regist_disconcb(arg, idle_gone);
}

static void idle_cli_discon(void *arg)
{
    (void)arg;
    tcp.cli_discon++;
}

static void test_plain_tcp_idle_timeout(void **state)
{
    (void)state;
    memset(&tcp, 0, sizeof tcp);
    idle_discon = 0;
    tcp.srv.type = ESPCONN_TCP;
    tcp.srv.proto.tcp = &tcp.srv_tcp;
    espconn_regist_connectcb(&tcp.srv, idle_accepted);
    /* Before espconn_accept, as applications do: kept for the server. */
    assert_int_equal(espconn_regist_time(&tcp.srv, 1, 0), ESPCONN_OK);
    assert_int_equal(espconn_accept(&tcp.srv), ESPCONN_OK);
    tcp.cli.type = ESPCONN_TCP;
    tcp.cli.proto.tcp = &tcp.cli_tcp;
    tcp.cli_tcp.remote_port = tcp.srv_tcp.local_port;
    IP4_ADDR((ip_addr_t *)(void *)tcp.cli_tcp.remote_ip, 127, 0, 0, 1);
    espconn_regist_disconcb(&tcp.cli, idle_cli_discon);
    assert_int_equal(espconn_connect(&tcp.cli), ESPCONN_OK);
    time_t t0 = time(NULL);
    assert_int_equal(espconn_host_run(), 0);
    assert_int_equal(idle_discon, 1);
    assert_int_equal(tcp.cli_discon, 1); /* the client sees the close */
    assert_true(time(NULL) - t0 <= 4);
    assert_logged("idle for 1 s (espconn_regist_time): closing");
}

/* ---- UDP ----------------------------------------------------------------- */

static struct {
    struct espconn a, b;
    esp_udp a_udp, b_udp;
    char a_got[32], b_got[32];
} udp;

static void udp_b_recv(void *arg, char *p, unsigned short len)
{
    struct espconn *c = arg;
    snprintf(udp.b_got, sizeof udp.b_got, "%.*s", (int)len, p);
    /* remote_ip/port now name the sender: the reply goes back to it. */
    assert_int_equal(c->proto.udp->remote_port, udp.a_udp.local_port);
    espconn_sent(c, (uint8 *)"pong", 4);
}

static void udp_a_recv(void *arg, char *p, unsigned short len)
{
    (void)arg;
    snprintf(udp.a_got, sizeof udp.a_got, "%.*s", (int)len, p);
    espconn_delete(&udp.a);
    espconn_delete(&udp.b);
}

static void test_udp(void **state)
{
    (void)state;
    memset(&udp, 0, sizeof udp);
    udp.a.type = udp.b.type = ESPCONN_UDP;
    udp.a.proto.udp = &udp.a_udp;
    udp.b.proto.udp = &udp.b_udp;
    espconn_regist_recvcb(&udp.a, udp_a_recv);
    espconn_regist_recvcb(&udp.b, udp_b_recv);
    assert_int_equal(espconn_create(&udp.a), ESPCONN_OK);
    assert_int_equal(espconn_create(&udp.b), ESPCONN_OK);
    assert_int_equal(espconn_create(&udp.b), ESPCONN_ISCONN);
    assert_int_equal(espconn_host_udp_sockets(), 2);
    udp.a_udp.remote_port = udp.b_udp.local_port;
    IP4_ADDR((ip_addr_t *)(void *)udp.a_udp.remote_ip, 127, 0, 0, 1);
    assert_int_equal(espconn_sendto(&udp.a, (uint8 *)"ping", 4), ESPCONN_OK);
    /* Open UDP sockets keep the loop running (a UDP server lives on). */
    assert_int_equal(espconn_host_run(), 0);
    assert_string_equal(udp.b_got, "ping");
    assert_string_equal(udp.a_got, "pong");
    assert_int_equal(espconn_host_udp_sockets(), 0);
    struct espconn tcp_like = {.type = ESPCONN_TCP};
    assert_int_equal(espconn_create(&tcp_like), ESPCONN_ARG);
    assert_int_equal(espconn_sendto(&udp.a, (uint8 *)"x", 1), ESPCONN_ARG);
}

/* ---- tasks ----------------------------------------------------------------- */

static char task_trace[64];
static os_event_t q0[2], q2[4];

static void task_low(os_event_t *e)
{
    size_t n = strlen(task_trace);
    snprintf(task_trace + n, sizeof task_trace - n, "L%u:%u ", (unsigned)e->sig,
             (unsigned)(e->par == (os_param_t)(uintptr_t)task_trace));
}

static void task_high(os_event_t *e)
{
    size_t n = strlen(task_trace);
    snprintf(task_trace + n, sizeof task_trace - n, "H%u ", (unsigned)e->sig);
}

static void test_tasks(void **state)
{
    (void)state;
    task_trace[0] = '\0';
    assert_true(system_os_task(task_low, USER_TASK_PRIO_0, q0, 2));
    assert_true(system_os_task(task_high, USER_TASK_PRIO_2, q2, 4));
    assert_false(system_os_task(task_high, USER_TASK_PRIO_2, q2, 4));
    assert_false(system_os_task(task_high, 3, q2, 4));
    /* A pointer travels in os_param_t. */
    assert_true(system_os_post(USER_TASK_PRIO_0, 1, (os_param_t)(uintptr_t)task_trace));
    assert_true(system_os_post(USER_TASK_PRIO_0, 2, 0));
    assert_false(system_os_post(USER_TASK_PRIO_0, 3, 0)); /* queue of 2 is full */
    assert_true(system_os_post(USER_TASK_PRIO_2, 7, 0));
    assert_false(system_os_post(USER_TASK_PRIO_1, 1, 0)); /* no task there */
    assert_string_equal(task_trace, "");                  /* never inside the call */
    assert_int_equal(espconn_host_run(), 0);
    assert_string_equal(task_trace, "H7 L1:1 L2:0 ");
    assert_logged("the queue of priority 0 is full");
}

/* ---- Wi-Fi -------------------------------------------------------------- */

static char wifi_trace[128];
static void on_wifi(System_Event_t *e)
{
    size_t n = strlen(wifi_trace);
    if (e->event == EVENT_STAMODE_GOT_IP)
        snprintf(wifi_trace + n, sizeof wifi_trace - n, "got_ip " IPSTR " ",
                 IP2STR(&e->event_info.got_ip.ip));
    else
        snprintf(wifi_trace + n, sizeof wifi_trace - n, "ev%u %s ", (unsigned)e->event,
                 (const char *)e->event_info.connected.ssid);
}

static int scans;
static void on_scan(void *arg, STATUS status)
{
    struct bss_info *b = arg;
    scans++;
    assert_int_equal(status, OK);
    assert_non_null(b);
    assert_memory_equal(b->ssid, "iotls-host", 10);
    assert_null(STAILQ_NEXT(b, next));
}

static void test_wifi(void **state)
{
    (void)state;
    wifi_trace[0] = '\0';
    scans = 0;
    wifi_set_event_handler_cb(on_wifi);
    assert_true(wifi_set_opmode_current(STATION_MODE));
    assert_false(wifi_set_opmode(4));
    struct station_config sc = {.ssid = "home", .password = "secret"}, back;
    assert_true(wifi_station_set_config_current(&sc));
    assert_true(wifi_station_get_config(&back));
    assert_string_equal((char *)back.ssid, "home");
    assert_true(wifi_station_connect());
    assert_int_equal(wifi_station_get_connect_status(), STATION_GOT_IP);
    assert_true(wifi_set_sleep_type(MODEM_SLEEP_T));
    assert_int_equal(wifi_get_sleep_type(), MODEM_SLEEP_T);
    assert_true(wifi_set_phy_mode(PHY_MODE_11G));
    assert_int_equal(wifi_get_phy_mode(), PHY_MODE_11G);
    uint8 mac[6];
    assert_true(wifi_get_macaddr(STATION_IF, mac));
    assert_int_equal(mac[0] & 0x02, 0x02); /* locally administered */
    struct ip_info ip;
    assert_true(wifi_get_ip_info(STATION_IF, &ip));
    assert_memory_equal(&ip.ip.addr, "\x7f\x00\x00\x01", 4);
    assert_true(wifi_station_scan(NULL, on_scan));
    espconn_host_network_up(); /* what the runtime does after user_init */
    assert_string_equal(wifi_trace, "");
    assert_int_equal(espconn_host_run(), 0);
    assert_string_equal(wifi_trace, "ev0 iotls-host got_ip 127.0.0.1 ");
    assert_int_equal(scans, 1);
}

/* ---- system ------------------------------------------------------------ */

static void test_system_calls(void **state)
{
    (void)state;
    assert_int_equal(system_get_flash_size_map(), FLASH_SIZE_32M_MAP_1024_1024);
    static const partition_item_t good[] = {
        {SYSTEM_PARTITION_RF_CAL, 0x3fb000, 0x1000},
        {SYSTEM_PARTITION_PHY_DATA, 0x3fc000, 0x1000},
        {SYSTEM_PARTITION_SYSTEM_PARAMETER, 0x3fd000, 0x3000},
    };
    static const partition_item_t overlap[] = {
        {SYSTEM_PARTITION_RF_CAL, 0x3fb000, 0x2000},
        {SYSTEM_PARTITION_PHY_DATA, 0x3fc000, 0x1000},
    };
    static const partition_item_t outside[] = {{SYSTEM_PARTITION_OTA_1, 0x3ff000, 0x2000}};
    assert_false(system_partition_table_regist(overlap, 2, FLASH_SIZE_32M_MAP_1024_1024));
    assert_logged("partitions 0 and 1 overlap");
    assert_false(system_partition_table_regist(outside, 1, FLASH_SIZE_32M_MAP_1024_1024));
    assert_logged("outside the 4 MB flash");
    assert_true(system_partition_table_regist(good, 3, FLASH_SIZE_32M_MAP_1024_1024));
    partition_item_t it;
    assert_true(system_partition_get_item(SYSTEM_PARTITION_PHY_DATA, &it));
    assert_int_equal(it.addr, 0x3fc000);
    assert_false(system_partition_get_item(SYSTEM_PARTITION_OTA_2, &it));

    uint32 word = 0xA5A5F00D, back = 0;
    assert_true(system_rtc_mem_write(64, &word, 4));
    assert_true(system_rtc_mem_read(64, &back, 4));
    assert_int_equal(back, 0xA5A5F00D);
    assert_false(system_rtc_mem_write(63, &word, 4)); /* the system's blocks */
    assert_false(system_rtc_mem_read(191, &back, 8)); /* past the end */

    assert_int_equal(system_get_rst_info()->reason, REASON_DEFAULT_RST);
    assert_true(system_update_cpu_freq(SYS_CPU_160MHZ));
    assert_int_equal(system_get_cpu_freq(), 160);
    assert_false(system_update_cpu_freq(120));
    uint32 t1 = system_get_time();
    usleep(2000);
    assert_true(system_get_time() - t1 >= 2000);

    struct upgrade_server_info up = {0};
    assert_false(system_upgrade_start(&up));
    assert_logged("OTA upgrade is not possible on a PC");
    uint8 param[8];
    assert_false(system_param_save_with_protect(0x3C, param, sizeof param));
    assert_logged("read-only");
    /* No flash image attached: a load fails and says so. */
    assert_false(system_param_load(0x3C, 0, param, sizeof param));
    assert_logged("no flash image attached");
    assert_false(system_deep_sleep(1000000));
    assert_int_equal(system_mktime(1970, 1, 2, 0, 0, 0), 86400);
}

/* Parameters from a flash image: the SDK's protected scheme (flag sector
 * picks the copy). */
static void test_param_load_from_image(void **state)
{
    (void)state;
    char path[512];
    assert_non_null(iotls_test_tmp_path(path, sizeof path, "param.img"));
    static uint8_t img[0x40 * 4096];
    memset(img, 0xff, sizeof img);
    memcpy(img + 0x3C * 4096 + 8, "first", 6);
    memcpy(img + 0x3D * 4096 + 8, "second", 7);
    img[0x3E * 4096] = 1; /* flag: the second copy is current */
    assert_int_equal(iotls_test_write_file(path, img, sizeof img), 0);
    assert_true(espconn_host_attach_flash(path));
    char got[8] = "";
    assert_true(system_param_load(0x3C, 8, got, 7));
    assert_string_equal(got, "second");
    assert_false(system_param_load(0x3C, 4090, got, 8)); /* past the sector */
}

/* ---- hardware no-ops and SNTP ------------------------------------------ */

void uart_init(int uart0_br, int uart1_br); /* the app's driver/uart.h */

static void test_hardware_noops_log(void **state)
{
    (void)state;
    gpio_init();
    GPIO_OUTPUT_SET(4, 1);
    assert_int_equal(GPIO_INPUT_GET(4), 1);
    assert_logged("gpio: outputs now 0x0010 (was 0x0000)");
    GPIO_OUTPUT_SET(4, 1); /* no change, no line */
    assert_int_equal(iotls_test_log_count("gpio: outputs now"), 1);
    GPIO_OUTPUT_SET(4, 0);
    assert_int_equal(GPIO_INPUT_GET(4), 0);
    uint32 duty[2] = {100, 200};
    uint32 pins[2][3] = {{0}};
    pwm_init(1000, duty, 2, pins);
    pwm_start();
    pwm_set_duty(300, 1);
    assert_int_equal(pwm_get_duty(1), 300);
    assert_logged("pwm: channel 1 duty 300");
    pwm_set_duty(1, 9);
    assert_logged("pwm_set_duty: channel 9 does not exist");
    uart_init(115200, 115200);
    assert_logged("uart_init(115200, 115200): no UART on a PC");
    ETS_GPIO_INTR_ATTACH(NULL, NULL);
    assert_logged("interrupt 4: handler attached");
}

static void test_sntp(void **state)
{
    (void)state;
    sntp_stop();
    assert_int_equal(sntp_get_current_timestamp(), 0); /* before sntp_init */
    assert_true(sntp_set_timezone(0));
    assert_false(sntp_set_timezone(14));
    sntp_setservername(0, "pool.ntp.org");
    assert_string_equal(sntp_getservername(0), "pool.ntp.org");
    sntp_init();
    long now = (long)time(NULL);
    long ts = (long)sntp_get_current_timestamp();
    assert_true(ts - now >= -1 && ts - now <= 1);
    assert_true(sntp_set_timezone(2));
    ts = (long)sntp_get_current_timestamp();
    assert_true(ts - now >= 7199 && ts - now <= 7201);
    assert_string_equal(sntp_get_real_time(0), "Thu Jan  1 00:00:00 1970\n");
    sntp_stop();
}

/* ---- os_printf ----------------------------------------------------------- */

static void test_os_printf_unbuffered(void **state)
{
    (void)state;
    char path[512];
    assert_non_null(iotls_test_tmp_path(path, sizeof path, "stdout.txt"));
    fflush(stdout);
    int saved = dup(1);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    dup2(fileno(f), 1);
    os_printf("no newline yet %d", 42); /* a UART has no line buffer */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    off_t seen = st.st_size;
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    fclose(f);
    assert_int_equal(seen, 17);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_os_names_beside_locals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_tcp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_tcp_refused_and_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_tcp_idle_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wifi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_system_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_load_from_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hardware_noops_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sntp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_os_printf_unbuffered, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    iotls_test_tmpdir_free();
    return rc;
}
