/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * faultrelay: a relay for UDP and TCP that injects faults, for tests.
 *
 *   faultrelay [--tcp ADDR:PORT --tcp-to ADDR:PORT]
 *              [--udp ADDR:PORT --udp-to ADDR:PORT]
 *              [--seed N] [--fault SETTING]... [--control FILE]
 *              [--stats FILE] [-v]
 *
 * TCP: each connection accepted on --tcp is joined to a new connection to
 * --tcp-to. UDP: each client source address seen on --udp gets its own
 * socket connected to --udp-to; what comes back on it goes to that client.
 * "c2s" is the direction from the client to the upstream, "s2c" the other.
 *
 * Faults are settings KEY=VALUE, KEY being PROTO.NAME (both directions) or
 * PROTO.DIR.NAME, PROTO udp or tcp, DIR c2s or s2c:
 *
 *   udp.loss=P          drop a datagram with probability P (0.05 or 5%)
 *   udp.dup=P           send it twice
 *   udp.corrupt=P       flip 1-3 bytes at or after offset udp.corrupt-skip
 *                       (default 8: past an ESP header, so that the ICV,
 *                       not the SPI or the replay check, catches it)
 *   udp.reorder=P       hold it back until udp.reorder-dist (default 3)
 *                       later datagrams of its flow and direction went out,
 *                       or udp.reorder-hold ms (default 1000) passed
 *   udp.delay=MS        every datagram waits this long
 *   tcp.delay=MS        every chunk read waits this long
 *   tcp.stall=P         with probability P per chunk, the direction sends
 *                       nothing for tcp.stall-ms (default 500) before it:
 *                       what a lost segment looks like from above TCP
 *   tcp.corrupt=N       flip one byte in each of the next N chunks
 *   tcp.cut=N           after N more bytes, cut the connection they were on
 *                       (both sockets closed, queued data thrown away)
 *   tcp.freeze=1        the connections open now send nothing more in that
 *                       direction, ever (a path that died); new ones pass
 *
 * and, for the whole relay, seed=N (restart the generator) and reset=1
 * (counters to zero). --fault applies one at start. --control FILE is read
 * at start and again on SIGUSR2 or SIGHUP: every fault goes back to what
 * the --fault options said (else off), then the file's settings (one per
 * line or space separated, # comments) apply in order; a file with a bad
 * setting changes nothing (counted as bad-control). The counters
 * go to --stats FILE (by rename, never half-written) once listening, after
 * each reload (with "generation N" counting good reloads), on SIGUSR1 and
 * at exit, and to stderr at exit. SIGTERM or SIGINT stops it (exit 0).
 *
 * The random generator is seeded by --seed (else from the clock) and the
 * seed is printed, so that a failing run can be replayed; the decisions
 * still depend on the order in which packets arrive.
 *
 * Memory is bounded: at most MAX_FLOWS UDP flows (the least recently used
 * goes), MAX_PENDING datagrams waiting, MAX_CONNS TCP connections, and
 * TCP_QMAX bytes queued per direction of each (reading stops when full).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_FLOWS	64
#define MAX_CONNS	64
#define MAX_PENDING	4096
#define PENDING_BYTES	(8u << 20)
#define TCP_QMAX	(256u << 10)
#define TCP_CHUNK	16384
#define UDP_MAX		65536
#define UDP_BATCH	64
#define CONTROL_MAX	65536
#define MAX_FDS		(2 + MAX_FLOWS + 2 * MAX_CONNS)

enum { C2S, S2C, NDIRS };
static const char *const dir_name[NDIRS] = { "c2s", "s2c" };

/* Probabilities are thresholds out of 2^32. */
struct udp_faults {
	uint64_t loss, dup, corrupt, reorder;
	unsigned long dist, skip, hold_ms, delay_ms;
};

struct tcp_faults {
	uint64_t stall;
	unsigned long delay_ms, stall_ms, corrupt, freeze;
	long long cut;			/* bytes to go; -1: off */
};

/* Corrupted and duplicated count datagrams that left (a copy the kernel
 * refused is a send error instead), so that they compare with what the
 * receiver saw. */
struct udp_ctr {
	uint64_t in, out, bytes, dropped, duplicated, reordered;
	uint64_t reorder_early, corrupted, delayed, overflow, send_errors;
};

struct tcp_ctr {
	uint64_t bytes, chunks, corrupted, stalls, cuts, delayed, frozen;
};

struct faults {
	struct udp_faults udp[NDIRS];
	struct tcp_faults tcp[NDIRS];
};

struct counters {
	struct udp_ctr udp[NDIRS];
	struct tcp_ctr tcp[NDIRS];
	uint64_t conns, refused, flows, evicted, bad_control;
};

struct flow {
	int fd;				/* -1: slot free */
	struct sockaddr_storage addr;
	socklen_t alen;
	int64_t last_ms;
};

/* What was done to a datagram, counted when it leaves. */
enum { F_CORRUPT = 1, F_DUP = 2 };

/* A datagram waiting: for its time, or for later ones to go first. */
struct pending {
	int flow, dir, flags;
	int64_t ready_ms, deadline_ms;
	unsigned long wait;		/* later datagrams still to go first */
	size_t len;
	unsigned char data[];
};

