/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vpnc-script environment and runner: a real /bin/sh script writes
 * its environment to a file, which is checked variable by variable for
 * each reason; exit codes, signals, the timeout that kills a hung script
 * and its children.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "clock.h"
#include "ipconf.h"
#include "log.h"
#include "script.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

extern char **environ;

static struct oc_text logged;

static void __attribute__((format(printf, 3, 4)))
record(void *priv, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	oc_text_appendf(&logged, "[%d] ", level);
	oc_text_vappendf(&logged, fmt, ap);
	va_end(ap);
}

static struct oc_log lg;
static char tmpdir[64];
static char outfile[128];
static char outvar[160];

static int setup(void **state)
{
	strcpy(tmpdir, "/tmp/test-script-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(outfile, sizeof(outfile), "%s/out", tmpdir);
	snprintf(outvar, sizeof(outvar), "OUT=%s", outfile);
	oc_log_init(&lg, record, NULL);
	lg.level = PRG_TRACE;
	return 0;
}

static int teardown(void **state)
{
	unlink(outfile);
	rmdir(tmpdir);
	oc_text_free(&logged);
	return 0;
}

/* ---- The configuration used throughout --------------------------------- */

static void make_conf(struct oc_ipconf *c)
{
	oc_ipconf_init(c);
	assert_int_equal(oc_ipconf_set_addr4(c, "10.8.0.5", "255.255.255.0"),
			 0);
	assert_int_equal(oc_ipconf_set_addr6(c, "2001:db8:8::5"), 0);
	assert_int_equal(oc_ipconf_add_dns(c, "10.8.0.53"), 0);
	assert_int_equal(oc_ipconf_add_dns(c, "2001:db8::53"), 0);
	assert_int_equal(oc_ipconf_add_nbns(c, "10.8.0.137"), 0);
	assert_int_equal(oc_ipconf_add_nbns(c, "10.8.0.138"), 0);
	assert_int_equal(oc_ipconf_add_domain(c, "corp.example"), 0);
	assert_int_equal(oc_ipconf_add_domain(c, "example.net"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 0, "10.0.0.0/8"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 0, "172.16.0.0/12"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 1, "10.1.0.0/16"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 0, "2001:db8::/32"), 0);
	assert_int_equal(oc_ipconf_add_route(c, 1, "2001:db8:1::/48"), 0);
	assert_int_equal(oc_ipconf_set_gateway(c, "198.51.100.7"), 0);
	c->mtu = 1400;
	c->idle_timeout = 10800;
}

struct kv {
	const char *name;
	const char *value;
};

static const struct kv facts_vars[] = {
	{ "VPNGATEWAY", "198.51.100.7" },
	{ "VPNPID", "4242" },
	{ "TUNDEV", "tun7" },
	{ "LOG_LEVEL", "2" },
	{ "IDLE_TIMEOUT", "10800" },
};

static const struct kv ip_vars[] = {
	{ "INTERNAL_IP4_ADDRESS", "10.8.0.5" },
	{ "INTERNAL_IP4_NETMASK", "255.255.255.0" },
	{ "INTERNAL_IP4_NETMASKLEN", "24" },
	{ "INTERNAL_IP4_NETADDR", "10.8.0.0" },
	{ "INTERNAL_IP4_MTU", "1400" },
	{ "INTERNAL_IP4_DNS", "10.8.0.53 2001:db8::53" },
	{ "INTERNAL_IP4_NBNS", "10.8.0.137 10.8.0.138" },
	{ "INTERNAL_IP6_ADDRESS", "2001:db8:8::5" },
	{ "INTERNAL_IP6_NETMASK", "2001:db8:8::5/128" },
	{ "CISCO_DEF_DOMAIN", "corp.example example.net" },
	{ "CISCO_SPLIT_INC", "2" },
	{ "CISCO_SPLIT_INC_0_ADDR", "10.0.0.0" },
	{ "CISCO_SPLIT_INC_0_MASK", "255.0.0.0" },
	{ "CISCO_SPLIT_INC_0_MASKLEN", "8" },
	{ "CISCO_SPLIT_INC_1_ADDR", "172.16.0.0" },
	{ "CISCO_SPLIT_INC_1_MASK", "255.240.0.0" },
	{ "CISCO_SPLIT_INC_1_MASKLEN", "12" },
	{ "CISCO_SPLIT_EXC", "1" },
	{ "CISCO_SPLIT_EXC_0_ADDR", "10.1.0.0" },
	{ "CISCO_SPLIT_EXC_0_MASK", "255.255.0.0" },
	{ "CISCO_SPLIT_EXC_0_MASKLEN", "16" },
	{ "CISCO_IPV6_SPLIT_INC", "1" },
	{ "CISCO_IPV6_SPLIT_INC_0_ADDR", "2001:db8::" },
	{ "CISCO_IPV6_SPLIT_INC_0_MASKLEN", "32" },
	{ "CISCO_IPV6_SPLIT_EXC", "1" },
	{ "CISCO_IPV6_SPLIT_EXC_0_ADDR", "2001:db8:1::" },
	{ "CISCO_IPV6_SPLIT_EXC_0_MASKLEN", "48" },
};

static const struct oc_script_facts facts = {
	"198.51.100.7", 4242, "tun7", 2, 0,
};

/* Stale values that must not reach the script, and one that must. */
static char *base_env[] = {
	"PATH=/usr/bin:/bin",
	NULL,			/* OUT=..., set in the tests */
	"reason=stale",
	"VPNGATEWAY=192.0.2.99",
	"INTERNAL_IP4_ADDRESS=192.0.2.1",
	"INTERNAL_IP6_NETMASK=2001:db8:dead::1/64",
	"CISCO_SPLIT_INC_7_ADDR=192.0.2.0",
	"CISCO_BANNER=old",
	"IDLE_TIMEOUT=1",
	"KEEP_ME=yes",
	"CISCOish=kept",
	NULL,
};

/* ---- Reading back what the script saw ---------------------------------- */

struct seen {
	char *buf;
	char *lines[512];
	size_t n;
};

static void read_seen(struct seen *s)
{
	struct stat st;
	char *p, *nl;
	ssize_t r;
	int fd;

	memset(s, 0, sizeof(*s));
	fd = open(outfile, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	s->buf = calloc(1, (size_t)st.st_size + 1);
	assert_non_null(s->buf);
	r = read(fd, s->buf, (size_t)st.st_size);
	close(fd);
	assert_int_equal(r, st.st_size);
	for (p = s->buf; *p && s->n < ARRAY_SIZE(s->lines); p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		s->lines[s->n++] = p;
	}
}

static const char *seen_get(const struct seen *s, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < s->n; i++)
		if (!strncmp(s->lines[i], name, len) && s->lines[i][len] == '=')
			return s->lines[i] + len + 1;
	return NULL;
}

/* Variables of the script protocol's name space. */
static int in_namespace(const char *line)
{
	static const char *const names[] = {
		"reason=", "VPNGATEWAY=", "VPNPID=", "TUNDEV=", "LOG_LEVEL=",
		"IDLE_TIMEOUT=",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strncmp(line, names[i], strlen(names[i])))
			return 1;
	return !strncmp(line, "INTERNAL_IP4_", 13) ||
	       !strncmp(line, "INTERNAL_IP6_", 13) ||
	       !strncmp(line, "CISCO_", 6);
}

static size_t count_namespace(const struct seen *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += in_namespace(s->lines[i]);
	return n;
}

static void check_kv(const struct seen *s, const struct kv *kv, size_t n)
{
	const char *v;
	size_t i;

	for (i = 0; i < n; i++) {
		v = seen_get(s, kv[i].name);
		if (!v)
			print_message("missing %s\n", kv[i].name);
		assert_non_null(v);
		assert_string_equal(v, kv[i].value);
	}
}

/* ---- Each reason, through a real script -------------------------------- */

struct reason_case {
	enum oc_script_reason reason;
	const char *name;
	int with_ip;
};

static const struct reason_case reason_cases[] = {
	/* 1 */ { OC_SCRIPT_PRE_INIT, "pre-init", 0 },
	/* 2 */ { OC_SCRIPT_CONNECT, "connect", 1 },
	/* 3 */ { OC_SCRIPT_DISCONNECT, "disconnect", 1 },
	/* 4 */ { OC_SCRIPT_ATTEMPT_RECONNECT, "attempt-reconnect", 1 },
	/* 5 */ { OC_SCRIPT_RECONNECT, "reconnect", 1 },
};

static void test_reasons(void **state)
{
	struct oc_ipconf ip;
	struct seen s;
	char **envp;
	size_t i, want;

	make_conf(&ip);
	base_env[1] = outvar;
	for (i = 0; i < ARRAY_SIZE(reason_cases); i++) {
		const struct reason_case *c = &reason_cases[i];

		print_message("reason case %zu: %s\n", i + 1, c->name);
		assert_string_equal(oc_script_reason_name(c->reason), c->name);
		unlink(outfile);
		assert_int_equal(oc_script_env(c->reason, &ip, &facts,
					       base_env, &envp), 0);
		assert_int_equal(oc_script_run(&lg, "env > \"$OUT\"", envp,
					       5000), 0);
		oc_script_env_free(envp);
		read_seen(&s);
		assert_string_equal(seen_get(&s, "reason"), c->name);
		assert_string_equal(seen_get(&s, "KEEP_ME"), "yes");
		assert_string_equal(seen_get(&s, "CISCOish"), "kept");
		assert_null(seen_get(&s, "CISCO_BANNER"));
		assert_null(seen_get(&s, "CISCO_SPLIT_INC_7_ADDR"));
		check_kv(&s, facts_vars, ARRAY_SIZE(facts_vars));
		want = 1 + ARRAY_SIZE(facts_vars);
		if (c->with_ip) {
			check_kv(&s, ip_vars, ARRAY_SIZE(ip_vars));
			want += ARRAY_SIZE(ip_vars);
		} else {
			assert_null(seen_get(&s, "INTERNAL_IP4_ADDRESS"));
			assert_null(seen_get(&s, "INTERNAL_IP6_NETMASK"));
		}
		/* Exactly ours: nothing stale, nothing extra. */
		assert_int_equal(count_namespace(&s), want);
		free(s.buf);
	}
	base_env[1] = NULL;
	oc_ipconf_free(&ip);
}

/* ---- The environment alone --------------------------------------------- */

static const char *env_get(char **envp, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; envp[i]; i++)
		if (!strncmp(envp[i], name, len) && envp[i][len] == '=')
			return envp[i] + len + 1;
	return NULL;
}

