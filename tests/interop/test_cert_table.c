/* The certificate-case table (issue 3): every row is one server chain, one
 * client trust, one name to check and optionally a client certificate, with
 * the exact error each side must end with and fragments of its text. The
 * certificates are made at test time with the openssl CLI (pki.h,
 * pki_cases.h). Every row runs through the in-memory pair; a representative
 * subset also runs against real peers: openssl s_server -Verify with the
 * iotls client, and openssl s_client / curl with an in-process iotls server
 * that asks for client certificates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client_run.h"
#include "iotls/net.h"
#include "pair.h"
#include "peer.h"
#include "pki.h"
#include "pki_cases.h"
#include "thread_server.h"
#include "tmpdir.h"

static const iotls_test_pki_t *pki;
static const iotls_test_pki_cases_t *cases;

static int setup(void **state)
{
    pki = iotls_test_pki();
    cases = pki ? iotls_test_pki_cases() : NULL;
    return cases ? 0 : -1;
}

/* ---- files by short name ---------------------------------------------------- */

static const iotls_test_cred_t *cred_named(const char *name)
{
    const iotls_test_cred_t *all[] = {
        &pki->server_ec,
        &pki->server_rsa,
        &pki->server_expired,
        &pki->server_notyet,
        &pki->server_wrongname,
        &pki->server_otherca,
        &pki->client,
        &cases->wildcard,
        &cases->cn_only,
        &cases->sni_b,
        &cases->ec_under_ec_under_rsa,
        &cases->ec_under_rsa_inter,
        &cases->p384,
        &cases->rsa_under_p384,
        &cases->client_otherca,
        &cases->selfsigned,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    fail_msg("no credential named '%s'", name);
    return NULL;
}

/* "root", "other-ca", "rsa4096-root", "p384-root", "<cred>.<cert|chain|key>",
 * or "x:<file>" from the issue-9 cases (pki_cases.h). */
static const char *file_named(const char *ref)
{
    if (!ref)
        return NULL;
    if (strncmp(ref, "x:", 2) == 0) {
        const char *f = iotls_test_pki_cases_file(ref + 2);
        assert_non_null(f);
        return f;
    }
    if (strcmp(ref, "root") == 0)
        return pki->ca_pem;
    if (strcmp(ref, "other-ca") == 0)
        return pki->other_ca_pem;
    if (strcmp(ref, "rsa4096-root") == 0)
        return cases->rsa_root_pem;
    if (strcmp(ref, "p384-root") == 0)
        return cases->p384_root_pem;
    char name[64];
    const char *dot = strrchr(ref, '.');
    assert_non_null(dot);
    assert_true((size_t)(dot - ref) < sizeof name);
    memcpy(name, ref, (size_t)(dot - ref));
    name[dot - ref] = '\0';
    const iotls_test_cred_t *c = cred_named(name);
    if (strcmp(dot, ".cert") == 0)
        return c->cert;
    if (strcmp(dot, ".chain") == 0)
        return c->chain;
    if (strcmp(dot, ".key") == 0)
        return c->key;
    fail_msg("bad file reference '%s'", ref);
    return NULL;
}

/* ---- the table ------------------------------------------------------------- */

#define NONE IOTLS_CLIENT_AUTH_NONE
#define REQUEST IOTLS_CLIENT_AUTH_REQUEST
#define REQUIRE IOTLS_CLIENT_AUTH_REQUIRE
#define OK IOTLS_OK
/* The side that rejects a certificate tells the other with an alert. */
#define ALERT IOTLS_ERR_ALERT_RECEIVED

typedef struct {
    const char *name;
    const char *server_chain, *server_key; /* file refs (see file_named) */
    const char *client_trust;              /* file ref */
    const char *host;                      /* name / IP the client checks */
    const char *client_cert;               /* credential name, NULL = none */
    iotls_client_auth_t client_auth;       /* server asks for client certs */
    const char *client_ca;                 /* server's trust for them */
    iotls_err_t client_code, server_code;
    /* '|'-separated fragments, all required: in the side's error text when
     * its code is not OK, else in "auth | subject | SANs" of its report
     * (NULL = nothing checked). */
    const char *client_text, *server_text;
} cert_case_t;

/* Rows named "... with allow_weak_rsa" run with cfg.allow_weak_rsa on both
 * ends. */
static bool row_allows_weak_rsa(const cert_case_t *c)
{
    return strstr(c->name, "with allow_weak_rsa") != NULL;
}

/* Rows named "... [reorder]" run with cfg.chain_reorder_bytes = 8192 on
 * both ends, "[reorder N]" with N. */
static size_t row_reorder_bytes(const cert_case_t *c)
{
    const char *r = strstr(c->name, "[reorder");
    if (!r)
        return 0;
    return r[8] == ' ' ? (size_t)strtoul(r + 9, NULL, 10) : 8192;
}

#define INVALID IOTLS_ERR_CERT_INVALID
#define UNTRUSTED IOTLS_ERR_CERT_UNTRUSTED
#define BAD_CERT_ALERT "peer sent fatal alert bad_certificate (42): it rejected our certificate"
#define UNKNOWN_CA_ALERT "peer sent fatal alert unknown_ca (48): it rejected our certificate"

static const cert_case_t table[] = {
    {"good chain (EC leaf + intermediate)", "server-ec.chain", "server-ec.key", "root", "localhost",
     NULL, NONE, NULL, OK, OK, "chain + host name|CN=localhost|DNS:localhost, IP:127.0.0.1",
     "not requested"},
    {"good chain (RSA-2048 leaf)", "server-rsa.chain", "server-rsa.key", "root", "localhost", NULL,
     NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"missing intermediate (leaf only, root trusted)", "server-ec.cert", "server-ec.key", "root",
     "localhost", NULL, NONE, NULL, IOTLS_ERR_CERT_UNTRUSTED, ALERT,
     "'CN=localhost' is not trusted|chain (1 certificate) ends at issuer "
     "'O=iotls test, CN=iotls test intermediate CA'|unknown CA",
     "peer sent fatal alert unknown_ca (48): it rejected our certificate"},
    {"wrong CA", "server-othereca.chain", "server-othereca.key", "root", "localhost", NULL, NONE,
     NULL, IOTLS_ERR_CERT_UNTRUSTED, ALERT,
     "'CN=localhost' is not trusted|issuer 'O=iotls test, CN=iotls test other CA'",
     "peer sent fatal alert unknown_ca (48): it rejected our certificate"},
    {"expired leaf", "server-expired.chain", "server-expired.key", "root", "localhost", NULL, NONE,
     NULL, IOTLS_ERR_CERT_EXPIRED, ALERT,
     "certificate 'CN=localhost' (depth 0) expired on 2021-01-01 00:00:00 UTC|"
     "validity 2020-01-01 00:00:00 UTC to 2021-01-01 00:00:00 UTC",
     "peer sent fatal alert certificate_expired (45): it rejected our certificate"},
    {"not yet valid leaf", "server-notyet.chain", "server-notyet.key", "root", "localhost", NULL,
     NONE, NULL, IOTLS_ERR_CERT_NOT_YET_VALID, ALERT,
     "certificate 'CN=localhost' (depth 0) is not valid before 2099-01-01 00:00:00 UTC|"
     "to 2099-12-31 23:59:59 UTC",
     "peer sent fatal alert certificate_expired (45): it rejected our certificate"},
    {"wrong name", "server-wrongname.chain", "server-wrongname.key", "root", "localhost", NULL,
     NONE, NULL, IOTLS_ERR_CERT_NAME_MISMATCH, ALERT,
     "certificate 'CN=wrong.example' does not match host 'localhost'|checked 1 DNS",
     "peer sent fatal alert bad_certificate (42): it rejected our certificate"},
    {"wildcard matches one label", "wildcard.chain", "wildcard.key", "root", "a.example.test", NULL,
     NONE, NULL, OK, OK, "CN=*.example.test|DNS:*.example.test", NULL},
    {"wildcard does not match two labels", "wildcard.chain", "wildcard.key", "root",
     "a.b.example.test", NULL, NONE, NULL, IOTLS_ERR_CERT_NAME_MISMATCH, ALERT,
     "'CN=*.example.test' does not match host 'a.b.example.test'",
     "peer sent fatal alert bad_certificate (42): it rejected our certificate"},
    {"wildcard does not match the bare domain", "wildcard.chain", "wildcard.key", "root",
     "example.test", NULL, NONE, NULL, IOTLS_ERR_CERT_NAME_MISMATCH, ALERT,
     "does not match host 'example.test'",
     "peer sent fatal alert bad_certificate (42): it rejected our certificate"},
    {"IPv4 SAN", "server-ec.chain", "server-ec.key", "root", "127.0.0.1", NULL, NONE, NULL, OK, OK,
     "IP:127.0.0.1", NULL},
    {"IPv6 SAN", "server-ec.chain", "server-ec.key", "root", "::1", NULL, NONE, NULL, OK, OK,
     "IP:::1", NULL},
    {"other IP address", "server-ec.chain", "server-ec.key", "root", "10.0.0.5", NULL, NONE, NULL,
     IOTLS_ERR_CERT_NAME_MISMATCH, ALERT, "'CN=localhost' does not match IP address '10.0.0.5'",
     "peer sent fatal alert bad_certificate (42): it rejected our certificate"},
    {"DNS SAN is not an IP match", "wildcard.chain", "wildcard.key", "root", "127.0.0.1", NULL,
     NONE, NULL, IOTLS_ERR_CERT_NAME_MISMATCH, ALERT, "does not match IP address '127.0.0.1'",
     "peer sent fatal alert bad_certificate (42): it rejected our certificate"},
    {"CN-only certificate, name = CN", "cn-only.chain", "cn-only.key", "root", "cn-only.test", NULL,
     NONE, NULL, OK, OK, "CN=cn-only.test", NULL},
    {"CN-only certificate, other name", "cn-only.chain", "cn-only.key", "root", "other.test", NULL,
     NONE, NULL, IOTLS_ERR_CERT_NAME_MISMATCH, ALERT,
     "'CN=cn-only.test' does not match host 'other.test'|checked 0 DNS subjectAltNames, then "
     "the subject CN",
     "peer sent fatal alert bad_certificate (42): it rejected our certificate"},
    {"RSA-4096 root, EC P-256 intermediate, EC P-256 leaf", "ec-ec-rsa.chain", "ec-ec-rsa.key",
     "rsa4096-root", "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost|chain + host name", NULL},
    {"RSA-4096 root, RSA-2048 intermediate, EC P-256 leaf", "ec-rsa-rsa.chain", "ec-rsa-rsa.key",
     "rsa4096-root", "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"P-384 root, intermediate and leaf (SHA-384)", "p384.chain", "p384.key", "p384-root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"P-384 root and intermediate, RSA-2048 leaf", "rsa-p384.chain", "rsa-p384.key", "p384-root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"RSA-4096 chain against the EC root only", "ec-rsa-rsa.chain", "ec-rsa-rsa.key", "root",
     "localhost", NULL, NONE, NULL, IOTLS_ERR_CERT_UNTRUSTED, ALERT,
     "issuer 'O=iotls test, CN=iotls cases RSA-4096 root'",
     "peer sent fatal alert unknown_ca (48): it rejected our certificate"},
    {"client certificate missing, server requires one", "server-ec.chain", "server-ec.key", "root",
     "localhost", NULL, REQUIRE, "root", ALERT, IOTLS_ERR_CERT_MISSING,
     "handshake_failure (40): the server requires a client certificate and none is "
     "configured",
     "client did not send the required certificate"},
    {"client certificate missing, server only requests one", "server-ec.chain", "server-ec.key",
     "root", "localhost", NULL, REQUEST, "root", OK, OK, NULL, "no client certificate"},
    {"client certificate from an untrusted CA", "server-ec.chain", "server-ec.key", "root",
     "localhost", "client-other", REQUIRE, "root", ALERT, IOTLS_ERR_CERT_UNTRUSTED,
     "peer sent fatal alert unknown_ca (48): it rejected our certificate",
     "'O=iotls test, CN=iotls other client' is not trusted|iotls test other CA"},
    {"valid client certificate", "server-ec.chain", "server-ec.key", "root", "localhost", "client",
     REQUIRE, "root", OK, OK, "chain + host name",
     "client certificate chain|O=iotls test, CN=iotls test client"},
    {"valid client certificate, server only requests", "server-rsa.chain", "server-rsa.key", "root",
     "localhost", "client", REQUEST, "root", OK, OK, NULL,
     "client certificate chain|CN=iotls test client"},
    {"client certificate with RSA-4096 client CA trust only", "server-ec.chain", "server-ec.key",
     "root", "localhost", "client", REQUIRE, "rsa4096-root", ALERT, IOTLS_ERR_CERT_UNTRUSTED,
     "peer sent fatal alert unknown_ca (48): it rejected our certificate",
     "'O=iotls test, CN=iotls test client' is not trusted"},

    /* ---- issue 9: trust anchors keep their constraints ---- */
    {"name-constrained root, leaf inside (DNS + IP)", "x:nc-in-chain", "x:nc-in.key", "x:nc-root",
     "a.example.test", NULL, NONE, NULL, OK, OK, "CN=a.example.test|DNS:a.example.test", NULL},
    {"name-constrained root, leaf outside the permitted subtree", "x:nc-out-chain", "x:nc-out.key",
     "x:nc-root", "localhost", NULL, NONE, NULL, UNTRUSTED, ALERT,
     "certificate at depth 0 names DNS:localhost, outside the name constraints of trust anchor "
     "'O=iotls test, CN=iotls cases name-constrained root'",
     UNKNOWN_CA_ALERT},
    {"name-constrained root, leaf in the excluded subtree", "x:nc-excl-chain", "x:nc-excl.key",
     "x:nc-root", "bad.example.test", NULL, NONE, NULL, UNTRUSTED, ALERT,
     "names DNS:bad.example.test, outside the name constraints", UNKNOWN_CA_ALERT},
    {"name-constrained root, leaf outside, two levels down", "x:nc-deep-chain", "x:nc-deep.key",
     "x:nc-root", "localhost", NULL, NONE, NULL, UNTRUSTED, ALERT,
     "certificate at depth 0 names DNS:localhost, outside", UNKNOWN_CA_ALERT},
    {"critical nameConstraints in an intermediate (BearSSL refuses it)", "x:nc-inter-chain",
     "x:nc-inter-leaf.key", "root", "localhost", NULL, NONE, NULL, INVALID, ALERT,
     "'O=iotls test, CN=iotls cases name-constrained intermediate' (depth 1) has a critical "
     "nameConstraints extension, which BearSSL 0.6 cannot process",
     BAD_CERT_ALERT},
    {"expired trust anchor", "x:old-root-leaf-chain", "x:old-root-leaf.key", "x:old-root",
     "localhost", NULL, NONE, NULL, IOTLS_ERR_CERT_EXPIRED, ALERT,
     "trust anchor 'O=iotls test, CN=iotls cases expired root' expired on 2021-01-01 00:00:00 UTC",
     "peer sent fatal alert certificate_expired (45)"},
    {"client certificate inside the client CA's name constraints", "server-ec.chain",
     "server-ec.key", "root", "localhost", "x:nc-client-in", REQUIRE, "x:nc-root", OK, OK, NULL,
     "client certificate chain|CN=iotls constrained client|email:dev@example.test"},
    {"client certificate outside the client CA's name constraints", "server-ec.chain",
     "server-ec.key", "root", "localhost", "x:nc-client-out", REQUIRE, "x:nc-root", ALERT,
     UNTRUSTED, UNKNOWN_CA_ALERT,
     "certificate at depth 0 names email:dev@elsewhere.test, outside the name constraints of "
     "trust anchor 'O=iotls test, CN=iotls cases name-constrained root'"},
    {"two subjectAltName extensions", "x:dup-san-chain", "x:dup-san-base.key", "root", "localhost",
     NULL, NONE, NULL, INVALID, ALERT,
     "certificate at depth 0 of the server's chain is malformed: duplicate subjectAltName "
     "extension",
     BAD_CERT_ALERT},
    /* ---- extended key usage ---- */
    {"server certificate with clientAuth-only EKU", "x:eku-client-srv-chain",
     "x:eku-client-srv.key", "root", "localhost", NULL, NONE, NULL, INVALID, ALERT,
     "certificate 'CN=localhost' (depth 0) is not for TLS servers: its extendedKeyUsage lacks "
     "serverAuth",
     BAD_CERT_ALERT},
    {"server certificate without EKU (any use)", "x:eku-none-chain", "x:eku-none.key", "root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"server certificate with anyExtendedKeyUsage", "x:eku-any-chain", "x:eku-any.key", "root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"intermediate whose EKU lacks serverAuth", "x:eku-inter-chain", "x:eku-inter-leaf.key", "root",
     "localhost", NULL, NONE, NULL, INVALID, ALERT,
     "'O=iotls test, CN=iotls cases clientAuth-only intermediate' (depth 1) is not for TLS "
     "servers",
     BAD_CERT_ALERT},
    {"client certificate with serverAuth-only EKU", "server-ec.chain", "server-ec.key", "root",
     "localhost", "x:client-serveronly", REQUIRE, "root", ALERT, INVALID, BAD_CERT_ALERT,
     "'O=iotls test, CN=iotls server-only client' (depth 0) is not for TLS clients: its "
     "extendedKeyUsage lacks clientAuth"},
    /* ---- weak keys ---- */
    {"RSA-1024 leaf refused", "x:rsa1024-chain", "x:rsa1024.key", "root", "localhost", NULL, NONE,
     NULL, INVALID, ALERT,
     "certificate 'CN=localhost' (depth 0) has a 1024-bit RSA key; iotls refuses RSA keys under "
     "2048 bits",
     BAD_CERT_ALERT},
    {"RSA-1024 intermediate refused", "x:rsa1024-ca-chain", "x:rsa1024-ca-leaf.key", "root",
     "localhost", NULL, NONE, NULL, INVALID, ALERT,
     "'O=iotls test, CN=iotls cases RSA-1024 intermediate' (depth 1) has a 1024-bit RSA key",
     BAD_CERT_ALERT},
    {"RSA-1024 leaf with allow_weak_rsa", "x:rsa1024-chain", "x:rsa1024.key", "root", "localhost",
     NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"RSA-1024 intermediate with allow_weak_rsa", "x:rsa1024-ca-chain", "x:rsa1024-ca-leaf.key",
     "root", "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    /* ---- chain order ---- */
    {"two intermediates in order", "x:ord-in", "x:ord-leaf.key", "root", "localhost", NULL, NONE,
     NULL, OK, OK, "CN=localhost", NULL},
    {"two intermediates in order, root included", "x:ord-in-root", "x:ord-leaf.key", "root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"intermediates reversed", "x:ord-rev", "x:ord-leaf.key", "root", "localhost", NULL, NONE, NULL,
     INVALID, ALERT,
     "the server sent its chain out of order (cfg.chain_reorder_bytes would|certificate 'O=iotls "
     "test, "
     "CN=iotls cases order CA 1' (depth 1) is not the issuer ('O=iotls test, CN=iotls cases order "
     "CA 2') of the one before it",
     BAD_CERT_ALERT},
    {"leaf, root, intermediates", "x:ord-root-first", "x:ord-leaf.key", "root", "localhost", NULL,
     NONE, NULL, INVALID, ALERT, "(depth 1) is not the issuer|sent its chain out of order",
     BAD_CERT_ALERT},
    {"leaf, intermediate, root, intermediate", "x:ord-root-mid", "x:ord-leaf.key", "root",
     "localhost", NULL, NONE, NULL, INVALID, ALERT,
     "(depth 2) is not the issuer of the one|sent its chain out of order", BAD_CERT_ALERT},
    {"leaf, root, intermediates reversed", "x:ord-rev-root", "x:ord-leaf.key", "root", "localhost",
     NULL, NONE, NULL, INVALID, ALERT, "sent its chain out of order", BAD_CERT_ALERT},
    {"intermediate missing in the middle", "x:ord-missing", "x:ord-leaf.key", "root", "localhost",
     NULL, NONE, NULL, INVALID, ALERT,
     "not the issuer ('O=iotls test, CN=iotls cases order CA 2')|sent an incomplete "
     "chain (the issuer is not in it)",
     BAD_CERT_ALERT},
    {"base chain as leaf, root, intermediate", "x:base-leaf-root-inter", "server-ec.key", "root",
     "localhost", NULL, NONE, NULL, INVALID, ALERT,
     "'O=iotls test, CN=iotls test root CA' (depth 1)|sent its chain out of order", BAD_CERT_ALERT},
    /* ---- the same orders put right by the reorder buffer ---- */
    {"two intermediates in order [reorder]", "x:ord-in", "x:ord-leaf.key", "root", "localhost",
     NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"intermediates reversed [reorder]", "x:ord-rev", "x:ord-leaf.key", "root", "localhost", NULL,
     NONE, NULL, OK, OK, "chain + host name|CN=localhost", NULL},
    {"leaf, root, intermediates [reorder]", "x:ord-root-first", "x:ord-leaf.key", "root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"leaf, intermediate, root, intermediate [reorder]", "x:ord-root-mid", "x:ord-leaf.key", "root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"leaf, root, intermediates reversed [reorder]", "x:ord-rev-root", "x:ord-leaf.key", "root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"base chain as leaf, root, intermediate [reorder]", "x:base-leaf-root-inter", "server-ec.key",
     "root", "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"intermediate missing in the middle [reorder]", "x:ord-missing", "x:ord-leaf.key", "root",
     "localhost", NULL, NONE, NULL, UNTRUSTED, ALERT,
     "chain (1 certificate) ends at issuer 'O=iotls test, CN=iotls cases order CA 2'",
     UNKNOWN_CA_ALERT},
    {"reversed with room for one intermediate [reorder 700]", "x:ord-rev", "x:ord-leaf.key", "root",
     "localhost", NULL, NONE, NULL, OK, OK, "CN=localhost", NULL},
    {"leaf, root, intermediates reversed, room for one [reorder 700]", "x:ord-rev-root",
     "x:ord-leaf.key", "root", "localhost", NULL, NONE, NULL, INVALID, ALERT,
     "sent its chain out of order and a|did not fit the 700-byte reorder buffer", BAD_CERT_ALERT},
    {"client chain reversed [reorder]", "server-ec.chain", "server-ec.key", "root", "localhost",
     "x:ord-client", REQUIRE, "root", OK, OK, NULL,
     "client certificate chain|CN=iotls order client"},
    {"client chain reversed", "server-ec.chain", "server-ec.key", "root", "localhost",
     "x:ord-client", REQUIRE, "root", ALERT, INVALID, BAD_CERT_ALERT,
     "the client sent its chain out of order"},
};

/* Every '|'-separated fragment of `want` must be in `have`. */
static void expect_fragments(const char *row, const char *side, const char *have, const char *want)
{
    if (!want)
        return;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", want);
    char *save = NULL;
    for (char *f = strtok_r(buf, "|", &save); f; f = strtok_r(NULL, "|", &save)) {
        if (!strstr(have, f))
            fail_msg("[%s] %s: '%s' not in '%s'", row, side, f, have);
    }
}

static void check_side(const cert_case_t *c, const char *side, iotls_session_t *s, iotls_err_t code,
                       const char *text)
{
    const iotls_error_t *e = iotls_session_error(s);
    if (e->code != code)
        fail_msg("[%s] %s: expected %s, got %s: %s", c->name, side, iotls_error_code_name(code),
                 iotls_error_code_name(e->code), e->text);
    unsigned st = iotls_session_state(s);
    if (code != IOTLS_OK) {
        assert_false(st & IOTLS_HANDSHAKE_DONE);
        assert_int_equal(iotls_error_class(e->code) == IOTLS_CLASS_CERTIFICATE,
                         code >= IOTLS_ERR_CERT_UNTRUSTED && code <= IOTLS_ERR_CERT_PIN_MISMATCH);
        expect_fragments(c->name, side, e->text, text);
        return;
    }
    if (!(st & IOTLS_HANDSHAKE_DONE))
        fail_msg("[%s] %s: handshake not done (state %#x)", c->name, side, st);
    const iotls_report_t *r = iotls_session_report(s);
    char have[1024];
    snprintf(have, sizeof have, "%s | %s | %s", r->auth ? r->auth : "(null)", r->peer_subject,
             r->peer_sans);
    expect_fragments(c->name, side, have, text);
}

static void run_row_in_memory(const cert_case_t *c)
{
    iotls_test_pair_t p;
    iotls_test_pair_setup(&p, file_named(c->client_trust), file_named(c->server_chain),
                          file_named(c->server_key), 2048);
    if (c->client_auth != NONE || c->client_cert) {
        bool x = c->client_cert && strncmp(c->client_cert, "x:", 2) == 0;
        const iotls_test_cred_t *cc = c->client_cert && !x ? cred_named(c->client_cert) : NULL;
        char chain[128] = "", key[128] = "";
        if (x) {
            snprintf(chain, sizeof chain, "%s-chain", c->client_cert);
            snprintf(key, sizeof key, "%s.key", c->client_cert);
        }
        iotls_test_pair_client_auth(&p, file_named(c->client_ca), c->client_auth,
                                    x    ? file_named(chain)
                                    : cc ? cc->chain
                                         : NULL,
                                    x    ? file_named(key)
                                    : cc ? cc->key
                                         : NULL);
    }
    p.ccfg.allow_weak_rsa = row_allows_weak_rsa(c);
    p.scfg.allow_weak_rsa = row_allows_weak_rsa(c);
    p.ccfg.chain_reorder_bytes = row_reorder_bytes(c);
    p.scfg.chain_reorder_bytes = row_reorder_bytes(c);
    if (!iotls_test_pair_start(&p, c->host))
        fail_msg("[%s] start: client %s / server %s", c->name, p.cerr.text, p.serr.text);
    iotls_test_pair_finish(&p);
    check_side(c, "client", p.client, c->client_code, c->client_text);
    check_side(c, "server", p.server, c->server_code, c->server_text);

    const iotls_report_t *cr = iotls_session_report(p.client);
    const iotls_report_t *sr = iotls_session_report(p.server);
    if (c->client_code == OK) {
        assert_true(cr->verified);
        assert_true(cr->peer_cert_present);
        /* SNI for names, never for IP literals. */
        bool ip = strchr(c->host, ':') || (c->host[0] >= '0' && c->host[0] <= '9');
        assert_string_equal(sr->server_name, ip ? "" : c->host);
    }
    if (c->server_code == OK && c->client_cert) {
        assert_true(sr->verified);
        assert_true(sr->peer_cert_present);
        assert_non_null(strstr(sr->peer_issuer, strstr(c->client_cert, "ord-") ? "order CA 2"
                                                : strstr(c->client_cert, "nc-")
                                                    ? "constrained root"
                                                    : "intermediate CA"));
    } else if (c->server_code == OK) {
        assert_false(sr->verified);
        assert_false(sr->peer_cert_present);
    }
    iotls_test_pair_free(&p);
}

static void test_table_in_memory(void **state)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        print_message("[ row  ] %s\n", table[i].name);
        run_row_in_memory(&table[i]);
    }
}

