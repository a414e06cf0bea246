/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The scripted TLS test server of testsrv.h.
 *
 * The child is bounded three ways so that no test leaves it behind: it
 * dies with its parent (PR_SET_PDEATHSIG), after CHILD_LIFETIME_S seconds
 * (alarm), and after max_conns connections. Each socket read or write in
 * it gives up after IO_TIMEOUT_S, so one silent client cannot hold it.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "testsrv.h"

#define CHILD_LIFETIME_S	60
#define IO_TIMEOUT_S		10
#define START_TIMEOUT_MS	10000
#define STOP_GRACE_MS		2000

struct testsrv {
	pid_t pid;
	int port;
	int logfd;			/* shared with the child */
	char logpath[PATH_MAX];
};

struct testsrv_conn {
	SSL *ssl;
	int fd;
	int logfd;
	int aborted;
	const char *sni;
};

/* ---- The child ---------------------------------------------------------- */

static void log_bytes(int logfd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(logfd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static SSL_CTX *server_ctx(const struct testsrv_opts *o)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	int max = o->tls_max == 12 ? TLS1_2_VERSION : TLS1_3_VERSION;

	if (!ctx)
		return NULL;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, max) ||
	    SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		fprintf(stderr, "testsrv: cannot use %s / %s\n", o->cert,
			o->key);
		ERR_print_errors_fp(stderr);
		SSL_CTX_free(ctx);
		return NULL;
	}
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	return ctx;
}

static int listen_socket(int ipv6, int *port)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd, one = 1;

	fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	s6.sin6_addr = in6addr_loopback;
	s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (ipv6 ? bind(fd, (struct sockaddr *)&s6, sizeof(s6)) :
		    bind(fd, (struct sockaddr *)&s4, sizeof(s4))) ||
	    listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(ipv6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
			     ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static void set_io_timeouts(int fd)
{
	struct timeval tv = { IO_TIMEOUT_S, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void serve_one(SSL_CTX *ctx, int fd, testsrv_fn fn, void *arg,
		      int logfd)
{
	struct testsrv_conn c = { .fd = fd, .logfd = logfd };

	set_io_timeouts(fd);
	c.ssl = SSL_new(ctx);
	if (!c.ssl || !SSL_set_fd(c.ssl, fd))
		goto out;
	/* A client that refuses our certificate fails here: next one. */
	if (SSL_accept(c.ssl) != 1)
		goto out;
	c.sni = SSL_get_servername(c.ssl, TLSEXT_NAMETYPE_host_name);
	if (fn)
		fn(&c, arg);
	if (!c.aborted)
		SSL_shutdown(c.ssl);
out:
	ERR_clear_error();
	SSL_free(c.ssl);
	if (c.fd >= 0)
		close(c.fd);
}

/* Set in the child by SIGTERM: the child then frees what it holds and
 * exits, so that valgrind finds nothing lost in it. */
static volatile sig_atomic_t stopping;

static void on_sigterm(int sig)
{
	stopping = 1;
}

/* Undoes what the test program set up that the child must not inherit
 * (cmocka's crash handlers, blocked signals); SIGTERM interrupts the
 * blocking calls (no SA_RESTART). */
static void child_signals(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
				    SIGALRM, SIGINT };
	struct sigaction sa = { .sa_handler = on_sigterm };
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void __attribute__((noreturn))
child_main(struct testsrv *s, const struct testsrv_opts *o, testsrv_fn fn,
	   void *arg, int report_fd, pid_t parent)
{
	int lfd = -1, port = -1, n, fd, logfd = s->logfd;
	SSL_CTX *ctx;

	/* The child's copy of the parent's handle is of no use here. */
	free(s);

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);
	child_signals();
	alarm(CHILD_LIFETIME_S);
	ctx = server_ctx(o);
	if (ctx)
		lfd = listen_socket(o->ipv6, &port);
	if (lfd < 0)
		port = -1;
	if (write(report_fd, &port, sizeof(port)) != sizeof(port) || port < 0)
		_exit(1);
	close(report_fd);
	for (n = 0; !stopping && (!o->max_conns || n < o->max_conns); n++) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0 && errno == EINTR && !stopping) {
			n--;
			continue;
		}
		if (fd < 0)
			break;
		serve_one(ctx, fd, fn, arg, logfd);
	}
	close(lfd);
	SSL_CTX_free(ctx);
	_exit(0);
}

/* ---- The parent ------------------------------------------------------- */