struct facts_case {
	struct oc_script_facts f;
	int ip_gateway;		/* give the ipconf a gateway */
	const char *gw;		/* expected VPNGATEWAY, NULL: absent */
	const char *level;
	const char *tundev;
	const char *idle;
};

static const struct facts_case facts_cases[] = {
	/* 1 */ { { "192.0.2.1", 1, "vpn0", 7, 0 }, 1, "192.0.2.1", "3",
		  "vpn0", "10800" },
	/* 2 */ { { NULL, 1, NULL, -1, 0 }, 1, "198.51.100.7", "0", NULL,
		  "10800" },
	/* 3 */ { { NULL, 1, NULL, 1, 60 }, 0, NULL, "1", NULL, "60" },
};

static void test_env_facts(void **state)
{
	struct oc_ipconf ip;
	char **envp;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(facts_cases); i++) {
		const struct facts_case *c = &facts_cases[i];

		print_message("facts case %zu\n", i + 1);
		make_conf(&ip);
		if (!c->ip_gateway)
			memset(&ip.gateway, 0, sizeof(ip.gateway));
		assert_int_equal(oc_script_env(OC_SCRIPT_CONNECT, &ip, &c->f,
					       NULL, &envp), 0);
		if (c->gw)
			assert_string_equal(env_get(envp, "VPNGATEWAY"), c->gw);
		else
			assert_null(env_get(envp, "VPNGATEWAY"));
		assert_string_equal(env_get(envp, "LOG_LEVEL"), c->level);
		if (c->tundev)
			assert_string_equal(env_get(envp, "TUNDEV"), c->tundev);
		else
			assert_null(env_get(envp, "TUNDEV"));
		assert_string_equal(env_get(envp, "IDLE_TIMEOUT"), c->idle);
		assert_string_equal(env_get(envp, "VPNPID"), "1");
		oc_script_env_free(envp);
		oc_ipconf_free(&ip);
	}
}