/* The same rows, with the server's chain handed over as separate DER
 * certificates (iotls_creds_set_der_chain, as a flash blob stores them) —
 * the table's chain-shaped outcomes must not change. Converted with the
 * openssl CLI. */
static void test_der_chain_creds_same_outcome(void **state)
{
    const char *names[] = {"ec-ec-rsa", "p384", "rsa-p384"};
    for (size_t n = 0; n < 3; n++) {
        const iotls_test_cred_t *c = cred_named(names[n]);
        const char *files[2] = {c->cert, c->inter};
        uint8_t *der[2];
        size_t len[2];
        for (size_t i = 0; i < 2; i++) {
            const char *argv[] = {"openssl", "x509", "-in", files[i], "-outform", "der", NULL};
            iotls_test_cmd_t cmd = {.argv = argv};
            iotls_test_result_t r;
            assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
            assert_true(iotls_test_result_ok(&r));
            der[i] = malloc(r.out_len);
            memcpy(der[i], r.out, r.out_len);
            len[i] = r.out_len;
            iotls_test_result_free(&r);
        }
        size_t key_len;
        char *key = iotls_test_read_file(c->key, &key_len);
        iotls_test_pair_t p;
        iotls_test_pair_setup(
            &p, strcmp(names[n], "ec-ec-rsa") ? cases->p384_root_pem : cases->rsa_root_pem, NULL,
            NULL, 2048);
        iotls_error_t err;
        iotls_error_clear(&err);
        const uint8_t *const certs[2] = {der[0], der[1]};
        assert_int_equal(iotls_creds_set_der_chain(p.creds, certs, len, 2, key, key_len, &err), 0);
        assert_int_equal(iotls_creds_chain_length(p.creds), 2);
        p.scfg.creds = p.creds;
        assert_true(iotls_test_pair_start(&p, "localhost"));
        iotls_test_pair_finish(&p);
        if (iotls_session_error(p.client)->code != IOTLS_OK)
            fail_msg("%s: %s", names[n], iotls_session_error(p.client)->text);
        assert_true(iotls_session_report(p.client)->verified);
        iotls_test_pair_free(&p);
        free(key);
        free(der[0]);
        free(der[1]);
    }
}