struct chunk {
	struct chunk *next;
	int64_t ready_ms;
	int stall, cut;
	size_t len, off;
	unsigned char data[];
};

/* One direction of a connection: read from fd[d], written to fd[!d]. */
struct half {
	struct chunk *head, *tail;
	size_t queued;
	int eof, shut, frozen;
	int64_t stall_until;
};

struct conn {
	int fd[2];			/* client side, upstream side; -1: free */
	int connecting;
	unsigned int id;
	struct half h[NDIRS];
};

struct relay {
	int tcp_fd, udp_fd;
	struct sockaddr_storage tcp_up, udp_up;
	socklen_t tcp_up_len, udp_up_len;
	struct flow flows[MAX_FLOWS];
	struct conn conns[MAX_CONNS];
	struct pending *pend[MAX_PENDING];
	int npend;
	size_t pend_bytes;
	struct faults f, base;		/* now; what --fault set */
	struct counters c;
	uint64_t seed, rng;
	unsigned long generation;
	unsigned int next_id;
	const char *control, *stats;
	int verbose;
};

static volatile sig_atomic_t sig_quit, sig_dump, sig_reload;
static unsigned char iobuf[UDP_MAX];

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_dump = 1;
	else if (sig == SIGUSR2 || sig == SIGHUP)
		sig_reload = 1;
	else
		sig_quit = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* When something delayed by @ms from now may go: never early, though the
 * clock is read in whole milliseconds. */
static int64_t after_ms(unsigned long ms)
{
	return now_ms() + (int64_t)ms + (ms ? 1 : 0);
}

/* ---- The generator (splitmix64) ------------------------------------------- */

static uint64_t rnd(struct relay *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 1 with the probability of threshold @p (out of 2^32). */
static int chance(struct relay *r, uint64_t p)
{
	return p && (rnd(r) >> 32) < p;
}

static unsigned long rnd_below(struct relay *r, unsigned long n)
{
	return n ? (unsigned long)(rnd(r) % n) : 0;
}

/* ---- Settings ------------------------------------------------------------- */

enum kind { PROB, ULONG, CUT };

struct setting {
	const char *proto, *name;
	enum kind kind;
	size_t off;
};

#define U(f, k, n)	{ "udp", n, k, offsetof(struct udp_faults, f) }
#define T(f, k, n)	{ "tcp", n, k, offsetof(struct tcp_faults, f) }
static const struct setting settings[] = {
	U(loss, PROB, "loss"), U(dup, PROB, "dup"),
	U(corrupt, PROB, "corrupt"), U(reorder, PROB, "reorder"),
	U(dist, ULONG, "reorder-dist"), U(hold_ms, ULONG, "reorder-hold"),
	U(skip, ULONG, "corrupt-skip"), U(delay_ms, ULONG, "delay"),
	T(delay_ms, ULONG, "delay"), T(stall, PROB, "stall"),
	T(stall_ms, ULONG, "stall-ms"), T(corrupt, ULONG, "corrupt"),
	T(cut, CUT, "cut"), T(freeze, ULONG, "freeze"),
};
#undef U
#undef T

static void faults_default(struct faults *f)
{
	int d;

	memset(f, 0, sizeof(*f));
	for (d = 0; d < NDIRS; d++) {
		f->udp[d].dist = 3;
		f->udp[d].skip = 8;
		f->udp[d].hold_ms = 1000;
		f->tcp[d].stall_ms = 500;
		f->tcp[d].cut = -1;
	}
}

/* Whole-string unsigned number up to @max. */
static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (unsigned long)v;
	return 0;
}

/* "0.05" or "5%", as a threshold out of 2^32. */
static int parse_prob(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	char buf[32];
	double p;
	char *end;

	if (!n || n >= sizeof(buf) || ((*s < '0' || *s > '9') && *s != '.'))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	if (buf[n - 1] == '%')
		buf[n - 1] = '\0';
	errno = 0;
	p = strtod(buf, &end);
	if (errno || *end || end == buf)
		return -EINVAL;
	if (s[n - 1] == '%')
		p /= 100;
	if (p < 0 || p > 1)
		return -EINVAL;
	*out = (uint64_t)(p * 4294967296.0);
	return 0;
}

static int set_value(void *base, const struct setting *s, const char *v)
{
	unsigned long n;
	int ret;

	if (s->kind == PROB)
		return parse_prob(v, (uint64_t *)((char *)base + s->off));
	ret = parse_ulong(v, s->kind == CUT ? 1UL << 30 : 3600000, &n);
	if (ret)
		return ret;
	if (s->kind == CUT)
		*(long long *)((char *)base + s->off) = n ? (long long)n : -1;
	else
		*(unsigned long *)((char *)base + s->off) = n;
	return 0;
}