static void test_env_defaults(void **state)
{
	char pid[32];
	char **envp;

	/* No facts, no configuration: reason, our pid, the log level. */
	assert_int_equal(oc_script_env(OC_SCRIPT_CONNECT, NULL, NULL, NULL,
				       &envp), 0);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	assert_string_equal(envp[0], "reason=connect");
	assert_string_equal(env_get(envp, "VPNPID"), pid);
	assert_string_equal(env_get(envp, "LOG_LEVEL"), "0");
	assert_null(env_get(envp, "IDLE_TIMEOUT"));
	assert_null(envp[3]);
	oc_script_env_free(envp);
	assert_int_equal(oc_script_env((enum oc_script_reason)99, NULL, NULL,
				       NULL, &envp), -EINVAL);
	assert_null(envp);
	assert_null(oc_script_reason_name((enum oc_script_reason)99));
}

static void test_env_full_tunnel(void **state)
{
	struct oc_ipconf ip;
	char **envp;

	make_conf(&ip);
	assert_int_equal(oc_ipconf_add_route(&ip, 0, "0.0.0.0/0"),
			 OC_IPCONF_FULL);
	assert_int_equal(oc_script_env(OC_SCRIPT_CONNECT, &ip, &facts, NULL,
				       &envp), 0);
	/* Includes would turn the full tunnel into a split one. */
	assert_null(env_get(envp, "CISCO_SPLIT_INC"));
	assert_null(env_get(envp, "CISCO_SPLIT_INC_0_ADDR"));
	assert_string_equal(env_get(envp, "CISCO_SPLIT_EXC"), "1");
	assert_string_equal(env_get(envp, "CISCO_IPV6_SPLIT_INC"), "1");
	oc_script_env_free(envp);

	assert_int_equal(oc_ipconf_add_route(&ip, 0, "::/0"), OC_IPCONF_FULL);
	assert_int_equal(oc_script_env(OC_SCRIPT_RECONNECT, &ip, &facts,
				       NULL, &envp), 0);
	assert_null(env_get(envp, "CISCO_IPV6_SPLIT_INC"));
	assert_string_equal(env_get(envp, "CISCO_IPV6_SPLIT_EXC"), "1");
	oc_script_env_free(envp);
	oc_ipconf_free(&ip);
}