/* ---- iotls client -> openssl s_server ----------------------------------------- */

static iotls_trust_t *load_trust(const char *path)
{
    iotls_trust_t *t = iotls_trust_new();
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_trust_load_file(t, path, &err) < 1)
        fail_msg("trust %s: %s", path, err.text);
    return t;
}

static iotls_creds_t *load_creds(const iotls_test_cred_t *c)
{
    iotls_creds_t *cr = iotls_creds_new();
    iotls_error_t err;
    iotls_error_clear(&err);
    if (iotls_creds_load_files(cr, c->chain, c->key, &err) != 0)
        fail_msg("creds %s: %s", c->name, err.text);
    return cr;
}

/* cfg.chain_reorder_bytes of the next peer runs (0 = chains in order). */
static size_t g_reorder;

/* One iotls client connection to s_server serving `server` (with its
 * intermediate unless leaf_only) and optionally requiring a client
 * certificate; expects `code` (and text fragments) on the client. */
static void client_vs_s_server(const char *row, const iotls_test_cred_t *server, bool leaf_only,
                               const char *trust_path, const char *host, const char *verify_name,
                               const iotls_test_cred_t *client_cert, bool require_client,
                               iotls_err_t code, const char *text, iotls_test_peer_t *keep)
{
    print_message("[ peer ] s_server: %s\n", row);
    iotls_test_cred_t sc = *server;
    if (leaf_only)
        sc.inter = NULL;
    static const char *const tls12[] = {"-tls1_2", NULL};
    iotls_test_s_server_opts_t so = {.mode = IOTLS_TEST_S_SERVER_WWW,
                                     .cred = &sc,
                                     .verify_client = require_client,
                                     .extra = tls12};
    iotls_test_peer_t srv;
    assert_int_equal(iotls_test_s_server_start(&so, &srv), 0);

    iotls_trust_t *t = load_trust(trust_path);
    iotls_creds_t *cr = client_cert ? load_creds(client_cert) : NULL;
    iotls_conn_config_t cfg;
    iotls_conn_config_init(&cfg);
    cfg.tls.trust = t;
    cfg.tls.creds = cr;
    cfg.tls.chain_reorder_bytes = g_reorder;
    cfg.tls.report_peer_identity = true; /* rows compare the peer's names */
    cfg.connect_timeout_ms = 5000;
    cfg.handshake_timeout_ms = 5000;
    cfg.verify_name = verify_name;
    static const char req[] = "GET /hello.txt HTTP/1.0\r\n\r\n";
    iotls_test_client_result_t r;
    iotls_test_client_run(host, srv.port, &cfg, req, sizeof req - 1, 0, &r);
    if (keep)
        *keep = srv; /* caller stops it after reading its log */
    else
        iotls_test_peer_stop(&srv);
    if ((code == IOTLS_OK) != r.connected || (code != IOTLS_OK && r.error.code != code)) {
        iotls_test_peer_dump(&srv);
        fail_msg("[%s] expected %s, got connected=%d %s: %s", row, iotls_error_code_name(code),
                 r.connected, iotls_error_code_name(r.error.code), r.error.text);
    }
    if (code == IOTLS_OK) {
        assert_true(r.report.verified);
        assert_non_null(r.data);
        assert_non_null(memmem(r.data, r.len, "hello from s_server", 19));
    } else {
        expect_fragments(row, "client", r.error.text, text);
    }
    iotls_test_client_result_free(&r);
    iotls_creds_free(cr);
    iotls_trust_free(t);
}

