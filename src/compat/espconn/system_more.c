/* The rest of user_interface.h's system calls on a PC: a fixed flash map,
 * the partition table, RTC memory in RAM, parameters read from the flash
 * image, reset reason, CPU and PHY settings (kept), and what a PC cannot
 * do (OTA, deep sleep, ADC) failing with a log line. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compat/espconn/espconn_internal.h"
#include "iotls/compat/esp8266/upgrade.h"

#define FLASH_BYTES (4u * 1024u * 1024u)

void system_timer_reinit(void)
{
    /* The chip switches os_timer_arm_us on; host timers always take us. */
}

uint32 system_get_rtc_time(void)
{
    return system_get_time() / 6u; /* the RTC ticks at about 5.75 us */
}

uint32 system_rtc_clock_cali_proc(void)
{
    return 6u << 12; /* 6 us per tick, Q12 fixed point as the SDK returns */
}

enum flash_size_map system_get_flash_size_map(void)
{
    return FLASH_SIZE_32M_MAP_1024_1024;
}

uint32 spi_flash_get_id(void)
{
    return 0x1640EF; /* a 4 MB (32 Mbit) part */
}

static partition_item_t parts[24];
static uint32_t nparts;

bool system_partition_table_regist(const partition_item_t *table, uint32_t num, uint32_t map)
{
    const char *fn = "system_partition_table_regist";
    if (table == NULL || num == 0 || num > sizeof parts / sizeof parts[0]) {
        espc_log("%s: table missing or more than %zu entries", fn, sizeof parts / sizeof parts[0]);
        return false;
    }
    if (map != (uint32_t)system_get_flash_size_map())
        espc_log("%s: map %u given; the host's flash is map %d (4 MB)", fn, (unsigned)map,
                 (int)system_get_flash_size_map());
    for (uint32_t i = 0; i < num; i++) {
        const partition_item_t *p = &table[i];
        if (p->addr > FLASH_BYTES || p->size > FLASH_BYTES - p->addr) {
            espc_log("%s: partition %u (type %d) at 0x%X+0x%X is outside the 4 MB flash", fn,
                     (unsigned)i, (int)p->type, (unsigned)p->addr, (unsigned)p->size);
            return false;
        }
        for (uint32_t j = 0; j < i; j++) {
            const partition_item_t *q = &table[j];
            if (p->addr < q->addr + q->size && q->addr < p->addr + p->size) {
                espc_log("%s: partitions %u and %u overlap", fn, (unsigned)j, (unsigned)i);
                return false;
            }
        }
    }
    memcpy(parts, table, num * sizeof *table);
    nparts = num;
    return true;
}

bool system_partition_get_item(partition_type_t type, partition_item_t *item)
{
    for (uint32_t i = 0; i < nparts && item; i++)
        if (parts[i].type == type) {
            *item = parts[i];
            return true;
        }
    return false;
}

/* RTC memory: 192 blocks of 4 bytes; the first 64 are the system's. */
static uint8_t rtc_mem[192 * 4];

static bool rtc_range(const char *fn, uint8 block, uint16 len)
{
    if (block < 64 || (size_t)block * 4 + len > sizeof rtc_mem) {
        espc_log("%s: block %u + %u bytes is outside the user area (blocks 64..191)", fn,
                 (unsigned)block, (unsigned)len);
        return false;
    }
    return true;
}

bool system_rtc_mem_read(uint8 src_addr, void *des_addr, uint16 load_size)
{
    if (des_addr == NULL || !rtc_range("system_rtc_mem_read", src_addr, load_size))
        return false;
    memcpy(des_addr, rtc_mem + (size_t)src_addr * 4, load_size);
    return true;
}

bool system_rtc_mem_write(uint8 des_addr, const void *src_addr, uint16 save_size)
{
    if (src_addr == NULL || !rtc_range("system_rtc_mem_write", des_addr, save_size))
        return false;
    memcpy(rtc_mem + (size_t)des_addr * 4, src_addr, save_size);
    return true;
}

/* The SDK's protected parameters: sectors start_sec and start_sec+1 hold
 * two copies, start_sec+2 a flag saying which one is current (byte 0:
 * 0 = first, otherwise second). */
bool system_param_load(uint16 start_sec, uint16 offset, void *param, uint16 len)
{
    const char *fn = "system_param_load";
    if (param == NULL || (uint32_t)offset + len > SPI_FLASH_SEC_SIZE) {
        espc_log("%s: offset %u + %u bytes does not fit a sector", fn, (unsigned)offset,
                 (unsigned)len);
        return false;
    }
    uint32 flag = 0;
    if (spi_flash_read((uint32)(start_sec + 2) * SPI_FLASH_SEC_SIZE, &flag, 4) !=
        SPI_FLASH_RESULT_OK)
        return false;
    uint16 sec = (uint16)(start_sec + ((flag & 0xFF) == 0 ? 0 : 1));
    uint32 addr = (uint32)sec * SPI_FLASH_SEC_SIZE + offset;
    uint8_t buf[SPI_FLASH_SEC_SIZE];
    uint32 aligned = addr & ~3u, lead = addr - aligned;
    uint32 span = (lead + len + 3u) & ~3u;
    if (spi_flash_read(aligned, (uint32 *)(void *)buf, span) != SPI_FLASH_RESULT_OK)
        return false;
    memcpy(param, buf + lead, len);
    return true;
}

