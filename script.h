/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vpnc-script: its environment (COMPAT.md, "vpnc-script environment")
 * and running it.
 *
 * The script is run as "/bin/sh -c SCRIPT", like the other clients do, so
 * --script may carry arguments. It gets a new environment array: the
 * parent's own environ is never modified, and any variable of the script
 * protocol already in it (a stale CISCO_SPLIT_INC_7_ADDR from the shell
 * that started us, say) is left out, so the script sees only what this
 * session says.
 */
#ifndef OC_SCRIPT_H
#define OC_SCRIPT_H

#include <sys/types.h>
#include "ipconf.h"
#include "log.h"

enum oc_script_reason {
	OC_SCRIPT_PRE_INIT,		/* before the device exists */
	OC_SCRIPT_CONNECT,		/* device up */
	OC_SCRIPT_DISCONNECT,
	OC_SCRIPT_ATTEMPT_RECONNECT,	/* before each reconnect try */
	OC_SCRIPT_RECONNECT,		/* after one succeeded */
};

/* "pre-init", "connect", ...; NULL for an unknown value. */
const char *oc_script_reason_name(enum oc_script_reason r);

/* What the session knows besides the IP configuration. */
struct oc_script_facts {
	const char *gateway;	/* VPNGATEWAY, numeric; NULL: ip->gateway */
	pid_t pid;		/* VPNPID; 0: getpid() */
	const char *tundev;	/* TUNDEV; NULL: not set */
	int log_level;		/* LOG_LEVEL, clamped to 0-3 */
	int idle_timeout;	/* IDLE_TIMEOUT when > 0; 0: ip's */
};

/*
 * Builds the script's environment into *envp (a NULL-terminated array of
 * malloc'ed "NAME=value" strings; free with oc_script_env_free()):
 * the strings of @base (may be NULL; usually environ) except reason,
 * VPNGATEWAY, VPNPID, TUNDEV, LOG_LEVEL, IDLE_TIMEOUT and anything
 * starting with INTERNAL_IP4_, INTERNAL_IP6_ or CISCO_; then reason and
 * the facts; then, for every reason but pre-init and when @ip is given,
 * the IP configuration:
 *
 *   INTERNAL_IP4_ADDRESS, _NETMASK, _NETMASKLEN, _NETADDR  (v4 address)
 *   INTERNAL_IP4_MTU                         (when ip->mtu > 0)
 *   INTERNAL_IP4_DNS    all DNS servers, IPv6 ones too, space-separated
 *   INTERNAL_IP4_NBNS   WINS servers
 *   INTERNAL_IP6_ADDRESS, INTERNAL_IP6_NETMASK ("addr/len")
 *   CISCO_DEF_DOMAIN    search domains, space-separated
 *   CISCO_SPLIT_INC=<count>, CISCO_SPLIT_INC_<n>_ADDR, _MASK, _MASKLEN
 *   CISCO_SPLIT_EXC...                       (the same for excludes)
 *   CISCO_IPV6_SPLIT_INC=<count>, CISCO_IPV6_SPLIT_INC_<n>_ADDR, _MASKLEN
 *   CISCO_IPV6_SPLIT_EXC...
 *
 * A variable is left out when its value would be empty. When the server
 * sent a default route (full4, full6), the include list of that family
 * is left out, since a script given any include routes sets up a split
 * tunnel; the exclude list stays. Returns 0 or -ENOMEM.
 */
int oc_script_env(enum oc_script_reason reason, const struct oc_ipconf *ip,
		  const struct oc_script_facts *f, char *const base[],
		  char ***envp);
void oc_script_env_free(char **envp);

/*
 * Starts "/bin/sh -c @script" with @envp, in a process group of its own,
 * with default signal dispositions and an empty signal mask. Its standard
 * input is @stdin_fd, or /dev/null when -1; its standard output @stdout_fd,
 * or ours when -1; standard error is ours. Our descriptors should be
 * close-on-exec, as all of the library's are. Returns 0 with *pid set, or
 * a negative errno.
 */
int oc_script_spawn(const char *script, char *const envp[], int stdin_fd,
		    int stdout_fd, pid_t *pid);

#define OC_SCRIPT_TIMEOUT_MS	30000

/*
 * Waits up to @timeout_ms (<= 0: OC_SCRIPT_TIMEOUT_MS) for the process
 * @pid started by oc_script_spawn(). Returns its exit status (0-255), or
 * 128 + N when signal N killed it. When the time is up its process group
 * is killed (SIGKILL: a hung script gets no second chance to hang), the
 * child reaped, and -ETIMEDOUT returned. Other negative errno values when
 * waitpid() fails (-ECHILD when SIGCHLD is ignored by the program).
 */
int oc_script_wait(const struct oc_log *lg, pid_t pid, int timeout_ms);

/* oc_script_spawn() with stdin on /dev/null, then oc_script_wait(). */
int oc_script_run(const struct oc_log *lg, const char *script,
		  char *const envp[], int timeout_ms);

/*
 * The whole step: builds the environment from environ, logs at debug
 * level which reason is run, runs the script, logs a failure at error
 * level. Returns what oc_script_run() returns, or -ENOMEM.
 */
int oc_script_call(const struct oc_log *lg, const char *script,
		   enum oc_script_reason reason, const struct oc_ipconf *ip,
		   const struct oc_script_facts *f, int timeout_ms);

#endif