static void test_client_against_s_server(void **state)
{
    client_vs_s_server("RSA-4096 root, EC intermediate, EC leaf", &cases->ec_under_ec_under_rsa,
                       false, cases->rsa_root_pem, "localhost", NULL, NULL, false, OK, NULL, NULL);
    client_vs_s_server("RSA-4096 root, RSA-2048 intermediate, EC leaf", &cases->ec_under_rsa_inter,
                       false, cases->rsa_root_pem, "127.0.0.1", NULL, NULL, false, OK, NULL, NULL);
    client_vs_s_server("P-384 chain", &cases->p384, false, cases->p384_root_pem, "localhost", NULL,
                       NULL, false, OK, NULL, NULL);
    client_vs_s_server("P-384 chain, RSA leaf", &cases->rsa_under_p384, false, cases->p384_root_pem,
                       "localhost", NULL, NULL, false, OK, NULL, NULL);
    client_vs_s_server("wildcard match", &cases->wildcard, false, pki->ca_pem, "127.0.0.1",
                       "a.example.test", NULL, false, OK, NULL, NULL);
    client_vs_s_server("wildcard non-match", &cases->wildcard, false, pki->ca_pem, "127.0.0.1",
                       "a.b.example.test", NULL, false, IOTLS_ERR_CERT_NAME_MISMATCH,
                       "does not match host 'a.b.example.test'", NULL);
    client_vs_s_server("CN-only", &cases->cn_only, false, pki->ca_pem, "127.0.0.1", "cn-only.test",
                       NULL, false, OK, NULL, NULL);
    client_vs_s_server(
        "missing intermediate", &pki->server_ec, true, pki->ca_pem, "localhost", NULL, NULL, false,
        IOTLS_ERR_CERT_UNTRUSTED,
        "chain (1 certificate) ends at issuer 'O=iotls test, CN=iotls test intermediate CA'", NULL);
    client_vs_s_server("not yet valid", &pki->server_notyet, false, pki->ca_pem, "localhost", NULL,
                       NULL, false, IOTLS_ERR_CERT_NOT_YET_VALID,
                       "'CN=localhost' (depth 0) is not valid before 2099-01-01", NULL);
}

