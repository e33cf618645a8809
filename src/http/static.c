/*
 * http/static.c — files from a directory: content types, index.html, and
 * no way out of the directory (".." segments are refused and the resolved
 * path, symlinks followed, must stay below the resolved root).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_internal.h"

struct http_static {
    struct http_static *next;
    char root[PATH_MAX];
    size_t root_len;
};

typedef struct {
    int fd;
    uint64_t left;
} static_send_t;

static const struct {
    const char *ext, *type;
} content_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"ico", "image/x-icon"},
    {"webp", "image/webp"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"pem", "application/x-pem-file"},
};

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof content_types / sizeof content_types[0]; i++)
            if (http_ieq(dot + 1, content_types[i].ext))
                return content_types[i].type;
    return "application/octet-stream";
}

int iotls_http_server_static(iotls_http_server_t *srv, const char *prefix, const char *dir,
                             iotls_error_t *err)
{
    if (!srv || !prefix || prefix[0] != '/' || !dir) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                        "static files need a prefix starting "
                        "with '/' and a directory");
        return -1;
    }
    struct http_static *st = calloc(1, sizeof *st);
    if (!st) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for static files");
        return -1;
    }
    struct stat sb;
    if (!realpath(dir, st->root) || stat(st->root, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        iotls_error_set(err, IOTLS_ERR_FILE, "'%s' is not a directory (%s)", dir,
                        strerror(errno ? errno : ENOTDIR));
        free(st);
        return -1;
    }
    st->root_len = strlen(st->root);
    char pattern[512];
    size_t pl = strlen(prefix);
    while (pl > 1 && prefix[pl - 1] == '/')
        pl--;
    int n = snprintf(pattern, sizeof pattern, "%.*s/*", (int)(pl == 1 ? 0 : pl), prefix);
    if (n < 0 || (size_t)n >= sizeof pattern ||
        iotls_http_server_route(srv, "GET", pattern, 0, http_static_handler, st, err) < 0) {
        iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT, "static prefix '%s' is too long", prefix);
        free(st);
        return -1;
    }
    st->next = srv->statics;
    srv->statics = st;
    return 0;
}

void http_static_free_all(iotls_http_server_t *srv)
{
    while (srv->statics) {
        struct http_static *st = srv->statics;
        srv->statics = st->next;
        free(st);
    }
}

/* true when the decoded relative path has no "." / ".." segment. */
static bool safe_relative(const char *rel)
{
    if (rel[0] == '/' || strchr(rel, '\\'))
        return false;
    for (const char *s = rel; *s;) {
        size_t l = strcspn(s, "/");
        if ((l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
            return false;
        s += l;
        if (*s == '/')
            s++;
    }
    return true;
}

static void static_done(static_send_t *ss)
{
    if (ss->fd >= 0)
        close(ss->fd);
    free(ss);
}

static void on_static_closed(iotls_http_req_t *req, void *user)
{
    static_done(user);
}

static void pump(iotls_http_req_t *req, void *user)
{
    static_send_t *ss = user;
    uint8_t buf[8192];
    while (ss->left > 0 && iotls_http_resp_pending(req) == 0) {
        ssize_t n = read(ss->fd, buf, ss->left < sizeof buf ? (size_t)ss->left : sizeof buf);
        if (n <= 0)
            break; /* file shrank: end short, the connection closes */
        ss->left -= (uint64_t)n;
        if (iotls_http_resp_write(req, buf, (size_t)n) < 0)
            break;
    }
    if (ss->left == 0 || iotls_http_resp_pending(req) == 0) {
        iotls_http_req_on_closed(req, NULL, NULL);
        iotls_http_resp_end(req);
        static_done(ss);
    }
}

void http_static_handler(iotls_http_req_t *req, void *user)
{
    const struct http_static *st = user;
    const char *raw = iotls_http_req_param(req, "*");
    char rel[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
    long rl = http_pct_decode(raw ? raw : "", raw ? strlen(raw) : 0, false, rel, sizeof rel - 16);
    if (rl < 0 || !safe_relative(rel)) {
        http_answer_error(req, 404, NULL);
        return;
    }
    if (rl == 0 || rel[rl - 1] == '/')
        memcpy(rel + rl, "index.html", 11);
    int n = snprintf(path, sizeof path, "%s/%s", st->root, rel);
    struct stat sb;
    if (n < 0 || (size_t)n >= sizeof path || !realpath(path, real) ||
        strncmp(real, st->root, st->root_len) != 0 || real[st->root_len] != '/' ||
        stat(real, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        http_answer_error(req, 404, NULL);
        return;
    }
    static_send_t *ss = malloc(sizeof *ss);
    int fd = ss ? open(real, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0) {
        int status = ss ? 403 : 500;
        free(ss);
        http_answer_error(req, status, NULL);
        return;
    }
    ss->fd = fd;
    ss->left = (uint64_t)sb.st_size;
    if (iotls_http_resp_start(req, 200, content_type(real), (int64_t)sb.st_size) < 0) {
        static_done(ss);
        return;
    }
    if (!strcmp(iotls_http_req_method(req), "HEAD"))
        ss->left = 0;
    iotls_http_req_on_closed(req, on_static_closed, ss);
    iotls_http_req_on_writable(req, pump, ss);
    pump(req, ss);
}