static void test_env_sparse(void **state)
{
	struct oc_ipconf ip;
	char **envp;

	/* Only an IPv4 address: no empty variables for the rest. */
	oc_ipconf_init(&ip);
	assert_int_equal(oc_ipconf_set_addr4(&ip, "10.9.0.1", NULL), 0);
	assert_int_equal(oc_script_env(OC_SCRIPT_CONNECT, &ip, &facts, NULL,
				       &envp), 0);
	assert_string_equal(env_get(envp, "INTERNAL_IP4_NETMASKLEN"), "32");
	assert_string_equal(env_get(envp, "INTERNAL_IP4_NETADDR"), "10.9.0.1");
	assert_null(env_get(envp, "INTERNAL_IP4_MTU"));
	assert_null(env_get(envp, "INTERNAL_IP4_DNS"));
	assert_null(env_get(envp, "INTERNAL_IP4_NBNS"));
	assert_null(env_get(envp, "INTERNAL_IP6_ADDRESS"));
	assert_null(env_get(envp, "CISCO_DEF_DOMAIN"));
	assert_null(env_get(envp, "CISCO_SPLIT_INC"));
	assert_null(env_get(envp, "CISCO_IPV6_SPLIT_EXC"));
	oc_script_env_free(envp);
	oc_ipconf_free(&ip);
}

static void test_parent_env_untouched(void **state)
{
	char **envp;

	assert_int_equal(setenv("CISCO_SPLIT_INC", "99", 1), 0);
	assert_int_equal(setenv("reason", "parent", 1), 0);
	assert_int_equal(oc_script_env(OC_SCRIPT_DISCONNECT, NULL, &facts,
				       environ, &envp), 0);
	assert_null(env_get(envp, "CISCO_SPLIT_INC"));
	assert_string_equal(env_get(envp, "reason"), "disconnect");
	assert_non_null(env_get(envp, "PATH"));
	oc_script_env_free(envp);
	assert_string_equal(getenv("CISCO_SPLIT_INC"), "99");
	assert_string_equal(getenv("reason"), "parent");
	unsetenv("CISCO_SPLIT_INC");
	unsetenv("reason");
}

/* ---- Running ----------------------------------------------------------- */

struct exit_case {
	const char *script;
	int ret;
};

static const struct exit_case exit_cases[] = {
	/* 1 */ { "exit 0", 0 },
	/* 2 */ { "exit 3", 3 },
	/* 3 */ { "kill -TERM $$", 128 + SIGTERM },
	/* 4 */ { "/nonexistent/vpnc-script 2>/dev/null", 127 },
	/* 5 */ { "test \"$reason\" = connect", 0 },
	/* 6 */ { "test -z \"$INTERNAL_IP4_ADDRESS\"", 0 },
	/* 7 */ { "read line; test -z \"$line\"", 0 },	/* stdin: /dev/null */
	/* 8 */ { "", -EINVAL },
};

