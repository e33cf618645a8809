/* BearSSL error codes → iotls codes and messages. */
#ifndef IOTLS_BR_ERRORS_H
#define IOTLS_BR_ERRORS_H

#include "iotls/error.h"

/* The iotls code and a sentence for a BearSSL error number (BR_ERR_*,
 * including the +256 received-alert and +512 sent-alert ranges). Never NULL. */
iotls_err_t iotls_br_error_code(int br_err);
const char *iotls_br_error_text(int br_err);

#endif