/* Splits PROTO[.DIR].NAME; @dir is -1 for both directions. */
static int parse_key(char *key, const char **proto, int *dir,
		     const char **name)
{
	char *a = strchr(key, '.'), *b = a ? strchr(a + 1, '.') : NULL;
	int d;

	if (!a)
		return -EINVAL;
	*a = '\0';
	*proto = key;
	*name = a + 1;
	*dir = -1;
	if (!b)
		return 0;
	*b = '\0';
	*name = b + 1;
	for (d = 0; d < NDIRS; d++)
		if (!strcmp(a + 1, dir_name[d]))
			*dir = d;
	return *dir < 0 ? -EINVAL : 0;
}

/* seed= and reset= act at once, and only when @apply is set (a first
 * pass checks the whole file). */
static int global_setting(struct relay *r, const char *key, const char *v,
			  int apply)
{
	unsigned long n;
	int ret = parse_ulong(v, ~0UL, &n);

	if (ret || !apply)
		return ret;
	if (!strcmp(key, "seed"))
		r->rng = r->seed = n;
	else if (n)
		memset(&r->c, 0, sizeof(r->c));
	return 0;
}

/* KEY=VALUE into @f (see the top of the file). */
static int apply_setting(struct relay *r, struct faults *f, const char *kv,
			 int apply)
{
	const char *eq = strchr(kv, '='), *proto, *name;
	size_t i, klen = eq ? (size_t)(eq - kv) : 0;
	char key[64];
	int d, dir, ret;

	if (!klen || klen >= sizeof(key))
		return -EINVAL;
	memcpy(key, kv, klen);
	key[klen] = '\0';
	if (!strcmp(key, "seed") || !strcmp(key, "reset"))
		return global_setting(r, key, eq + 1, apply);
	if (parse_key(key, &proto, &dir, &name))
		return -EINVAL;
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const struct setting *s = &settings[i];

		if (strcmp(s->proto, proto) || strcmp(s->name, name))
			continue;
		for (d = 0, ret = 0; d < NDIRS && !ret; d++) {
			void *base = !strcmp(proto, "udp") ? (void *)&f->udp[d]
							   : (void *)&f->tcp[d];

			if (dir < 0 || dir == d)
				ret = set_value(base, s, eq + 1);
		}
		return ret;
	}
	return -EINVAL;
}

/* Applies every whitespace-separated setting of @text; 0 or -EINVAL with
 * nothing changed. */
static int apply_text(struct relay *r, struct faults *f, char *text)
{
	struct faults trial = *f;
	char *p, *save = NULL, *line, *lsave = NULL;
	int pass, ret;

	for (pass = 0; pass < 2; pass++) {
		char *copy = strdup(text);

		if (!copy)
			return -ENOMEM;
		ret = 0;
		for (line = strtok_r(copy, "\n", &lsave); line && !ret;
		     line = strtok_r(NULL, "\n", &lsave)) {
			if ((p = strchr(line, '#')))
				*p = '\0';
			for (p = strtok_r(line, " \t\r", &save); p && !ret;
			     p = strtok_r(NULL, " \t\r", &save)) {
				ret = apply_setting(r, pass ? f : &trial, p,
						    pass);
				if (ret)
					fprintf(stderr, "faultrelay: bad "
						"setting '%s'\n", p);
			}
		}
		free(copy);
		if (ret)
			return ret;
	}
	return 0;
}

static void write_stats(struct relay *r);

/* tcp.freeze acts once, on the connections open now. */
static void freeze(struct relay *r)
{
	int i, d;

	for (d = 0; d < NDIRS; d++) {
		if (!r->f.tcp[d].freeze)
			continue;
		r->f.tcp[d].freeze = 0;
		for (i = 0; i < MAX_CONNS; i++) {
			if (r->conns[i].fd[0] < 0 || r->conns[i].h[d].frozen)
				continue;
			r->conns[i].h[d].frozen = 1;
			r->c.tcp[d].frozen++;
		}
	}
}

static void reload(struct relay *r)
{
	struct faults f;
	char *text = calloc(1, CONTROL_MAX + 1);
	FILE *fp = text ? fopen(r->control, "r") : NULL;
	size_t n;
	int ret = -EIO;

	if (fp) {
		n = fread(text, 1, CONTROL_MAX, fp);
		ret = ferror(fp) || !feof(fp) ? -EIO : 0;
		text[n] = '\0';
		fclose(fp);
	}
	f = r->base;
	if (!ret)
		ret = apply_text(r, &f, text);
	if (ret) {
		fprintf(stderr, "faultrelay: %s: not applied\n", r->control);
		r->c.bad_control++;
	} else {
		r->f = f;
		freeze(r);
		r->generation++;
		if (r->verbose)
			fprintf(stderr, "faultrelay: generation %lu\n",
				r->generation);
	}
	free(text);
	write_stats(r);
}

/* ---- Counters --------------------------------------------------------------- */

