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

#define SPI_FLASH_SEC_SIZE 4096

SpiFlashOpResult spi_flash_read(uint32 src_addr, uint32 *des_addr, uint32 size);
SpiFlashOpResult spi_flash_write(uint32 des_addr, uint32 *src_addr, uint32 size);
SpiFlashOpResult spi_flash_erase_sector(uint16 sec);

#ifdef __cplusplus
}
#endif
#endif