static int read_port(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int port = -1;

	if (poll(&p, 1, START_TIMEOUT_MS) != 1 ||
	    read(fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	return port;
}

static int make_log(struct testsrv *s)
{
	const char *dir = getenv("TMPDIR");

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(s->logpath, sizeof(s->logpath), "%s/testsrv-XXXXXX", dir);
	s->logfd = mkstemp(s->logpath);
	if (s->logfd < 0) {
		s->logpath[0] = '\0';
		return -errno;
	}
	return 0;
}

int testsrv_start(struct testsrv **out, const struct testsrv_opts *o,
		  testsrv_fn fn, void *arg)
{
	struct testsrv *s;
	pid_t parent;
	int p[2], ret;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->logfd = -1;
	ret = make_log(s);
	if (ret || pipe2(p, O_CLOEXEC)) {
		ret = ret ? ret : -errno;
		testsrv_stop(s);
		return ret;
	}
	/* The child must not write out what the parent had buffered. */
	fflush(stdout);
	fflush(stderr);
	parent = getpid();
	s->pid = fork();
	if (!s->pid) {
		close(p[0]);
		child_main(s, o, fn, arg, p[1], parent);
	}
	close(p[1]);
	s->port = s->pid > 0 ? read_port(p[0]) : -1;
	close(p[0]);
	if (s->port < 0) {
		testsrv_stop(s);
		return -EIO;
	}
	*out = s;
	return 0;
}

int testsrv_port(const struct testsrv *s)
{
	return s->port;
}

char *testsrv_received(struct testsrv *s, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;

	if (fstat(s->logfd, &st) || st.st_size < 0)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return NULL;
	while (got < (size_t)st.st_size) {
		n = pread(s->logfd, buf + got, (size_t)st.st_size - got,
			  (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
}

/* SIGTERM, then SIGKILL if the child has not gone in STOP_GRACE_MS (it
 * can miss SIGTERM just before it blocks in accept()). */
static void kill_child(pid_t pid)
{
	struct timespec ts = { 0, 5 * 1000000L };
	int i, status;

	kill(pid, SIGTERM);
	for (i = 0; i < STOP_GRACE_MS / 5; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

void testsrv_stop(struct testsrv *s)
{
	if (!s)
		return;
	if (s->pid > 0)
		kill_child(s->pid);
	if (s->logfd >= 0)
		close(s->logfd);
	if (s->logpath[0])
		unlink(s->logpath);
	free(s);
}

/* ---- In the handler ----------------------------------------------------- */

/* 0 at the end of the stream, -1 on an error or a timeout. */
static ssize_t raw_read(struct testsrv_conn *c, void *buf, size_t len)
{
	int n;

	if (c->aborted || stopping || !len)
		return -1;
	n = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
	if (n > 0)
		return n;
	n = SSL_get_error(c->ssl, n);
	ERR_clear_error();
	return n == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

ssize_t testsrv_read(struct testsrv_conn *c, void *buf, size_t len)
{
	ssize_t n = raw_read(c, buf, len);

	if (n > 0)
		log_bytes(c->logfd, buf, (size_t)n);
	return n;
}

int testsrv_write(struct testsrv_conn *c, const void *buf, size_t len)
{
	const char *p = buf;
	int n;

	while (len) {
		if (c->aborted || stopping)
			return -1;
		n = SSL_write(c->ssl, p, len > INT_MAX ? INT_MAX : (int)len);
		if (n <= 0) {
			ERR_clear_error();
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int testsrv_write_str(struct testsrv_conn *c, const char *s)
{
	return testsrv_write(c, s, strlen(s));
}

/* Content-Length of the head in @buf (NUL-terminated); 0 when absent, -1
 * when malformed or above @max. */
static long content_length(const char *buf, size_t max)
{
	static const char name[] = "\r\ncontent-length:";
	const char *p;
	long v = 0;

	for (p = buf; (p = strchr(p, '\r')); p++)
		if (!strncasecmp(p, name, sizeof(name) - 1))
			break;
	if (!p)
		return 0;
	p += sizeof(name) - 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if ((size_t)v > max)
			return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\r' ? v : -1;
}

/* The head, a byte at a time so nothing of a next request is consumed. */
static ssize_t read_head(struct testsrv_conn *c, char *buf, size_t max)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < max) {
		n = raw_read(c, buf + len, 1);
		if (n <= 0)
			return n < 0 || len ? -1 : 0;
		buf[++len] = '\0';
		if (len >= 4 && !memcmp(buf + len - 4, "\r\n\r\n", 4))
			return (ssize_t)len;
	}
	return -1;
}

ssize_t testsrv_read_request(struct testsrv_conn *c, char *buf, size_t max)
{
	ssize_t n, ret;
	size_t len = 0;
	long body;

	if (max < 5)
		return -1;
	buf[0] = '\0';
	ret = read_head(c, buf, max);
	if (ret <= 0) {
		len = strlen(buf);
		goto out;
	}
	len = (size_t)ret;
	ret = -1;
	body = content_length(buf, max - 1 - len);
	if (body < 0)
		goto out;
	for (; body > 0; body -= n, len += (size_t)n) {
		n = raw_read(c, buf + len, (size_t)body);
		if (n <= 0)
			goto out;
	}
	buf[len] = '\0';
	ret = (ssize_t)len;
out:
	log_bytes(c->logfd, buf, len);
	return ret;
}

int testsrv_write_slowly(struct testsrv_conn *c, const char *s, size_t len,
			 size_t chunk, int delay_ms)
{
	struct timespec ts = { delay_ms / 1000, (delay_ms % 1000) * 1000000L };
	size_t n;

	if (!chunk)
		chunk = 1;
	while (len) {
		n = len < chunk ? len : chunk;
		if (testsrv_write(c, s, n))
			return -1;
		s += n;
		len -= n;
		if (len && delay_ms > 0)
			nanosleep(&ts, NULL);
	}
	return 0;
}

void testsrv_abort(struct testsrv_conn *c)
{
	if (c->aborted)
		return;
	c->aborted = 1;
	close(c->fd);
	c->fd = -1;
}

const char *testsrv_sni(const struct testsrv_conn *c)
{
	return c->sni;
}
