/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * openconnect: the command-line program.
 *
 * Only this file prints to the terminal, reads it, and decides the exit
 * code; the library reports through callbacks and return values.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "openconnect.h"
#include "openconnect-priv.h"

static void print_stamp(FILE *f)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	if (localtime_r(&t, &tm) &&
	    strftime(buf, sizeof(buf), "[%Y-%m-%d %H:%M:%S] ", &tm))
		fputs(buf, f);
}

static void __attribute__((format(printf, 3, 4)))
cli_progress(void *priv, int level, const char *fmt, ...)
{
	struct cli *cli = priv;
	va_list ap;

	if (level > cli->verbose)
		return;
	if (cli->syslog) {
		static const int prio[] = { LOG_ERR, LOG_INFO, LOG_DEBUG,
					    LOG_DEBUG };

		va_start(ap, fmt);
		vsyslog(prio[level < 0 ? 0 : level > 3 ? 3 : level], fmt, ap);
		va_end(ap);
		return;
	}
	if (cli->timestamp)
		print_stamp(stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* Reads one line from the terminal; 1 when it says "yes". */
static int ask_yes(const char *question)
{
	char line[64];

	fprintf(stderr, "%s [yes/no] ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return !strcasecmp(line, "yes");
}

/* The library asks when a certificate does not verify: 0 accepts. */
static int cli_validate_cert(void *priv, const char *reason)
{
	struct cli *cli = priv;
	const char *pin = openconnect_get_peer_cert_hash(cli->vpn);

	fprintf(stderr, "Server certificate verify failed: %s\n", reason);
	if (pin)
		fprintf(stderr,
			"To trust this server, add to the command line:\n"
			"    --servercert %s\n", pin);
	if (cli->non_inter || !isatty(STDIN_FILENO))
		return 1;
	return ask_yes("Connect to this server anyway?") ? 0 : 1;
}

void cli_print_version(void)
{
	printf("openconnect (GlobalProtect client) version %s\n",
	       openconnect_get_version());
	printf("TLS library: %s\n", openconnect_get_tls_library_version());
	printf("Supported protocols: gp\n");
}

static int set_token(struct cli *cli, const struct run_opts *ro)
{
	oc_token_mode_t mode;

	if (!ro->token_mode && !ro->token_secret)
		return 0;
	if (!ro->token_mode || !ro->token_secret)
		return usage_error("%s", "--token-mode and --token-secret go together");
	if (!strcasecmp(ro->token_mode, "totp"))
		mode = OC_TOKEN_MODE_TOTP;
	else if (!strcasecmp(ro->token_mode, "hotp"))
		mode = OC_TOKEN_MODE_HOTP;
	else
		return usage_error("unsupported --token-mode '%s' (totp or hotp)",
				   ro->token_mode);
	return openconnect_set_token_mode(cli->vpn, mode, ro->token_secret) ?
	       EXIT_FAIL : 0;
}

/* -c, -k and -p. */
static int set_client_cert(struct cli *cli, const struct run_opts *ro)
{
	if (ro->sslkey && !ro->cert)
		return usage_error("%s", "--sslkey needs --certificate");
	if (ro->key_password && !ro->cert)
		return usage_error("%s", "--key-password needs --certificate");
	if (!ro->cert)
		return 0;
	if (openconnect_set_client_cert(cli->vpn, ro->cert, ro->sslkey) ||
	    (ro->key_password &&
	     openconnect_set_key_password(cli->vpn, ro->key_password)))
		return EXIT_FAIL;
	return 0;
}

/* --csd-wrapper and --csd-user (a name or a number). */
static int set_csd(struct cli *cli, const struct run_opts *ro)
{
	uid_t uid = (uid_t)-1;
	struct passwd *pw;

	if (!ro->csd_wrapper)
		return 0;
	if (ro->csd_user) {
		pw = getpwnam(ro->csd_user);
		if (!pw)
			return usage_error("--csd-user: no such user '%s'",
					   ro->csd_user);
		uid = pw->pw_uid;
	} else if (getuid() == 0) {
		fprintf(stderr, "Running the HIP report program as root; "
			"--csd-user names another user\n");
	}
	return openconnect_setup_csd(cli->vpn, uid, 1, ro->csd_wrapper) ?
	       EXIT_FAIL : 0;
}

/* Writes NAME='value' with the value quoted for a POSIX shell. */
static void print_shell_var(const char *name, const char *value)
{
	const char *p;

	printf("%s='", name);
	for (p = value ? value : ""; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	}
	printf("'\n");
}

static void print_authenticate(struct openconnect_info *v)
{
	const char *ip = openconnect_get_server_ip(v);
	char resolve[512];

	print_shell_var("COOKIE", openconnect_get_cookie(v));
	print_shell_var("HOST", openconnect_get_hostname(v));
	print_shell_var("CONNECT_URL", openconnect_get_connect_url(v));
	print_shell_var("FINGERPRINT", openconnect_get_peer_cert_hash(v));
	snprintf(resolve, sizeof(resolve), "%s:%s",
		 openconnect_get_dnsname(v), ip ? ip : "");
	print_shell_var("RESOLVE", ip && *ip ? resolve : "");
	fflush(stdout);
}

/* The cookie from -C, standard input, or a login. 0 to go on. */
static int get_cookie(struct cli *cli, const struct run_opts *ro)
{
	struct openconnect_info *v = cli->vpn;
	char *line;
	int ret;

	if (ro->cookie_on_stdin) {
		line = cli_read_line(NULL, 1);
		if (!line) {
			fprintf(stderr, "No cookie on standard input\n");
			return EXIT_FAIL;
		}
		ret = openconnect_set_cookie(v, line);
		explicit_bzero(line, strlen(line));
		free(line);
		return ret ? EXIT_FAIL : 0;
	}
	if (ro->cookie)
		return openconnect_set_cookie(v, ro->cookie) ? EXIT_FAIL : 0;
	ret = openconnect_obtain_cookie(v);
	if (ret)
		return EXIT_FAIL;
	return 0;
}

/* The library's end of a session, as an exit code. */
static int exit_code(int ret)
{
	switch (ret) {
	case 0:
	case -EINTR:
	case -ECONNABORTED:
		return EXIT_OK;
	case -EPERM:
		return EXIT_COOKIE_REJECTED;
	default:
		return EXIT_FAIL;
	}
}

static int setup_tun(struct cli *cli, const struct run_opts *ro)
{
	struct openconnect_info *v = cli->vpn;
	const char *script = ro->script ? ro->script : DEFAULT_VPNCSCRIPT;

	if (ro->script_tun) {
		if (!ro->script)
			return usage_error("%s", "-S needs a script (-s)");
		return openconnect_setup_tun_script(v, ro->script) ? EXIT_FAIL
								   : 0;
	}
	return openconnect_setup_tun_device(v, script, ro->ifname) ?
	       EXIT_FAIL : 0;
}

/* getconfig, the device, then the process settles: background, pid
 * file, root dropped. */
static int connect_tunnel(struct cli *cli, const struct run_opts *ro)
{
	struct openconnect_info *v = cli->vpn;
	int ret;

	/* From here a signal ends the session in order. */
	if (cli_setup_signals(openconnect_setup_cmd_pipe(v)))
		return EXIT_FAIL;
	ret = openconnect_make_cstp_connection(v);
	if (ret)
		return exit_code(ret == -EPERM ? ret : -EIO);
	ret = setup_tun(cli, ro);
	if (ret)
		return ret;
	if (ro->background && cli_background())
		return EXIT_FAIL;
	/* Written while still root, so it may live in /run. */
	if (ro->pid_file && cli_write_pid_file(ro->pid_file))
		return EXIT_FAIL;
	if (ro->setuid && cli_drop_privileges(ro->setuid))
		return EXIT_FAIL;
	ret = openconnect_mainloop(v, ro->reconnect_timeout, 60);
	if (ro->pid_file)
		unlink(ro->pid_file);
	return exit_code(ret);
}

static int run(struct cli *cli, const struct run_opts *ro, const char *server)
{
	struct openconnect_info *v = cli->vpn;
	int ret;

	if (openconnect_parse_url(v, server))
		return EXIT_FAIL;
	if (ro->usergroup && openconnect_set_urlpath(v, ro->usergroup))
		return EXIT_FAIL;
	ret = set_token(cli, ro);
	if (!ret)
		ret = set_client_cert(cli, ro);
	if (!ret)
		ret = set_csd(cli, ro);
	if (!ret)
		ret = get_cookie(cli, ro);
	if (ret)
		return ret;
	if (ro->authenticate) {
		print_authenticate(v);
		return EXIT_OK;
	}
	if (ro->cookieonly || ro->printcookie) {
		printf("%s\n", openconnect_get_cookie(v));
		fflush(stdout);
	}
	if (ro->cookieonly)
		return EXIT_OK;
	return connect_tunnel(cli, ro);
}

int main(int argc, char **argv)
{
	struct cli cli = { .verbose = PRG_INFO };
	struct run_opts ro = { 0 };
	int ret;

	if (openconnect_init_ssl()) {
		fprintf(stderr, "openconnect: cannot initialise TLS\n");
		return EXIT_FAIL;
	}
	cli.vpn = openconnect_vpninfo_new(NULL, cli_validate_cert, NULL,
					  cli_process_form, cli_progress, &cli);
	if (!cli.vpn) {
		fprintf(stderr, "openconnect: out of memory\n");
		return EXIT_FAIL;
	}
	ret = cli_parse_options(&cli, &ro, argc, argv);
	if (ret < 0 && optind != argc - 1)
		ret = usage_error("%s", optind >= argc ?
				  "no server given" : "more than one server given");
	if (ret < 0) {
		if (cli.syslog)
			cli_open_syslog();
		openconnect_set_loglevel(cli.vpn, cli.verbose);
		ret = run(&cli, &ro, argv[optind]);
	}
	openconnect_vpninfo_free(cli.vpn);
	cli_free(&cli);
	return ret;
}