bool system_param_save_with_protect(uint16 start_sec, void *param, uint16 len)
{
    (void)param;
    espc_log("system_param_save_with_protect(0x%X, %u bytes): the host's flash image is "
             "read-only (write it with `iotls flash write`)",
             (unsigned)start_sec, (unsigned)len);
    return false;
}

static struct rst_info rst;

struct rst_info *system_get_rst_info(void)
{
    rst.reason = REASON_DEFAULT_RST;
    return &rst;
}

void system_restore(void)
{
    espc_log("system_restore: nothing stored to reset on a PC");
}

bool system_deep_sleep(uint64 time_in_us)
{
    espc_log("system_deep_sleep(%llu us): not on a PC (the program keeps running)",
             (unsigned long long)time_in_us);
    return false;
}

bool system_deep_sleep_set_option(uint8 option)
{
    (void)option;
    return true;
}

uint32 system_get_boot_version(void)
{
    return 7;
}

uint32 system_get_userbin_addr(void)
{
    return 0x1000;
}

uint8 system_get_boot_mode(void)
{
    return SYS_BOOT_NORMAL_MODE;
}

bool system_restart_enhance(uint8 bin_type, uint32 bin_addr)
{
    espc_log("system_restart_enhance(%u, 0x%X): no firmware images on a PC", (unsigned)bin_type,
             (unsigned)bin_addr);
    return false;
}

uint8 system_upgrade_userbin_check(void)
{
    return UPGRADE_FW_BIN1;
}

static uint8 upgrade_flag = UPGRADE_FLAG_IDLE;

void system_upgrade_reboot(void)
{
    espc_log("system_upgrade_reboot: no new firmware on a PC; restarting ends the program");
    system_restart();
}

uint8 system_upgrade_flag_check(void)
{
    return upgrade_flag;
}

void system_upgrade_flag_set(uint8 flag)
{
    upgrade_flag = flag;
}

static bool upgrade_refused(const char *fn)
{
    espc_log("%s: OTA upgrade is not possible on a PC (the program cannot replace itself); "
             "failing",
             fn);
    return false;
}

bool system_upgrade_start(struct upgrade_server_info *server)
{
    (void)server;
    return upgrade_refused("system_upgrade_start");
}

bool system_upgrade_start_ssl(struct upgrade_server_info *server)
{
    (void)server;
    return upgrade_refused("system_upgrade_start_ssl");
}

void system_upgrade_init(void)
{
    upgrade_flag = UPGRADE_FLAG_IDLE;
}

void system_upgrade_deinit(void)
{
}

bool system_upgrade(uint8 *data, uint16 len)
{
    (void)data;
    (void)len;
    return upgrade_refused("system_upgrade");
}

static uint8 os_print_on = 1;

void system_set_os_print(uint8 onoff)
{
    os_print_on = onoff;
}

uint8 system_get_os_print(void)
{
    return os_print_on;
}

void system_show_malloc(void)
{
    system_print_meminfo();
}

uint64 system_mktime(uint32 year, uint32 mon, uint32 day, uint32 hour, uint32 min, uint32 sec)
{
    struct tm tm = {.tm_year = (int)year - 1900,
                    .tm_mon = (int)mon - 1,
                    .tm_mday = (int)day,
                    .tm_hour = (int)hour,
                    .tm_min = (int)min,
                    .tm_sec = (int)sec};
    return (uint64)timegm(&tm);
}

void system_uart_swap(void)
{
}

void system_uart_de_swap(void)
{
}

uint16 system_adc_read(void)
{
    static bool told;
    if (!told) {
        told = true;
        espc_log("system_adc_read: no ADC on a PC; reads 0");
    }
    return 0;
}

uint16 system_get_vdd33(void)
{
    return 3300;
}

static uint8 cpu_mhz = SYS_CPU_80MHZ;

uint8 system_get_cpu_freq(void)
{
    return cpu_mhz;
}

bool system_update_cpu_freq(uint8 freq)
{
    if (freq != SYS_CPU_80MHZ && freq != SYS_CPU_160MHZ)
        return false;
    cpu_mhz = freq;
    return true;
}

void system_phy_set_max_tpw(uint8 max_tpw)
{
    (void)max_tpw;
}

void system_phy_set_tpw_via_vdd33(uint16 vdd33)
{
    (void)vdd33;
}

void system_phy_set_rfoption(uint8 option)
{
    (void)option;
}

void system_phy_set_powerup_option(uint8 option)
{
    (void)option;
}

void system_phy_freq_trace_enable(bool enable)
{
    (void)enable;
}

void system_soft_wdt_stop(void)
{
}

void system_soft_wdt_restart(void)
{
}

void system_soft_wdt_feed(void)
{
}
