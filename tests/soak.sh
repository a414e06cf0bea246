#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A long run of the tunnel between two namespaces: one inner TCP stream
# for SOAK_SECONDS (default 180) while the gateway's keys time out every
# 60 s (a rekey every 30 s) and UDP is blocked and unblocked at random
# intervals (SOAK_SEED replays a run). The stream must survive, the client
# must still run, rekeys must have happened, and its memory and descriptor
# counts must stay flat after the warm-up.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/netns-lib.sh"
trap 'ns_cleanup' EXIT
trap 'exit 1' INT TERM HUP PIPE

secs=${SOAK_SECONDS:-180}
seed=${SOAK_SEED:-$(( $(date +%s) % 100000 + $$ ))}
# Warm-up: the first rekey (30 s) and the buffers a first fallback to
# HTTPS allocates are behind us by then.
warm=40
# RSS slack: glibc's allocator and OpenSSL keep caches that settle within
# a few pages; 1 MiB is far above that noise, and far below what a leak
# per packet (a few hundred packets a second), per toggle or per rekey of
# any size that matters would add over the run (valgrind.sh finds the
# small ones).
slack_kb=1024
rate=8M

if ! ns_usable || ! command -v iperf3 >/dev/null; then
	t_skip "soak" "needs root, iproute2, /dev/net/tun and iperf3"
	t_done
	exit 0
fi
[ "$secs" -ge 90 ] 2>/dev/null || {
	t_fail "SOAK_SECONDS must be 90 or more (got $secs)"; t_done; exit 1; }
echo "# seed $seed (SOAK_SEED=$seed replays the schedule), $secs s"
ns_setup || { t_fail "namespaces"; t_done; exit 1; }
ns_gateway --user alice:pw --timeout 60 ||
	{ t_fail "gateway"; t_done; exit 1; }
url=https://gateway.test/gateway
script="$TOP_SRCDIR/tests/netns-script.sh"
CL_STDIN="$ns_tmp/cookie"
log=$ns_tmp/client.log

control() {
	printf 'POST /testgw/control HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"${#1}" "$1" | in_cl timeout 5 openssl s_client -quiet \
		-connect "$GW_IP:443" 2>/dev/null | grep -q ok
}

printf 'pw\n' | in_cl timeout 20 "$TOP_BUILDDIR/openconnect" \
	--protocol=gp --cafile "$CERTDIR/ca.pem" --no-system-trust \
	--resolve "gateway.test:$GW_IP" -u alice --cookieonly "$url" \
	>"$ns_tmp/cookie" 2>"$ns_tmp/login.err" ||
	{ t_fail "login" "$(cat "$ns_tmp/login.err")"; t_done; exit 1; }
ns_client "$log" --cookie-on-stdin -s "$script" -v --force-dpd 2 "$url"
if ! wait_for "$log" "ESP tunnel up after" 15; then
	t_fail "ESP up before the soak" "$(tail -5 "$log")"
	t_done
	exit 1
fi
pid=$cl_pid

# The schedule: UDP toggled after 4 to 24 s each time, open at the end.
awk -v seed="$seed" -v end=$((secs - 15)) 'BEGIN {
	srand(seed)
	t = 0
	for (;;) {
		t += 4 + int(rand() * 21)
		if (t >= end)
			break
		print t
		c++
	}
	# An even number of toggles: UDP is open for the last stretch.
	if (c % 2)
		print end
}' >"$ns_tmp/schedule"
ntoggles=$(wc -l <"$ns_tmp/schedule")
echo "# UDP toggled $ntoggles times, at (s): $(tr "\n" " " <"$ns_tmp/schedule")"

in_gw iperf3 -s -B "$INNER_IP" -1 -D >/dev/null 2>&1
sleep 0.5
in_cl timeout $((secs + 60)) iperf3 -c "$INNER_IP" -t "$secs" -b "$rate" \
	-P 1 -i 10 >"$ns_tmp/iperf" 2>&1 &
iperf_pid=$!
ns_pids="$ns_pids $iperf_pid"

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null; }
nfd() { ls "/proc/$pid/fd" 2>/dev/null | wc -l; }
# The carrier now, from the client's log: ESP, HTTPS or other (probing,
# rekeying).
carrier() {
	grep -E "ESP tunnel up after|HTTPS tunnel connected|probing ESP|rekey due" "$log" |
		tail -1 | awk '/ESP tunnel up/ { print "ESP"; next }
			/HTTPS tunnel connected/ { print "HTTPS"; next }
			{ print "other" }'
}