/* An issue-9 credential: leaf `name`, key `name`.key, sent with `inter`. */
static iotls_test_cred_t x_cred(const char *name, const char *inter)
{
    char key[96];
    snprintf(key, sizeof key, "%s.key", name);
    iotls_test_cred_t c = {name, NULL, NULL, NULL, inter};
    c.cert = strdup(iotls_test_pki_cases_file(name));
    c.key = strdup(iotls_test_pki_cases_file(key));
    return c;
}

static void x_cred_free(iotls_test_cred_t *c)
{
    free((char *)c->cert);
    free((char *)c->key);
}

/* Issue 9 against a real server: constraints, EKU and order as OpenSSL
 * sends them. */
static void test_client_checks_against_s_server(void **state)
{
    char nc_root[256], ord_rev[256], base_ri[256];
    snprintf(nc_root, sizeof nc_root, "%s", iotls_test_pki_cases_file("nc-root"));
    snprintf(ord_rev, sizeof ord_rev, "%s", iotls_test_pki_cases_file("ord-rev-inters"));
    snprintf(base_ri, sizeof base_ri, "%s", iotls_test_pki_cases_file("base-root-inter"));
    iotls_test_cred_t c = x_cred("nc-out", NULL);
    client_vs_s_server("leaf outside the root's name constraints", &c, false, nc_root, "localhost",
                       NULL, NULL, false, IOTLS_ERR_CERT_UNTRUSTED,
                       "names DNS:localhost, outside the name constraints of trust anchor", NULL);
    x_cred_free(&c);
    c = x_cred("nc-in", NULL);
    client_vs_s_server("leaf inside the root's name constraints", &c, false, nc_root, "127.0.0.1",
                       "a.example.test", NULL, false, OK, NULL, NULL);
    x_cred_free(&c);
    c = x_cred("eku-client-srv", pki->inter_pem);
    client_vs_s_server("server certificate for clients only", &c, false, pki->ca_pem, "localhost",
                       NULL, NULL, false, IOTLS_ERR_CERT_INVALID,
                       "is not for TLS servers: its extendedKeyUsage lacks serverAuth", NULL);
    x_cred_free(&c);
    c = x_cred("ord-leaf", ord_rev);
    client_vs_s_server("intermediates reversed", &c, false, pki->ca_pem, "localhost", NULL, NULL,
                       false, IOTLS_ERR_CERT_INVALID, "the server sent its chain out of order",
                       NULL);
    x_cred_free(&c);
    iotls_test_cred_t base = pki->server_ec;
    base.inter = base_ri;
    client_vs_s_server(
        "leaf, root, intermediate", &base, false, pki->ca_pem, "localhost", NULL, NULL, false,
        IOTLS_ERR_CERT_INVALID,
        "'O=iotls test, CN=iotls test root CA' (depth 1)|sent its chain out of order", NULL);
    /* The same two servers, with a reorder buffer: accepted. */
    g_reorder = 4096;
    client_vs_s_server("leaf, root, intermediate, reorder buffer", &base, false, pki->ca_pem,
                       "localhost", NULL, NULL, false, OK, NULL, NULL);
    c = x_cred("ord-leaf", ord_rev);
    client_vs_s_server("intermediates reversed, reorder buffer", &c, false, pki->ca_pem,
                       "localhost", NULL, NULL, false, OK, NULL, NULL);
    x_cred_free(&c);
    g_reorder = 0;
}

