/* Subcommands of the iotls tool. Each returns the process exit status. */
#ifndef IOTLS_TOOL_COMMANDS_H
#define IOTLS_TOOL_COMMANDS_H

int cmd_connect(int argc, char **argv);
int cmd_listen(int argc, char **argv);

/* HTTPS (tools/iotls/cmd_serve.c, cmd_get.c). */
int cmd_serve(int argc, char **argv);
int cmd_get(int argc, char **argv);

/* Provisioning (tools/iotls/cmd_cert*.c, cmd_flash*.c). */
int cmd_cert(int argc, char **argv);
int cmd_cert_header(int argc, char **argv);
int cmd_cert_show(int argc, char **argv);
int cmd_flash(int argc, char **argv);

/* NodeMCU Lua scripts (tools/iotls/cmd_lua.c runs tools/iotls-lua/). */
int cmd_lua(int argc, char **argv);

#endif
