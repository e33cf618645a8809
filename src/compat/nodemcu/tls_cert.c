/* tls.cert.verify / tls.cert.auth in their three forms (seed 003):
 *   (enable)        off, or on with what the flash holds ("no certificates
 *                   found" when it holds nothing, as NodeMCU says);
 *   (pem[, pem...]) stored in the flash image and switched on;
 *   (callback)      asked for the k-th certificate (and key) at each connect.
 * Stored state is an iotls CA blob and an iotls credentials blob, written
 * with the store API and read back from the image, so what connections use
 * is exactly what `iotls flash inspect` shows. */
#include <stdlib.h>
#include <string.h>

#include "compat/nodemcu/nm_internal.h"

typedef struct {
    const char *fn; /* "tls.cert.verify" */
    bool auth;
    unsigned sector;
} cert_kind_t;

static const cert_kind_t VERIFY = {"tls.cert.verify", false, IOTLS_NODEMCU_CA_SECTOR};
static const cert_kind_t AUTH = {"tls.cert.auth", true, IOTLS_NODEMCU_CREDS_SECTOR};

/* ---- DER objects out of PEM text ------------------------------------------- */

typedef struct {
    iotls_store_entry_t *e;
    uint8_t **owned; /* copies behind e[i].data */
    size_t n, cap;
    size_t keys;
} der_list_t;

static void der_list_free(der_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->owned[i]);
    free(l->owned);
    free(l->e);
    memset(l, 0, sizeof *l);
}

static int der_list_add(der_list_t *l, iotls_entry_kind_t kind, const uint8_t *der, size_t len,
                        iotls_error_t *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        iotls_store_entry_t *e = realloc(l->e, cap * sizeof *e);
        if (e)
            l->e = e;
        uint8_t **o = e ? realloc(l->owned, cap * sizeof *o) : NULL;
        if (o == NULL)
            return iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory"), -1;
        l->owned = o;
        l->cap = cap;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory"), -1;
    memcpy(copy, der, len);
    l->owned[l->n] = copy;
    l->e[l->n].kind = kind;
    l->e[l->n].format =
        kind == IOTLS_ENTRY_KEY ? iotls_store_key_format(copy, len) : IOTLS_KEY_FORMAT_NONE;
    l->e[l->n].data = copy;
    l->e[l->n].len = len;
    l->n++;
    if (kind == IOTLS_ENTRY_KEY)
        l->keys++;
    return 0;
}

static int pem_object(void *ctx, const char *label, const uint8_t *der, size_t len,
                      iotls_error_t *err)
{
    der_list_t *l = ctx;
    if (strcmp(label, "CERTIFICATE") == 0 || strcmp(label, "X509 CERTIFICATE") == 0)
        return der_list_add(l, IOTLS_ENTRY_CERT, der, len, err);
    if (strcmp(label, "PRIVATE KEY") == 0 || strcmp(label, "EC PRIVATE KEY") == 0 ||
        strcmp(label, "RSA PRIVATE KEY") == 0)
        return der_list_add(l, IOTLS_ENTRY_KEY, der, len, err);
    return 0; /* EC PARAMETERS and the like */
}

static bool looks_pem(const char *s, size_t len)
{
    return len >= 11 && memmem(s, len, "-----BEGIN ", 11) != NULL;
}

/* One certificate (PEM: all of its CERTIFICATE blocks; DER: the bytes) or
 * one key into the list. */
static int add_text(der_list_t *l, const char *s, size_t len, bool want_key, iotls_error_t *err)
{
    if (!looks_pem(s, len)) {
        if (len < 2 || (uint8_t)s[0] != 0x30)
            return iotls_error_set(err, IOTLS_ERR_BAD_PEM,
                                   "neither PEM (no -----BEGIN line) nor DER (no SEQUENCE)"),
                   -1;
        return der_list_add(l, want_key ? IOTLS_ENTRY_KEY : IOTLS_ENTRY_CERT, (const uint8_t *)s,
                            len, err);
    }
    size_t before_certs = l->n - l->keys, before_keys = l->keys;
    if (iotls_pem_decode(s, len, pem_object, l, err) < 0)
        return -1;
    if (!want_key && l->n - l->keys == before_certs)
        return iotls_error_set(err, IOTLS_ERR_BAD_PEM, "no PEM CERTIFICATE block"), -1;
    if (want_key && l->keys == before_keys)
        return iotls_error_set(err, IOTLS_ERR_BAD_PEM,
                               "no PEM PRIVATE KEY / EC PRIVATE KEY / RSA PRIVATE KEY block"),
               -1;
    return 0;
}

