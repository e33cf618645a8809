/* spi_flash_read on the attached flash image, at the SDK's addresses. */
#include <string.h>

#include "compat/espconn/espconn_internal.h"

SpiFlashOpResult spi_flash_read(uint32 src_addr, uint32 *des_addr, uint32 size)
{
    if (des_addr == NULL) {
        espc_log("spi_flash_read: no destination");
        return SPI_FLASH_RESULT_ERR;
    }
    iotls_flash_t *f = espc_flash();
    if (f == NULL)
        return SPI_FLASH_RESULT_ERR;
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_flash_read(f, src_addr, des_addr, size, &err) < 0) {
        espc_log("spi_flash_read(0x%X, %u bytes): %s", (unsigned)src_addr, (unsigned)size,
                 err.text);
        return SPI_FLASH_RESULT_ERR;
    }
    return SPI_FLASH_RESULT_OK;
}

SpiFlashOpResult spi_flash_write(uint32 des_addr, uint32 *src_addr, uint32 size)
{
    (void)src_addr;
    espc_log("spi_flash_write(0x%X, %u bytes): the host's flash image is read-only "
             "(write it with `iotls flash write`)",
             (unsigned)des_addr, (unsigned)size);
    return SPI_FLASH_RESULT_ERR;
}

SpiFlashOpResult spi_flash_erase_sector(uint16 sec)
{
    espc_log("spi_flash_erase_sector(0x%X): the host's flash image is read-only", (unsigned)sec);
    return SPI_FLASH_RESULT_ERR;
}