/* Anchors whose constraints iotls cannot enforce are refused when loaded,
 * with the reason; nothing is added. */
static void test_unenforceable_anchors_refused(void **state)
{
    struct {
        const char *file, *text;
    } rows[] = {
        {"crit-root", "trust anchor 'O=iotls test, CN=iotls cases critical-extension root' "
                      "refused: it has a critical unknown extension"},
        {"uri-nc-root", "trust anchor 'O=iotls test, CN=iotls cases URI-constrained root' "
                        "refused: it has a name constraint of a form iotls cannot check"},
    };
    for (size_t i = 0; i < 2; i++) {
        iotls_trust_t *t = iotls_trust_new();
        iotls_error_t err;
        iotls_error_clear(&err);
        const char *path = iotls_test_pki_cases_file(rows[i].file);
        assert_int_equal(iotls_trust_load_file(t, path, &err), -1);
        assert_int_equal(err.code, IOTLS_ERR_BAD_CERT);
        if (!strstr(err.text, rows[i].text))
            fail_msg("%s: '%s'", rows[i].file, err.text);
        assert_int_equal(iotls_trust_count(t), 0);
        iotls_trust_free(t);
    }
    /* `iotls cert header` leaves a constrained root out of the compact
     * anchors (which would drop its constraints) and says so; the
     * certificate itself is still emitted for iotls_trust_add_der. */
    const char *argv[] = {
        iotls_test_tool(), "cert",   "header", iotls_test_pki_cases_file("nc-root"),
        pki->ca_pem,       "--name", "fw",     NULL};
    iotls_test_cmd_t cmd = {.argv = argv};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_run_cmd(&cmd, &r), 0);
    assert_true(iotls_test_result_ok(&r));
    assert_non_null(strstr(r.err, "iotls cases name-constrained root"));
    assert_non_null(strstr(r.err, "has name constraints: left out of fw_anchors"));
    assert_non_null(strstr(r.out, "static const uint8_t fw_cert0["));
    assert_non_null(strstr(r.out, "fw_anchors_count IOTLS_GEN_UNUSED = 1;"));
    assert_non_null(strstr(r.out, "{fw_dn1, sizeof fw_dn1"));
    assert_null(strstr(r.out, "{fw_dn0, sizeof fw_dn0"));
    iotls_test_result_free(&r);

    /* The Debian CA bundle (about 140 public roots) loads whole. */
    iotls_trust_t *t = iotls_trust_new();
    iotls_error_t err;
    iotls_error_clear(&err);
    int n = iotls_trust_load_file(t, "/etc/ssl/certs/ca-certificates.crt", &err);
    if (n < 100)
        fail_msg("system bundle: %d anchors: %s", n, err.text);
    iotls_trust_free(t);
}