/* Certificates first, then at most one key, as the credentials blob wants. */
static void der_list_order(der_list_t *l)
{
    for (size_t i = 1; i < l->n; i++)
        for (size_t j = i;
             j > 0 && l->e[j - 1].kind == IOTLS_ENTRY_KEY && l->e[j].kind == IOTLS_ENTRY_CERT;
             j--) {
            iotls_store_entry_t t = l->e[j];
            l->e[j] = l->e[j - 1];
            l->e[j - 1] = t;
            uint8_t *o = l->owned[j];
            l->owned[j] = l->owned[j - 1];
            l->owned[j - 1] = o;
        }
}

/* ---- building trust / credentials ----------------------------------------- */

static nm_shared_t *shared_from_list(const der_list_t *l, bool auth, iotls_error_t *err)
{
    if (!auth) {
        iotls_trust_t *t = iotls_trust_new();
        if (t == NULL)
            return iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory"), NULL;
        for (size_t i = 0; i < l->n; i++)
            if (l->e[i].kind == IOTLS_ENTRY_CERT &&
                iotls_trust_add_der(t, l->e[i].data, l->e[i].len, err) < 0) {
                iotls_error_append(err, " (certificate %zu)", i + 1);
                iotls_trust_free(t);
                return NULL;
            }
        nm_shared_t *s = nm_shared_new(t, NULL);
        if (s == NULL)
            iotls_trust_free(t), iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory");
        return s;
    }
    size_t ncert = l->n - l->keys;
    if (ncert == 0 || l->keys != 1)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "a certificate and exactly one private key are needed (got %zu "
                               "certificate(s), %zu key(s))",
                               ncert, l->keys),
               NULL;
    const uint8_t **certs = calloc(ncert, sizeof *certs);
    size_t *lens = calloc(ncert, sizeof *lens);
    iotls_creds_t *c = iotls_creds_new();
    const iotls_store_entry_t *key = NULL;
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->e[i].kind == IOTLS_ENTRY_KEY)
            key = &l->e[i];
        else if (certs && lens) {
            certs[k] = l->e[i].data;
            lens[k++] = l->e[i].len;
        }
    }
    nm_shared_t *s = NULL;
    if (!certs || !lens || !c)
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory");
    else if (iotls_creds_set_der_chain(c, certs, lens, ncert, key->data, key->len, err) == 0 &&
             (s = nm_shared_new(NULL, c)) == NULL)
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory");
    if (s == NULL)
        iotls_creds_free(c);
    free(certs);
    free(lens);
    return s;
}

/* Load what the image holds at the kind's sector. */
static nm_shared_t *shared_from_flash(nm_rt_t *rt, const cert_kind_t *k, bool *nothing,
                                      iotls_error_t *err)
{
    *nothing = false;
    int kind = iotls_store_probe(&rt->flash, k->sector, err);
    if (kind < 0)
        return NULL;
    if (kind == IOTLS_SECTOR_ERASED) {
        *nothing = true;
        iotls_error_set(err, IOTLS_ERR_CONFIG, "sector 0x%X is erased", k->sector);
        return NULL;
    }
    nm_shared_t *s = NULL;
    if (!k->auth) {
        iotls_trust_t *t = iotls_trust_new();
        if (t && iotls_store_load_trust(&rt->flash, k->sector, t, err) > 0)
            s = nm_shared_new(t, NULL);
        if (s == NULL)
            iotls_trust_free(t);
    } else {
        iotls_creds_t *c = iotls_creds_new();
        if (c && iotls_store_load_creds(&rt->flash, k->sector, c, err) == 0)
            s = nm_shared_new(NULL, c);
        if (s == NULL)
            iotls_creds_free(c);
    }
    if (s == NULL)
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory"); /* unless set above */
    return s;
}

/* Validate, write the blob, read it back. */
static nm_shared_t *store(nm_rt_t *rt, const cert_kind_t *k, der_list_t *l, iotls_error_t *err)
{
    nm_shared_t *check = shared_from_list(l, k->auth, err);
    if (check == NULL)
        return NULL;
    nm_shared_unref(check);
    der_list_order(l);
    size_t size = iotls_store_blob_size(l->e, l->n);
    if (size > IOTLS_NODEMCU_BLOB_SECTORS * IOTLS_FLASH_SECTOR_SIZE)
        return iotls_error_set(err, IOTLS_ERR_BAD_ARGUMENT,
                               "%zu bytes do not fit the %u sectors kept for them", size,
                               IOTLS_NODEMCU_BLOB_SECTORS),
               NULL;
    uint8_t *blob = malloc(size);
    size_t len = 0;
    int rc = -1;
    if (blob == NULL)
        iotls_error_set(err, IOTLS_ERR_NO_MEMORY, "out of memory");
    else if (iotls_store_blob_build(k->auth ? IOTLS_BLOB_CREDS : IOTLS_BLOB_CA, 1, l->e, l->n, blob,
                                    size, &len, err) == 0)
        rc = iotls_store_write(&rt->flash, k->sector, blob, len, err);
    free(blob);
    if (rc < 0)
        return NULL;
    bool nothing;
    return shared_from_flash(rt, k, &nothing, err);
}

