#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# No secret in any log: every end-to-end test runs again with the client
# at -vvv --dump-http-traffic (through shadow-lib.sh's wrappers, which
# copy its stdout and stderr and the gateway's logs into a trace
# directory), and then every log is searched for every secret those runs
# used: the tests' passwords, token secrets and SAML cookies (read from
# the scripts), the authcookies the client printed, every random value
# the gateway issued (portal cookies, persistent cookies; recorded by a
# small RAND_bytes shim preloaded into the gateway) and every ESP key (the
# gateway's key logs).
#
# Searched: the client's stderr, its stdout when it was not asked to print
# the cookie (--cookieonly, --printcookie, --authenticate print it on
# purpose), the gateway's request logs, stdout and stderr. Not searched:
# the key logs, the argument lists. The nested tests' verdicts are not
# this test's (more output breaks a few of their checks), but most of
# their cases must have run.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/shadow-lib.sh"

work=$(mktemp -d)
trap 'shadow_cleanup; [ -n "$SECRETS_KEEP" ] || rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
trace=$work/trace
chmod 755 "$work"

self=tests/secrets.sh
slow=" tests/fuzz.sh tests/soak.sh tests/valgrind.sh tests/secrets.sh "
all=${E2E_TESTS:-tests/cli.sh tests/auth.sh tests/tunnel-https.sh tests/tunnel-faults.sh tests/tunnel-more.sh tests/tunnel-esp.sh tests/faults-matrix.sh tests/hostile.sh tests/gp-testgw/interop-auth.sh tests/gp-testgw/frames.sh tests/gp-testgw/interop-tunnel.sh tests/gp-testgw/esp.sh tests/gp-testgw/interop-esp.sh}
scripts=
for t in $all; do
	case $slow in *" $t "*) continue ;; esac
	[ -f "$TOP_SRCDIR/$t" ] && scripts="$scripts $t"
done

shadow_setup "$TOP_BUILDDIR" "$trace" 1 "" "-vvv --dump-http-traffic" ||
	{ t_fail "the shadow build tree"; t_done; exit 1; }

