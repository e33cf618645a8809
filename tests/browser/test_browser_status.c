/*
 * test_browser_status.c — a real browser (headless Debian Chromium) loads
 * the status page of `iotls serve` over HTTPS and runs its script, which
 * fetches /api/status and refreshes the figures. The browser trusts exactly
 * the test server's key (--ignore-certificate-errors-spki-list with its SPKI
 * SHA-256, as `iotls cert show` prints it); certificate checks stay on, and
 * a control run without that flag must NOT show the page. The rendered DOM
 * is read with --dump-dom; a screenshot is saved as an artifact in
 * $IOTLS_ARTIFACTS (default $IOTLS_BUILD/artifacts)/browser-status-page.png.
 *
 * Run by `make test-browser` (CI step .ci/steps/40-browser.sh), not by
 * `make test`. When Chromium is missing or cannot start, the test says so
 * loudly and is reported as SKIPPED, never as passed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cmd.h"
#include "peer.h"
#include "pki.h"
#include "serve.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

static void skip_loudly(const char *why, const iotls_test_result_t *r)
{
    fprintf(stderr, "\n*** BROWSER TEST SKIPPED: %s ***\n", why);
    if (r && r->err)
        fprintf(stderr, "%.2000s\n", r->err);
    fprintf(stderr, "*** the status page was NOT checked in a browser ***\n\n");
}

/* The server key's SPKI SHA-256 in base64, from `iotls cert show`. */
static void spki_base64(char *out, size_t cap)
{
    const char *argv[] = {iotls_test_tool(), "cert", "show", pki->server_ec.cert, NULL};
    iotls_test_cmd_t cmd = {.argv = argv};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    const char *p = strstr(r.out, "pin:         sha256//");
    assert_non_null(p);
    p += strlen("pin:         sha256//");
    size_t n = strcspn(p, "\n");
    assert_true(n > 0 && n < cap);
    memcpy(out, p, n);
    out[n] = '\0';
    iotls_test_result_free(&r);
}

/* chromium headless with the flags that work here, a fresh profile. */
static int chromium(const char *spki, const char *action, const char *url, iotls_test_result_t *r)
{
    static int profiles;
    char profile[512], name[32], ud[600], spki_flag[128];
    snprintf(name, sizeof name, "chromium-profile-%d", profiles++);
    assert_non_null(iotls_test_tmp_mkdir(profile, sizeof profile, name));
    snprintf(ud, sizeof ud, "--user-data-dir=%s", profile);
    snprintf(spki_flag, sizeof spki_flag, "--ignore-certificate-errors-spki-list=%s",
             spki ? spki : "");
    const char *argv[] = {"chromium",
                          "--headless",
                          "--no-sandbox",
                          "--disable-gpu",
                          "--disable-quic",
                          "--no-first-run",
                          "--disable-background-networking",
                          "--disable-component-update",
                          "--disable-sync",
                          ud,
                          "--window-size=900,600",
                          "--virtual-time-budget=5000",
                          spki ? spki_flag : "--disable-extensions",
                          action,
                          url,
                          NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .timeout_ms = 90000};
    return iotls_test_run_cmd(&cmd, r);
}

static void test_status_page_in_chromium(void **state)
{
    if (!iotls_test_have_program("chromium")) {
        skip_loudly("chromium is not installed (Debian package chromium)", NULL);
        skip();
    }
    iotls_test_peer_t p;
    assert_int_equal(iotls_test_serve_start(&p, NULL), 0);
    char spki[64], url[128];
    spki_base64(spki, sizeof spki);
    snprintf(url, sizeof url, "https://localhost:%u/", p.port);

    iotls_test_result_t r;
    if (chromium(spki, "--dump-dom", url, &r) != 0 || !r.exited || r.exit_code != 0 ||
        r.out_len == 0) {
        skip_loudly("chromium did not run here", &r);
        iotls_test_result_free(&r);
        iotls_test_peer_stop(&p);
        skip();
    }
    if (!strstr(r.out, "iotls device status"))
        iotls_test_result_dump("chromium --dump-dom", &r);
    /* The page, and the figures its script fetched over HTTPS. */
    assert_non_null(strstr(r.out, "<h1>iotls device status</h1>"));
    assert_non_null(strstr(r.out, "<p id=\"refreshed\">refreshed "));
    assert_non_null(strstr(r.out, "<td id=\"httpmem\">"));
    assert_non_null(strstr(r.out, "<td id=\"leds\">off off off off off off off off</td>"));
    iotls_test_result_free(&r);

    /* Control: without trusting the key, Chromium refuses the page. */
    assert_int_equal(chromium(NULL, "--dump-dom", url, &r), 0);
    assert_null(strstr(r.out, "iotls device status"));
    iotls_test_result_free(&r);

    /* The screenshot artifact. */
    const char *dir = getenv("IOTLS_ARTIFACTS");
    char def[512], png[600], flag[640];
    if (!dir || !*dir) {
        const char *b = getenv("IOTLS_BUILD");
        snprintf(def, sizeof def, "%s/artifacts", b && *b ? b : "build");
        dir = def;
    }
    mkdir(dir, 0755);
    snprintf(png, sizeof png, "%s/browser-status-page.png", dir);
    remove(png);
    snprintf(flag, sizeof flag, "--screenshot=%s", png);
    assert_int_equal(chromium(spki, flag, url, &r), 0);
    iotls_test_result_free(&r);
    size_t len = 0;
    char *img = iotls_test_read_file(png, &len);
    assert_non_null(img);
    assert_true(len > 1000);
    assert_memory_equal(img, "\x89PNG", 4);
    free(img);
    fprintf(stderr, "browser: screenshot saved as %s (%zu bytes)\n", png, len);
    iotls_test_peer_stop(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_page_in_chromium),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