/* ---- the Lua functions --------------------------------------------------- */

static nm_cert_mode_t *mode_of(nm_rt_t *rt, const cert_kind_t *k)
{
    return k->auth ? &rt->auth_mode : &rt->verify_mode;
}
static int *cb_of(nm_rt_t *rt, const cert_kind_t *k)
{
    return k->auth ? &rt->auth_cb : &rt->verify_cb;
}
static nm_shared_t **from_of(nm_rt_t *rt, const cert_kind_t *k)
{
    return k->auth ? &rt->auth_from : &rt->verify_from;
}

static void set_mode(nm_rt_t *rt, const cert_kind_t *k, nm_cert_mode_t mode, nm_shared_t *from)
{
    nm_shared_unref(*from_of(rt, k));
    *from_of(rt, k) = from;
    *mode_of(rt, k) = mode;
}

static int cert_common(lua_State *L, const cert_kind_t *k)
{
    nm_rt_t *rt = nm_rt(L);
    int type = lua_type(L, 1);
    if (type != LUA_TFUNCTION && type != LUA_TSTRING && type != LUA_TBOOLEAN && type != LUA_TNIL &&
        type != LUA_TNONE)
        return luaL_argerror(L, 1,
                             lua_pushfstring(L, "boolean, PEM string or function expected, got %s",
                                             luaL_typename(L, 1)));
    /* Any call replaces a registered callback (NodeMCU does the same). */
    nm_unref(L, cb_of(rt, k));
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, 1);
        *cb_of(rt, k) = luaL_ref(L, LUA_REGISTRYINDEX);
        set_mode(rt, k, NM_CERT_CALLBACK, NULL);
        lua_pushboolean(L, 1);
        return 1;
    }
    iotls_error_t err;
    iotls_error_clear(&err);
    nm_shared_t *from = NULL;
    if (type == LUA_TSTRING) {
        int top = lua_gettop(L);
        int want = k->auth ? 2 : top;
        if (k->auth && top != 2)
            return luaL_error(L,
                              "%s: two PEM strings expected (certificate, private key), got %d "
                              "argument(s)",
                              k->fn, top);
        for (int i = 1; i <= want; i++)
            if (lua_type(L, i) != LUA_TSTRING)
                return luaL_argerror(
                    L, i, lua_pushfstring(L, "PEM string expected, got %s", luaL_typename(L, i)));
        der_list_t l = {0};
        int bad = 0;
        for (int i = 1; i <= want && bad == 0; i++) {
            size_t len;
            const char *s = lua_tolstring(L, i, &len);
            if (add_text(&l, s, len, k->auth && i == 2, &err) < 0)
                bad = i;
        }
        if (bad == 0)
            from = store(rt, k, &l, &err);
        der_list_free(&l);
        if (from == NULL) {
            char msg[sizeof err.text + 64];
            if (bad)
                snprintf(msg, sizeof msg, "%s: argument #%d: %s", k->fn, bad, err.text);
            else
                snprintf(msg, sizeof msg, "%s: %s", k->fn, err.text);
            return luaL_error(L, "%s", msg);
        }
        nm_log(rt, "%s: stored %s at sector 0x%X of the flash image; %s is on", k->fn,
               k->auth ? "the client certificate and key" : "the CA certificate(s)", k->sector,
               k->auth ? "client authentication" : "verification");
        set_mode(rt, k, NM_CERT_STORED, from);
        lua_pushboolean(L, 1);
        return 1;
    }
    if (!lua_toboolean(L, 1)) {
        set_mode(rt, k, NM_CERT_OFF, NULL);
        lua_pushboolean(L, 1);
        return 1;
    }
    bool nothing;
    from = shared_from_flash(rt, k, &nothing, &err);
    if (from == NULL) {
        char msg[sizeof err.text + 96];
        snprintf(msg, sizeof msg, "%s", err.text);
        return luaL_error(L, "%s(true): %s (%s)", k->fn,
                          nothing ? "no certificates found" : "stored data unusable", msg);
    }
    set_mode(rt, k, NM_CERT_STORED, from);
    lua_pushboolean(L, 1);
    return 1;
}