static void test_exit_codes(void **state)
{
	char **envp;
	size_t i;

	assert_int_equal(oc_script_env(OC_SCRIPT_CONNECT, NULL, &facts,
				       environ, &envp), 0);
	for (i = 0; i < ARRAY_SIZE(exit_cases); i++) {
		print_message("exit case %zu: %s\n", i + 1,
			      exit_cases[i].script);
		assert_int_equal(oc_script_run(&lg, exit_cases[i].script, envp,
					       5000), exit_cases[i].ret);
	}
	oc_script_env_free(envp);
}

static void test_signals_reset(void **state)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	char **envp;
	struct seen s;

	/* The program ignores SIGPIPE; the script must not inherit that. */
	assert_int_equal(sigaction(SIGPIPE, &ign, &old), 0);
	base_env[1] = outvar;
	assert_int_equal(oc_script_env(OC_SCRIPT_CONNECT, NULL, &facts,
				       base_env, &envp), 0);
	unlink(outfile);
	assert_int_equal(oc_script_run(&lg, "grep ^SigIgn /proc/$$/status "
				       "> \"$OUT\"", envp, 5000), 0);
	oc_script_env_free(envp);
	base_env[1] = NULL;
	assert_int_equal(sigaction(SIGPIPE, &old, NULL), 0);
	read_seen(&s);
	assert_int_equal(s.n, 1);
	/* SIGPIPE is signal 13: bit 12 of the mask. */
	assert_non_null(strstr(s.lines[0], "SigIgn:"));
	assert_int_equal(strtoull(s.lines[0] + 7, NULL, 16) &
			 (1ull << (SIGPIPE - 1)), 0);
	free(s.buf);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reaps @pid within two seconds; returns its wait status or -1. */
static int reap_within(pid_t pid)
{
	int status, i;

	for (i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	return -1;
}

static void test_timeout_kills(void **state)
{
	char **envp;
	struct seen s;
	int64_t t0;
	long bg;
	int status;

	/* Orphans of the script become ours, so we can see how they died. */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	base_env[1] = outvar;
	assert_int_equal(oc_script_env(OC_SCRIPT_CONNECT, NULL, &facts,
				       base_env, &envp), 0);
	base_env[1] = NULL;
	unlink(outfile);
	oc_text_free(&logged);
	t0 = now_ms();
	assert_int_equal(oc_script_run(&lg, "sleep 30 & echo $! > \"$OUT\"; "
				       "wait", envp, 300), -ETIMEDOUT);
	assert_true(now_ms() - t0 < 3000);
	assert_non_null(strstr(oc_text_str(&logged), "still running after "
			       "300 ms; killing it"));
	oc_script_env_free(envp);

	/* The script's own child was killed with it. */
	read_seen(&s);
	assert_int_equal(s.n, 1);
	bg = strtol(s.lines[0], NULL, 10);
	free(s.buf);
	assert_true(bg > 1);
	status = reap_within((pid_t)bg);
	assert_true(status != -1);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	/* And nothing is left to reap. */
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
}

static void test_call(void **state)
{
	struct oc_ipconf ip;

	make_conf(&ip);
	oc_text_free(&logged);
	assert_int_equal(oc_script_call(&lg, "test \"$reason\" = "
					"attempt-reconnect && test "
					"\"$INTERNAL_IP4_ADDRESS\" = 10.8.0.5",
					OC_SCRIPT_ATTEMPT_RECONNECT, &ip,
					&facts, 5000), 0);
	assert_non_null(strstr(oc_text_str(&logged),
			       "[2] Running vpnc-script 'test"));
	assert_non_null(strstr(oc_text_str(&logged),
			       "with reason=attempt-reconnect"));
	oc_text_free(&logged);
	assert_int_equal(oc_script_call(&lg, "exit 5", OC_SCRIPT_DISCONNECT,
					&ip, &facts, 5000), 5);
	assert_non_null(strstr(oc_text_str(&logged),
			       "[0] vpnc-script (reason=disconnect) exited "
			       "with status 5"));
	oc_ipconf_free(&ip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_env_facts),
		cmocka_unit_test(test_env_defaults),
		cmocka_unit_test(test_env_full_tunnel),
		cmocka_unit_test(test_env_sparse),
		cmocka_unit_test(test_parent_env_untouched),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_signals_reset),
		cmocka_unit_test(test_timeout_kills),
		cmocka_unit_test(test_call),
	};

	return cmocka_run_group_tests_name("script", tests, setup, teardown);
}
