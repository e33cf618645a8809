/*
 * spi_flash.h — host version of the ESP8266 SDK's flash reads (iotls
 * compat). The "flash" is the image file attached by the runtime (env
 * IOTLS_FLASH) or espconn_host_attach_flash(); reads are byte-exact at the
 * SDK's addresses (sector 0x3B = address 0x3B000). The host is read-only:
 * write and erase return SPI_FLASH_RESULT_ERR with a log line.
 */
#ifndef IOTLS_COMPAT_ESP8266_SPI_FLASH_H
#define IOTLS_COMPAT_ESP8266_SPI_FLASH_H

#include "c_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SPI_FLASH_RESULT_OK,
    SPI_FLASH_RESULT_ERR,
    SPI_FLASH_RESULT_TIMEOUT
} SpiFlashOpResult;

#ifndef SPI_FLASH_SEC_SIZE
#define SPI_FLASH_SEC_SIZE 4096
#endif

typedef struct {
    uint32 deviceId;
    uint32 chip_size; /* bytes */
    uint32 block_size;
    uint32 sector_size;
    uint32 page_size;
    uint32 status_mask;
} SpiFlashChip;

/* A fixed JEDEC id of a 4 MB part (the map system_get_flash_size_map says). */
uint32 spi_flash_get_id(void);

SpiFlashOpResult spi_flash_read(uint32 src_addr, uint32 *des_addr, uint32 size);
SpiFlashOpResult spi_flash_write(uint32 des_addr, uint32 *src_addr, uint32 size);
SpiFlashOpResult spi_flash_erase_sector(uint16 sec);

#ifdef __cplusplus
}
#endif
#endif
