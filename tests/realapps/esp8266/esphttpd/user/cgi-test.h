#ifndef CGI_TEST_H
#define CGI_TEST_H

#include "httpd.h"

int cgiTestbed(HttpdConnData *connData);

#endif