/*
 * http/routes.c — matching a request path against the registered routes:
 * literal segments, "{name}" segments (one each) and a last segment "*" (any rest).
 */
#include <string.h>

#include "http/http_internal.h"

/* Match path against pattern; on success fill req's parameters. */
static bool match(const char *pattern, const char *path, iotls_http_req_t *req)
{
    const char *p = pattern, *s = path;
    unsigned count = 0;
    const char *names[HTTP_MAX_PARAMS + 1], *vals[HTTP_MAX_PARAMS + 1];
    size_t name_lens[HTTP_MAX_PARAMS + 1], val_lens[HTTP_MAX_PARAMS + 1];
    for (;;) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        size_t pl = strcspn(p, "/"), sl = strcspn(s, "/");
        if (pl == 1 && p[0] == '*' && p[1] == '\0') {
            names[count] = "*";
            name_lens[count] = 1;
            vals[count] = s;
            val_lens[count] = strlen(s);
            count++;
            break;
        }
        if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
            if (sl == 0 || count >= HTTP_MAX_PARAMS)
                return false;
            names[count] = p + 1;
            name_lens[count] = pl - 2;
            vals[count] = s;
            val_lens[count] = sl;
            count++;
        } else if (pl != sl || memcmp(p, s, pl) != 0) {
            return false;
        }
        p += pl;
        s += sl;
        if (*p == '\0' && *s == '\0')
            break;
        if (*p == '\0' || *s == '\0')
            return false;
    }
    if (req) {
        char *area = req->param_area;
        for (unsigned i = 0; i < count; i++) {
            req->param_names[i] = names[i];
            req->param_name_lens[i] = name_lens[i];
            memcpy(area, vals[i], val_lens[i]);
            area[val_lens[i]] = '\0';
            req->param_values[i] = area;
            area += val_lens[i] + 1;
        }
        req->param_count = count;
    }
    return true;
}

static void allow_add(char *allow, size_t cap, const char *method)
{
    size_t ml = strlen(method), al = strlen(allow);
    for (const char *a = allow; *a;) {
        size_t l = strcspn(a, ",");
        if (l == ml && memcmp(a, method, ml) == 0)
            return;
        a += l;
        while (*a == ',' || *a == ' ')
            a++;
    }
    if (al + ml + 3 > cap)
        return;
    if (al) {
        memcpy(allow + al, ", ", 2);
        al += 2;
    }
    memcpy(allow + al, method, ml + 1);
}

const http_route_t *http_route_match(const iotls_http_server_t *srv, iotls_http_req_t *req,
                                     bool *path_known, char *allow, size_t allow_cap)
{
    const char *method = req->head.method;
    bool head = strcmp(method, "HEAD") == 0;
    const http_route_t *get_route = NULL;
    *path_known = false;
    allow[0] = '\0';
    for (const http_route_t *r = srv->routes; r; r = r->next) {
        if (!match(r->pattern, req->path, NULL))
            continue;
        *path_known = true;
        allow_add(allow, allow_cap, r->method);
        if (!strcmp(r->method, "GET"))
            allow_add(allow, allow_cap, "HEAD");
        if (!strcmp(r->method, method)) {
            match(r->pattern, req->path, req);
            return r;
        }
        if (head && !get_route && !strcmp(r->method, "GET"))
            get_route = r;
    }
    if (get_route)
        match(get_route->pattern, req->path, req);
    return get_route;
}
