/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command-line program's state, shared by its files (main.c for
 * options and the run, cli-form.c for answering login forms). Only the
 * program talks to the terminal.
 */
#ifndef OC_CLI_H
#define OC_CLI_H

#include "openconnect.h"

/* -F FORM:NAME=VALUE */
struct cli_preset {
	char *form;
	char *name;
	char *value;
	int used;		/* each preset answers one form only */
};

struct cli {
	struct openconnect_info *vpn;
	int verbose;		/* PRG_* level shown */
	int timestamp;
	int non_inter;
	char *user;		/* -u */
	char *authgroup;	/* --authgroup */
	int passwd_on_stdin;
	int passwd_used;
	struct cli_preset *presets;
	int n_presets;
	int syslog;		/* -l: messages go to syslog */
};

/* Exit codes that NetworkManager and scripts rely on. */
#define EXIT_OK			0
#define EXIT_FAIL		1
#define EXIT_COOKIE_REJECTED	2

/* Settings applied once all options are read, whatever their order. */
struct run_opts {
	const char *usergroup;
	const char *cookie;
	int cookie_on_stdin;
	int cookieonly;
	int printcookie;
	int authenticate;
	const char *token_mode;
	const char *token_secret;
	const char *script;
	int script_tun;
	const char *ifname;
	int reconnect_timeout;
	int background;
	const char *pid_file;
	const char *setuid;
	const char *csd_wrapper;
	const char *csd_user;
	const char *cert;		/* -c */
	const char *sslkey;		/* -k */
	const char *key_password;	/* -p */
};

/* Reads the options; -1 to go on, else the exit code. */
int cli_parse_options(struct cli *cli, struct run_opts *ro, int argc,
		      char **argv);
int __attribute__((format(printf, 1, 2))) usage_error(const char *fmt, ...);
void cli_print_version(void);

/* cli-sys.c: the process around the tunnel. */
/* Signals write commands to the library's command pipe @fd. */
int cli_setup_signals(int fd);
/* Detaches from the terminal; the parent exits 0. -1 on failure. */
int cli_background(void);
int cli_write_pid_file(const char *path);
/* Drops root to @user: group, supplementary groups, user. -1 on failure. */
int cli_drop_privileges(const char *user);
void cli_open_syslog(void);

/* process_auth_form callback: fills the form from -u, -F, --authgroup,
 * standard input or the terminal. */
int cli_process_form(void *priv, struct oc_auth_form *form);
/* Parses -F's argument into a preset; -1 when malformed. */
int cli_add_preset(struct cli *cli, const char *arg);
/* Reads one line from standard input without its newline; echo off
 * when @secret and it is a terminal. malloc'ed; NULL at end of input. */
char *cli_read_line(const char *prompt, int secret);
void cli_free(struct cli *cli);

#endif
