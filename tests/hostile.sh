#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A hostile gateway (gp-testgw --hostile): for each misbehaviour the
# client must give a clear error and exit cleanly, or stay up (or
# reconnect), within a time bound, with bounded memory, never crashing.
#
# On loopback: the HTTP, XML and getconfig modes (the last with -S, so no
# TUN device is needed). In network namespaces (root): the HTTPS tunnel's
# lying frames, and ESP floods during a transfer.
. "$TOP_SRCDIR/tests/gw-lib.sh"
. "$TOP_SRCDIR/tests/netns-lib.sh"

# Generous bounds: the machine may be slow and shared.
RSS_MAX_KB=${HOSTILE_RSS_MAX_KB:-131072}
# AddressSanitizer's shadow memory and quarantine triple what a client
# holds; the bound is about the client's own growth.
if grep -q -e '-fsanitize=address' "$TOP_BUILDDIR/config.log" 2>/dev/null; then
	RSS_MAX_KB=$((RSS_MAX_KB * 3))
fi
TIMEOUT_S=30		# the client's network timeout
slow_pids=

cleanup() {
	for p in $slow_pids; do
		kill "$p" 2>/dev/null
	done
	for f in "$tmp"/*/cpid; do
		[ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	gw_stop
	ns_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

timer=
[ -x /usr/bin/time ] && timer=/usr/bin/time

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# start_oc DIR [ARGS...]: our client in the background, standard input
# from DIR/in (when there), output in DIR/out and DIR/err; DIR/cpid is its
# pid. Under /usr/bin/time its peak RSS lands in DIR/time.
start_oc() {
	d=$1
	shift
	mkdir -p "$d"
	rm -f "$d/cpid" "$d/time" "$d/result"
	[ -f "$d/in" ] || : >"$d/in"
	now_ms >"$d/start"
	if [ -n "$timer" ]; then
		$timer -f %M -o "$d/time" sh -c 'echo $$ >"$0"; exec "$@"' \
			"$d/cpid" ${RUN_PREFIX} "$oc" --protocol=gp \
			--cafile "$CERTDIR/ca.pem" --no-system-trust "$@" \
			<"$d/in" >"$d/out" 2>"$d/err" &
	else
		sh -c 'echo $$ >"$0"; exec "$@"' "$d/cpid" ${RUN_PREFIX} "$oc" \
			--protocol=gp --cafile "$CERTDIR/ca.pem" \
			--no-system-trust "$@" <"$d/in" >"$d/out" 2>"$d/err" &
	fi
	echo $! >"$d/wpid"
	n=0
	while [ ! -s "$d/cpid" ] && [ $n -lt 100 ]; do sleep 0.02; n=$((n + 1)); done
}

# peak_kb PID: VmHWM of a live process, or nothing.
peak_kb() {
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# await_oc DIR LIMIT: waits for the client of DIR to end, at most LIMIT s
# after its start (then kills it: rc 124). Sets rc, took (s) and hwm (KB)
# and writes them to DIR/result.
await_oc() {
	d=$1
	wpid=$(cat "$d/wpid")
	cpid=$(cat "$d/cpid" 2>/dev/null)
	end=$(( $(cat "$d/start") + $2 * 1000 ))
	hwm=0
	while kill -0 "$wpid" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do
		h=$(peak_kb "$cpid")
		[ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
		sleep 0.1
	done
	if kill -0 "$wpid" 2>/dev/null; then
		kill -9 "$cpid" 2>/dev/null
		wait "$wpid" 2>/dev/null
		rc=124
	else
		wait "$wpid" 2>/dev/null
		rc=$?
	fi
	took=$(( ($(now_ms) - $(cat "$d/start") + 500) / 1000 ))
	if [ -s "$d/time" ]; then
		h=$(grep -v '[^0-9]' "$d/time" | tail -1)
		[ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
		grep -q 'terminated by signal' "$d/time" && rc=$((rc | 128))
	fi
	rm -f "$d/cpid"
	echo "$rc $took $hwm" >"$d/result"
}

# verdict NAME DIR WANT_RC LIMIT PATTERN [ABSENT]: one TAP line from DIR's
# result: the exit code, no signal death, the time bound, the RSS bound,
# PATTERN in the client's output and ABSENT not in it.
verdict() {
	name=$1 d=$2 want=$3 limit=$4 pat=$5 absent=$6
	read -r rc took hwm <"$d/result"
	why=
	[ "$rc" -lt 124 ] || why="$why killed, crashed or timed out (rc $rc);"
	[ "$rc" -eq "$want" ] || why="$why exit $rc, wanted $want;"
	[ "$took" -le "$limit" ] || why="$why took $took s (bound $limit);"
	[ "$hwm" -le "$RSS_MAX_KB" ] || why="$why peak RSS $hwm KB;"
	grep -q -e "$pat" "$d/err" || why="$why no '$pat' in its log;"
	[ -z "$absent" ] || ! grep -q -e "$absent" "$d/err" "$d/out" ||
		why="$why '$absent' in its output;"
	if [ -z "$why" ]; then
		t_ok "$name: exit $rc in $took s, peak RSS $hwm KB"
	else
		t_fail "$name:$why" "$(grep -v '^[<>] ' "$d/err" | tail -6)"
	fi
}

# login DIR: a fresh cookie of the gateway at $url into DIR/in.
login() {
	mkdir -p "$1"
	printf 'pw\n' | timeout 20 "$oc" --protocol=gp --cafile "$CERTDIR/ca.pem" \
		--no-system-trust -u alice --cookieonly "$url/gateway" \
		>"$1/in" 2>"$1/login.err"
}

# hgw DIR MODE: one more gateway (for the slow cases, which run
# alongside the rest), its URL in DIR/url.
hgw() {
	mkdir -p "$1"
	"$gwbin" --port-file "$1/port" --pin-file "$1/pin" --log "$1/gw.log" \
		--user alice:pw --hostile "$2" 2>"$1/gw.err" &
	slow_pids="$slow_pids $!"
	n=0
	while [ ! -s "$1/port" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
	[ -s "$1/port" ] && echo "https://localhost:$(cat "$1/port")" >"$1/url"
}

# ---- Slow cases first, in the background -------------------------------

# A response that stalls half-way: the network timeout must fire.
if hgw "$tmp/gw-stall" stall; then
	mkdir -p "$tmp/stall"
	printf 'pw\n' >"$tmp/stall/in"
	start_oc "$tmp/stall" -u alice --cookieonly "$(cat "$tmp/gw-stall/url")/gateway"
else
	t_fail "a second gateway starts (stall)"
fi
# A body that never ends, one byte a second: the response's own bound.
if hgw "$tmp/gw-slow" slow-body; then
	mkdir -p "$tmp/slow"
	printf 'pw\n' >"$tmp/slow/in"
	start_oc "$tmp/slow" -u alice --cookieonly "$(cat "$tmp/gw-slow/url")/gateway"
else
	t_fail "a second gateway starts (slow-body)"
fi

# ---- HTTP and XML on loopback -------------------------------------------

gw_must --user alice:pw

# auth_case MODE WANT_RC PATTERN [ABSENT]: a login against MODE.
auth_case() {
	d="$tmp/$1"
	mkdir -p "$d"
	printf 'pw\n' >"$d/in"
	control "hostile=$1" || { t_fail "$1: control"; return; }
	start_oc "$d" -u alice --cookieonly "$url/gateway"
	await_oc "$d" 20
	verdict "$1" "$d" "$2" 20 "$3" "$4"
}

auth_case huge-header 1 "over the size limit"
auth_case endless-headers 1 "over the size limit"
auth_case short-length 1 "malformed"
auth_case long-length 1 "Connection reset\|closed"
auth_case negative-length 1 "malformed"
auth_case garbage-length 1 "malformed"
auth_case huge-length 1 "over the size limit"
auth_case chunked-forever 1 "over the size limit"
auth_case gzip-bomb 1 "over the size limit"
auth_case xml-laughs 1 "XML parsing stopped.*entity"
auth_case xml-xxe 1 "Pre-login refused: hostile-xxe \[\]" "root:"
auth_case xml-deep 1 "XML parsing stopped.*depth"
auth_case xml-huge-text 0 "Logged in to gateway"
auth_case xml-huge-attr 0 "Logged in to gateway"
control "hostile=none"

# ---- getconfig on loopback, the tunnel through -S ------------------------

# config_case MODE PATTERN ENVPATTERN: getconfig under MODE; the client
# stays up (the script saw reason=connect and ENVPATTERN) and leaves at
# SIGHUP with exit 0.
config_case() {
	d="$tmp/$1"
	login "$d" || { t_fail "$1: login" "$(cat "$d/login.err")"; return; }
	control "hostile=$1" || { t_fail "$1: control"; return; }
	start_oc "$d" --cookie-on-stdin -S -s "env >'$d/env'; exec cat >/dev/null" \
		"$url/gateway"
	n=0
	while ! grep -q '^reason=connect' "$d/env" 2>/dev/null && [ $n -lt 150 ]; do
		kill -0 "$(cat "$d/wpid")" 2>/dev/null || break
		sleep 0.1
		n=$((n + 1))
	done
	sleep 0.3
	up=0
	kill -0 "$(cat "$d/cpid" 2>/dev/null)" 2>/dev/null && up=1
	kill -HUP "$(cat "$d/cpid" 2>/dev/null)" 2>/dev/null
	await_oc "$d" 30
	if [ $up -eq 1 ] && grep -q -e "$3" "$d/env" 2>/dev/null; then
		verdict "$1: up" "$d" 0 30 "$2"
	else
		t_fail "$1: the client did not come up ($3)" \
			"$(grep -v '^[<>] ' "$d/err" | tail -6)"
	fi
}

# fail_case MODE PATTERN: getconfig under MODE makes the client exit 1.
fail_case() {
	d="$tmp/$1"
	login "$d" || { t_fail "$1: login"; return; }
	control "hostile=$1" || { t_fail "$1: control"; return; }
	start_oc "$d" --cookie-on-stdin -S -s "exec cat >/dev/null" "$url/gateway"
	await_oc "$d" 20
	verdict "$1" "$d" 1 20 "$2"
}

config_case mtu-70000 "Tunnel address" "^INTERNAL_IP4_MTU=1[0-9][0-9][0-9]$"
config_case mtu-9000 "more than the tunnel carries; using 1984" "^INTERNAL_IP4_MTU=1984$"
# 1024 routes per list are kept, the cut said once.
config_case routes-20000 "too many access-routes entries; ignoring the last 18977" \
	"^CISCO_SPLIT_INC=1024$"
config_case short-keys "malformed ESP parameters (encryption key length)" "^reason=connect"
config_case spi-0 "malformed ESP parameters (c2s-spi)" "^reason=connect"
config_case garbage-lists "ignoring invalid dns entry" "^reason=connect"
fail_case bad-ip "invalid ip-address"
fail_case no-ip "has no IP address"
control "hostile=none"
[ "$(grep -c "too many access-routes" "$tmp/routes-20000/err")" -eq 1 ] &&
	t_ok "20000 routes: one log line about the cut" ||
	t_fail "20000 routes: the cut is logged more than once"

# ---- The slow cases' verdicts --------------------------------------------

if [ -f "$tmp/stall/wpid" ]; then
	await_oc "$tmp/stall" $((TIMEOUT_S + 40))
	verdict "stall: the network timeout fires" "$tmp/stall" 1 \
		$((TIMEOUT_S + 40)) "timed out"
fi
if [ -f "$tmp/slow/wpid" ]; then
	await_oc "$tmp/slow" $((2 * TIMEOUT_S + 40))
	verdict "slow-body: a response has a time bound" "$tmp/slow" 1 \
		$((2 * TIMEOUT_S + 40)) "not complete after"
fi

# ---- The HTTPS tunnel and ESP, in namespaces -----------------------------

if ! ns_usable; then
	t_skip "HTTPS frames and ESP floods" "needs root, iproute2 and /dev/net/tun"
	t_done
	exit
fi
gw_stop
ns_setup || { t_fail "namespaces"; t_done; exit 1; }
nurl=https://gateway.test/gateway
script="$TOP_SRCDIR/tests/netns-script.sh"
RUN_PREFIX="ip netns exec $NS_CL"

nlogin() {
	mkdir -p "$1"
	printf 'pw\n' | in_cl timeout 20 "$oc" --protocol=gp --cafile "$CERTDIR/ca.pem" \
		--no-system-trust --resolve "gateway.test:$GW_IP" -u alice \
		--cookieonly "$nurl" >"$1/in" 2>"$1/login.err"
}

ncontrol() {
	printf 'POST /testgw/control HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"${#1}" "$1" | in_cl timeout 5 openssl s_client -quiet \
		-connect "$GW_IP:443" 2>/dev/null | grep -q ok
}

nstats() {
	printf 'GET /testgw/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		in_cl timeout 5 openssl s_client -quiet -connect "$GW_IP:443" \
		2>/dev/null | sed -n "s/^$1 //p"
}

# count DIR PATTERN: lines of the client's log with PATTERN.
count() { grep -c -e "$2" "$1/err" 2>/dev/null; }

pings() { in_cl ping -c "$1" -i 0.2 -W 2 "$INNER_IP" >/dev/null 2>&1; }

# counters DIR: SIGUSR1, then the counter lines of the log.
counters() {
	kill -USR1 "$(cat "$1/cpid")" 2>/dev/null
	sleep 0.5
}

if ! ns_gateway --user alice:pw; then
	t_fail "gateway in its namespace"
	t_done
	exit 1
fi

# frame_case MODE RECONNECT: one hostile frame on a live HTTPS tunnel;
# RECONNECT 1: the client must drop the tunnel and come back, 0: drop the
# frame and stay. Traffic flows afterwards either way.
d="$tmp/frames"
frame_case() {
	bad0=$(count "$d" "Bad frame on the HTTPS tunnel")
	rec0=$(count "$d" "Reconnected")
	counters "$d"
	drop0=$(sed -n 's/.*Other: \([0-9]*\) bad HTTPS frames.*/\1/p' "$d/err" | tail -1)
	ncontrol "hostile=$1" || { t_fail "$1: control"; return; }
	# Traffic pushes the bytes a lying length waits for.
	in_cl ping -c 10 -i 0.1 -s 400 -W 1 "$INNER_IP" >/dev/null 2>&1
	ok=0
	if [ "$2" -eq 1 ]; then
		n=0
		while [ $n -lt 150 ]; do
			[ "$(count "$d" "Reconnected")" -gt "$rec0" ] && { ok=1; break; }
			sleep 0.1
			n=$((n + 1))
		done
		[ "$(count "$d" "Bad frame on the HTTPS tunnel")" -gt "$bad0" ] || ok=0
		sleep 0.5
	else
		counters "$d"
		drop1=$(sed -n 's/.*Other: \([0-9]*\) bad HTTPS frames.*/\1/p' "$d/err" | tail -1)
		[ "${drop1:-0}" -gt "${drop0:-0}" ] &&
			[ "$(count "$d" "Reconnected")" -eq "$rec0" ] && ok=1
	fi
	alive=0
	kill -0 "$(cat "$d/cpid")" 2>/dev/null && alive=1
	if [ $ok -eq 1 ] && [ $alive -eq 1 ] && pings 3; then
		[ "$2" -eq 1 ] && t_ok "$1: bad frame named, reconnected, traffic flows" ||
			t_ok "$1: frame dropped and counted, no reconnect, traffic flows"
	else
		t_fail "$1 (ok $ok, alive $alive)" "$(grep -v '^[<>] ' "$d/err" | tail -6)"
	fi
}

