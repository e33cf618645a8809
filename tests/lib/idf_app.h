/*
 * tests/lib/idf_app.h — an ESP-IDF program built against libiotls-espidf,
 * run as a server: started in the background with IOTLS_ESPIDF_PORTS mapping
 * its fixed port to a free one, which is read from its log line
 * "httpd: listening on port N".
 */
#ifndef IOTLS_TEST_IDF_APP_H
#define IOTLS_TEST_IDF_APP_H

#include <stdint.h>

#include "cmd.h"

/* Starts prog (asking for idf_port) with the extra env entries (NULL-ended
 * or NULL); fills job and the real port. 0, or -1 with its output printed. */
int iotls_test_idf_server_start(const char *prog, unsigned idf_port, const char *const *env,
                                iotls_test_job_t *job, uint16_t *port);

/* Stops it (SIGTERM then SIGKILL) and returns what it printed (free with
 * iotls_test_result_free). */
void iotls_test_idf_server_stop(iotls_test_job_t *job, iotls_test_result_t *res);

#endif
