/* Replacing a flash image file atomically (the host side: `iotls flash
 * write`, a session saved by `iotls connect`, the Linux port of a device).
 *
 * The image's directory is locked (flock: concurrent updaters wait, a
 * killed one releases it), the image is copied to "<image>.new" — or a new
 * erased image is made there — and changes go to that copy. Commit
 * fsyncs it, renames it over the image and fsyncs the directory. Until the
 * rename the image is exactly what it was; after it, exactly the new one:
 * a kill or a crash at any point leaves one or the other, never a mix,
 * never a shorter file. A stale "<image>.new" left by a kill is simply
 * replaced by the next update. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_internal.h"

typedef struct {
    char *path, *tmp, *dir;
    int lock_fd;
    const iotls_flash_ops_t *file_ops; /* the copy's own backend */
} update_t;

static update_t *update_of(iotls_flash_t *f)
{
    return f->ctx;
}

static int update_read(iotls_flash_t *f, size_t off, void *buf, size_t len)
{
    return update_of(f)->file_ops->read(f, off, buf, len);
}

static int update_program(iotls_flash_t *f, size_t off, const void *buf, size_t len)
{
    return update_of(f)->file_ops->program(f, off, buf, len);
}

static int update_erase(iotls_flash_t *f, size_t off, size_t len)
{
    return update_of(f)->file_ops->erase(f, off, len);
}

static void update_free(update_t *u)
{
    if (u->lock_fd >= 0)
        close(u->lock_fd); /* releases the flock */
    free(u->path);
    free(u->tmp);
    free(u->dir);
    free(u);
}

/* Closing without commit abandons the update: the image stays as it was. */
static void update_close(iotls_flash_t *f)
{
    update_t *u = update_of(f);
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    unlink(u->tmp);
    update_free(u);
    f->ctx = NULL;
}

static const iotls_flash_ops_t update_ops = {update_read, update_program, update_erase,
                                             update_close};

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

static int copy_file(const char *from, const char *to, mode_t mode, iotls_error_t *err)
{
    enum { CHUNK = 256 * 1024 };
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777);
    uint8_t *buf = malloc(CHUNK);
    int rc = in < 0 || out < 0 || !buf ? -1 : 0;
    while (rc == 0) {
        ssize_t n = read(in, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -1 : 0;
            break;
        }
        for (ssize_t done = 0; rc == 0 && done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                rc = -1;
            else
                done += w;
        }
    }
    int e = buf ? errno : ENOMEM;
    free(buf);
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) < 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc < 0)
        iotls_error_set(err, IOTLS_ERR_FILE, "cannot copy '%s' to '%s': %s", from, to, strerror(e));
    return rc;
}

int iotls_flash_file_update(iotls_flash_t *f, const char *path, size_t create_size, bool *created,
                            iotls_error_t *err)
{
    /* A symlinked image is replaced where it really is, not by a file
     * taking the link's place. */
    char *real = path ? realpath(path, NULL) : NULL;
    if (real)
        path = real;
    update_t *u = calloc(1, sizeof *u);
    char *dcopy = path ? concat(path, "") : NULL;
    if (!u || !dcopy) {
        free(u);
        free(dcopy);
        free(real);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "no memory to update a flash image");
        return -1;
    }
    u->lock_fd = -1;
    u->path = concat(path, "");
    u->tmp = concat(path, ".new");
    u->dir = concat(dirname(dcopy), "");
    free(dcopy);
    free(real);
    path = u->path;
    if (!u->path || !u->tmp || !u->dir) {
        update_free(u);
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "no memory to update a flash image");
        return -1;
    }
    /* The directory, not the image, is locked: the image is replaced by
     * rename, and a lock on the old inode would not stop the next writer. */
    u->lock_fd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (u->lock_fd < 0 || flock(u->lock_fd, LOCK_EX) < 0) {
        iotls_error_set(err, IOTLS_ERR_FILE, "cannot lock directory '%s' of flash image '%s': %s",
                        u->dir, path, strerror(errno));
        update_free(u);
        return -1;
    }
    unlink(u->tmp); /* left by an update that was killed */
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (!exists && (errno != ENOENT || create_size == 0)) {
        iotls_error_set(err, IOTLS_ERR_FILE, "cannot open flash image '%s': %s", path,
                        strerror(errno));
        update_free(u);
        return -1;
    }
    int rc;
    if (exists) {
        /* Check it is an image before copying it (gives the usual errors). */
        iotls_flash_t probe;
        rc = iotls_flash_open_file(&probe, path, false, err);
        if (rc == 0) {
            iotls_flash_close(&probe);
            rc = copy_file(path, u->tmp, st.st_mode, err);
        }
        if (rc == 0)
            rc = iotls_flash_open_file(f, u->tmp, true, err);
    } else {
        rc = iotls_flash_create_file(f, u->tmp, create_size, err);
    }
    if (rc < 0) {
        unlink(u->tmp);
        update_free(u);
        return -1;
    }
    u->file_ops = f->ops;
    f->ops = &update_ops;
    f->ctx = u;
    if (created)
        *created = !exists;
    return 0;
}

int iotls_flash_file_commit(iotls_flash_t *f, iotls_error_t *err)
{
    if (!f || f->ops != &update_ops) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "flash image is not being updated");
        return -1;
    }
    update_t *u = update_of(f);
    const char *step = "fsync";
    int rc = fsync(f->fd);
    if (rc == 0) {
        step = "close";
        rc = close(f->fd);
        f->fd = -1;
    }
    if (rc == 0) {
        step = "rename";
        rc = rename(u->tmp, u->path);
    }
    if (rc == 0) {
        /* The rename itself must reach the disk, or a crash could bring
         * back the old name. */
        int dfd = open(u->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        step = "fsync directory";
        rc = dfd < 0 ? -1 : fsync(dfd);
        if (dfd >= 0)
            close(dfd);
    }
    if (rc < 0)
        iotls_error_set(err, IOTLS_ERR_FILE, "cannot replace flash image '%s' (%s): %s", u->path,
                        step, strerror(errno));
    iotls_flash_close(f); /* unlinks the copy if the rename did not happen */
    return rc < 0 ? -1 : 0;
}