if nlogin "$d"; then
	start_oc "$d" --resolve "gateway.test:$GW_IP" --cookie-on-stdin --no-dtls \
		-s "$script" "$nurl"
	if wait_for "$d/err" "using HTTPS" 15 && pings 2; then
		frame_case frame-zero 0
		frame_case frame-garbage 0
		frame_case frame-long 1
		frame_case frame-huge 1
		frame_case frame-magic 1
		frame_case frame-type 1
	else
		t_fail "HTTPS tunnel up" "$(tail -5 "$d/err")"
	fi
	kill -INT "$(cat "$d/cpid")" 2>/dev/null
	await_oc "$d" 300
	verdict "after the hostile frames: exit on SIGINT" "$d" 0 300 "Logged out\|Disconnecting"
else
	t_fail "login in the namespace" "$(cat "$d/login.err")"
fi

# ESP floods during a transfer: the tunnel stays on ESP, the client counts
# and drops the bogus packets, its CPU and memory stay bounded, and the
# transfer goes through.
stat_cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null; }
e="$tmp/esp"
if nlogin "$e"; then
	start_oc "$e" --resolve "gateway.test:$GW_IP" --cookie-on-stdin \
		-s "$script" "$nurl"
	if wait_for "$e/err" "ESP tunnel up" 15 && pings 2; then
		cpid=$(cat "$e/cpid")
		hz=$(getconf CLK_TCK)
		rss0=$(rss_kb "$cpid")
		cpu0=$(stat_cpu "$cpid")
		iperf=0
		if command -v iperf3 >/dev/null; then
			in_gw iperf3 -s -B "$INNER_IP" -1 -D >/dev/null 2>&1
			sleep 0.3
			in_cl timeout 30 iperf3 -c "$INNER_IP" -t 8 -b 50M \
				>"$e/iperf" 2>&1 &
			iperf=$!
		else
			in_cl timeout 30 ping -c 40 -i 0.2 -W 2 "$INNER_IP" \
				>"$e/iperf" 2>&1 &
			iperf=$!
		fi
		sleep 1
		ncontrol "hostile=esp-flood-spi" || t_fail "control esp-flood-spi"
		sleep 3.5
		ncontrol "hostile=esp-flood-icv" || t_fail "control esp-flood-icv"
		sleep 3.5
		wait "$iperf"
		irc=$?
		cpu1=$(stat_cpu "$cpid")
		sleep 2
		cpu2=$(stat_cpu "$cpid")
		rss1=$(rss_kb "$cpid")
		sent=$(nstats hostile-esp)
		counters "$e"
		line=$(grep "ESP dropped:" "$e/err" | tail -1)
		icv=$(echo "$line" | sed -n 's/.*dropped: \([0-9]*\) bad ICV.*/\1/p')
		spi=$(echo "$line" | sed -n 's/.* \([0-9]*\) unknown SPI.*/\1/p')
		transport=$(grep "transport" "$e/err" | tail -1)
		echo "# flood: gateway sent ${sent:-?}; client: $line"
		echo "# client CPU ${cpu0:-?} -> ${cpu1:-?} -> ${cpu2:-?} ticks ($hz/s), RSS ${rss0:-?} -> ${rss1:-?} KB"
		[ "$irc" -eq 0 ] && t_ok "a transfer goes through two ESP floods" ||
			t_fail "transfer during the floods (rc $irc)" "$(tail -3 "$e/iperf")"
		[ "${spi:-0}" -ge 1000 ] && [ "${icv:-0}" -ge 1000 ] &&
			t_ok "the bogus packets are counted: $spi unknown SPI, $icv bad ICV" ||
			t_fail "ESP drop counters" "$line" "gateway sent ${sent:-?}"
		echo "$transport" | grep -q "transport ESP" && kill -0 "$cpid" 2>/dev/null &&
			t_ok "the tunnel stays up, on ESP" ||
			t_fail "tunnel after the floods" "$transport" "$(tail -5 "$e/err")"
		# Loose: the floods may cost CPU, but once over the client idles,
		# and it holds no more memory than before.
		[ -n "$rss1" ] && [ $((rss1 - rss0)) -lt 20480 ] &&
			[ $((cpu2 - cpu1)) -lt $((hz / 2)) ] &&
			[ $((cpu1 - cpu0)) -lt $((12 * hz)) ] &&
			t_ok "CPU and memory bounded under the floods" ||
			t_fail "CPU or memory under the floods" \
				"CPU ticks $cpu0 $cpu1 $cpu2, RSS $rss0 $rss1"
		pings 3 && t_ok "traffic still flows after the floods" ||
			t_fail "traffic after the floods"
	else
		t_fail "ESP tunnel up" "$(tail -5 "$e/err")"
	fi
	kill -INT "$(cat "$e/cpid")" 2>/dev/null
	await_oc "$e" 300
	verdict "after the floods: exit on SIGINT" "$e" 0 300 "Logged out\|Disconnecting"
else
	t_fail "login in the namespace (ESP)" "$(cat "$e/login.err")"
fi
t_done
