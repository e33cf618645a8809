/* Subcommands of the iotls tool. Each returns the process exit status. */
#ifndef IOTLS_TOOL_COMMANDS_H
#define IOTLS_TOOL_COMMANDS_H

int cmd_connect(int argc, char **argv);
int cmd_listen(int argc, char **argv);

#endif
