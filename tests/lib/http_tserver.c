/* tests/lib/http_tserver.c — the HTTP server on a loop thread. */
#include "http_tserver.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *loop_thread(void *arg)
{
    iotls_test_http_tserver_t *s = arg;
    while (!atomic_load(&s->stop))
        iotls_loop_run_once(s->loop, 20);
    return NULL;
}

int iotls_test_http_tserver_init(iotls_test_http_tserver_t *s,
                                 const iotls_http_server_config_t *cfg)
{
    memset(s, 0, sizeof *s);
    iotls_error_t err;
    iotls_error_clear(&err);
    s->loop = iotls_loop_new(&err);
    if (s->loop)
        s->srv = iotls_http_server_new(s->loop, cfg, &err);
    if (!s->srv) {
        fprintf(stderr, "http test server: %s\n", err.text);
        iotls_loop_free(s->loop);
        return -1;
    }
    return 0;
}

int iotls_test_http_tserver_run(iotls_test_http_tserver_t *s)
{
    atomic_store(&s->stop, false);
    return pthread_create(&s->thread, NULL, loop_thread, s) == 0 ? 0 : -1;
}

void iotls_test_http_tserver_pause(iotls_test_http_tserver_t *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
}

void iotls_test_http_tserver_stats(iotls_test_http_tserver_t *s, iotls_http_server_stats_t *st)
{
    iotls_test_http_tserver_pause(s);
    iotls_http_server_stats(s->srv, st);
    iotls_test_http_tserver_run(s);
}

unsigned iotls_test_http_tserver_stop(iotls_test_http_tserver_t *s)
{
    iotls_http_server_stats_t st;
    for (int i = 0; i < 250; i++) {
        iotls_test_http_tserver_stats(s, &st);
        if (st.open_conns == 0)
            break;
        usleep(20000);
    }
    iotls_test_http_tserver_pause(s);
    iotls_http_server_free(s->srv);
    iotls_loop_free(s->loop);
    return st.open_conns;
}

typedef struct {
    size_t left;
} big_t;

static void big_more(iotls_http_req_t *req, void *user)
{
    big_t *b = user;
    static const char block[8192] = {'x'};
    while (b->left && iotls_http_resp_pending(req) == 0) {
        size_t n = b->left < sizeof block ? b->left : sizeof block;
        iotls_http_resp_write(req, block, n);
        b->left -= n;
    }
    if (!b->left) {
        iotls_http_req_on_closed(req, NULL, NULL);
        free(b);
        iotls_http_resp_end(req);
    }
}

static void big_closed(iotls_http_req_t *req, void *user)
{
    free(user);
}

void iotls_test_http_big_handler(iotls_http_req_t *req, void *user)
{
    big_t *b = malloc(sizeof *b);
    if (!b) {
        iotls_http_resp_send(req, 500, "text/plain", "no memory\n", 10);
        return;
    }
    b->left = *(const size_t *)user;
    iotls_http_resp_start(req, 200, "application/octet-stream", (int64_t)b->left);
    iotls_http_req_on_closed(req, big_closed, b);
    iotls_http_req_on_writable(req, big_more, b);
    big_more(req, b);
}

int iotls_test_count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}
