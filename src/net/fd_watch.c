/* Public readable-fd watches (stdin for the CLI, a UART, a pipe): a thin
 * wrapper over the loop's internal watches. A watch does not keep
 * iotls_loop_run() going by itself: only connections, listeners and timers
 * do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "net/loop_internal.h"

struct iotls_fd_watch {
    iotls_loop_watch_t watch;
    iotls_loop_deferred_t deferred;
    iotls_loop_t *loop;
    int fd;
    iotls_fd_cb cb;
    void *user;
};

static void on_events(void *ctx, uint32_t events)
{
    iotls_fd_watch_t *w = ctx;
    w->cb(w, w->fd, w->user);
}

iotls_fd_watch_t *iotls_loop_watch_readable(iotls_loop_t *loop, int fd, iotls_fd_cb cb, void *user,
                                            iotls_error_t *err)
{
    iotls_fd_watch_t *w = calloc(1, sizeof *w);
    if (!w) {
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory for an fd watch");
        return NULL;
    }
    w->loop = loop;
    w->fd = fd;
    w->cb = cb;
    w->user = user;
    iotls_loop_watch_init(&w->watch, on_events, w);
    int rc = iotls_loop_watch_set(loop, &w->watch, fd, EPOLLIN);
    if (rc < 0) {
        free(w);
        iotls_error_set(err, rc == -EPERM ? IOTLS_ERR_BAD_ARGUMENT : IOTLS_ERR_IO,
                        "cannot watch fd %d: %s%s", fd, strerror(-rc),
                        rc == -EPERM ? " (regular files are always readable: read them "
                                       "directly)"
                                     : "");
        return NULL;
    }
    return w;
}

void iotls_fd_watch_pause(iotls_fd_watch_t *w, bool paused)
{
    iotls_loop_watch_set(w->loop, &w->watch, w->fd, paused ? 0 : EPOLLIN);
}

static void release(iotls_loop_deferred_t *d)
{
    free((char *)d - offsetof(iotls_fd_watch_t, deferred));
}

void iotls_fd_watch_free(iotls_fd_watch_t *w)
{
    if (!w)
        return;
    iotls_loop_watch_remove(w->loop, &w->watch);
    iotls_loop_defer_release(w->loop, &w->deferred, release);
}
