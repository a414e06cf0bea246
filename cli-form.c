/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Answering login forms for the command line.
 *
 * Each field is answered, in this order, by a -F preset for that form and
 * field, by -u for the user name, by --passwd-on-stdin for the first
 * password, and otherwise by asking: at a terminal with a prompt (no echo
 * for secrets), else one line from standard input. --non-inter forbids
 * asking. Presets and the piped password answer one form each, so a
 * refused answer is not sent again and again.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

int cli_add_preset(struct cli *cli, const char *arg)
{
	const char *colon = strchr(arg, ':');
	const char *eq = colon ? strchr(colon, '=') : NULL;
	struct cli_preset *grown, *p;

	if (!colon || !eq || colon == arg || eq == colon + 1)
		return -1;
	grown = realloc(cli->presets, (cli->n_presets + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	cli->presets = grown;
	p = &grown[cli->n_presets];
	p->form = strndup(arg, colon - arg);
	p->name = strndup(colon + 1, eq - colon - 1);
	p->value = strdup(eq + 1);
	p->used = 0;
	if (!p->form || !p->name || !p->value) {
		free(p->form);
		free(p->name);
		free(p->value);
		return -1;
	}
	cli->n_presets++;
	return 0;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void cli_free(struct cli *cli)
{
	int i;

	for (i = 0; i < cli->n_presets; i++) {
		free(cli->presets[i].form);
		free(cli->presets[i].name);
		wipe_free(cli->presets[i].value);
	}
	free(cli->presets);
	free(cli->user);
	free(cli->authgroup);
}

static int echo_off(struct termios *saved)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, saved))
		return 0;
	t = *saved;
	t.c_lflag &= ~ECHO;
	return !tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
}

char *cli_read_line(const char *prompt, int secret)
{
	int tty = isatty(STDIN_FILENO);
	struct termios saved;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int restore = 0;

	if (prompt && tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
	}
	if (tty && secret)
		restore = echo_off(&saved);
	n = getline(&line, &cap, stdin);
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	if (n < 0) {
		/* The buffer may hold no string at all (nothing was read). */
		if (line)
			explicit_bzero(line, cap);
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static const char *take_preset(struct cli *cli, const char *form,
			       const char *name)
{
	int i;

	for (i = 0; i < cli->n_presets; i++) {
		struct cli_preset *p = &cli->presets[i];

		if (!p->used && !strcmp(p->form, form) &&
		    !strcmp(p->name, name)) {
			p->used = 1;
			return p->value;
		}
	}
	return NULL;
}

static int is_secret(const struct oc_form_opt *o)
{
	return o->type == OC_FORM_OPT_PASSWORD ||
	       o->type == OC_FORM_OPT_TOKEN ||
	       o->type == OC_FORM_OPT_SSO_TOKEN;
}

/* Asks for one field; -1 when it may not or standard input ended. */
static int ask_field(struct cli *cli, struct oc_form_opt *o)
{
	char prompt[256];
	char *line;
	int ret;

	if (cli->non_inter) {
		fprintf(stderr, "The login needs '%s', and --non-inter forbids asking\n",
			o->label ? o->label : o->name);
		return -1;
	}
	snprintf(prompt, sizeof(prompt), "%s: ", o->label ? o->label : o->name);
	line = cli_read_line(prompt, is_secret(o));
	if (!line) {
		fprintf(stderr, "No answer for '%s' (end of input)\n",
			o->label ? o->label : o->name);
		return -1;
	}
	ret = openconnect_set_option_value(o, line);
	wipe_free(line);
	return ret ? -1 : 0;
}

static int answer_text(struct cli *cli, const char *form,
		       struct oc_form_opt *o)
{
	const char *v = take_preset(cli, form, o->name);
	char *line;
	int ret;

	if (!v && o->type == OC_FORM_OPT_TEXT && cli->user &&
	    (!strcmp(o->name, "user") || !strcmp(o->name, "username")))
		v = cli->user;
	if (v)
		return openconnect_set_option_value(o, v) ? -1 : 0;
	if (is_secret(o) && cli->passwd_on_stdin && !cli->passwd_used) {
		cli->passwd_used = 1;
		line = cli_read_line(NULL, 1);
		if (!line) {
			fprintf(stderr, "--passwd-on-stdin: no password on standard input\n");
			return -1;
		}
		ret = openconnect_set_option_value(o, line);
		wipe_free(line);
		return ret ? -1 : 0;
	}
	return ask_field(cli, o);
}

/* The gateway choice: --authgroup (matched by the library), a preset, a
 * prompt at a terminal; otherwise none, and the library takes the best
 * ranked. */
static int answer_select(struct cli *cli, const char *form,
			 struct oc_form_opt_select *s)
{
	const char *v = take_preset(cli, form, s->form.name);
	char *line;
	int i, ret;

	if (!v)
		v = cli->authgroup;
	if (v)
		return openconnect_set_option_value(&s->form, v) ? -1 : 0;
	if (cli->non_inter || !isatty(STDIN_FILENO))
		return 0;
	fprintf(stderr, "%s:\n", s->form.label ? s->form.label : "Choose");
	for (i = 0; i < s->nr_choices; i++)
		fprintf(stderr, "  %s\n", s->choices[i]->label);
	line = cli_read_line("Choice (a prefix is enough): ", 0);
	if (!line)
		return -1;
	ret = *line ? openconnect_set_option_value(&s->form, line) : 0;
	free(line);
	return ret ? -1 : 0;
}

int cli_process_form(void *priv, struct oc_auth_form *form)
{
	struct cli *cli = priv;
	const char *id = form->auth_id ? form->auth_id : "";
	struct oc_form_opt *o;
	int ret = 0;

	if (form->banner && cli->verbose >= PRG_INFO)
		fprintf(stderr, "%s\n", form->banner);
	if (form->message && cli->verbose >= PRG_INFO)
		fprintf(stderr, "%s\n", form->message);
	if (form->error)
		fprintf(stderr, "%s\n", form->error);
	for (o = form->opts; o && !ret; o = o->next) {
		if (o->flags & OC_FORM_OPT_IGNORE || o->type == OC_FORM_OPT_HIDDEN)
			continue;
		if (o->type == OC_FORM_OPT_SELECT)
			ret = answer_select(cli, id,
					    (struct oc_form_opt_select *)o);
		else
			ret = answer_text(cli, id, o);
	}
	return ret ? OC_FORM_RESULT_ERR : OC_FORM_RESULT_OK;
}