static void test_client_certificate_against_s_server(void **state)
{
    iotls_test_peer_t srv;
    client_vs_s_server("valid client certificate", &pki->server_ec, false, pki->ca_pem, "localhost",
                       NULL, &pki->client, true, OK, NULL, &srv);
    /* s_server saw and verified our certificate. */
    iotls_test_peer_stop(&srv);
    char *out = iotls_test_peer_stdout(&srv, NULL), *err = iotls_test_peer_stderr(&srv, NULL);
    if (!strstr(err, "depth=0 O = iotls test, CN = iotls test client"))
        iotls_test_peer_dump(&srv);
    assert_non_null(strstr(err, "depth=0 O = iotls test, CN = iotls test client"));
    free(out);
    free(err);

    /* No certificate: OpenSSL refuses the empty Certificate with a fatal alert.
     * TLS 1.2 has no certificate_required (116) alert; OpenSSL 3 sends
     * handshake_failure (40). */
    client_vs_s_server("no client certificate", &pki->server_ec, false, pki->ca_pem, "localhost",
                       NULL, NULL, true, IOTLS_ERR_ALERT_RECEIVED,
                       "peer sent fatal alert handshake_failure (40)", NULL);
    /* A certificate from a CA s_server does not trust: unknown_ca (48). */
    client_vs_s_server("client certificate from another CA", &pki->server_ec, false, pki->ca_pem,
                       "localhost", NULL, &cases->client_otherca, true, IOTLS_ERR_ALERT_RECEIVED,
                       "peer sent fatal alert unknown_ca (48): it rejected our certificate", NULL);
}

/* ---- openssl s_client / curl -> in-process iotls server ------------------------- */

static const char http_body[] = "hello from the mutual-TLS iotls server\n";

struct server {
    iotls_test_tserver_t t;
    iotls_creds_t *creds;
    iotls_trust_t *client_ca;
    iotls_conn_config_t cfg;
};

static uint16_t server_start(struct server *s, iotls_client_auth_t auth)
{
    s->creds = load_creds(&pki->server_ec);
    s->client_ca = load_trust(pki->ca_pem);
    iotls_conn_config_init(&s->cfg);
    s->cfg.tls.creds = s->creds;
    s->cfg.tls.trust = s->client_ca;
    s->cfg.tls.client_auth = auth;
    s->cfg.tls.chain_reorder_bytes = g_reorder;
    s->cfg.tls.report_peer_identity = true;
    s->cfg.handshake_timeout_ms = 5000;
    return iotls_test_tserver_start(&s->t, &s->cfg, http_body);
}

/* Stops the loop thread (a failing handshake first reaches its error
 * callback) and frees what the server used. */
static void server_stop(struct server *s)
{
    iotls_test_tserver_stop(&s->t);
    iotls_creds_free(s->creds);
    iotls_trust_free(s->client_ca);
}

