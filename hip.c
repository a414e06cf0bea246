/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * HIP: hipreportcheck.esp, the report program (--csd-wrapper) and
 * hipreport.esp.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/wait.h>

#include "hip.h"
#include "xml.h"

extern char **environ;

int gp_hip_interval(const struct openconnect_info *v)
{
	if (v->auth.hip_force > 0)
		return v->auth.hip_force;
	if (v->auth.hip_interval > 0)
		return v->auth.hip_interval;
	return GP_HIP_DEFAULT_INTERVAL;
}

/* client-role, the cookie fields, client-ip(v6), md5: both requests
 * start like this. */
static int hip_fields(struct openconnect_info *v, struct oc_text *t,
		      char md5[33])
{
	const struct oc_ipconf *ip = &v->cfg.ip;
	int ret;

	oc_form_add(t, "client-role", "global-protect-full");
	if (t->len)
		oc_text_append(t, "&");
	ret = gp_cookie_fields(&v->auth.gpc, t);
	if (!ret)
		ret = gp_cookie_hip_md5(&v->auth.gpc, md5);
	if (ret)
		return ret;
	oc_form_add(t, "client-ip", ip->addr4.family ? ip->addr4.str : "");
	if (ip->addr6.family)
		oc_form_add(t, "client-ipv6", ip->addr6.str);
	oc_form_add(t, "md5", md5);
	return oc_text_error(t);
}

static int post(struct openconnect_info *v, const char *path,
		const struct oc_text *body, struct oc_http_resp *resp)
{
	const char *b = oc_text_str(body);
	int ret = oc_http_fetch(&v->http, "POST", path, NULL, b, strlen(b),
				resp, NULL);

	if (!ret && resp->status != 200) {
		oc_err(&v->log, "%s: HTTP %d", path, resp->status);
		ret = -EPROTO;
	}
	return ret;
}

/* 1 when the gateway wants a report, 0 when not, negative on error. */
static int hip_check(struct openconnect_info *v)
{
	struct oc_text body = OC_TEXT_INIT;
	struct oc_http_resp resp = { 0 };
	xmlDocPtr doc = NULL;
	char md5[33], *needed = NULL;
	int ret;

	ret = hip_fields(v, &body, md5);
	if (!ret)
		ret = post(v, "/ssl-vpn/hipreportcheck.esp", &body, &resp);
	if (!ret)
		ret = oc_xml_parse(&v->log, (const char *)resp.body.data,
				   resp.body.len, &doc);
	if (!ret) {
		needed = oc_xml_find_text(xmlDocGetRootElement(doc),
					  "hip-report-needed");
		ret = needed && !strcasecmp(needed, "yes");
	}
	free(needed);
	oc_xml_free(doc);
	oc_http_resp_free(&resp);
	oc_text_free(&body);
	return ret;
}

static int wrapper_argv(struct openconnect_info *v, char *argv[12],
			const char *md5)
{
	const struct oc_ipconf *ip = &v->cfg.ip;
	int n = 0;

	argv[n++] = v->auth.csd_wrapper;
	argv[n++] = "--cookie";
	argv[n++] = (char *)oc_secret_get(&v->auth.cookie);
	argv[n++] = "--client-ip";
	argv[n++] = (char *)(ip->addr4.family ? ip->addr4.str : "");
	if (ip->addr6.family) {
		argv[n++] = "--client-ipv6";
		argv[n++] = (char *)ip->addr6.str;
	}
	argv[n++] = "--md5";
	argv[n++] = (char *)md5;
	argv[n++] = "--client-os";
	argv[n++] = (char *)v->auth.os->clientos;
	argv[n] = NULL;
	return argv[2] ? 0 : -EINVAL;
}

/* 1 when @entry ("NAME=...") sets a name among @set's @n entries. */
static int env_overridden(const char *entry, char *const *set, size_t n)
{
	size_t i, len = strcspn(entry, "=");

	for (i = 0; i < n; i++)
		if (!strncmp(set[i], entry, len) && set[i][len] == '=')
			return 1;
	return 0;
}

/* The environment of the wrapper: ours, the application's additions
 * (openconnect_set_csd_environ) and APP_VERSION, the last two winning.
 * Only the APP_VERSION entry is allocated here (the last one). */
