/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command line's options: the table, the help text, and how each
 * option sets up the session.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "openconnect-priv.h"

enum {
	OPT_PROTOCOL = 0x100,
	OPT_SERVERCERT,
	OPT_CAFILE,
	OPT_USERAGENT,
	OPT_NO_PROXY,
	OPT_LIBPROXY,
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
	OPT_NO_DTLS,
	OPT_DTLS_LOCAL_PORT,
	OPT_ESP_HOLDOFF,
	OPT_BASE_MTU,
	OPT_FORCE_DPD,
	OPT_RECONNECT_TIMEOUT,
	OPT_PID_FILE,
	OPT_CSD_WRAPPER,
	OPT_CSD_USER,
	OPT_FORCE_TROJAN,
};

static const struct option long_options[] = {
	{ "protocol",		required_argument, NULL, OPT_PROTOCOL },
	{ "servercert",		required_argument, NULL, OPT_SERVERCERT },
	{ "cafile",		required_argument, NULL, OPT_CAFILE },
	{ "certificate",	required_argument, NULL, 'c' },
	{ "sslkey",		required_argument, NULL, 'k' },
	{ "key-password",	required_argument, NULL, 'p' },
	{ "useragent",		required_argument, NULL, OPT_USERAGENT },
	{ "proxy",		required_argument, NULL, 'P' },
	{ "no-proxy",		no_argument,	   NULL, OPT_NO_PROXY },
	{ "libproxy",		no_argument,	   NULL, OPT_LIBPROXY },
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
	{ "script",		required_argument, NULL, 's' },
	{ "script-tun",		no_argument,	   NULL, 'S' },
	{ "interface",		required_argument, NULL, 'i' },
	{ "no-dtls",		no_argument,	   NULL, OPT_NO_DTLS },
	{ "dtls-local-port",	required_argument, NULL, OPT_DTLS_LOCAL_PORT },
	{ "esp-holdoff",	required_argument, NULL, OPT_ESP_HOLDOFF },
	{ "mtu",		required_argument, NULL, 'm' },
	{ "base-mtu",		required_argument, NULL, OPT_BASE_MTU },
	{ "force-dpd",		required_argument, NULL, OPT_FORCE_DPD },
	{ "reconnect-timeout",	required_argument, NULL, OPT_RECONNECT_TIMEOUT },
	{ "queue-len",		required_argument, NULL, 'Q' },
	{ "background",		no_argument,	   NULL, 'b' },
	{ "pid-file",		required_argument, NULL, OPT_PID_FILE },
	{ "setuid",		required_argument, NULL, 'U' },
	{ "syslog",		no_argument,	   NULL, 'l' },
	{ "csd-wrapper",	required_argument, NULL, OPT_CSD_WRAPPER },
	{ "csd-user",		required_argument, NULL, OPT_CSD_USER },
	{ "force-trojan",	required_argument, NULL, OPT_FORCE_TROJAN },
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
"      --csd-wrapper=PROGRAM   program that writes the HIP report\n"
"      --csd-user=USER         run it as USER (when root)\n"
"      --force-trojan=SECONDS  seconds between HIP reports\n"
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
"Tunnel:\n"
"  -s, --script=SCRIPT         vpnc-script that configures the device (default\n"
"                              " DEFAULT_VPNCSCRIPT ")\n"
"  -S, --script-tun            pass packets to the script's stdin and stdout\n"
"                              instead of a TUN device\n"
"  -i, --interface=NAME        TUN device name (an existing persistent one is\n"
"                              used without root)\n"
"      --no-dtls               do not use ESP; HTTPS tunnel only\n"
"      --dtls-local-port=PORT  local UDP port for ESP\n"
"      --esp-holdoff=SECONDS   how long ESP probes run before falling back to\n"
"                              HTTPS (default 5)\n"
"  -m, --mtu=MTU               tunnel MTU (default: computed)\n"
"      --base-mtu=MTU          MTU of the path to the gateway\n"
"      --force-dpd=SECONDS     dead peer detection interval (default 10)\n"
"      --reconnect-timeout=SECONDS  give up reconnecting after this long\n"
"                              (default 300)\n"
"  -Q, --queue-len=N           packet queue length (default 32)\n"
"\n"
"Process:\n"
"  -b, --background            detach once the tunnel is up\n"
"      --pid-file=FILE         write the process id to FILE\n"
"  -U, --setuid=USER           drop root once the device is up\n"
"  -l, --syslog                log to syslog instead of stderr\n"
"\n"
"Server certificate:\n"
"      --servercert=HASH       accept only the certificate with this hash:\n"
"                              pin-sha256:BASE64, sha256:HEX or sha1:HEX\n"
"                              (a prefix is enough); replaces the CA check\n"
"      --cafile=FILE           also trust the CA certificates in FILE\n"
"      --no-system-trust       do not trust the system's CA store\n"
"\n"
"Client certificate:\n"
"  -c, --certificate=FILE      client certificate: PEM (with the key, or\n"
"                              see -k) or PKCS#12\n"
"  -k, --sslkey=FILE           its private key (PEM), when not in FILE\n"
"  -p, --key-password=PASS     password of the key or of the PKCS#12 file\n"
"\n"
"Network:\n"
"      --resolve=HOST:IP       connect to IP whenever HOST is asked for\n"
"      --sni=HOST              TLS server name to send\n"
"  -P, --proxy=URL             reach the server through this proxy:\n"
"                              http://[USER:PASS@]HOST[:PORT] or socks5://...\n"
"                              (ESP still goes straight to the gateway)\n"
"      --no-proxy              no proxy (the default)\n"
#ifdef HAVE_LIBPROXY
"      --libproxy              the proxy the system's configuration names\n"
#endif
"      --useragent=STRING      User-Agent for proxies (requests to the VPN\n"
"                              server always send PAN GlobalProtect)\n"
"\n"
"Interaction and output:\n"
"      --non-inter             never prompt; fail instead\n"
"  -v, --verbose               more output (-v protocol steps, -vv packets)\n"
"  -q, --quiet                 errors only\n"
"      --timestamp             prefix each line with the time\n"
"      --dump-http-traffic     log HTTP requests and answers (secrets hidden)\n"
"  -h, --help                  this help\n"
"  -V, --version               version and TLS library\n";

int __attribute__((format(printf, 1, 2)))
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


/* A whole decimal number within [min, max], or -1 after a message. */
static int number(const char *opt, const char *arg, long min, long max,
		  int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (!*arg || *end || errno || n < min || n > max) {
		usage_error("%s wants a number from %ld to %ld, not '%s'", opt,
			    min, max, arg);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* Tunnel and process options; -1 to go on, -2 when not one of them. */
static int apply_tunnel_option(struct cli *cli, struct run_opts *ro, int opt,
			       const char *arg)
{
	struct openconnect_info *v = cli->vpn;
	int n;

	switch (opt) {
	case 's':
		ro->script = arg;
		return -1;
	case 'S':
		ro->script_tun = 1;
		return -1;
	case 'i':
		ro->ifname = arg;
		return -1;
	case OPT_NO_DTLS:
		openconnect_disable_dtls(v);
		return -1;
	case OPT_DTLS_LOCAL_PORT:
		if (number("--dtls-local-port", arg, 1, 65535, &n))
			return EXIT_FAIL;
		openconnect_set_esp_local_port(v, n);
		return -1;
	case OPT_ESP_HOLDOFF:
		if (number("--esp-holdoff", arg, 0, 3600, &n))
			return EXIT_FAIL;
		openconnect_set_esp_holdoff(v, n * 1000);
		return -1;
	case 'm':
		if (number("--mtu", arg, 576, 65535, &n))
			return EXIT_FAIL;
		openconnect_set_reqmtu(v, n);
		return -1;
	case OPT_BASE_MTU:
		if (number("--base-mtu", arg, 576, 65535, &n))
			return EXIT_FAIL;
		openconnect_set_base_mtu(v, n);
		return -1;
	case OPT_FORCE_DPD:
		if (number("--force-dpd", arg, 1, 3600, &n))
			return EXIT_FAIL;
		openconnect_set_dpd(v, n);
		return -1;
	case OPT_RECONNECT_TIMEOUT:
		return number("--reconnect-timeout", arg, 1, 86400 * 365,
			      &ro->reconnect_timeout) ? EXIT_FAIL : -1;
	case 'Q':
		if (number("--queue-len", arg, 1, 65536, &n))
			return EXIT_FAIL;
		openconnect_set_queue_len(v, n);
		return -1;
	case 'b':
		ro->background = 1;
		return -1;
	case OPT_PID_FILE:
		ro->pid_file = arg;
		return -1;
	case 'U':
		ro->setuid = arg;
		return -1;
	case 'l':
		cli->syslog = 1;
		return -1;
	}
	return -2;
}

/* Login options; returns -1 to go on, else an exit code. */
static int apply_login_option(struct cli *cli, struct run_opts *ro, int opt,
			      const char *arg)
{
	struct openconnect_info *v = cli->vpn;
	int n;

	switch (opt) {
	case 'u':
		free(cli->user);
		cli->user = strdup(arg);
		return cli->user ? -1 : EXIT_FAIL;
	case 'g':
		ro->usergroup = arg;
		return -1;
	case 'c':
		ro->cert = arg;
		return -1;
	case 'k':
		ro->sslkey = arg;
		return -1;
	case 'p':
		ro->key_password = arg;
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
	case OPT_CSD_WRAPPER:
		ro->csd_wrapper = arg;
		return -1;
	case OPT_CSD_USER:
		ro->csd_user = arg;
		return -1;
	case OPT_FORCE_TROJAN:
		if (number("--force-trojan", arg, 1, 86400 * 30, &n))
			return EXIT_FAIL;
		openconnect_set_trojan_interval(v, n);
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
	case OPT_USERAGENT:
		return openconnect_set_useragent(v, arg) ? EXIT_FAIL : -1;
	case 'P':
		return openconnect_set_http_proxy(v, arg) ? EXIT_FAIL : -1;
	case OPT_NO_PROXY:
		openconnect_set_http_proxy(v, NULL);
		openconnect_set_libproxy(v, 0);
		return -1;
	case OPT_LIBPROXY:
#ifdef HAVE_LIBPROXY
		openconnect_set_libproxy(v, 1);
		return -1;
#else
		return usage_error("%s", "--libproxy: built without libproxy");
#endif
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
		cli_print_version();
		return EXIT_OK;
	default:
		return usage_error("%s", "invalid option");
	}
}

int cli_parse_options(struct cli *cli, struct run_opts *ro, int argc,
			 char **argv)
{
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "vqhVu:g:F:C:s:Si:m:Q:bU:lc:k:p:P:", long_options,
				  NULL)) != -1) {
		if (opt == '?')
			return usage_error("%s", "invalid option");
		ret = apply_login_option(cli, ro, opt, optarg);
		if (ret == -2)
			ret = apply_tunnel_option(cli, ro, opt, optarg);
		if (ret == -2)
			ret = apply_cookie_option(cli, ro, opt, optarg);
		if (ret == -2)
			ret = apply_option(cli, opt, optarg);
		if (ret >= 0)
			return ret;
	}
	return -1;
}

