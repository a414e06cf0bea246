/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "ipconf.h"
#include "log.h"
#include "script.h"

extern char **environ;

static const char *const reason_names[] = {
	[OC_SCRIPT_PRE_INIT] = "pre-init",
	[OC_SCRIPT_CONNECT] = "connect",
	[OC_SCRIPT_DISCONNECT] = "disconnect",
	[OC_SCRIPT_ATTEMPT_RECONNECT] = "attempt-reconnect",
	[OC_SCRIPT_RECONNECT] = "reconnect",
};

const char *oc_script_reason_name(enum oc_script_reason r)
{
	if ((unsigned int)r >= sizeof(reason_names) / sizeof(reason_names[0]))
		return NULL;
	return reason_names[r];
}

/* ---- The environment array -------------------------------------------- */

struct env {
	char **v;
	size_t n;
	size_t cap;
	int err;
};

static void env_push(struct env *e, char *s)
{
	char **nv;
	size_t ncap;

	if (!s)
		e->err = -ENOMEM;
	if (e->err) {
		free(s);
		return;
	}
	if (e->n + 1 >= e->cap) {
		ncap = e->cap ? 2 * e->cap : 64;
		nv = realloc(e->v, ncap * sizeof(*nv));
		if (!nv) {
			e->err = -ENOMEM;
			free(s);
			return;
		}
		e->v = nv;
		e->cap = ncap;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
}

static void __attribute__((format(printf, 3, 4)))
env_setf(struct env *e, const char *name, const char *fmt, ...)
{
	struct oc_text t = OC_TEXT_INIT;
	va_list ap;

	oc_text_appendf(&t, "%s=", name);
	va_start(ap, fmt);
	oc_text_vappendf(&t, fmt, ap);
	va_end(ap);
	env_push(e, oc_text_steal(&t));
}

static void env_set(struct env *e, const char *name, const char *value)
{
	if (value && *value)
		env_setf(e, name, "%s", value);
}

/* Names the script protocol owns: never inherited from our parent. */
static int is_ours(const char *var)
{
	static const char *const names[] = {
		"reason", "VPNGATEWAY", "VPNPID", "TUNDEV", "LOG_LEVEL",
		"IDLE_TIMEOUT",
	};
	static const char *const prefixes[] = {
		"INTERNAL_IP4_", "INTERNAL_IP6_", "CISCO_",
	};
	size_t len = strcspn(var, "="), i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (len == strlen(names[i]) && !memcmp(var, names[i], len))
			return 1;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(var, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

static void env_inherit(struct env *e, char *const base[])
{
	size_t i;

	for (i = 0; base && base[i]; i++)
		if (!is_ours(base[i]))
			env_push(e, strdup(base[i]));
}

static void env_facts(struct env *e, enum oc_script_reason reason,
		      const struct oc_ipconf *ip,
		      const struct oc_script_facts *f)
{
	const char *gw = f->gateway;
	int level = f->log_level, idle = f->idle_timeout;

	if (!gw && ip && ip->gateway.family)
		gw = ip->gateway.str;
	if (!idle && ip)
		idle = ip->idle_timeout;
	level = level < 0 ? 0 : level > PRG_TRACE ? PRG_TRACE : level;
	env_set(e, "reason", oc_script_reason_name(reason));
	env_set(e, "VPNGATEWAY", gw);
	env_setf(e, "VPNPID", "%ld", (long)(f->pid ? f->pid : getpid()));
	env_set(e, "TUNDEV", f->tundev);
	env_setf(e, "LOG_LEVEL", "%d", level);
	if (idle > 0)
		env_setf(e, "IDLE_TIMEOUT", "%d", idle);
}

static void env_ip4(struct env *e, const struct oc_ipconf *ip)
{
	char net[INET_ADDRSTRLEN];
	uint32_t a, m;

	if (ip->mtu > 0)
		env_setf(e, "INTERNAL_IP4_MTU", "%d", ip->mtu);
	if (!ip->addr4.family)
		return;
	memcpy(&a, ip->addr4.a, sizeof(a));
	memcpy(&m, ip->mask4.a, sizeof(m));
	a &= m;
	if (!inet_ntop(AF_INET, &a, net, sizeof(net)))
		net[0] = '\0';
	env_set(e, "INTERNAL_IP4_ADDRESS", ip->addr4.str);
	env_set(e, "INTERNAL_IP4_NETMASK", ip->mask4.str);
	env_setf(e, "INTERNAL_IP4_NETMASKLEN", "%d", ip->plen4);
	env_set(e, "INTERNAL_IP4_NETADDR", net);
}

static void env_ip6(struct env *e, const struct oc_ipconf *ip)
{
	if (!ip->addr6.family)
		return;
	env_set(e, "INTERNAL_IP6_ADDRESS", ip->addr6.str);
	env_setf(e, "INTERNAL_IP6_NETMASK", "%s/%d", ip->addr6.str,
		 ip->plen6);
}

static void env_addrs(struct env *e, const char *name,
		      const struct oc_ipaddr *a, size_t n)
{
	struct oc_text t = OC_TEXT_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		oc_text_appendf(&t, "%s%s", i ? " " : "", a[i].str);
	if (oc_text_error(&t))
		e->err = -ENOMEM;
	env_set(e, name, oc_text_str(&t));
	oc_text_free(&t);
}

static void env_domains(struct env *e, const struct oc_ipconf *ip)
{
	struct oc_text t = OC_TEXT_INIT;
	size_t i;

	for (i = 0; i < ip->n_domains; i++)
		oc_text_appendf(&t, "%s%s", i ? " " : "", ip->domains[i]);
	if (oc_text_error(&t))
		e->err = -ENOMEM;
	env_set(e, "CISCO_DEF_DOMAIN", oc_text_str(&t));
	oc_text_free(&t);
}

/* @prefix_n=<count>, then @prefix_<i>_ADDR, _MASK (v4 only), _MASKLEN. */
static void env_routes(struct env *e, const char *prefix,
		       const struct oc_route_list *l)
{
	char addr[INET6_ADDRSTRLEN], name[64], mask[INET_ADDRSTRLEN];
	const struct oc_route *r;
	uint32_t m;
	size_t i;

	if (!l->n)
		return;
	env_setf(e, prefix, "%zu", l->n);
	for (i = 0; i < l->n; i++) {
		r = &l->r[i];
		oc_route_addr(r, addr);
		snprintf(name, sizeof(name), "%s_%zu_ADDR", prefix, i);
		env_set(e, name, addr);
		if (r->family == AF_INET) {
			m = oc_plen_to_mask(r->plen);
			inet_ntop(AF_INET, &m, mask, sizeof(mask));
			snprintf(name, sizeof(name), "%s_%zu_MASK", prefix, i);
			env_set(e, name, mask);
		}
		snprintf(name, sizeof(name), "%s_%zu_MASKLEN", prefix, i);
		env_setf(e, name, "%d", r->plen);
	}
}

static void env_ipconf(struct env *e, const struct oc_ipconf *ip)
{
	env_ip4(e, ip);
	env_addrs(e, "INTERNAL_IP4_DNS", ip->dns, ip->n_dns);
	env_addrs(e, "INTERNAL_IP4_NBNS", ip->nbns, ip->n_nbns);
	env_ip6(e, ip);
	env_domains(e, ip);
	if (!ip->full4)
		env_routes(e, "CISCO_SPLIT_INC", &ip->inc4);
	env_routes(e, "CISCO_SPLIT_EXC", &ip->exc4);
	if (!ip->full6)
		env_routes(e, "CISCO_IPV6_SPLIT_INC", &ip->inc6);
	env_routes(e, "CISCO_IPV6_SPLIT_EXC", &ip->exc6);
}

void oc_script_env_free(char **envp)
{
	size_t i;

	for (i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(envp);
}

int oc_script_env(enum oc_script_reason reason, const struct oc_ipconf *ip,
		  const struct oc_script_facts *f, char *const base[],
		  char ***envp)
{
	static const struct oc_script_facts none;
	struct env e = { NULL, 0, 0, 0 };

	*envp = NULL;
	if (!oc_script_reason_name(reason))
		return -EINVAL;
	env_inherit(&e, base);
	env_facts(&e, reason, ip, f ? f : &none);
	if (ip && reason != OC_SCRIPT_PRE_INIT)
		env_ipconf(&e, ip);
	if (e.err) {
		oc_script_env_free(e.v);
		return e.err;
	}
	if (!e.v)
		return -ENOMEM;
	*envp = e.v;
	return 0;
}

/* ---- Running ---------------------------------------------------------- */

/* posix_spawn's dup2 of a descriptor onto itself would keep its
 * close-on-exec flag, so move 0-2 out of the way first. */
static int above_stdio(int fd, int *tmp)
{
	*tmp = -1;
	if (fd < 0 || fd > 2)
		return fd;
	*tmp = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return *tmp;
}

static int spawn_actions(posix_spawn_file_actions_t *fa, int in, int out)
{
	int ret = 0;

	if (in >= 0)
		ret = posix_spawn_file_actions_adddup2(fa, in, 0);
	else
		ret = posix_spawn_file_actions_addopen(fa, 0, "/dev/null",
						       O_RDONLY, 0);
	if (!ret && out >= 0)
		ret = posix_spawn_file_actions_adddup2(fa, out, 1);
	return ret;
}

static int spawn_attrs(posix_spawnattr_t *at)
{
	static const int sigs[] = {
		SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
		SIGCHLD, SIGALRM,
	};
	sigset_t none, def;
	size_t i;
	int ret;

	sigemptyset(&none);
	sigemptyset(&def);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&def, sigs[i]);
	ret = posix_spawnattr_setsigmask(at, &none);
	if (!ret)
		ret = posix_spawnattr_setsigdefault(at, &def);
	if (!ret)
		ret = posix_spawnattr_setpgroup(at, 0);
	if (!ret)
		ret = posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGMASK |
					       POSIX_SPAWN_SETSIGDEF |
					       POSIX_SPAWN_SETPGROUP);
	return ret;
}

int oc_script_spawn(const char *script, char *const envp[], int stdin_fd,
		    int stdout_fd, pid_t *pid)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int in, out, tmp_in, tmp_out, ret;

	if (!script || !*script || !envp)
		return -EINVAL;
	in = above_stdio(stdin_fd, &tmp_in);
	out = above_stdio(stdout_fd, &tmp_out);
	if ((stdin_fd >= 0 && in < 0) || (stdout_fd >= 0 && out < 0)) {
		ret = -errno;
		goto out_fds;
	}
	ret = posix_spawn_file_actions_init(&fa);
	if (ret) {
		ret = -ret;
		goto out_fds;
	}
	ret = posix_spawnattr_init(&at);
	if (ret) {
		ret = -ret;
		goto out_fa;
	}
	ret = spawn_actions(&fa, in, out);
	if (!ret)
		ret = spawn_attrs(&at);
	if (!ret)
		ret = posix_spawn(pid, "/bin/sh", &fa, &at, argv, envp);
	ret = -ret;
	posix_spawnattr_destroy(&at);
out_fa:
	posix_spawn_file_actions_destroy(&fa);
out_fds:
	if (tmp_in >= 0)
		close(tmp_in);
	if (tmp_out >= 0)
		close(tmp_out);
	return ret;
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Polls the child until @deadline_ms (oc_now_ms() time). Returns the exit
 * code, -ETIMEDOUT, or -errno. Bounded by the clock and by a count, so a
 * clock that stands still cannot make it spin forever.
 */
static int poll_child(pid_t pid, int64_t deadline_ms, long max_ms)
{
	long step = 1, slept = 0;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return exit_code(status);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (oc_now_ms() >= deadline_ms || slept >= max_ms)
			return -ETIMEDOUT;
		sleep_ms(step);
		slept += step;
		if (step < 32)
			step *= 2;
	}
}

int oc_script_wait(const struct oc_log *lg, pid_t pid, int timeout_ms)
{
	int ret, status;

	if (timeout_ms <= 0)
		timeout_ms = OC_SCRIPT_TIMEOUT_MS;
	ret = poll_child(pid, oc_now_ms() + timeout_ms, timeout_ms);
	if (ret != -ETIMEDOUT)
		return ret;
	oc_err(lg, "Script (pid %ld) still running after %d ms; killing it",
	       (long)pid, timeout_ms);
	/*
	 * The script leads its own process group, and the group lives on
	 * while the unreaped leader does: so this reaches its children too,
	 * and nothing else.
	 */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return -ETIMEDOUT;
}

int oc_script_run(const struct oc_log *lg, const char *script,
		  char *const envp[], int timeout_ms)
{
	pid_t pid;
	int ret;

	ret = oc_script_spawn(script, envp, -1, -1, &pid);
	if (ret) {
		oc_err(lg, "Cannot run vpnc-script: %s", oc_strerr(ret));
		return ret;
	}
	return oc_script_wait(lg, pid, timeout_ms);
}

int oc_script_call(const struct oc_log *lg, const char *script,
		   enum oc_script_reason reason, const struct oc_ipconf *ip,
		   const struct oc_script_facts *f, int timeout_ms)
{
	char **envp;
	int ret;

	ret = oc_script_env(reason, ip, f, environ, &envp);
	if (ret)
		return ret;
	oc_dbg(lg, "Running vpnc-script '%s' with reason=%s", script,
	       oc_script_reason_name(reason));
	ret = oc_script_run(lg, script, envp, timeout_ms);
	if (ret > 0)
		oc_err(lg, "vpnc-script (reason=%s) exited with status %d",
		       oc_script_reason_name(reason), ret);
	else if (ret < 0 && ret != -ETIMEDOUT)
		oc_err(lg, "vpnc-script (reason=%s) failed: %s",
		       oc_script_reason_name(reason), oc_strerr(ret));
	oc_script_env_free(envp);
	return ret;
}
