/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The TUN device and --script-tun.
 *
 * The device cases need root and /dev/net/tun. Each runs in a forked child
 * that first moves into a network namespace of its own (unshare), so
 * nothing is created in, or sent to, the host's namespace; the namespace
 * and its devices vanish when the child exits. The child reports a failed
 * check through a pipe and its exit status. Without root these cases print
 * "# SKIP ..." and pass (cmocka's skip() would count as a failure under
 * automake's TAP driver). The --script-tun cases need nothing special.
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_tun.h>
#include <cmocka.h>

#include "buf.h"
#include "log.h"
#include "script.h"
#include "tun.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Unprivileged ids for the ownership cases. */
#define OWNER_UID	4321
#define OWNER_GID	4322
#define OTHER_UID	1234

/* Addresses inside the test's own namespace only (RFC 2544 range). */
#define TUN_ADDR	"198.18.0.1"
#define PEER_ADDR	"198.18.0.2"

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

static int setup(void **state)
{
	oc_text_free(&logged);
	oc_log_init(&lg, record, NULL);
	lg.level = PRG_TRACE;
	return 0;
}

static int teardown(void **state)
{
	oc_text_free(&logged);
	return 0;
}

static int logged_has(const char *s)
{
	return strstr(oc_text_str(&logged), s) != NULL;
}

/* ---- Running a check in a namespace of its own ------------------------- */

/* The child's end of the report pipe. */
static int report_fd = -1;

static void child_fail(int line, const char *what)
{
	int e = errno;

	dprintf(report_fd, "line %d: %s (errno %d: %s)\n", line, what, e,
		strerror(e));
	if (logged.len)
		dprintf(report_fd, "log: %s\n", oc_text_str(&logged));
}

#define CHECK(cond)						\
	do {							\
		if (!(cond)) {					\
			child_fail(__LINE__, #cond);		\
			return 1;				\
		}						\
	} while (0)

typedef int (*netns_fn)(void);

static int can_run_tun(const char *test)
{
	if (geteuid() == 0 && !access("/dev/net/tun", R_OK | W_OK))
		return 1;
	print_message("# SKIP %s: needs root and /dev/net/tun\n", test);
	return 0;
}

static void child_main(int wfd, netns_fn fn)
{
	report_fd = wfd;
	if (unshare(CLONE_NEWNET)) {
		child_fail(__LINE__, "unshare(CLONE_NEWNET)");
		_exit(2);
	}
	_exit(fn() ? 1 : 0);
}

/* Reads the child's report until it closes the pipe, for up to 30 s. */
static void read_report(int rfd, struct oc_text *msg)
{
	struct pollfd p = { rfd, POLLIN, 0 };
	char buf[512];
	ssize_t n;
	int i;

	for (i = 0; i < 300; i++) {
		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			break;
		if (!p.revents)
			continue;
		n = read(rfd, buf, sizeof(buf));
		if (n <= 0)
			break;
		oc_text_append_len(msg, buf, (size_t)n);
	}
}

static void run_in_netns(netns_fn fn)
{
	struct oc_text msg = OC_TEXT_INIT;
	int pfd[2], status = -1;
	pid_t pid;

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(pfd[0]);
		child_main(pfd[1], fn);
	}
	close(pfd[1]);
	read_report(pfd[0], &msg);
	close(pfd[0]);
	if (waitpid(pid, &status, WNOHANG) != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (msg.len)
		print_message("%s", oc_text_str(&msg));
	oc_text_free(&msg);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- Helpers for the children ------------------------------------------ */

static int fd_flags_ok(int fd)
{
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & O_NONBLOCK) && fdfl >= 0 &&
	       (fdfl & FD_CLOEXEC);
}

/* What NetworkManager does before it starts us. */
static int make_persistent(const char *name, long owner, long group)
{
	struct ifreq ifr;
	int fd, ret = -1;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		goto out;
	if (owner >= 0 && ioctl(fd, TUNSETOWNER, owner) < 0)
		goto out;
	if (group >= 0 && ioctl(fd, TUNSETGROUP, group) < 0)
		goto out;
	if (ioctl(fd, TUNSETPERSIST, 1) < 0)
		goto out;
	ret = 0;
out:
	close(fd);
	return ret;
}

static int drop_to(uid_t uid, gid_t gid)
{
	return setgroups(0, NULL) || setgid(gid) || setuid(uid) ? -1 : 0;
}

/* Runs @fn as @uid/@gid in a grandchild; returns its exit status. */
static int as_user(uid_t uid, gid_t gid, netns_fn fn)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (drop_to(uid, gid)) {
			child_fail(__LINE__, "drop_to");
			_exit(1);
		}
		_exit(fn() ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int set_ifreq_addr(int s, const char *ifname, unsigned long req,
			  const char *addr)
{
	struct sockaddr_in *sin;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		return -1;
	return ioctl(s, req, &ifr);
}

/* 198.18.0.1/24 and up, without IPv6 (whose chatter would mix in). */
static int bring_up(const char *ifname)
{
	struct ifreq ifr;
	char path[128];
	int s, fd, ret = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			goto out_fd;
		close(fd);
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (set_ifreq_addr(s, ifname, SIOCSIFADDR, TUN_ADDR) ||
	    set_ifreq_addr(s, ifname, SIOCSIFNETMASK, "255.255.255.0"))
		goto out;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	ret = ioctl(s, SIOCSIFFLAGS, &ifr);
out:
	close(s);
	return ret;
out_fd:
	close(fd);
	return -1;
}

static uint16_t csum(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An ICMP echo request from the peer to our address: 20 + 8 + 16 bytes. */
static size_t make_ping(unsigned char *pkt)
{
	static const char payload[16] = "oc-tun-test-ping";
	uint16_t c;

	memset(pkt, 0, 44);
	pkt[0] = 0x45;
	pkt[3] = 44;
	pkt[8] = 64;		/* TTL */
	pkt[9] = IPPROTO_ICMP;
	inet_pton(AF_INET, PEER_ADDR, pkt + 12);
	inet_pton(AF_INET, TUN_ADDR, pkt + 16);
	c = csum(pkt, 20);
	pkt[10] = (unsigned char)(c >> 8);
	pkt[11] = (unsigned char)c;
	pkt[20] = 8;		/* echo request */
	pkt[24] = 0x12;		/* id */
	pkt[27] = 1;		/* sequence */
	memcpy(pkt + 28, payload, sizeof(payload));
	c = csum(pkt + 20, 24);
	pkt[22] = (unsigned char)(c >> 8);
	pkt[23] = (unsigned char)c;
	return 44;
}

/* Waits up to @ms for an IPv4 packet of protocol @proto; its length. */
static ssize_t read_ipv4(const struct oc_tun *t, unsigned char *buf,
			 size_t len, int proto, int ms)
{
	struct pollfd p = { t->fd, POLLIN, 0 };
	ssize_t n;
	int i;

	for (i = 0; i < ms / 10; i++) {
		if (poll(&p, 1, 10) <= 0)
			continue;
		n = oc_tun_read(t, buf, len);
		if (n >= 20 && (buf[0] >> 4) == 4 && buf[9] == proto)
			return n;
	}
	return -ETIMEDOUT;
}

/* ---- Device cases (children) ------------------------------------------- */

static int child_create_named(void)
{
	unsigned char buf[2048];
	struct oc_tun t;

	CHECK(oc_tun_open(&lg, "octest0", &t) == 0);
	CHECK(!strcmp(t.ifname, "octest0"));
	CHECK(t.fd >= 0 && !t.is_socket && !t.script_pid);
	CHECK(fd_flags_ok(t.fd));
	CHECK(if_nametoindex("octest0") > 0);
	CHECK(logged_has("[2] Created TUN device octest0"));
	/* Idle and down: nothing to read, and no blocking. */
	CHECK(oc_tun_read(&t, buf, sizeof(buf)) == -EAGAIN);
	oc_tun_close(&lg, &t, 0);
	CHECK(t.fd == -1);
	/* Not persistent: the device went with the descriptor. */
	CHECK(if_nametoindex("octest0") == 0);
	return 0;
}

static int child_create_kernel_name(void)
{
	struct oc_tun t;

	CHECK(oc_tun_open(&lg, NULL, &t) == 0);
	CHECK(!strncmp(t.ifname, "tun", 3));
	CHECK(if_nametoindex(t.ifname) > 0);
	oc_tun_close(&lg, &t, 0);
	CHECK(oc_tun_open(&lg, "octest%d", &t) == 0);
	CHECK(!strcmp(t.ifname, "octest0"));
	oc_tun_close(&lg, &t, 0);
	return 0;
}

static int child_bad_names(void)
{
	struct oc_tun t;

	CHECK(oc_tun_open(&lg, "a-name-far-too-long", &t) == -ENAMETOOLONG);
	CHECK(t.fd == -1);
	CHECK(logged_has("too long"));
	CHECK(oc_tun_open(&lg, "bad/name", &t) == -EINVAL);
	CHECK(t.fd == -1);
	return 0;
}

static int child_busy(void)
{
	struct oc_tun a, b;

	CHECK(oc_tun_open(&lg, "octest0", &a) == 0);
	CHECK(oc_tun_open(&lg, "octest0", &b) == -EBUSY);
	CHECK(b.fd == -1);
	CHECK(logged_has("TUN device octest0 is in use by another process"));
	oc_tun_close(&lg, &a, 0);
	return 0;
}

static int user_attach_fails(void)
{
	struct oc_tun t;

	CHECK(oc_tun_open(&lg, "octest1", &t) == -EPERM);
	CHECK(t.fd == -1);
	CHECK(logged_has("[0] Cannot attach to TUN device octest1: "
			 "permission denied"));
	CHECK(logged_has("belongs to another user or group"));
	CHECK(logged_has("we are uid 1234"));
	return 0;
}

static int user_create_fails(void)
{
	struct oc_tun t;

	CHECK(oc_tun_open(&lg, "octest9", &t) == -EPERM);
	CHECK(logged_has("[0] Cannot create TUN device octest9: permission "
			 "denied"));
	CHECK(logged_has("needs root"));
	CHECK(oc_tun_open(&lg, NULL, &t) == -EPERM);
	return 0;
}

static int child_attach_other_user(void)
{
	CHECK(make_persistent("octest1", OWNER_UID, -1) == 0);
	CHECK(as_user(OTHER_UID, OTHER_UID, user_attach_fails) == 0);
	CHECK(as_user(OTHER_UID, OTHER_UID, user_create_fails) == 0);
	return 0;
}

static int user_attach_works(void)
{
	unsigned char buf[2048];
	struct oc_tun t;

	CHECK(getuid() != 0 && geteuid() != 0);
	CHECK(oc_tun_open(&lg, "octest2", &t) == 0);
	CHECK(!strcmp(t.ifname, "octest2"));
	CHECK(fd_flags_ok(t.fd));
	CHECK(logged_has("[2] Attached to TUN device octest2"));
	CHECK(oc_tun_read(&t, buf, sizeof(buf)) == -EAGAIN);
	oc_tun_close(&lg, &t, 0);
	/* Persistent: still there for the next run. */
	CHECK(if_nametoindex("octest2") > 0);
	/* And again, as NetworkManager does on a reconnect. */
	CHECK(oc_tun_open(&lg, "octest2", &t) == 0);
	oc_tun_close(&lg, &t, 0);
	return 0;
}

static int child_attach_owner(void)
{
	CHECK(make_persistent("octest2", OWNER_UID, -1) == 0);
	CHECK(as_user(OWNER_UID, OWNER_GID, user_attach_works) == 0);
	CHECK(if_nametoindex("octest2") > 0);
	return 0;
}

static int user_attach_group(void)
{
	struct oc_tun t;

	CHECK(oc_tun_open(&lg, "octest2", &t) == 0);
	oc_tun_close(&lg, &t, 0);
	return 0;
}

static int user_attach_group_fails(void)
{
	struct oc_tun t;

	CHECK(oc_tun_open(&lg, "octest2", &t) == -EPERM);
	CHECK(logged_has("belongs to another user or group"));
	return 0;
}

static int child_attach_group(void)
{
	CHECK(make_persistent("octest2", -1, OWNER_GID) == 0);
	CHECK(as_user(OTHER_UID, OWNER_GID, user_attach_group) == 0);
	CHECK(as_user(OTHER_UID, OTHER_UID, user_attach_group_fails) == 0);
	return 0;
}

static int child_packets(void)
{
	unsigned char buf[2048], ping[64];
	struct sockaddr_in to;
	struct oc_tun t;
	size_t len;
	ssize_t n;
	int s;

	CHECK(oc_tun_open(&lg, "octest3", &t) == 0);
	CHECK(bring_up("octest3") == 0);

	/* Out of the kernel: a datagram routed to the device. */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(s >= 0);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(9);
	inet_pton(AF_INET, PEER_ADDR, &to.sin_addr);
	CHECK(sendto(s, "hello", 5, 0, (struct sockaddr *)&to,
		     sizeof(to)) == 5);
	close(s);
	n = read_ipv4(&t, buf, sizeof(buf), IPPROTO_UDP, 2000);
	CHECK(n == 20 + 8 + 5);
	CHECK(!memcmp(buf + 16, &to.sin_addr, 4));
	CHECK(!memcmp(buf + 28, "hello", 5));

	/* Into the kernel: a ping to our address, answered back out. */
	len = make_ping(ping);
	CHECK(oc_tun_write(&t, ping, len) == 0);
	n = read_ipv4(&t, buf, sizeof(buf), IPPROTO_ICMP, 2000);
	CHECK(n == (ssize_t)len);
	CHECK(buf[20] == 0);	/* echo reply */
	CHECK(!memcmp(buf + 16, ping + 12, 4));
	CHECK(!memcmp(buf + 28, ping + 28, 16));

	/* Idle again. */
	CHECK(oc_tun_read(&t, buf, sizeof(buf)) == -EAGAIN);
	oc_tun_close(&lg, &t, 0);
	return 0;
}

/* ---- The cmocka cases -------------------------------------------------- */

#define NETNS_TEST(name, fn)						\
	static void name(void **state)					\
	{								\
		if (can_run_tun(#name))					\
			run_in_netns(fn);				\
	}

NETNS_TEST(test_tun_create_named, child_create_named)
NETNS_TEST(test_tun_create_kernel_name, child_create_kernel_name)
NETNS_TEST(test_tun_bad_names, child_bad_names)
NETNS_TEST(test_tun_busy, child_busy)
NETNS_TEST(test_tun_attach_other_user_fails, child_attach_other_user)
NETNS_TEST(test_tun_attach_as_owner, child_attach_owner)
NETNS_TEST(test_tun_attach_as_group, child_attach_group)
NETNS_TEST(test_tun_packets, child_packets)

/* ---- --script-tun (no privileges needed) ------------------------------- */

static char **script_env(void)
{
	char **envp;

	assert_int_equal(oc_script_env(OC_SCRIPT_CONNECT, NULL, NULL, NULL,
				       &envp), 0);
	return envp;
}

static ssize_t read_wait(const struct oc_tun *t, void *buf, size_t len)
{
	struct pollfd p = { t->fd, POLLIN, 0 };
	ssize_t n = -EAGAIN;
	int i;

	for (i = 0; i < 200 && n == -EAGAIN; i++) {
		poll(&p, 1, 10);
		n = oc_tun_read(t, buf, len);
	}
	return n;
}

struct echo_case {
	size_t len;
	size_t bufsize;
	ssize_t ret;
};

static const struct echo_case echo_cases[] = {
	/* 1 */ { 1, 2048, 1 },
	/* 2 */ { 44, 2048, 44 },
	/* 3 */ { 1500, 2048, 1500 },
	/* 4 */ { 2000, 100, -EMSGSIZE },	/* dropped, not cut */
	/* 5 */ { 60, 60, 60 },
};

static void test_script_tun_echo(void **state)
{
	unsigned char out[2048], in[2048];
	struct oc_tun t;
	char **envp = script_env();
	size_t i, j;

	/* cat copies each message back: one read, one write per packet. */
	assert_int_equal(oc_tun_open_script(&lg, "exec cat", envp, &t), 0);
	oc_script_env_free(envp);
	assert_true(t.is_socket);
	assert_true(t.script_pid > 0);
	assert_true(fd_flags_ok(t.fd));
	assert_int_equal(oc_tun_read(&t, in, sizeof(in)), -EAGAIN);
	for (i = 0; i < ARRAY_SIZE(echo_cases); i++) {
		const struct echo_case *c = &echo_cases[i];

		print_message("echo case %zu: %zu bytes\n", i + 1, c->len);
		for (j = 0; j < c->len; j++)
			out[j] = (unsigned char)(j * 7 + i);
		assert_int_equal(oc_tun_write(&t, out, c->len), 0);
		assert_int_equal(read_wait(&t, in, c->bufsize), c->ret);
		if (c->ret > 0)
			assert_memory_equal(in, out, c->len);
	}
	/* Our end closed is cat's end of file: it exits with 0. */
	oc_tun_close(&lg, &t, 2000);
	assert_int_equal(t.fd, -1);
	assert_int_equal(t.script_pid, 0);
	assert_false(logged_has("--script-tun script"));
}

static void test_script_tun_gone(void **state)
{
	unsigned char buf[64] = { 0x45 };
	struct oc_tun t;
	char **envp = script_env();
	pid_t pid;
	int fd, status;

	assert_int_equal(oc_tun_script_open("exit 0", envp, &pid, &fd), 0);
	oc_script_env_free(envp);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	oc_tun_init(&t);
	t.fd = fd;
	t.is_socket = 1;
	assert_int_equal(read_wait(&t, buf, sizeof(buf)), -EPIPE);
	/* No SIGPIPE: the error comes back instead. */
	assert_int_equal(oc_tun_write(&t, buf, sizeof(buf)), -EPIPE);
	oc_tun_close(&lg, &t, 0);
}

static void test_script_tun_errors(void **state)
{
	struct oc_tun t;
	char **envp = script_env();
	pid_t pid = 0;
	int fd = -1;

	assert_int_equal(oc_tun_script_open("", envp, &pid, &fd), -EINVAL);
	assert_int_equal(fd, -1);
	oc_text_free(&logged);
	assert_int_equal(oc_tun_open_script(&lg, NULL, envp, &t), -EINVAL);
	assert_int_equal(t.fd, -1);
	assert_true(logged_has("[0] Cannot start the --script-tun script"));
	oc_script_env_free(envp);
}

static void test_script_tun_stuck(void **state)
{
	struct oc_tun t;
	char **envp = script_env();

	/* A script that ignores its end of file is killed on close. */
	assert_int_equal(oc_tun_open_script(&lg, "exec sleep 30", envp, &t),
			 0);
	oc_script_env_free(envp);
	oc_text_free(&logged);
	oc_tun_close(&lg, &t, 200);
	assert_true(logged_has("still running after 200 ms; killing it"));
	assert_true(logged_has("--script-tun script: "));
	assert_int_equal(t.script_pid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tun_create_named),
		cmocka_unit_test(test_tun_create_kernel_name),
		cmocka_unit_test(test_tun_bad_names),
		cmocka_unit_test(test_tun_busy),
		cmocka_unit_test(test_tun_attach_other_user_fails),
		cmocka_unit_test(test_tun_attach_as_owner),
		cmocka_unit_test(test_tun_attach_as_group),
		cmocka_unit_test(test_tun_packets),
		cmocka_unit_test(test_script_tun_echo),
		cmocka_unit_test(test_script_tun_gone),
		cmocka_unit_test(test_script_tun_errors),
		cmocka_unit_test(test_script_tun_stuck),
	};

	return cmocka_run_group_tests_name("tun", tests, setup, teardown);
}
