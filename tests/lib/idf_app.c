/* ESP-IDF programs as servers in tests (idf_app.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idf_app.h"
#include "tmpdir.h"

int iotls_test_idf_server_start(const char *prog, unsigned idf_port, const char *const *env,
                                iotls_test_job_t *job, uint16_t *port)
{
    char map[64];
    snprintf(map, sizeof map, "IOTLS_ESPIDF_PORTS=%u=0", idf_port);
    const char *all[8] = {map};
    size_t n = 1;
    for (size_t i = 0; env != NULL && env[i] != NULL && n < 7; i++)
        all[n++] = env[i];
    all[n] = NULL;
    const char *argv[] = {prog, NULL};
    iotls_test_cmd_t cmd = {.argv = argv, .env = all, .timeout_ms = 120000};
    if (iotls_test_cmd_start(&cmd, job) != 0)
        return -1;
    if (iotls_test_cmd_wait_stdout(job, "listening on port ", 10000)) {
        char *out = iotls_test_read_file(job->out_path, NULL);
        const char *p = out ? strstr(out, "listening on port ") : NULL;
        long v = p ? strtol(p + strlen("listening on port "), NULL, 10) : 0;
        free(out);
        if (v > 0 && v < 65536) {
            *port = (uint16_t)v;
            return 0;
        }
    }
    iotls_test_result_t res;
    iotls_test_idf_server_stop(job, &res);
    iotls_test_result_dump(prog, &res);
    iotls_test_result_free(&res);
    return -1;
}

void iotls_test_idf_server_stop(iotls_test_job_t *job, iotls_test_result_t *res)
{
    kill(job->pid, SIGTERM);
    iotls_test_cmd_wait(job, res);
}