# The RAND_bytes shim: every 16 to 64 random bytes the gateway asks for
# itself (not those OpenSSL asks for inside TLS) appended in hex.
shim=
cat >"$work/randlog.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int RAND_bytes(unsigned char *buf, int num)
{
	static int (*real)(unsigned char *, int);
	const char *path = getenv("SHADOW_RANDLOG");
	char hex[2 * 64 + 1];
	Dl_info di;
	int ret, fd, i;

	if (!real)
		real = (int (*)(unsigned char *, int))dlsym(RTLD_NEXT, "RAND_bytes");
	if (!real)
		return 0;
	ret = real(buf, num);
	if (ret != 1 || !path || num < 16 || num > 64)
		return ret;
	if (!dladdr(__builtin_return_address(0), &di) || !di.dli_fname ||
	    strstr(di.dli_fname, "libcrypto") || strstr(di.dli_fname, "libssl"))
		return ret;
	for (i = 0; i < num; i++) {
		hex[2 * i] = "0123456789abcdef"[buf[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[buf[i] & 15];
	}
	hex[2 * num] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd >= 0) {
		if (write(fd, hex, 2 * num + 1) < 0)
			ret = 1;
		close(fd);
	}
	return ret;
}
EOF
if ${CC:-cc} -shared -fPIC -O1 -o "$work/randlog.so" "$work/randlog.c" -ldl \
	2>"$work/randlog.err"; then
	shim=$work/randlog.so
	chmod 755 "$work/randlog.so"
	# Into the gateway's wrapper, before its exec.
	gww="$shadow_dir/tests/gp-testgw/gp-testgw"
	sed "s|^exec |LD_PRELOAD='$shim'\${LD_PRELOAD:+ \$LD_PRELOAD} SHADOW_RANDLOG=\$base.rand exec |" \
		"$gww" >"$work/gww" && cat "$work/gww" >"$gww"
fi

# ---- The runs ----------------------------------------------------------
ok=0
nok=0
skip=0
t0=$(date +%s)
for t in $scripts; do
	n=$(echo "$t" | tr / _)
	s=$(date +%s)
	TOP_BUILDDIR=$shadow_dir timeout 900 sh "$TOP_SRCDIR/$t" \
		</dev/null >"$work/$n.tap" 2>"$work/$n.stderr"
	rc=$?
	o=$(grep -c '^ok ' "$work/$n.tap")
	k=$(grep -c '^ok .*# SKIP' "$work/$n.tap")
	f=$(grep -c '^not ok ' "$work/$n.tap")
	echo "# $t: $((o - k)) passed, $f failed, $k skipped (exit $rc, $(( $(date +%s) - s )) s)"
	grep '^not ok ' "$work/$n.tap" | head -5 | sed 's/^/#   /'
	ok=$((ok + o - k))
	nok=$((nok + f))
	skip=$((skip + k))
done
total=$((ok + nok + skip))
ran=$((ok + nok))
echo "# nested: $ok passed, $nok failed, $skip skipped of $total, in $(( $(date +%s) - t0 )) s"
if [ $total -gt 0 ] && [ $((ran * 100)) -ge $((total * 80)) ] &&
   [ $((ok * 100)) -ge $((total * 80)) ]; then
	t_ok "the suite ran with full tracing: $ok of $total cases passed, $nok failed, $skip skipped"
else
	t_fail "too little of the suite ran: $ok of $total cases passed, $nok failed, $skip skipped (80% needed)"
fi

# ---- The secrets ---------------------------------------------------------
srcs=
for t in $scripts tests/gw-lib.sh tests/netns-lib.sh tests/gp-testgw/interop-lib.sh; do
	[ -f "$TOP_SRCDIR/$t" ] && srcs="$srcs $TOP_SRCDIR/$t"
done

# vals FILE VAR-OR-VALUE: a value from a script, with $VAR resolved from
# an assignment in that script; quotes and prefixes dropped.
vals() {
	v=$(echo "$2" | tr -d "\"'")
	v=${v#base32:}
	case $v in
	\$*)
		name=${v#\$}
		name=${name#\{}
		name=${name%\}}
		v=$(sed -n "s/^[[:space:]]*$name=[\"']*\([^\"' ]*\).*/\1/p" "$1" | head -1)
		;;
	esac
	case $v in *\$*|-*|'') return ;; esac
	printf '%s\n' "$v"
}

: >"$work/k.passwords"
: >"$work/k.tokens"
: >"$work/k.saml"
for f in $srcs; do
	# --user NAME:PASSWORD (gateway accounts), -F FORM:passwd=VALUE
	for v in $(grep -o -e "--user [^ ]*:[^ ]*" -e "--user=[^ ]*:[^ ]*" "$f" |
			sed 's/^--user[ =][^:]*://'); do
		vals "$f" "$v" >>"$work/k.passwords"
	done
	for v in $(grep -o "_login:passwd=[^ \"']*" "$f" | sed 's/.*passwd=//'); do
		vals "$f" "$v" >>"$work/k.passwords"
	done
	# Piped passwords: printf 'PW\n' |, echo PW |, and oc_run N 'PW
	for v in $(sed -n "s/.*printf '\([^'\\\\]*\)\\\\n' *|.*/\1/p; s/.*echo \([^ |]*\) *|.*/\1/p; s/.*oc_run [0-9]* '\([^']*\)\$/\1/p; s/.*oc_run [0-9]* '\([^'\\\\]*\)' .*/\1/p" "$f"); do
		vals "$f" "$v" >>"$work/k.passwords"
	done
	# Key passwords (-p, --key-password) and proxy credentials.
	for v in $(grep -v "mkdir -p" "$f" |
			grep -o -e " -p [^ \"]*" -e "--key-password[ =][^ \"]*" |
			sed 's/^ -p //; s/^--key-password[ =]//'); do
		vals "$f" "$v" >>"$work/k.passwords"
	done
	for v in $(grep -o "://[A-Za-z0-9._-]*:[^@ \"]*@" "$f" |
			sed 's|^://[^:]*:||; s|@$||'); do
		vals "$f" "$v" >>"$work/k.passwords"
	done
	for v in $(grep -o -e "--totp-secret[ =][^ ]*" -e "--token-secret[ =][^ ]*" "$f" |
			sed 's/^--[a-z-]*[ =]//'); do
		vals "$f" "$v" >>"$work/k.tokens"
	done
	for v in $(grep -o -e "--saml-cookie[ =][^ ]*" "$f" | sed 's/^--[a-z-]*[ =]//'); do
		vals "$f" "$v" >>"$work/k.saml"
	done
done
echo samlcookie >>"$work/k.saml"
# The token secrets decoded, in hex too.
for v in $(cat "$work/k.tokens"); do
	echo "$v" | base32 -d 2>/dev/null | od -An -v -tx1 | tr -d ' \n'
	echo
done >>"$work/k.tokens"

# Values printed on stdout (cookies) and from the gateway's logs.
cat "$trace"/*.out 2>/dev/null | grep -o 'authcookie=[0-9a-fA-F]*' |
	sed 's/authcookie=//' >"$work/k.cookies"
sed 's/^-C//; s/^--cookie=//' "$trace"/*.args 2>/dev/null |
	grep -o 'authcookie=[0-9a-fA-F]*' | sed 's/authcookie=//' >>"$work/k.cookies"
cat "$trace"/*.keylog 2>/dev/null | grep -o '[ea]key=[0-9a-fA-F]*' |
	sed 's/^.key=//' >"$work/k.esp"
cat "$trace"/*.rand 2>/dev/null >"$work/k.rand"

# Tidy each list: no empty lines, no duplicates; 2FA codes and very short
# words would match ordinary text, so at least 2 characters; the other
# random values are those not already known as cookies or keys.
for k in passwords tokens saml cookies esp rand; do
	sed 's/[;,]*$//' "$work/k.$k" | awk 'length($0) >= 2' | sort -u >"$work/k.$k.u"
done
sort -u "$work/k.cookies.u" "$work/k.esp.u" >"$work/k.known"
comm -23 "$work/k.rand.u" "$work/k.known" >"$work/k.other.u"

# The logs.
: >"$work/logs"
for f in "$trace"/*.err "$trace"/gw.*.log "$trace"/*.gwout "$trace"/*.gwerr; do
	[ -f "$f" ] && echo "$f" >>"$work/logs"
done
for f in "$trace"/*.out; do
	[ -f "$f" ] || continue
	grep -q -x -e --cookieonly -e --printcookie -e --authenticate \
		"${f%.out}.args" 2>/dev/null && continue
	echo "$f" >>"$work/logs"
done
nlogs=$(wc -l <"$work/logs")
bytes=$(tr '\n' '\0' <"$work/logs" | xargs -0 cat | wc -c)
nclient=$(ls "$trace" | grep -c '^oc\..*\.args$')
ngw=$(ls "$trace" | grep -c '^gw\..*\.gwerr$')
echo "# $nclient client runs, $ngw gateway runs; $nlogs logs, $bytes bytes searched"

# hits LIST CI: the lines of grep -n output on stdin where a value of
# LIST stands alone (not inside a longer word or name such as
# "--token-secret"), the values masked; CI=-i ignores case (hex).
hits() {
	awk -v list="$1" -v ci="$2" '
	BEGIN { while ((getline s <list) > 0) sec[s] = 1 }
	{
		line = $0
		hay = ci == "-i" ? tolower(line) : line
		hit = 0
		for (s in sec) {
			k = ci == "-i" ? tolower(s) : s
			off = 0
			while ((i = index(substr(hay, off + 1), k)) > 0) {
				i += off
				b = substr(hay, i - 1, 1)
				a = substr(hay, i + length(k), 1)
				if (b !~ /[A-Za-z0-9_-]/ && a !~ /[A-Za-z0-9_-]/)
					hit = 1
				off = i
			}
		}
		if (!hit)
			next
		for (s in sec) {
			k = ci == "-i" ? tolower(s) : s
			while ((i = index(ci == "-i" ? tolower(line) : line, k)) > 0)
				line = substr(line, 1, i - 1) "<" length(s) \
					" chars hidden>" substr(line, i + length(s))
		}
		print line
	}'
}

# scan KIND FLAGS DESCRIPTION: the list of that kind against every log.
scan() {
	list=$work/k.$1.u
	n=$(wc -l <"$list")
	if [ "$n" -eq 0 ]; then
		t_fail "no $3: none known (nothing to search for)"
		return
	fi
	# The search itself must find one when it is there.
	printf 'x=%s&\n' "$(tail -1 "$list")" | hits "$list" "$2" >"$work/control"
	if ! [ -s "$work/control" ]; then
		t_fail "no $3: the search misses a planted one"
		return
	fi
	tr '\n' '\0' <"$work/logs" |
		xargs -0 grep -H -n -F $2 -f "$list" 2>/dev/null |
		hits "$list" "$2" >"$work/hits.$1"
	h=$(wc -l <"$work/hits.$1")
	if [ "$h" -eq 0 ]; then
		t_ok "no $3 ($n values) in $nlogs logs, $bytes bytes"
		return
	fi
	t_fail "$h lines with $3 ($n values) in $nlogs logs, $bytes bytes"
	head -20 "$work/hits.$1" | sed 's/^/# /'
}

scan passwords "" "password the tests use"
scan tokens "" "TOTP/HOTP token secret"
scan saml "" "SAML prelogin cookie"
scan cookies -i "authcookie the gateway issued"
if [ -n "$shim" ]; then
	scan other -i "other gateway token (portal cookies, persistent cookies)"
else
	t_skip "other gateway tokens" "no C compiler for the RAND_bytes shim"
fi
if [ -s "$work/k.esp.u" ]; then
	scan esp -i "ESP key (encryption and authentication, both directions)"
else
	t_skip "ESP keys" "no ESP session ran (needs root)"
fi
t_done