static void print_stats(struct relay *r, FILE *fp)
{
	const struct counters *c = &r->c;
	int d;

	fprintf(fp, "seed %llu\ngeneration %lu\nbad-control %llu\n",
		(unsigned long long)r->seed, r->generation,
		(unsigned long long)c->bad_control);
	fprintf(fp, "tcp.conns %llu\ntcp.refused %llu\nudp.flows %llu\n"
		"udp.evicted %llu\nudp.pending %d\n",
		(unsigned long long)c->conns, (unsigned long long)c->refused,
		(unsigned long long)c->flows, (unsigned long long)c->evicted,
		r->npend);
	for (d = 0; d < NDIRS; d++) {
		const struct udp_ctr *u = &c->udp[d];
		const struct tcp_ctr *t = &c->tcp[d];
		const char *n = dir_name[d];

		fprintf(fp, "udp.%s.in %llu\nudp.%s.out %llu\n"
			"udp.%s.bytes %llu\nudp.%s.passed %llu\n"
			"udp.%s.dropped %llu\nudp.%s.duplicated %llu\n"
			"udp.%s.reordered %llu\nudp.%s.reorder-early %llu\n"
			"udp.%s.corrupted %llu\nudp.%s.delayed %llu\n"
			"udp.%s.overflow %llu\nudp.%s.send-errors %llu\n",
			n, (unsigned long long)u->in,
			n, (unsigned long long)u->out,
			n, (unsigned long long)u->bytes,
			n, (unsigned long long)(u->in - u->dropped -
						u->overflow),
			n, (unsigned long long)u->dropped,
			n, (unsigned long long)u->duplicated,
			n, (unsigned long long)u->reordered,
			n, (unsigned long long)u->reorder_early,
			n, (unsigned long long)u->corrupted,
			n, (unsigned long long)u->delayed,
			n, (unsigned long long)u->overflow,
			n, (unsigned long long)u->send_errors);
		fprintf(fp, "tcp.%s.bytes %llu\ntcp.%s.chunks %llu\n"
			"tcp.%s.corrupted %llu\ntcp.%s.stalls %llu\n"
			"tcp.%s.cuts %llu\ntcp.%s.delayed %llu\n"
			"tcp.%s.frozen %llu\n",
			n, (unsigned long long)t->bytes,
			n, (unsigned long long)t->chunks,
			n, (unsigned long long)t->corrupted,
			n, (unsigned long long)t->stalls,
			n, (unsigned long long)t->cuts,
			n, (unsigned long long)t->delayed,
			n, (unsigned long long)t->frozen);
	}
}

static void write_stats(struct relay *r)
{
	char tmp[4096];
	FILE *fp;

	if (!r->stats)
		return;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", r->stats) >= (int)sizeof(tmp))
		return;
	fp = fopen(tmp, "w");
	if (!fp)
		return;
	print_stats(r, fp);
	if (fclose(fp) || rename(tmp, r->stats))
		unlink(tmp);
}

/* ---- Addresses and sockets ------------------------------------------------ */

static int resolve(const char *spec, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	char host[256];
	const char *colon, *h = spec;
	size_t n;

	if (*spec == '[') {
		colon = strstr(spec, "]:");
		h = spec + 1;
		n = colon ? (size_t)(colon - h) : 0;
		colon = colon ? colon + 1 : NULL;
	} else {
		colon = strrchr(spec, ':');
		n = colon ? (size_t)(colon - spec) : 0;
	}
	if (!colon || !n || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, colon + 1, &hints, &ai) || !ai)
		return -EINVAL;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* Room for bursts, so that the kernel drops (which no counter sees) stay
 * rare; the system's maximum caps it. */
