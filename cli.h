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
};

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
