/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The process around the tunnel: signals, detaching, the pid file,
 * dropping root, syslog.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"

/* Written by the signal handler, so it must be a plain int. */
static int cmd_fd = -1;

static void on_signal(int sig)
{
	char cmd;
	int saved = errno;

	switch (sig) {
	case SIGINT:
	case SIGTERM:
		cmd = OC_CMD_CANCEL;
		break;
	case SIGHUP:
		cmd = OC_CMD_DETACH;
		break;
	case SIGUSR1:
		cmd = OC_CMD_STATS;
		break;
	case SIGUSR2:
		cmd = 'r';	/* reconnect at once */
		break;
	default:
		return;
	}
	if (cmd_fd >= 0 && write(cmd_fd, &cmd, 1) < 0) {
		/* The pipe is full: the loop has commands to read anyway. */
	}
	errno = saved;
}

int cli_setup_signals(int fd)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
	struct sigaction sa;
	size_t i;

	cmd_fd = fd;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int cli_background(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(EXIT_OK);
	if (setsid() < 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

int cli_write_pid_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "Cannot write the pid file %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) ? -1 : 0;
}

int cli_drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);
	char *end;
	long uid;

	if (!pw) {
		uid = strtol(user, &end, 10);
		if (*user && !*end && uid >= 0)
			pw = getpwuid((uid_t)uid);
	}
	if (!pw) {
		fprintf(stderr, "-U: no such user '%s'\n", user);
		return -1;
	}
	if (setgroups(0, NULL) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
		fprintf(stderr, "-U: cannot become %s: %s\n", user,
			strerror(errno));
		return -1;
	}
	/* Getting root back must fail now, or something is wrong. */
	if (pw->pw_uid && !setuid(0)) {
		fprintf(stderr, "-U: root privileges could not be dropped\n");
		return -1;
	}
	return 0;
}

void cli_open_syslog(void)
{
	openlog("openconnect", LOG_PID, LOG_DAEMON);
}
