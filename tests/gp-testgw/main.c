/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gp-testgw: start-up and shut-down. See README.md in this directory.
 *
 * Exit codes: 0 after SIGTERM or SIGINT, 1 on a start-up failure, 2 on a
 * usage error.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "gw.h"

struct sigwatch {
	struct gw_watch w;
};

static void sig_cb(struct gw_watch *w, short revents)
{
	struct signalfd_siginfo si;

	if (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		gw_log(w->loop->st, "signal %u: stopping", si.ssi_signo);
	w->loop->stop = 1;
}

static void sig_release(struct gw_watch *w)
{
	close(w->fd);
	free(w);
}

/* SIGINT and SIGTERM arrive as a readable fd, so the loop ends cleanly
 * and frees everything (valgrind runs see no leaks). */
static int watch_signals(struct gw_loop *l)
{
	struct sigwatch *s;
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return -ENOMEM;
	}
	s->w.fd = fd;
	s->w.events = POLLIN;
	s->w.cb = sig_cb;
	s->w.release = sig_release;
	gw_loop_add(l, &s->w);
	return 0;
}

/* Written to a temporary name and renamed, so a test polling for the
 * file never reads half of it. */
static int write_file(const char *path, const char *text)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	FILE *f;
	int ret;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, n, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f) {
		ret = fputs(text, f) < 0 ? -EIO : 0;
		if (fclose(f) && !ret)
			ret = -EIO;
		if (!ret && rename(tmp, path))
			ret = -errno;
	} else {
		ret = -errno;
	}
	free(tmp);
	return ret;
}

/* Certificates from $CERTDIR (as make check sets it) when not given. */
static int default_certs(struct gw_state *st)
{
	const char *dir = getenv("CERTDIR");
	size_t n;

	if (st->start.cert && st->start.key)
		return 0;
	if (!dir || st->start.cert || st->start.key) {
		fprintf(stderr, "gp-testgw: --cert and --key are needed "
			"(or CERTDIR)\n");
		return -EINVAL;
	}
	n = strlen(dir) + 32;
	st->start.cert = malloc(n);
	st->start.key = malloc(n);
	if (!st->start.cert || !st->start.key)
		return -ENOMEM;
	snprintf(st->start.cert, n, "%s/server.pem", dir);
	snprintf(st->start.key, n, "%s/server-key.pem", dir);
	return 0;
}

static int open_outputs(struct gw_state *st)
{
	char pin[128];
	int ret = 0;

	if (st->start.log_path) {
		st->log = fopen(st->start.log_path, "a");
		if (!st->log) {
			fprintf(stderr, "gp-testgw: %s: %s\n",
				st->start.log_path, strerror(errno));
			return -errno;
		}
	}
	ret = gw_keylog_open(st);
	if (ret) {
		fprintf(stderr, "gp-testgw: %s: %s\n", st->start.keylog_path,
			strerror(-ret));
		return ret;
	}
	if (st->start.pin_file || st->start.verbose) {
		ret = gw_tls_ctx_pin(st->tls, pin, sizeof(pin));
		if (!ret && st->start.verbose)
			fprintf(stderr, "gp-testgw: certificate %s\n", pin);
		if (!ret && st->start.pin_file) {
			strcat(pin, "\n");
			ret = write_file(st->start.pin_file, pin);
		}
		if (ret)
			fprintf(stderr, "gp-testgw: cannot write the pin: %s\n",
				strerror(-ret));
	}
	return ret;
}

static int start(struct gw_state *st, struct gw_loop *l)
{
	char text[16];
	int port, ret;

	ret = default_certs(st);
	if (!ret)
		ret = gw_tls_ctx_new(st->start.cert, st->start.key, &st->tls);
	if (!ret && st->start.client_ca)
		ret = gw_tls_ctx_require_client(st->tls, st->start.client_ca);
	if (!ret)
		ret = open_outputs(st);
	if (!ret) {
		ret = watch_signals(l);
		if (ret)
			fprintf(stderr, "gp-testgw: signals: %s\n",
				strerror(-ret));
	}
	if (ret)
		return ret;
	ret = gw_listen(l, st->start.listen, &port);
	if (ret) {
		fprintf(stderr, "gp-testgw: cannot listen on %s: %s\n",
			st->start.listen, strerror(-ret));
		return ret;
	}
	gw_log(st, "listening on %s, port %d", st->start.listen, port);
	ret = gw_udp_start(l);
	if (!ret)
		ret = gw_tun_start(l);
	if (ret)
		return ret;
	snprintf(text, sizeof(text), "%d\n", port);
	if (st->start.port_file)
		ret = write_file(st->start.port_file, text);
	if (ret)
		fprintf(stderr, "gp-testgw: %s: %s\n", st->start.port_file,
			strerror(-ret));
	return ret;
}

int main(int argc, char **argv)
{
	struct gw_state st;
	struct gw_loop loop;
	int ret;

	if (gw_state_init(&st)) {
		gw_state_free(&st);
		return 1;
	}
	ret = gw_options_parse(&st, argc, argv);
	if (ret) {
		gw_state_free(&st);
		return ret > 0 ? 0 : 2;
	}
	signal(SIGPIPE, SIG_IGN);
	gw_loop_init(&loop, &st);
	ret = start(&st, &loop);
	if (!ret) {
		ret = gw_loop_run(&loop);
		if (ret)
			fprintf(stderr, "gp-testgw: %s\n", strerror(-ret));
	}
	gw_loop_free(&loop);
	gw_tls_ctx_free(st.tls);
	gw_state_free(&st);
	return ret ? 1 : 0;
}