static int cert_verify(lua_State *L)
{
    return cert_common(L, &VERIFY);
}

static int cert_auth(lua_State *L)
{
    return cert_common(L, &AUTH);
}

void nm_open_tls_cert(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"verify", cert_verify},
        {"auth", cert_auth},
        {NULL, NULL},
    };
    nm_newlib(L, funcs);
}

/* ---- per connection ---------------------------------------------------------- */

/* Ask the callback for item k; push its result. Protected by the caller. */
typedef struct {
    int ref;
    int k;
} ask_t;

static int ask_run(lua_State *L)
{
    ask_t *a = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, a->ref);
    lua_pushinteger(L, a->k);
    lua_call(L, 1, 1);
    return 1;
}

/* Collect what the callback returns: verify: k = 1.. certificates;
 * auth: 0 = key, then 1.. chain. At most 64 items (a script bug otherwise). */
static nm_shared_t *from_callback(lua_State *L, const cert_kind_t *k, int ref, bool *none,
                                  char *msg, size_t msgcap)
{
    der_list_t l = {0};
    iotls_error_t err;
    iotls_error_clear(&err);
    *none = false;
    nm_shared_t *s = NULL;
    int first = k->auth ? 0 : 1;
    int i;
    for (i = first; i < 65; i++) {
        ask_t a = {ref, i};
        lua_pushcfunction(L, ask_run);
        lua_pushlightuserdata(L, &a);
        if (lua_pcall(L, 1, 1, 0) != 0) {
            snprintf(msg, msgcap, "%s callback(%d) raised: %s", k->fn, i,
                     lua_tostring(L, -1) ? lua_tostring(L, -1) : "(not a string)");
            lua_pop(L, 1);
            goto out;
        }
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        if (lua_type(L, -1) != LUA_TSTRING) {
            snprintf(msg, msgcap, "%s callback(%d) returned a %s, not a PEM/DER string", k->fn, i,
                     luaL_typename(L, -1));
            lua_pop(L, 1);
            goto out;
        }
        size_t len;
        const char *txt = lua_tolstring(L, -1, &len);
        int rc = add_text(&l, txt, len, k->auth && i == 0, &err);
        lua_pop(L, 1);
        if (rc < 0) {
            snprintf(msg, msgcap, "%s callback(%d): %s", k->fn, i, err.text);
            goto out;
        }
    }
    if (i == 65) {
        snprintf(msg, msgcap, "%s callback returned more than 64 items", k->fn);
        goto out;
    }
    if (l.n == 0) {
        *none = true;
        goto out;
    }
    s = shared_from_list(&l, k->auth, &err);
    if (s == NULL)
        snprintf(msg, msgcap, "%s callback: %s", k->fn, err.text);
out:
    der_list_free(&l);
    return s;
}

void nm_cert_for_connection(lua_State *L, nm_rt_t *rt, nm_shared_t **trust, nm_shared_t **creds,
                            bool *insecure)
{
    char msg[IOTLS_ERROR_TEXT_MAX + 128] = "";
    bool none = false;
    *trust = *creds = NULL;
    *insecure = false;
    if (rt->verify_mode == NM_CERT_STORED)
        *trust = nm_shared_ref(rt->verify_from);
    else if (rt->verify_mode == NM_CERT_CALLBACK) {
        *trust = from_callback(L, &VERIFY, rt->verify_cb, &none, msg, sizeof msg);
        if (*trust == NULL && !none)
            luaL_error(L, "%s", msg);
    }
    /* Off, or a callback that named no CA: the seed's "will not validate". */
    *insecure = *trust == NULL;
    if (rt->auth_mode == NM_CERT_STORED)
        *creds = nm_shared_ref(rt->auth_from);
    else if (rt->auth_mode == NM_CERT_CALLBACK) {
        *creds = from_callback(L, &AUTH, rt->auth_cb, &none, msg, sizeof msg);
        if (*creds == NULL && !none) {
            nm_shared_unref(*trust);
            *trust = NULL;
            luaL_error(L, "%s", msg);
        }
    }
}

void nm_cert_release(nm_rt_t *rt)
{
    set_mode(rt, &VERIFY, NM_CERT_OFF, NULL);
    set_mode(rt, &AUTH, NM_CERT_OFF, NULL);
}
