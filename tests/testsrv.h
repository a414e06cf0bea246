/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A scripted TLS server on loopback, for tests.
 *
 * testsrv_start() forks a child that listens on 127.0.0.1 (or ::1) on a
 * free port and, for each accepted connection in turn, completes the TLS
 * handshake and calls the handler with the connection. The handler runs in
 * the child, so it sees the test's data as it was at start; what it
 * received is appended to a log that the parent reads with
 * testsrv_received(). testsrv_stop() kills the child and waits for it.
 */
#ifndef TESTSRV_H
#define TESTSRV_H

#include <stddef.h>
#include <sys/types.h>

struct testsrv;
struct testsrv_conn;

typedef void (*testsrv_fn)(struct testsrv_conn *c, void *arg);

struct testsrv_opts {
	const char *cert;	/* PEM file; may hold the chain after it */
	const char *key;	/* PEM file */
	int ipv6;		/* listen on ::1 instead of 127.0.0.1 */
	int tls_max;		/* 0, or 12 / 13: highest TLS version */
	int max_conns;		/* 0: unlimited; then the child exits */
};

/* 0 on success; the port is testsrv_port(). */
int testsrv_start(struct testsrv **out, const struct testsrv_opts *o,
		  testsrv_fn fn, void *arg);
int testsrv_port(const struct testsrv *s);
/* Everything the handlers read so far, NUL-terminated, malloc'ed. */
char *testsrv_received(struct testsrv *s, size_t *len);
void testsrv_stop(struct testsrv *s);

/* In the handler. Blocking; reads are logged for testsrv_received(). */
ssize_t testsrv_read(struct testsrv_conn *c, void *buf, size_t len);
int testsrv_write(struct testsrv_conn *c, const void *buf, size_t len);
int testsrv_write_str(struct testsrv_conn *c, const char *s);
/* Reads one HTTP request: head and a Content-Length body. Returns its
 * length (NUL-terminated in @buf), 0 at end of stream, -1 on error. */
ssize_t testsrv_read_request(struct testsrv_conn *c, char *buf, size_t max);
/* Writes @s in pieces of @chunk bytes with @delay_ms between them. */
int testsrv_write_slowly(struct testsrv_conn *c, const char *s, size_t len,
			 size_t chunk, int delay_ms);
/* Closes the TCP connection without a TLS close_notify. */
void testsrv_abort(struct testsrv_conn *c);
/* The server name (SNI) the client sent, or NULL. */
const char *testsrv_sni(const struct testsrv_conn *c);

#endif
