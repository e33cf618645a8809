/* tests/lib/tmpdir.c — see tmpdir.h. */
#include "tmpdir.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_dir[PATH_MAX];
static pid_t g_owner;
static int g_hook_registered;

int iotls_test_keep_tmp(void)
{
    const char *v = getenv("IOTLS_KEEP_TMP");
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int rc = (flag == FTW_DP) ? rmdir(path) : unlink(path);
    if (rc != 0 && errno != ENOENT)
        fprintf(stderr, "iotls test: cannot remove %s: %s\n", path, strerror(errno));
    return 0; /* keep going: remove as much as possible */
}

int iotls_test_rm_rf(const char *path)
{
    if (path == NULL || path[0] == '\0' || strcmp(path, "/") == 0)
        return -1;
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return lstat(path, &st) == 0 ? -1 : 0;
}

static void at_exit_cleanup(void)
{
    if (g_dir[0] != '\0' && getpid() == g_owner)
        iotls_test_tmpdir_free();
}

const char *iotls_test_tmpdir(void)
{
    if (g_dir[0] != '\0')
        return g_dir;
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] != '/')
        base = "/tmp";
    char tmpl[PATH_MAX];
    int n = snprintf(tmpl, sizeof tmpl, "%s/iotls-test-XXXXXX", base);
    if (n < 0 || (size_t)n >= sizeof tmpl) {
        fprintf(stderr, "iotls test: TMPDIR path too long\n");
        return NULL;
    }
    if (mkdtemp(tmpl) == NULL) {
        fprintf(stderr, "iotls test: mkdtemp(%s): %s\n", tmpl, strerror(errno));
        return NULL;
    }
    memcpy(g_dir, tmpl, (size_t)n + 1);
    g_owner = getpid();
    if (!g_hook_registered) {
        atexit(at_exit_cleanup);
        g_hook_registered = 1;
    }
    return g_dir;
}

char *iotls_test_tmp_path(char *buf, size_t n, const char *name)
{
    const char *d = iotls_test_tmpdir();
    if (d == NULL)
        return NULL;
    int w = snprintf(buf, n, "%s/%s", d, name);
    if (w < 0 || (size_t)w >= n)
        return NULL;
    return buf;
}

char *iotls_test_tmp_pathf(char *buf, size_t n, const char *fmt, ...)
{
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= sizeof name)
        return NULL;
    return iotls_test_tmp_path(buf, n, name);
}

const char *iotls_test_path_in(const char *dir, const char *name)
{
    static char paths[IOTLS_TEST_PATH_SLOTS][700];
    static int next;
    char *p = paths[next++ % IOTLS_TEST_PATH_SLOTS];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

char *iotls_test_tmp_mkdir(char *buf, size_t n, const char *name)
{
    if (iotls_test_tmp_path(buf, n, name) == NULL)
        return NULL;
    /* Create each level below the temp dir. */
    size_t base = strlen(g_dir) + 1;
    for (size_t i = base;; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char saved = buf[i];
            buf[i] = '\0';
            int rc = mkdir(buf, 0755);
            buf[i] = saved;
            if (rc != 0 && errno != EEXIST) {
                fprintf(stderr, "iotls test: mkdir %s: %s\n", buf, strerror(errno));
                return NULL;
            }
            if (saved == '\0')
                break;
        }
    }
    return buf;
}

int iotls_test_write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "iotls test: open %s: %s\n", path, strerror(errno));
        return -1;
    }
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "iotls test: write %s: %s\n", path, strerror(errno));
            close(fd);
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return close(fd) == 0 ? 0 : -1;
}

char *iotls_test_read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        if (used + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + used, cap - used - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0)
            break;
        used += (size_t)r;
    }
    close(fd);
    if (buf == NULL)
        return NULL;
    buf[used] = '\0';
    if (len != NULL)
        *len = used;
    return buf;
}

void iotls_test_tmpdir_free(void)
{
    if (g_dir[0] == '\0' || getpid() != g_owner)
        return;
    if (iotls_test_keep_tmp())
        fprintf(stderr, "iotls test: IOTLS_KEEP_TMP set, keeping %s\n", g_dir);
    else if (iotls_test_rm_rf(g_dir) != 0)
        fprintf(stderr, "iotls test: could not fully remove %s\n", g_dir);
    g_dir[0] = '\0';
}

int iotls_test_tmpdir_teardown(void **state)
{
    (void)state;
    iotls_test_tmpdir_free();
    return 0;
}