start=$(date +%s)
drop=0
toggled=0
next=$(sed -n 1p "$ns_tmp/schedule")
rss_warm=
prev=
: >"$ns_tmp/fds"
rss_max=0
samples=0
: >"$ns_tmp/samples"
n=0
# One pass a second, bounded by the run's length plus a minute.
while [ $n -lt $((secs + 60)) ]; do
	n=$((n + 1))
	el=$(( $(date +%s) - start ))
	kill -0 "$iperf_pid" 2>/dev/null || break
	kill -0 "$pid" 2>/dev/null || break
	if [ -n "$next" ] && [ "$el" -ge "$next" ]; then
		drop=$((1 - drop))
		control "esp-drop=$drop" || echo "# control esp-drop=$drop failed at $el s"
		echo "# $el s: esp-drop=$drop"
		toggled=$((toggled + 1))
		next=$(sed -n "$((toggled + 1))p" "$ns_tmp/schedule")
	fi
	# Descriptors, each second, when the carrier has been the same for
	# a second: each carrier has its own set of sockets.
	c=$(carrier)
	if [ "$el" -ge "$warm" ] && [ "$c" = "$prev" ] && [ "$c" != other ]; then
		echo "$el $c $(nfd)" >>"$ns_tmp/fds"
	fi
	prev=$c
	if [ "$el" -ge "$warm" ] && { [ $((el % 5)) -eq 0 ] || [ -z "$rss_warm" ]; }; then
		r=$(rss)
		f=$(nfd)
		if [ -n "$r" ]; then
			echo "$el $r $f" >>"$ns_tmp/samples"
			samples=$((samples + 1))
			[ "$r" -gt "$rss_max" ] && rss_max=$r
			[ -n "$rss_warm" ] || rss_warm=$r
		fi
	fi
	sleep 1
done
[ $drop -eq 0 ] || control "esp-drop=0"
wait "$iperf_pid"
irc=$?
el=$(( $(date +%s) - start ))

# The figures at the end, on the same footing as the warm-up ones.
rss_end=$(rss)
fd_end=$(nfd)
alive=0
kill -0 "$pid" 2>/dev/null && alive=1

# iperf3's receiver line: "[  5]   0.00-180.00 sec  171 MBytes  8.00 Mbits/sec   receiver"
rx=$(grep 'receiver$' "$ns_tmp/iperf" | tail -1)
rx_bytes=$(echo "$rx" | awk '{
	for (i = 1; i < NF; i++)
		if ($(i + 1) ~ /Bytes$/) {
			u = $(i + 1); v = $i
			m = u ~ /^G/ ? 1073741824 : u ~ /^M/ ? 1048576 : u ~ /^K/ ? 1024 : 1
			printf "%d\n", v * m
			exit
		}
}')
# Plausible: at least 40% of what the rate asks for (fallbacks stall the
# stream for a few seconds each time; iperf3 catches up afterwards).
want_bytes=$(( secs * 8 * 1000000 / 8 * 40 / 100 ))
if [ $irc -eq 0 ] && [ "${rx_bytes:-0}" -ge $want_bytes ]; then
	t_ok "one TCP stream for $secs s across $toggled UDP toggles: $rx_bytes bytes received (at least $want_bytes)"
else
	t_fail "the TCP stream (iperf3 rc $irc, ${rx_bytes:-no} bytes, wanted $want_bytes)" \
		"$(tail -8 "$ns_tmp/iperf")"
fi

if [ $alive -eq 1 ]; then
	t_ok "the client is still up after $el s"
else
	t_fail "the client is still up" "$(tail -10 "$log")"
fi

kill -USR1 "$pid" 2>/dev/null
wait_for "$log" "rekeys, " 5
stats=$(grep -o '[0-9]* rekeys, [0-9]* reconnects' "$log" | tail -1)
rekeys=$(grep -c "rekey due" "$log")
ups=$(grep -c "ESP tunnel up after" "$log")
https=$(grep -c "HTTPS tunnel connected" "$log")
min_rekeys=$((secs / 30 - 2))
if [ "$rekeys" -ge "$min_rekeys" ]; then
	t_ok "$rekeys rekeys (at least $min_rekeys; client counts: $stats), ESP up $ups times, HTTPS $https times"
else
	t_fail "$rekeys rekeys, wanted at least $min_rekeys ($stats)" \
		"$(grep -i 'rekey\|ESP\|HTTPS' "$log" | tail -8)"
fi

if [ -n "$rss_warm" ] && [ -n "$rss_end" ] &&
   [ "$rss_end" -le $((rss_warm + slack_kb)) ]; then
	t_ok "RSS flat: $rss_warm KiB at $warm s, $rss_end KiB at the end, at most $rss_max KiB ($samples samples, slack $slack_kb KiB)"
else
	t_fail "RSS: ${rss_warm:-?} KiB at $warm s, ${rss_end:-?} KiB at the end (slack $slack_kb KiB)" \
		"$(awk '{ printf "%s s: %s KiB, %s fds\n", $1, $2, $3 }' "$ns_tmp/samples" | tail -12)"
fi

# Descriptors: per carrier, the fewest in the first half after the
# warm-up against the fewest in the second half (the fewest, since a
# getconfig or a control request in flight holds one more for a moment).
fdres=$(awk -v half=$(( warm + (el - warm) / 2 )) '
	{
		if ($1 < half) {
			if (!($2 in a) || $3 < a[$2]) a[$2] = $3
		} else if (!($2 in b) || $3 < b[$2]) b[$2] = $3
	}
	END {
		for (c in a) {
			if (!(c in b))
				continue
			n++
			printf "%s %d then %d; ", c, a[c], b[c]
			if (b[c] > a[c])
				bad = 1
		}
		print (n ? (bad ? "grew" : "flat") : "none")
	}' "$ns_tmp/fds")
case $fdres in
*flat)
	t_ok "descriptors flat: ${fdres%flat}$fd_end at the end" ;;
*none)
	t_skip "descriptors" "no carrier seen in both halves of the run" ;;
*)
	t_fail "descriptors grew: ${fdres%grew}$fd_end at the end" \
		"$(ls -l "/proc/$pid/fd" 2>/dev/null | sed 1d)" ;;
esac

kill -INT "$pid" 2>/dev/null
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
t_done
