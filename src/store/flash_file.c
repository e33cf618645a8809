/* Flash image in a POSIX file: the host side (`iotls flash`, tests, the
 * Linux port of a device). An MCU port replaces this file, not the rest. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_internal.h"

static int file_read(iotls_flash_t *f, size_t off, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(f->fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1; /* 0: the file shrank under us */
        p += n;
        off += (size_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int file_write(iotls_flash_t *f, size_t off, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(f->fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        off += (size_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* The generic layer has checked that only 1 -> 0 transitions happen, so a
 * plain write is the NOR result. */
static int file_program(iotls_flash_t *f, size_t off, const void *buf, size_t len)
{
    return file_write(f, off, buf, len);
}

/* 16 sectors per write: a new 4 MiB image is 64 writes, not 1024. */
static int file_erase(iotls_flash_t *f, size_t off, size_t len)
{
    uint8_t ff[16 * IOTLS_FLASH_SECTOR_SIZE];
    memset(ff, 0xFF, sizeof ff);
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof ff ? len - done : sizeof ff;
        if (file_write(f, off + done, ff, n) < 0)
            return -1;
        done += n;
    }
    return 0;
}

static void file_close(iotls_flash_t *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

static const iotls_flash_ops_t file_ops = {file_read, file_program, file_erase, file_close};

static int adopt_fd(iotls_flash_t *f, int fd, const char *path, size_t size, iotls_error_t *err)
{
    if (iotls_flash_init_ops(f, &file_ops, NULL, size, err) < 0) {
        close(fd);
        /* Add the path: the generic text does not know it. */
        iotls_error_set(err, IOTLS_ERR_FILE, "'%s' is not a flash image", path);
        return -1;
    }
    f->fd = fd;
    return 0;
}

int iotls_flash_open_file(iotls_flash_t *f, const char *path, bool writable, iotls_error_t *err)
{
    int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        iotls_error_set(err, IOTLS_ERR_FILE, "cannot open flash image '%s': %s", path,
                        strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        iotls_error_set(err, IOTLS_ERR_FILE, "'%s' is a directory, not a flash image", path);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size % IOTLS_FLASH_SECTOR_SIZE) {
        close(fd);
        iotls_error_set(err, IOTLS_ERR_FILE,
                        "'%s' is not a flash image: %lld bytes is not a non-zero multiple of "
                        "the %u-byte sector",
                        path, (long long)st.st_size, IOTLS_FLASH_SECTOR_SIZE);
        return -1;
    }
    return adopt_fd(f, fd, path, (size_t)st.st_size, err);
}

int iotls_flash_create_file(iotls_flash_t *f, const char *path, size_t size, iotls_error_t *err)
{
    if (size == 0 || size % IOTLS_FLASH_SECTOR_SIZE) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "flash size %zu is not a non-zero multiple of %u bytes", size,
                        IOTLS_FLASH_SECTOR_SIZE);
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        iotls_error_set(err, IOTLS_ERR_FILE, "cannot create flash image '%s': %s", path,
                        strerror(errno));
        return -1;
    }
    if (adopt_fd(f, fd, path, size, err) < 0)
        return -1;
    /* A new chip comes erased. */
    if (file_erase(f, 0, size) < 0) {
        iotls_error_set(err, IOTLS_ERR_FILE, "cannot fill '%s' with 0xFF: %s", path,
                        strerror(errno));
        iotls_flash_close(f);
        unlink(path);
        return -1;
    }
    return 0;
}
