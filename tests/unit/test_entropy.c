/* No entropy, no session: with getrandom(2) made to fail by a seccomp
 * filter (in a child process, so the rest of the tests keep theirs),
 * iotls_session_init refuses with IOTLS_ERR_NO_ENTROPY instead of seeding
 * weakly. No test hook in the library is involved. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "iotls/tls.h"
#include "pki.h"

static const iotls_test_pki_t *pki;

static int setup(void **state)
{
    pki = iotls_test_pki();
    return pki ? 0 : -1;
}

/* getrandom() -> ENOSYS, everything else allowed. */
static int deny_getrandom(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getrandom, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* Child: 0 = refused with the right code and text, 1 = wrong outcome,
 * 2 = could not install the filter. */
static int child(void)
{
    iotls_error_t err;
    iotls_error_clear(&err);
    iotls_trust_t *trust = iotls_trust_new();
    if (iotls_trust_load_file(trust, pki->ca_pem, &err) < 0)
        return 1;
    if (deny_getrandom() != 0)
        return 2;
    iotls_config_t cfg;
    iotls_config_init(&cfg, IOTLS_ROLE_CLIENT);
    cfg.trust = trust;
    size_t n = iotls_session_size(&cfg);
    void *mem = malloc(n);
    iotls_session_t *s = iotls_session_init(mem, n, &cfg, "localhost", &err);
    int ok = s == NULL && err.code == IOTLS_ERR_NO_ENTROPY && strstr(err.text, "getrandom") &&
             strstr(err.text, "refusing");
    if (!ok)
        fprintf(stderr, "child: session %p, %s: %s\n", (void *)s, iotls_error_code_name(err.code),
                err.text);
    free(mem);
    iotls_trust_free(trust);
    return ok ? 0 : 1;
}

static void test_no_entropy_refuses_to_start(void **state)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child());
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 2)
        fail_msg("this kernel refused the seccomp filter: cannot simulate a missing RNG");
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_entropy_refuses_to_start),
    };
    return cmocka_run_group_tests(tests, setup, iotls_test_pki_teardown);
}
