#ifndef STDOUT_H
#define STDOUT_H

void stdoutInit();

#endif