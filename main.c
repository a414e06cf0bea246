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

#include "cli.h"
#include "openconnect.h"
#include "openconnect-priv.h"

/* Exit codes that NetworkManager and scripts rely on. */
#define EXIT_OK			0
#define EXIT_FAIL		1
#define EXIT_COOKIE_REJECTED	2


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
	OPT_AUTHGROUP,
	OPT_PASSWD_ON_STDIN,
	OPT_COOKIEONLY,
	OPT_PRINTCOOKIE,
	OPT_AUTHENTICATE,
	OPT_COOKIE_ON_STDIN,
	OPT_OS,
	OPT_LOCAL_HOSTNAME,
	OPT_TOKEN_MODE,
	OPT_TOKEN_SECRET,
	OPT_DISABLE_IPV6,
};

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
};

static const struct option long_options[] = {
	{ "protocol",		required_argument, NULL, OPT_PROTOCOL },
	{ "servercert",		required_argument, NULL, OPT_SERVERCERT },
	{ "cafile",		required_argument, NULL, OPT_CAFILE },
	{ "no-system-trust",	no_argument,	   NULL, OPT_NO_SYSTEM_TRUST },
	{ "resolve",		required_argument, NULL, OPT_RESOLVE },
	{ "sni",		required_argument, NULL, OPT_SNI },
	{ "non-inter",		no_argument,	   NULL, OPT_NON_INTER },
	{ "user",		required_argument, NULL, 'u' },
	{ "usergroup",		required_argument, NULL, 'g' },
	{ "authgroup",		required_argument, NULL, OPT_AUTHGROUP },
	{ "form-entry",		required_argument, NULL, 'F' },
	{ "passwd-on-stdin",	no_argument,	   NULL, OPT_PASSWD_ON_STDIN },
	{ "cookieonly",		no_argument,	   NULL, OPT_COOKIEONLY },
	{ "printcookie",	no_argument,	   NULL, OPT_PRINTCOOKIE },
	{ "authenticate",	no_argument,	   NULL, OPT_AUTHENTICATE },
	{ "cookie",		required_argument, NULL, 'C' },
	{ "cookie-on-stdin",	no_argument,	   NULL, OPT_COOKIE_ON_STDIN },
	{ "os",			required_argument, NULL, OPT_OS },
	{ "local-hostname",	required_argument, NULL, OPT_LOCAL_HOSTNAME },
	{ "token-mode",		required_argument, NULL, OPT_TOKEN_MODE },
	{ "token-secret",	required_argument, NULL, OPT_TOKEN_SECRET },
	{ "disable-ipv6",	no_argument,	   NULL, OPT_DISABLE_IPV6 },
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
"Login:\n"
"  -u, --user=NAME             user name\n"
"  -g, --usergroup=PATH[:FIELD] URL path: portal, gateway; :prelogin-cookie or\n"
"                              :portal-userauthcookie when SAML is done elsewhere\n"
"      --authgroup=LABEL       gateway to use (label, any case, unique prefix)\n"
"  -F, --form-entry=FORM:NAME=VALUE  answer a form field (_login, _challenge,\n"
"                              _portal)\n"
"      --passwd-on-stdin       read the password from standard input\n"
"      --token-mode=MODE       totp or hotp: answer 2FA challenges with codes\n"
"      --token-secret=SECRET   base32 (default), base32:..., or 0x hex;\n"
"                              HOTP may end in ,COUNTER\n"
"      --os=OS                 reported OS: linux, linux-64, win, mac-intel,\n"
"                              android, apple-ios\n"
"      --local-hostname=NAME   host name reported to the server\n"
"      --disable-ipv6          do not ask for IPv6\n"
"\n"
"Cookie:\n"
"      --cookieonly            log in, print the cookie, exit\n"
"      --printcookie           print the cookie after logging in\n"
"      --authenticate          log in, print COOKIE, HOST, CONNECT_URL,\n"
"                              FINGERPRINT and RESOLVE for a shell, exit\n"
"  -C, --cookie=COOKIE         use this cookie instead of logging in\n"
"      --cookie-on-stdin       read the cookie from standard input\n"
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

/* Login options; returns -1 to go on, else an exit code. */
static int apply_login_option(struct cli *cli, struct run_opts *ro, int opt,
			      const char *arg)
{
	struct openconnect_info *v = cli->vpn;

	switch (opt) {
	case 'u':
		free(cli->user);
		cli->user = strdup(arg);
		return cli->user ? -1 : EXIT_FAIL;
	case 'g':
		ro->usergroup = arg;
		return -1;
	case OPT_AUTHGROUP:
		free(cli->authgroup);
		cli->authgroup = strdup(arg);
		return cli->authgroup ? -1 : EXIT_FAIL;
	case 'F':
		if (cli_add_preset(cli, arg))
			return usage_error("-F wants FORM:NAME=VALUE, not '%s'",
					   arg);
		return -1;
	case OPT_PASSWD_ON_STDIN:
		cli->passwd_on_stdin = 1;
		return -1;
	case OPT_OS:
		return openconnect_set_reported_os(v, arg) ? EXIT_FAIL : -1;
	case OPT_LOCAL_HOSTNAME:
		return openconnect_set_localname(v, arg) ? EXIT_FAIL : -1;
	case OPT_TOKEN_MODE:
		ro->token_mode = arg;
		return -1;
	case OPT_TOKEN_SECRET:
		ro->token_secret = arg;
		return -1;
	case OPT_DISABLE_IPV6:
		openconnect_disable_ipv6(v);
		return -1;
	}
	return -2;
}

static int apply_cookie_option(struct cli *cli, struct run_opts *ro, int opt,
			       const char *arg)
{
	switch (opt) {
	case OPT_COOKIEONLY:
		ro->cookieonly = 1;
		return -1;
	case OPT_PRINTCOOKIE:
		ro->printcookie = 1;
		return -1;
	case OPT_AUTHENTICATE:
		ro->authenticate = 1;
		return -1;
	case 'C':
		ro->cookie = arg;
		return -1;
	case OPT_COOKIE_ON_STDIN:
		ro->cookie_on_stdin = 1;
		return -1;
	}
	return -2;
}

/* Connection and output options; returns -1 to go on, else an exit code. */
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

static int parse_options(struct cli *cli, struct run_opts *ro, int argc,
			 char **argv)
{
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "vqhVu:g:F:C:", long_options,
				  NULL)) != -1) {
		if (opt == '?')
			return usage_error("%s", "invalid option");
		ret = apply_login_option(cli, ro, opt, optarg);
		if (ret == -2)
			ret = apply_cookie_option(cli, ro, opt, optarg);
		if (ret == -2)
			ret = apply_option(cli, opt, optarg);
		if (ret >= 0)
			return ret;
	}
	return -1;
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
	fprintf(stderr, "Logged in; the tunnel is not available in this version yet.\n");
	return EXIT_FAIL;
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
	ret = parse_options(&cli, &ro, argc, argv);
	if (ret < 0 && optind != argc - 1)
		ret = usage_error("%s", optind >= argc ?
				  "no server given" : "more than one server given");
	if (ret < 0) {
		openconnect_set_loglevel(cli.vpn, cli.verbose);
		ret = run(&cli, &ro, argv[optind]);
	}
	openconnect_vpninfo_free(cli.vpn);
	cli_free(&cli);
	return ret;
}