static void udp_buffers(int fd)
{
	int size = 4 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

static int listen_on(const char *spec, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if (resolve(spec, &ss, &len))
		return -EINVAL;
	fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == SOCK_DGRAM)
		udp_buffers(fd);
	if (bind(fd, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* A non-blocking socket connected (or connecting) to @ss. */
static int connect_to(const struct sockaddr_storage *ss, socklen_t len,
		      int type)
{
	int fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (type == SOCK_DGRAM)
		udp_buffers(fd);
	if (connect(fd, (const struct sockaddr *)ss, len) &&
	    errno != EINPROGRESS) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* ---- UDP ------------------------------------------------------------------ */

static void pend_remove(struct relay *r, int i)
{
	r->pend_bytes -= r->pend[i]->len;
	free(r->pend[i]);
	memmove(&r->pend[i], &r->pend[i + 1],
		(size_t)(r->npend - i - 1) * sizeof(r->pend[0]));
	r->npend--;
}

static void flow_close(struct relay *r, int fi)
{
	int i;

	for (i = r->npend - 1; i >= 0; i--)
		if (r->pend[i]->flow == fi)
			pend_remove(r, i);
	close(r->flows[fi].fd);
	r->flows[fi].fd = -1;
}

/* The flow of client @ss, made when new (the least recent one goes when
 * the table is full); -1 when no socket can be had. */
static int flow_get(struct relay *r, const struct sockaddr_storage *ss,
		    socklen_t len)
{
	int i, free_slot = -1, oldest = 0, fd;

	for (i = 0; i < MAX_FLOWS; i++) {
		struct flow *fl = &r->flows[i];

		if (fl->fd < 0) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (fl->alen == len && !memcmp(&fl->addr, ss, len))
			return i;
		if (fl->last_ms < r->flows[oldest].last_ms ||
		    r->flows[oldest].fd < 0)
			oldest = i;
	}
	if (free_slot < 0) {
		flow_close(r, oldest);
		r->c.evicted++;
		free_slot = oldest;
	}
	fd = connect_to(&r->udp_up, r->udp_up_len, SOCK_DGRAM);
	if (fd < 0)
		return -1;
	r->flows[free_slot].fd = fd;
	memcpy(&r->flows[free_slot].addr, ss, len);
	r->flows[free_slot].alen = len;
	r->c.flows++;
	return free_slot;
}

/* Sends one datagram on its way; held ones of its flow and direction have
 * one fewer to wait for. 1 when one of them need wait no more. */
static int udp_emit(struct relay *r, int fi, int dir, int flags,
		    const unsigned char *p, size_t len)
{
	struct flow *fl = &r->flows[fi];
	struct udp_ctr *c = &r->c.udp[dir];
	ssize_t n;
	int i, freed = 0;

	if (dir == C2S)
		n = send(fl->fd, p, len, 0);
	else
		n = sendto(r->udp_fd, p, len, 0,
			   (const struct sockaddr *)&fl->addr, fl->alen);
	if (n < 0) {
		c->send_errors++;
		return 0;
	}
	c->out++;
	c->bytes += len;
	c->corrupted += !!(flags & F_CORRUPT);
	c->duplicated += !!(flags & F_DUP);
	for (i = 0; i < r->npend; i++) {
		struct pending *q = r->pend[i];

		if (q->flow == fi && q->dir == dir && q->wait)
			freed |= !--q->wait;
	}
	return freed;
}

static int pend_due(const struct pending *q, int64_t now)
{
	return q->ready_ms <= now && (!q->wait || q->deadline_ms <= now);
}

/* When the pending entry may go next (for the poll timeout). */
static int64_t pend_when(const struct pending *q)
{
	if (!q->wait || q->deadline_ms < q->ready_ms)
		return q->ready_ms;
	return q->deadline_ms;
}

/* Sends every entry that is due, in arrival order. One that a send frees
 * goes at once (the scan starts over), so that a datagram held for N
 * later ones leaves right after the Nth. Each start-over follows a send,
 * so the work is bounded by the square of MAX_PENDING. */
static void pend_flush(struct relay *r)
{
	int64_t now = now_ms();
	int i, freed;

	for (i = 0; i < r->npend; i++) {
		struct pending *q = r->pend[i];

		if (!pend_due(q, now))
			continue;
		if (q->wait)
			r->c.udp[q->dir].reorder_early++;
		q->wait = 0;
		freed = udp_emit(r, q->flow, q->dir, q->flags, q->data,
				 q->len);
		pend_remove(r, i);
		i = freed ? -1 : i - 1;
	}
}

static void corrupt(struct relay *r, unsigned char *p, size_t len,
		    size_t skip)
{
	unsigned long i, n = 1 + rnd_below(r, 3);

	for (i = 0; i < n; i++)
		p[skip + rnd_below(r, len - skip)] ^=
			(unsigned char)(1 + rnd_below(r, 255));
}

static void pend_add(struct relay *r, int fi, int dir, int flags,
		     const unsigned char *p, size_t len, unsigned long wait)
{
	const struct udp_faults *f = &r->f.udp[dir];
	struct pending *q;

	if (r->npend >= MAX_PENDING || r->pend_bytes + len > PENDING_BYTES ||
	    !(q = malloc(sizeof(*q) + len))) {
		r->c.udp[dir].overflow++;
		return;
	}
	q->flow = fi;
	q->dir = dir;
	q->flags = flags;
	q->ready_ms = after_ms(f->delay_ms);
	q->deadline_ms = q->ready_ms + (int64_t)f->hold_ms;
	q->wait = wait;
	q->len = len;
	memcpy(q->data, p, len);
	r->pend[r->npend++] = q;
	r->pend_bytes += len;
}

/* One datagram through the faults of its direction. */
static void udp_forward(struct relay *r, int fi, int dir, unsigned char *p,
			size_t len)
{
	const struct udp_faults *f = &r->f.udp[dir];
	struct udp_ctr *c = &r->c.udp[dir];
	int copies = 1, flags = 0, k;
	unsigned long wait = 0;

	c->in++;
	r->flows[fi].last_ms = now_ms();
	if (chance(r, f->loss)) {
		c->dropped++;
		return;
	}
	if (len > f->skip && chance(r, f->corrupt)) {
		corrupt(r, p, len, f->skip);
		flags = F_CORRUPT;
	}
	if (chance(r, f->dup))
		copies = 2;
	if (f->dist && chance(r, f->reorder)) {
		wait = f->dist;
		c->reordered++;
	}
	if (f->delay_ms)
		c->delayed++;
	/* The copy goes right after the original (both held, if held). */
	for (k = 0; k < copies; k++) {
		int fl = flags | (k ? F_DUP : 0);

		if (wait || f->delay_ms)
			pend_add(r, fi, dir, fl, p, len, wait);
		else if (udp_emit(r, fi, dir, fl, p, len))
			pend_flush(r);
	}
}

static void udp_from_clients(struct relay *r)
{
	struct sockaddr_storage ss;
	socklen_t len;
	ssize_t n;
	int i, fi;

	for (i = 0; i < UDP_BATCH; i++) {
		len = sizeof(ss);
		n = recvfrom(r->udp_fd, iobuf, sizeof(iobuf), 0,
			     (struct sockaddr *)&ss, &len);
		if (n < 0)
			return;
		fi = flow_get(r, &ss, len);
		if (fi >= 0)
			udp_forward(r, fi, C2S, iobuf, (size_t)n);
	}
}

static void udp_from_upstream(struct relay *r, int fi)
{
	ssize_t n;
	int i;

	for (i = 0; i < UDP_BATCH && r->flows[fi].fd >= 0; i++) {
		n = recv(r->flows[fi].fd, iobuf, sizeof(iobuf), 0);
		if (n < 0)
			return;
		udp_forward(r, fi, S2C, iobuf, (size_t)n);
	}
}

/* ---- TCP ------------------------------------------------------------------ */

static void half_free(struct half *h)
{
	struct chunk *c, *next;

	for (c = h->head; c; c = next) {
		next = c->next;
		free(c);
	}
	memset(h, 0, sizeof(*h));
}

static void conn_close(struct conn *cn)
{
	int d;

	for (d = 0; d < NDIRS; d++) {
		if (cn->fd[d] >= 0)
			close(cn->fd[d]);
		cn->fd[d] = -1;
		half_free(&cn->h[d]);
	}
}

static void tcp_accept(struct relay *r)
{
	struct conn *cn = NULL;
	int i, fd, up;

	fd = accept4(r->tcp_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < MAX_CONNS && !cn; i++)
		if (r->conns[i].fd[0] < 0)
			cn = &r->conns[i];
	up = cn ? connect_to(&r->tcp_up, r->tcp_up_len, SOCK_STREAM) : -1;
	if (up < 0) {
		r->c.refused++;
		close(fd);
		return;
	}
	memset(cn, 0, sizeof(*cn));
	cn->fd[0] = fd;
	cn->fd[1] = up;
	cn->connecting = 1;
	cn->id = ++r->next_id;
	r->c.conns++;
}

/* The faults of direction @d applied to a chunk just read. */
static void chunk_faults(struct relay *r, struct conn *cn, int d,
			 struct chunk *c)
{
	struct tcp_faults *f = &r->f.tcp[d];
	struct tcp_ctr *ctr = &r->c.tcp[d];

	c->ready_ms = after_ms(f->delay_ms);
	if (f->delay_ms)
		ctr->delayed++;
	c->stall = chance(r, f->stall);
	if (f->corrupt) {
		f->corrupt--;
		c->data[rnd_below(r, c->len)] ^=
			(unsigned char)(1 + rnd_below(r, 255));
		ctr->corrupted++;
		fprintf(stderr, "faultrelay: tcp %s: corrupted a byte on "
			"connection %u\n", dir_name[d], cn->id);
	}
	if (f->cut >= 0 && (long long)c->len >= f->cut) {
		c->len = (size_t)f->cut;
		c->cut = 1;
		f->cut = -1;
		cn->h[d].eof = 1;
	} else if (f->cut >= 0) {
		f->cut -= (long long)c->len;
	}
}

static int tcp_read(struct relay *r, struct conn *cn, int d)
{
	struct half *h = &cn->h[d];
	struct chunk *c;
	ssize_t n;

	n = recv(cn->fd[d], iobuf, TCP_CHUNK, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0) {
		h->eof = 1;
		return 0;
	}
	c = malloc(sizeof(*c) + (size_t)n);
	if (!c)
		return -ENOMEM;
	memset(c, 0, sizeof(*c));
	c->len = (size_t)n;
	memcpy(c->data, iobuf, (size_t)n);
	r->c.tcp[d].chunks++;
	chunk_faults(r, cn, d, c);
	if (h->tail)
		h->tail->next = c;
	else
		h->head = c;
	h->tail = c;
	h->queued += c->len;
	return 0;
}

static void cut(struct relay *r, struct conn *cn, int d)
{
	r->c.tcp[d].cuts++;
	fprintf(stderr, "faultrelay: tcp %s: cut connection %u\n",
		dir_name[d], cn->id);
	conn_close(cn);
}

/* Writes what is due of direction @d; 1 when the connection was cut. */
static int tcp_write(struct relay *r, struct conn *cn, int d)
{
	struct half *h = &cn->h[d];
	int64_t now = now_ms();
	struct chunk *c;
	ssize_t n;

	while (!h->frozen && (c = h->head) && c->ready_ms <= now &&
	       h->stall_until <= now) {
		if (c->stall && !c->off) {
			c->stall = 0;
			h->stall_until = now + (int64_t)r->f.tcp[d].stall_ms;
			r->c.tcp[d].stalls++;
			continue;
		}
		n = c->len > c->off ? send(cn->fd[!d], c->data + c->off,
					   c->len - c->off, MSG_NOSIGNAL) : 0;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		c->off += (size_t)n;
		r->c.tcp[d].bytes += (size_t)n;
		if (c->off < c->len)
			return 0;
		if (c->cut) {
			cut(r, cn, d);
			return 1;
		}
		h->head = c->next;
		if (!h->head)
			h->tail = NULL;
		h->queued -= c->len;
		free(c);
	}
	if (!h->head && h->eof && !h->shut && !h->frozen) {
		shutdown(cn->fd[!d], SHUT_WR);
		h->shut = 1;
	}
	return 0;
}

static int tcp_connected(struct relay *r, struct conn *cn)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(cn->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		r->c.refused++;
		return -ECONNREFUSED;
	}
	cn->connecting = 0;
	return 0;
}

/* Events on side @side of a connection. */
static void tcp_event(struct relay *r, struct conn *cn, int side, short rev)
{
	int ret = 0;

	if (cn->connecting && side == 1) {
		if (rev & (POLLOUT | POLLERR | POLLHUP))
			ret = tcp_connected(r, cn);
		if (ret || cn->connecting)
			goto out;
	}
	if (rev & (POLLIN | POLLHUP | POLLERR))
		ret = tcp_read(r, cn, side);
out:
	if (ret)
		conn_close(cn);
}

/* A direction is done once its end is passed on; a frozen one once its
 * source ended, as nothing will ever be passed on. */
static int half_done(const struct half *h)
{
	return h->shut || (h->frozen && h->eof);
}

/* Writes and half-closes of every connection, then those that are done
 * go. */
static void tcp_flush(struct relay *r)
{
	int i, d, ret;

	for (i = 0; i < MAX_CONNS; i++) {
		struct conn *cn = &r->conns[i];

		if (cn->fd[0] < 0 || cn->connecting)
			continue;
		for (d = 0, ret = 0; d < NDIRS && !ret; d++)
			ret = tcp_write(r, cn, d);
		if (ret < 0 || (ret == 0 && half_done(&cn->h[C2S]) &&
				half_done(&cn->h[S2C])))
			conn_close(cn);
	}
}

/* ---- The loop ------------------------------------------------------------- */

enum owner { O_TCP_LISTEN, O_UDP_LISTEN, O_FLOW, O_CONN };

struct slot {
	enum owner type;
	int idx, side;
};

static void add_fd(struct pollfd *pfd, struct slot *sl, int *n, int fd,
		   short ev, enum owner type, int idx, int side)
{
	/* Nothing awaited: not polled, or a hang-up would wake us forever. */
	pfd[*n].fd = ev ? fd : -1;
	pfd[*n].events = ev;
	pfd[*n].revents = 0;
	sl[*n].type = type;
	sl[*n].idx = idx;
	sl[*n].side = side;
	(*n)++;
}

static int64_t earlier(int64_t a, int64_t b)
{
	return a < 0 || b < a ? b : a;
}

/* The events a connection's side waits for, and its next timer. */
static short conn_events(const struct conn *cn, int side, int64_t now,
			 int64_t *wake)
{
	const struct half *in = &cn->h[side], *out = &cn->h[!side];
	short ev = 0;

	if (cn->connecting)
		return side == 1 ? POLLOUT : 0;
	if (!in->eof && in->queued < TCP_QMAX)
		ev |= POLLIN;
	if (out->head && !out->frozen) {
		int64_t t = out->head->ready_ms > out->stall_until ?
			    out->head->ready_ms : out->stall_until;

		if (t <= now)
			ev |= POLLOUT;
		else
			*wake = earlier(*wake, t);
	}
	return ev;
}

static int build_poll(struct relay *r, struct pollfd *pfd, struct slot *sl,
		      int64_t *wake)
{
	int64_t now = now_ms();
	int i, s, n = 0;

	if (r->tcp_fd >= 0)
		add_fd(pfd, sl, &n, r->tcp_fd, POLLIN, O_TCP_LISTEN, 0, 0);
	if (r->udp_fd >= 0)
		add_fd(pfd, sl, &n, r->udp_fd, POLLIN, O_UDP_LISTEN, 0, 0);
	for (i = 0; i < MAX_FLOWS; i++)
		if (r->flows[i].fd >= 0)
			add_fd(pfd, sl, &n, r->flows[i].fd, POLLIN, O_FLOW,
			       i, 0);
	for (i = 0; i < MAX_CONNS; i++) {
		if (r->conns[i].fd[0] < 0)
			continue;
		for (s = 0; s < 2; s++)
			add_fd(pfd, sl, &n, r->conns[i].fd[s],
			       conn_events(&r->conns[i], s, now, wake),
			       O_CONN, i, s);
	}
	for (i = 0; i < r->npend; i++)
		*wake = earlier(*wake, pend_when(r->pend[i]));
	return n;
}

static void dispatch(struct relay *r, const struct pollfd *pfd,
		     const struct slot *sl, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		switch (sl[i].type) {
		case O_TCP_LISTEN:
			tcp_accept(r);
			break;
		case O_UDP_LISTEN:
			udp_from_clients(r);
			break;
		case O_FLOW:
			udp_from_upstream(r, sl[i].idx);
			break;
		case O_CONN:
			/* A connection closed earlier in this round. */
			if (r->conns[sl[i].idx].fd[sl[i].side] == pfd[i].fd)
				tcp_event(r, &r->conns[sl[i].idx], sl[i].side,
					  pfd[i].revents);
			break;
		}
	}
}

static int run(struct relay *r, const sigset_t *mask)
{
	static struct pollfd pfd[MAX_FDS];
	static struct slot sl[MAX_FDS];
	struct timespec ts, *tsp;
	int64_t wake;
	int n, ret;

	while (!sig_quit) {
		if (sig_reload) {
			sig_reload = 0;
			if (r->control)
				reload(r);
		}
		if (sig_dump) {
			sig_dump = 0;
			write_stats(r);
		}
		wake = -1;
		n = build_poll(r, pfd, sl, &wake);
		tsp = NULL;
		if (wake >= 0) {
			wake -= now_ms();
			wake = wake < 0 ? 0 : wake;
			ts.tv_sec = wake / 1000;
			ts.tv_nsec = (wake % 1000) * 1000000;
			tsp = &ts;
		}
		ret = ppoll(pfd, (nfds_t)n, tsp, mask);
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret > 0)
			dispatch(r, pfd, sl, n);
		pend_flush(r);
		tcp_flush(r);
	}
	return 0;
}

/* ---- Start and end ---------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: faultrelay [--tcp ADDR:PORT --tcp-to ADDR:PORT] "
		"[--udp ADDR:PORT --udp-to ADDR:PORT]\n"
		"       [--seed N] [--fault KEY=VALUE]... [--control FILE] "
		"[--stats FILE] [-v]\n");
}

struct args {
	const char *tcp, *tcp_to, *udp, *udp_to;
	int have_seed;
};

static int parse_args(struct relay *r, struct args *a, int argc, char **argv)
{
	unsigned long n;
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "-v")) {
			r->verbose = 1;
			continue;
		}
		if (!v)
			return -EINVAL;
		i++;
		if (!strcmp(o, "--tcp"))
			a->tcp = v;
		else if (!strcmp(o, "--tcp-to"))
			a->tcp_to = v;
		else if (!strcmp(o, "--udp"))
			a->udp = v;
		else if (!strcmp(o, "--udp-to"))
			a->udp_to = v;
		else if (!strcmp(o, "--control"))
			r->control = v;
		else if (!strcmp(o, "--stats"))
			r->stats = v;
		else if (!strcmp(o, "--seed") && !parse_ulong(v, ~0UL, &n)) {
			r->seed = n;
			a->have_seed = 1;
		} else if (!strcmp(o, "--fault") &&
			   !apply_setting(r, &r->f, v, 1))
			continue;
		else
			return -EINVAL;
	}
	if (!a->tcp != !a->tcp_to || !a->udp != !a->udp_to ||
	    (!a->tcp && !a->udp))
		return -EINVAL;
	return 0;
}

static int open_sockets(struct relay *r, const struct args *a)
{
	if (a->tcp) {
		if (resolve(a->tcp_to, &r->tcp_up, &r->tcp_up_len))
			return -EINVAL;
		r->tcp_fd = listen_on(a->tcp, SOCK_STREAM);
		if (r->tcp_fd < 0)
			return r->tcp_fd;
	}
	if (a->udp) {
		if (resolve(a->udp_to, &r->udp_up, &r->udp_up_len))
			return -EINVAL;
		r->udp_fd = listen_on(a->udp, SOCK_DGRAM);
		if (r->udp_fd < 0)
			return r->udp_fd;
	}
	return 0;
}

static void signals(sigset_t *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
	struct sigaction sa;
	sigset_t block;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	/* Delivered only inside ppoll(), so no wake-up is ever missed. */
	sigprocmask(SIG_BLOCK, &block, old);
}