static char **wrapper_env(struct openconnect_info *v)
{
	const struct oc_auth *a = &v->auth;
	const char *ver = a->portal_version ? a->portal_version :
			  a->version_string ? a->version_string :
			  GP_DEFAULT_APP_VERSION;
	static const char app[] = "APP_VERSION=";
	size_t n = 0, i, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + a->n_csd_env + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], app, sizeof(app) - 1) &&
		    !env_overridden(environ[i], a->csd_env, a->n_csd_env))
			env[j++] = environ[i];
	for (i = 0; i < a->n_csd_env; i++)
		if (strncmp(a->csd_env[i], app, sizeof(app) - 1))
			env[j++] = a->csd_env[i];
	env[j] = malloc(strlen(ver) + sizeof(app));
	if (!env[j]) {
		free(env);
		return NULL;
	}
	sprintf(env[j], "%s%s", app, ver);
	return env;
}

static void free_env(char **env)
{
	size_t i;

	if (!env)
		return;
	for (i = 0; env[i]; i++)
		if (!env[i + 1])
			free(env[i]);
	free(env);
}

static int hip_report(struct openconnect_info *v)
{
	struct oc_text body = OC_TEXT_INIT, report = OC_TEXT_INIT;
	struct oc_http_resp resp = { 0 };
	char md5[33], *argv[12];
	char **env = NULL;
	int ret;

	ret = hip_fields(v, &body, md5);
	if (!ret)
		ret = wrapper_argv(v, argv, md5);
	if (!ret && !(env = wrapper_env(v)))
		ret = -ENOMEM;
	if (!ret)
		ret = gp_run_capture(&v->log, argv, env, v->auth.csd_uid,
				     GP_HIP_WRAPPER_TIMEOUT_MS,
				     GP_HIP_REPORT_MAX, &report);
	if (ret)
		oc_err(&v->log, "The HIP report program %s failed: %s",
		       v->auth.csd_wrapper, oc_strerr(ret));
	if (!ret) {
		oc_form_add(&body, "report", oc_text_str(&report));
		ret = oc_text_error(&body);
	}
	if (!ret)
		ret = post(v, "/ssl-vpn/hipreport.esp", &body, &resp);
	if (!ret)
		oc_info(&v->log, "HIP report sent");
	free_env(env);
	oc_http_resp_free(&resp);
	oc_text_free(&report);
	oc_text_free(&body);
	return ret;
}

int gp_hip(struct openconnect_info *v)
{
	int ret = hip_check(v);

	if (ret < 0) {
		oc_err(&v->log, "HIP check failed: %s", oc_strerr(ret));
		return ret;
	}
	v->cfg.hip_needed = ret;
	if (!ret) {
		oc_dbg(&v->log, "No HIP report needed");
		return 0;
	}
	if (!v->auth.csd_wrapper) {
		if (!v->auth.hip_warned)
			oc_info(&v->log, "The gateway asks for a HIP report; "
				"without --csd-wrapper none is sent (most "
				"gateways do not insist)");
		v->auth.hip_warned = 1;
		return 0;
	}
	return hip_report(v);
}

/* In the child: become @uid (with its primary group), then exec. */
static void exec_child(char *const argv[], char *const envp[], uid_t uid,
		       int out_fd)
{
	int null = open("/dev/null", O_RDONLY);

	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	if (uid != (uid_t)-1) {
		struct passwd *pw = getpwuid(uid);
		gid_t gid = pw ? pw->pw_gid : (gid_t)uid;

		if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
			_exit(126);
	}
	signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* Reads the child's output until it closes it or time runs out. */
static int collect(int fd, int64_t deadline, size_t max, struct oc_text *out)
{
	char buf[4096];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t left;
	ssize_t n;

	for (;;) {
		left = deadline - oc_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (out->len + (size_t)n > max)
			return -E2BIG;
		oc_text_append_len(out, buf, (size_t)n);
	}
}

int gp_run_capture(const struct oc_log *lg, char *const argv[],
		   char *const envp[], uid_t uid, int timeout_ms, size_t max,
		   struct oc_text *out)
{
	int64_t deadline = oc_now_ms() + timeout_ms;
	int fds[2], status = 0, ret;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (pid == 0)
		exec_child(argv, envp, uid, fds[1]);
	close(fds[1]);
	ret = collect(fds[0], deadline, max, out);
	close(fds[0]);
	if (ret)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!ret && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		oc_dbg(lg, "%s exited with status %d", argv[0],
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ret = -EIO;
	}
	return ret ? ret : oc_text_error(out);
}