static void s_client_vs_server(const char *row, iotls_client_auth_t auth,
                               const iotls_test_cred_t *client_cert, bool expect_ok,
                               iotls_err_t server_code, const char *server_text)
{
    print_message("[ peer ] s_client: %s\n", row);
    struct server s;
    uint16_t port = server_start(&s, auth);
    static const char line[] = "ping with a client certificate\n";
    static const char *const tls12[] = {"-tls1_2", NULL};
    iotls_test_s_client_opts_t o = {
        .port = port,
        .ca_file = pki->ca_pem,
        .verify_host = "localhost",
        .servername = "localhost",
        .cert = client_cert ? client_cert->cert : NULL,
        .key = client_cert ? client_cert->key : NULL,
        .cert_chain = client_cert ? client_cert->inter : NULL,
        .extra = tls12,
        .input = line,
        .input_len = sizeof line - 1,
        .timeout_ms = 8000,
    };
    iotls_test_result_t r;
    assert_int_equal(iotls_test_s_client_run(&o, &r), 0);
    server_stop(&s);
    if (iotls_test_result_ok(&r) != expect_ok) {
        iotls_test_result_dump("s_client", &r);
        fail_msg("[%s] s_client %s", row, expect_ok ? "failed" : "succeeded");
    }
    if (expect_ok) {
        assert_non_null(strstr(r.out, line));
        assert_int_equal(atomic_load(&s.t.connected), 1);
        assert_int_equal(atomic_load(&s.t.errors), 0);
        const iotls_report_t *sr = &s.t.last_report;
        if (client_cert) {
            assert_true(sr->verified);
            assert_string_equal(sr->auth, "client certificate chain");
            bool ord = strcmp(client_cert->name, "ord-client") == 0;
            assert_non_null(
                strstr(sr->peer_subject, ord ? "CN=iotls order client" : "CN=iotls test client"));
            assert_non_null(strstr(sr->peer_issuer, ord ? "CN=iotls cases order CA 2"
                                                        : "CN=iotls test intermediate CA"));
        } else {
            assert_false(sr->verified);
            assert_string_equal(sr->auth, "no client certificate");
        }
    } else {
        assert_int_equal(atomic_load(&s.t.connected), 0);
        assert_int_equal(atomic_load(&s.t.errors), 1);
        if (s.t.last_error.code != server_code)
            fail_msg("[%s] server: expected %s, got %s: %s", row,
                     iotls_error_code_name(server_code), iotls_error_code_name(s.t.last_error.code),
                     s.t.last_error.text);
        expect_fragments(row, "server", s.t.last_error.text, server_text);
    }
    iotls_test_result_free(&r);
}

static void test_s_client_with_client_certificates(void **state)
{
    s_client_vs_server("valid client certificate", REQUIRE, &pki->client, true, OK, NULL);
    s_client_vs_server("no certificate, server requests", REQUEST, NULL, true, OK, NULL);
    s_client_vs_server("no certificate, server requires", REQUIRE, NULL, false,
                       IOTLS_ERR_CERT_MISSING, "client did not send the required certificate");
    s_client_vs_server("certificate from an untrusted CA", REQUIRE, &cases->client_otherca, false,
                       IOTLS_ERR_CERT_UNTRUSTED,
                       "'O=iotls test, CN=iotls other client' is not trusted");
    /* A client chain with its intermediates reversed: refused in the order
     * sent, accepted with a reorder buffer. */
    char ord_rev[256];
    snprintf(ord_rev, sizeof ord_rev, "%s", iotls_test_pki_cases_file("ord-rev-inters"));
    iotls_test_cred_t oc = x_cred("ord-client", ord_rev);
    s_client_vs_server("client chain reversed", REQUIRE, &oc, false, IOTLS_ERR_CERT_INVALID,
                       "the client sent its chain out of order");
    g_reorder = 4096;
    s_client_vs_server("client chain reversed, reorder buffer", REQUIRE, &oc, true, OK, NULL);
    g_reorder = 0;
    x_cred_free(&oc);
    iotls_test_cred_t c = x_cred("client-serveronly", pki->inter_pem);
    s_client_vs_server("certificate for servers only", REQUIRE, &c, false, IOTLS_ERR_CERT_INVALID,
                       "'O=iotls test, CN=iotls server-only client' (depth 0) is not for TLS "
                       "clients: its extendedKeyUsage lacks clientAuth");
    x_cred_free(&c);
}

static void curl_vs_server(const char *row, const iotls_test_cred_t *client_cert, bool expect_ok,
                           iotls_err_t server_code)
{
    print_message("[ peer ] curl: %s\n", row);
    struct server s;
    uint16_t port = server_start(&s, REQUIRE);
    char url[64];
    snprintf(url, sizeof url, "https://localhost:%u/", port);
    const char *with_cert[] = {"-sS",      "--tlsv1.2",
                               "--cacert", pki->ca_pem,
                               "--cert",   client_cert ? client_cert->chain : "",
                               "--key",    client_cert ? client_cert->key : "",
                               url,        NULL};
    const char *without[] = {"-sS", "--tlsv1.2", "--cacert", pki->ca_pem, url, NULL};
    iotls_test_result_t r;
    assert_int_equal(iotls_test_curl_run(client_cert ? with_cert : without, 10000, &r), 0);
    server_stop(&s);
    if (iotls_test_result_ok(&r) != expect_ok) {
        iotls_test_result_dump("curl", &r);
        fail_msg("[%s] curl %s", row, expect_ok ? "failed" : "succeeded");
    }
    if (expect_ok) {
        assert_string_equal(r.out, http_body);
        assert_true(s.t.last_report.verified);
        assert_non_null(strstr(s.t.last_report.peer_subject, "CN=iotls test client"));
        assert_string_equal(s.t.last_report.server_name, "localhost");
    } else {
        /* curl: 35 = SSL connect error, 56 = failure receiving data */
        assert_true(r.exited && r.exit_code != 0);
        if (s.t.last_error.code != server_code)
            fail_msg("[%s] server: expected %s, got %s: %s", row,
                     iotls_error_code_name(server_code), iotls_error_code_name(s.t.last_error.code),
                     s.t.last_error.text);
    }
    iotls_test_result_free(&r);
}

static void test_curl_with_client_certificates(void **state)
{
    curl_vs_server("valid client certificate", &pki->client, true, OK);
    curl_vs_server("no client certificate", NULL, false, IOTLS_ERR_CERT_MISSING);
    curl_vs_server("client certificate from an untrusted CA", &cases->client_otherca, false,
                   IOTLS_ERR_CERT_UNTRUSTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_in_memory),
        cmocka_unit_test(test_der_chain_creds_same_outcome),
        cmocka_unit_test(test_client_against_s_server),
        cmocka_unit_test(test_client_certificate_against_s_server),
        cmocka_unit_test(test_client_checks_against_s_server),
        cmocka_unit_test(test_unenforceable_anchors_refused),
        cmocka_unit_test(test_s_client_with_client_certificates),
        cmocka_unit_test(test_curl_with_client_certificates),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