static void relay_free(struct relay *r)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++)
		conn_close(&r->conns[i]);
	for (i = 0; i < MAX_FLOWS; i++)
		if (r->flows[i].fd >= 0)
			flow_close(r, i);
	while (r->npend)
		pend_remove(r, r->npend - 1);
	if (r->tcp_fd >= 0)
		close(r->tcp_fd);
	if (r->udp_fd >= 0)
		close(r->udp_fd);
}

int main(int argc, char **argv)
{
	static struct relay r;
	struct args a = { 0 };
	sigset_t old;
	int i, ret;

	r.tcp_fd = r.udp_fd = -1;
	for (i = 0; i < MAX_FLOWS; i++)
		r.flows[i].fd = -1;
	for (i = 0; i < MAX_CONNS; i++)
		r.conns[i].fd[0] = r.conns[i].fd[1] = -1;
	faults_default(&r.f);
	if (parse_args(&r, &a, argc, argv)) {
		usage();
		return 2;
	}
	if (!a.have_seed)
		r.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16);
	r.rng = r.seed;
	fprintf(stderr, "faultrelay: seed %llu\n", (unsigned long long)r.seed);
	signals(&old);
	ret = open_sockets(&r, &a);
	if (ret) {
		fprintf(stderr, "faultrelay: cannot listen: %s\n",
			strerror(-ret));
		relay_free(&r);
		return 1;
	}
	r.base = r.f;
	if (r.control)
		reload(&r);
	write_stats(&r);
	ret = run(&r, &old);
	write_stats(&r);
	print_stats(&r, stderr);
	relay_free(&r);
	return ret ? 1 : 0;
}
