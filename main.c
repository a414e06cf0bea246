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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "openconnect.h"
#include "openconnect-priv.h"

/* Exit codes that NetworkManager and scripts rely on. */
#define EXIT_OK			0
#define EXIT_FAIL		1
#define EXIT_COOKIE_REJECTED	2

struct cli {
	struct openconnect_info *vpn;
	int verbose;		/* PRG_* level shown */
	int timestamp;
	int non_inter;
};

enum {
	OPT_PROTOCOL = 0x100,
	OPT_SERVERCERT,
	OPT_CAFILE,
	OPT_NO_SYSTEM_TRUST,
	OPT_RESOLVE,
	OPT_SNI,
	OPT_TIMESTAMP,
	OPT_DUMP_HTTP,
	OPT_NON_INTER,
};

static const struct option long_options[] = {
	{ "protocol",		required_argument, NULL, OPT_PROTOCOL },
	{ "servercert",		required_argument, NULL, OPT_SERVERCERT },
	{ "cafile",		required_argument, NULL, OPT_CAFILE },
	{ "no-system-trust",	no_argument,	   NULL, OPT_NO_SYSTEM_TRUST },
	{ "resolve",		required_argument, NULL, OPT_RESOLVE },
	{ "sni",		required_argument, NULL, OPT_SNI },
	{ "non-inter",		no_argument,	   NULL, OPT_NON_INTER },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "quiet",		no_argument,	   NULL, 'q' },
	{ "timestamp",		no_argument,	   NULL, OPT_TIMESTAMP },
	{ "dump-http-traffic",	no_argument,	   NULL, OPT_DUMP_HTTP },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"Usage: openconnect [options] <server>\n"
"Connect to a GlobalProtect VPN portal or gateway.\n"
"<server> is HOST, HOST:PORT or https://HOST[:PORT][/PATH].\n"
"\n"
"      --protocol=gp           GlobalProtect (the only protocol)\n"
"\n"
"Server certificate:\n"
"      --servercert=HASH       accept only the certificate with this hash:\n"
"                              pin-sha256:BASE64, sha256:HEX or sha1:HEX\n"
"                              (a prefix is enough); replaces the CA check\n"
"      --cafile=FILE           also trust the CA certificates in FILE\n"
"      --no-system-trust       do not trust the system's CA store\n"
"\n"
"Network:\n"
"      --resolve=HOST:IP       connect to IP whenever HOST is asked for\n"
"      --sni=HOST              TLS server name to send\n"
"\n"
"Interaction and output:\n"
"      --non-inter             never prompt; fail instead\n"
"  -v, --verbose               more output (-v protocol steps, -vv packets)\n"
"  -q, --quiet                 errors only\n"
"      --timestamp             prefix each line with the time\n"
"      --dump-http-traffic     log HTTP requests and answers (secrets hidden)\n"
"  -h, --help                  this help\n"
"  -V, --version               version and TLS library\n";

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

static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "openconnect: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'openconnect --help'.\n");
	return EXIT_FAIL;
}

static void print_version(void)
{
	printf("openconnect (GlobalProtect client) version %s\n",
	       openconnect_get_version());
	printf("TLS library: %s\n", openconnect_get_tls_library_version());
	printf("Supported protocols: gp\n");
}

/* Applies one option; returns -1 to go on, else an exit code. */
static int apply_option(struct cli *cli, int opt, const char *arg)
{
	struct openconnect_info *v = cli->vpn;

	switch (opt) {
	case OPT_PROTOCOL:
		if (openconnect_set_protocol(v, arg))
			return usage_error("unsupported protocol '%s' (only gp)",
					   arg);
		return -1;
	case OPT_SERVERCERT:
		return openconnect_set_servercert(v, arg) ? EXIT_FAIL : -1;
	case OPT_CAFILE:
		return openconnect_set_cafile(v, arg) ? EXIT_FAIL : -1;
	case OPT_NO_SYSTEM_TRUST:
		openconnect_set_system_trust(v, 0);
		return -1;
	case OPT_RESOLVE:
		return openconnect_set_resolve(v, arg) ? EXIT_FAIL : -1;
	case OPT_SNI:
		return openconnect_set_sni(v, arg) ? EXIT_FAIL : -1;
	case OPT_NON_INTER:
		cli->non_inter = 1;
		return -1;
	case 'v':
		if (cli->verbose < PRG_TRACE)
			cli->verbose++;
		return -1;
	case 'q':
		cli->verbose = PRG_ERR;
		return -1;
	case OPT_TIMESTAMP:
		cli->timestamp = 1;
		return -1;
	case OPT_DUMP_HTTP:
		openconnect_set_dump_http(v, 1);
		if (cli->verbose < PRG_DEBUG)
			cli->verbose = PRG_DEBUG;
		return -1;
	case 'h':
		fputs(usage_text, stdout);
		return EXIT_OK;
	case 'V':
		print_version();
		return EXIT_OK;
	default:
		return usage_error("%s", "invalid option");
	}
}

static int parse_options(struct cli *cli, int argc, char **argv)
{
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "vqhV", long_options,
				  NULL)) != -1) {
		if (opt == '?')
			return usage_error("%s", "invalid option");
		ret = apply_option(cli, opt, optarg);
		if (ret >= 0)
			return ret;
	}
	return -1;
}

static int run(struct cli *cli, const char *server)
{
	int ret;

	if (openconnect_parse_url(cli->vpn, server))
		return EXIT_FAIL;
	ret = openconnect_probe_server(cli->vpn);
	if (ret)
		return EXIT_FAIL;
	fprintf(stderr, "Connected to %s; its certificate is trusted.\n",
		openconnect_get_hostname(cli->vpn));
	fprintf(stderr,
		"GlobalProtect login is not available in this version yet.\n");
	return EXIT_FAIL;
}

int main(int argc, char **argv)
{
	struct cli cli = { .verbose = PRG_INFO };
	int ret;

	if (openconnect_init_ssl()) {
		fprintf(stderr, "openconnect: cannot initialise TLS\n");
		return EXIT_FAIL;
	}
	cli.vpn = openconnect_vpninfo_new(NULL, cli_validate_cert, NULL, NULL,
					  cli_progress, &cli);
	if (!cli.vpn) {
		fprintf(stderr, "openconnect: out of memory\n");
		return EXIT_FAIL;
	}
	ret = parse_options(&cli, argc, argv);
	if (ret < 0 && optind != argc - 1)
		ret = usage_error("%s", optind >= argc ?
				  "no server given" : "more than one server given");
	if (ret < 0) {
		openconnect_set_loglevel(cli.vpn, cli.verbose);
		ret = run(&cli, argv[optind]);
	}
	openconnect_vpninfo_free(cli.vpn);
	return ret;
}
