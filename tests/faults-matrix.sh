#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The fault matrix: the tunnel through tests/faultrelay, placed between
# the client and the gateway (198.18.0.3 in the gateway's namespace; the
# client resolves gateway.test to it, and sends ESP to the address it
# reached over TLS, so the relay's UDP side gets ESP too).
#
# Over ESP: loss 1%, 5% and 20% (ESP stays up: PROTOCOL.md section 10
# falls back only after about twice the DPD interval with nothing valid
# received, and lossy traffic still brings valid packets), reordering
# within the replay window (64 later packets: all delivered, nothing
# counted as replayed) and beyond it (200 later: counted as replayed,
# i.e. too old), duplicates (counted as replayed, never delivered twice),
# corrupted bytes (counted as bad ICV, never delivered) and delay. Over the
# HTTPS tunnel: delay and stalls (the tunnel survives), a path that dies
# (DPD notices), a corrupted byte and a cut stream in either direction
# (the client reconnects and the tunnel comes back). Each case moves a
# fixed amount of data over a TCP connection inside the tunnel and checks
# its SHA-256 at the far end, and compares the relay's counters with the
# client's (SIGUSR1) and the gateway's (/testgw/stats), give or take what
# the kernels dropped for want of buffer room (the sender is paced, so
# that this stays near zero).
#
# FAULT_SEED=N replays the relay's choices of a failed run (printed first);
# FAULT_KEEP=DIR keeps the logs and counters there.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/netns-lib.sh"
fm_exit() {
	[ -n "$FAULT_KEEP" ] && mkdir -p "$FAULT_KEEP" &&
		cp -r "$ns_tmp/." "$FAULT_KEEP/"
	ns_cleanup
}
trap 'fm_exit' EXIT
trap 'exit 1' INT TERM HUP PIPE

RELAY_IP=198.18.0.3
PY=$(command -v python3)
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

if ! ns_usable; then
	t_skip "fault matrix" "needs root, iproute2 and /dev/net/tun"
	t_done
	exit 0
fi
for tool in "$PY" openssl ping; do
	if [ -z "$tool" ] || ! command -v "$tool" >/dev/null; then
		t_skip "fault matrix" "needs python3, openssl and ping"
		t_done
		exit 0
	fi
done
seed=${FAULT_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
case $seed in
'' | *[!0-9]*) echo "# FAULT_SEED must be a number"; exit 99 ;;
esac
echo "# fault seed $seed (FAULT_SEED=$seed replays it)"

ns_setup || { t_fail "namespaces"; t_done; exit 1; }
ip -n "$NS_GW" addr add "$RELAY_IP/24" dev "v$NS_GW"
ns_gateway --user alice:pw --timeout 3600 ||
	{ t_fail "gateway"; t_done; exit 1; }
url=https://gateway.test/gateway
script="$TOP_SRCDIR/tests/netns-script.sh"
CL_STDIN="$ns_tmp/cookie"
ctl=$ns_tmp/relay.ctl
stats=$ns_tmp/relay.stats
case_no=0

# ---- The gateway ---------------------------------------------------------

gw_stats() {
	printf 'GET /testgw/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		in_cl timeout 5 openssl s_client -quiet -connect "$GW_IP:443" \
		2>/dev/null >"$ns_tmp/gw.stats"
}
# gw_stat NAME: from the last gw_stats.
gw_stat() { awk -v k="$1" '$1 == k { print $2 }' "$ns_tmp/gw.stats"; }

gw_stats
gw_udp=$(gw_stat udp-port)
[ -n "$gw_udp" ] || { t_fail "gateway stats" "$(cat "$ns_tmp/gw.stats")"; t_done; exit 1; }

# ---- The relay ----------------------------------------------------------------

: >"$ctl"
# Not through in_gw: $! must be the relay itself, for its signals.
ip netns exec "$NS_GW" "$TOP_BUILDDIR/tests/faultrelay" --seed "$seed" \
	--tcp "$RELAY_IP:443" --tcp-to "$GW_IP:443" \
	--udp "$RELAY_IP:$gw_udp" --udp-to "$GW_IP:$gw_udp" \
	--control "$ctl" --stats "$stats" 2>"$ns_tmp/relay.err" &
relay_pid=$!
ns_pids="$ns_pids $relay_pid"
wait_for "$stats" "^generation 1" 10 ||
	{ t_fail "relay" "$(cat "$ns_tmp/relay.err")"; t_done; exit 1; }

# rstat NAME: from the last relay_stats (or relay_set).
rstat() { awk -v k="$1" '$1 == k { print $2 }' "$stats"; }

relay_stats() {
	rm -f "$stats"
	kill -USR1 "$relay_pid"
	wait_for "$stats" "^generation" 10
}

# relay_drain: relay_stats once nothing is held back any more (held
# datagrams leave at the latest after their reorder-hold).
relay_drain() {
	dr_i=0
	relay_stats
	while [ "$(rstat udp.pending)" != 0 ] && [ $dr_i -lt 50 ]; do
		sleep 0.1
		relay_stats
		dr_i=$((dr_i + 1))
	done
}

# relay_set SETTING...: counters to zero, the generator seeded for this
# case, and these faults (all others off); returns once applied.
relay_set() {
	case_no=$((case_no + 1))
	gen=$(rstat generation)
	printf '%s\n' "reset=1" "seed=$((seed + case_no))" "$@" >"$ctl"
	kill -USR2 "$relay_pid"
	wait_for "$stats" "^generation $((gen + 1))\$" 10 ||
		echo "# relay did not apply: $*"
}

# ---- The client ------------------------------------------------------------

login() {
	printf 'pw\n' | in_cl timeout 20 "$TOP_BUILDDIR/openconnect" \
		--protocol=gp --cafile "$CERTDIR/ca.pem" --no-system-trust \
		--resolve "gateway.test:$RELAY_IP" -u alice --cookieonly "$url" \
		>"$ns_tmp/cookie" 2>"$ns_tmp/login.err"
}

# client LOG ARGS...: logged in through the relay, in the background.
client() {
	cl_log=$1
	shift
	login || { echo "# login: $(cat "$ns_tmp/login.err")"; return 1; }
	ip netns exec "$NS_CL" "$TOP_BUILDDIR/openconnect" --protocol=gp \
		--cafile "$CERTDIR/ca.pem" --no-system-trust \
		--resolve "gateway.test:$RELAY_IP" --cookie-on-stdin \
		-s "$script" -v "$@" "$url" <"$CL_STDIN" >"$cl_log" 2>&1 &
	cl_pid=$!
	ns_pids="$ns_pids $cl_pid"
}

stop_client() {
	kill -INT "$cl_pid" 2>/dev/null
	wait "$cl_pid" 2>/dev/null
}

# cl_counters: the client's counters (SIGUSR1) into cl_icv cl_rep
# cl_badfr cl_reconn cl_transport.
cl_counters() {
	cc_before=$(grep -c "^Other: " "$cl_log")
	kill -USR1 "$cl_pid"
	cc_i=0
	while [ "$(grep -c "^Other: " "$cl_log")" -le "$cc_before" ] &&
	      [ $cc_i -lt 100 ]; do
		sleep 0.05
		cc_i=$((cc_i + 1))
	done
	set -- $(grep "^ESP dropped: " "$cl_log" | tail -1 | tr -c '0-9\n' ' ')
	cl_icv=${1:-x} cl_rep=${2:-x}
	set -- $(grep "^Other: " "$cl_log" | tail -1 | tr -c '0-9\n' ' ')
	cl_badfr=${1:-x} cl_reconn=${5:-x}
	cl_transport=$(grep "^Connected to " "$cl_log" | tail -1 |
		sed 's/.*; transport //')
}

# ---- Traffic inside the tunnel -----------------------------------------------

# One TCP connection; the sender sends SIZE bytes made from SEED and waits
# for the receiver to close; the receiver checks length and SHA-256.
cat >"$ns_tmp/xfer.py" <<'EOF'
import hashlib, random, socket, sys
role, host, port, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
size, seed = int(sys.argv[5]), int(sys.argv[6])
data = random.Random(seed).randbytes(size)
if role == "serve":
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(1)
    s.settimeout(60)
    print("listening", flush=True)
    c = s.accept()[0]
else:
    c = socket.create_connection((host, port), timeout=60)
c.settimeout(60)
if (role == "serve") == (mode == "down"):
    # Paced (SO_MAX_PACING_RATE), so that the receiving end keeps up and
    # the kernel drops little that the relay's counters cannot see.
    c.setsockopt(socket.SOL_SOCKET, 47, 25000000)
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    print("sent %d" % size)
    sys.exit(0)
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(65536)
    if not b:
        break
    h.update(b)
    n += len(b)
c.close()
ok = n == size and h.digest() == hashlib.sha256(data).digest()
print("got %d bytes, sha256 %s" % (n, "right" if ok else "WRONG"))
sys.exit(0 if ok else 1)
EOF

# xfer_start up|down SIZE: a transfer in the background; xfer_wait: 0 when
# the receiver got it all, right; xfer_msg says how it went.
xfer_start() {
	x_mode=$1 x_size=$2
	x_port=$((20000 + case_no))
	x_t0=$(date +%s%N)
	# Never a "listening" of the one before: the redirection below
	# happens in the background, maybe after wait_for looked.
	rm -f "$ns_tmp/srv.out" "$ns_tmp/cli.out"
	in_gw "$PY" "$ns_tmp/xfer.py" serve "$INNER_IP" "$x_port" "$1" "$2" \
		"$seed" >"$ns_tmp/srv.out" 2>&1 &
	x_srv=$!
	ns_pids="$ns_pids $x_srv"
	wait_for "$ns_tmp/srv.out" listening 10
	in_cl timeout 70 "$PY" "$ns_tmp/xfer.py" connect "$INNER_IP" \
		"$x_port" "$1" "$2" "$seed" >"$ns_tmp/cli.out" 2>&1 &
	x_cli=$!
}

xfer_wait() {
	wait "$x_cli"
	x_rc_cli=$?
	wait "$x_srv"
	x_rc_srv=$?
	x_ms=$(( ($(date +%s%N) - x_t0) / 1000000 ))
	if [ "$x_mode" = down ]; then
		x_recv=$(cat "$ns_tmp/cli.out")
	else
		x_recv=$(grep -v listening "$ns_tmp/srv.out")
	fi
	xfer_msg="$x_mode $x_size bytes in $x_ms ms: ${x_recv:-nothing}"
	[ $x_rc_cli -eq 0 ] && [ $x_rc_srv -eq 0 ] &&
		echo "$x_recv" | grep -q "^got $x_size bytes, sha256 right"
}

xfer() {
	xfer_start "$@"
	xfer_wait
}

# ping_rtt N: N pings; min rtt in whole ms in rtt_min ("" when none came).
ping_rtt() {
	in_cl ping -c "$1" -i 0.1 -W 3 "$INNER_IP" >"$ns_tmp/ping" 2>&1
	rtt_min=$(sed -n 's|.* = \([0-9]*\)\.[0-9]*/.*|\1|p' "$ns_tmp/ping")
}

# udp_drops NS: datagrams the kernel of namespace NS dropped for want of
# room (in a receive queue: InErrors; on sending: SndbufErrors). The relay
# cannot see those, so they widen the comparisons below by as many.
udp_drops() {
	ip netns exec "$1" cat /proc/net/snmp |
		awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $4 + $7; exit }'
}

# within N LOW WIDTH: LOW <= N <= LOW + WIDTH, all numbers.
within() {
	case "$1$2$3" in
	*[!0-9-]* | '') return 1 ;;
	esac
	[ "$1" -ge "$2" ] && [ "$1" -le $(($2 + $3)) ]
}

# d NEW OLD: the difference, or "x" when either is unknown.
d() {
	case "$1$2" in
	*[!0-9]* | '') echo x ;;
	*) echo $(($1 - $2)) ;;
	esac
}

# ==== ESP ======================================================================

# client_up NAME LOG PATTERN ARGS...: the client, until PATTERN is in its
# log and the inner address answers a ping; else the test ends here.
client_up() {
	_name=$1 _log=$2 _pat=$3
	shift 3
	client "$_log" "$@" || { t_fail "client over $_name"; t_done; exit 1; }
	if ! wait_for "$cl_log" "$_pat" 15; then
		t_fail "$_name through the relay" "$(tail -5 "$cl_log")"
		t_done
		exit 1
	fi
	n=0
	while ! in_cl ping -c 1 -W 1 "$INNER_IP" >/dev/null 2>&1 && [ $n -lt 10 ]; do
		n=$((n + 1))
	done
}

client_up ESP "$ns_tmp/esp.log" "ESP tunnel up after"

# esp_case MODE SIZE SETTING...: these faults, one transfer, and what
# the client (icv rep), the gateway (gicv grep_) and the two kernels (kcl
# kgw) counted meanwhile; the relay's counters in $stats.
esp_case() {
	c_mode=$1 c_size=$2
	shift 2
	relay_set "$@"
	cl_counters
	icv0=$cl_icv rep0=$cl_rep
	gw_stats
	gicv0=$(gw_stat esp-bad-icv) grep0=$(gw_stat esp-replays)
	kcl0=$(udp_drops "$NS_CL") kgw0=$(udp_drops "$NS_GW")
	xfer "$c_mode" "$c_size"
	c_ok=$?
	relay_drain
	cl_counters
	icv=$(d "$cl_icv" "$icv0") rep=$(d "$cl_rep" "$rep0")
	gw_stats
	gicv=$(d "$(gw_stat esp-bad-icv)" "$gicv0")
	grep_=$(d "$(gw_stat esp-replays)" "$grep0")
	kcl=$(d "$(udp_drops "$NS_CL")" "$kcl0")
	kgw=$(d "$(udp_drops "$NS_GW")" "$kgw0")
	on_esp=0
	case $cl_transport in ESP*) on_esp=1 ;; esac
}

# Faults off: the data really goes through the relay.
esp_case down 1048576
in=$(rstat udp.s2c.in)
[ $c_ok -eq 0 ] && [ "${in:-0}" -ge 700 ] && [ $on_esp -eq 1 ] &&
	t_ok "ESP through the relay: $xfer_msg; relay passed $in datagrams to the client" ||
	t_fail "ESP through the relay ($cl_transport)" "$xfer_msg" "relay in $in"

for spec in "1 down 1048576" "5 up 1048576" "20 down 262144"; do
	set -- $spec
	loss=$1
	esp_case "$2" "$3" "udp.loss=$loss%"
	dc=$(rstat udp.c2s.dropped) ds=$(rstat udp.s2c.dropped)
	ic=$(rstat udp.c2s.in) is=$(rstat udp.s2c.in)
	fig="dropped $dc/$ic toward the gateway, $ds/$is toward the client"
	# At 1% a direction with few packets may see no loss at all.
	if [ $c_ok -eq 0 ] && [ $on_esp -eq 1 ] &&
	   [ $((${ds:-0} + ${dc:-0})) -gt 0 ]; then
		t_ok "ESP loss $loss%: data intact, still on ESP; $xfer_msg; $fig"
	else
		t_fail "ESP loss $loss% (transport $cl_transport)" "$xfer_msg" "$fig"
	fi
done

# Held back for 64 later packets: inside the window of 128, delivered.
esp_case down 2097152 "udp.reorder=2%" "udp.reorder-dist=64" \
	"udp.reorder-hold=1000"
rs=$(rstat udp.s2c.reordered) rc=$(rstat udp.c2s.reordered)
fig="relay reordered $rs toward the client, $rc toward the gateway; replay drops: client $rep, gateway $grep_"
[ $c_ok -eq 0 ] && [ "$rs" -gt 0 ] && [ "$rc" -gt 0 ] && [ "$rep" = 0 ] &&
	[ "$grep_" = 0 ] &&
	t_ok "ESP reordered within the window: all delivered; $fig" ||
	t_fail "ESP reordered within the window" "$xfer_msg" "$fig"

# Held back for 200 later packets: too old for the window, dropped and
# counted (those the relay had to release early may still fit).
esp_case down 2097152 "udp.reorder=1%" "udp.reorder-dist=200" \
	"udp.reorder-hold=1000"
rs=$(rstat udp.s2c.reordered) es=$(rstat udp.s2c.reorder-early)
rc=$(rstat udp.c2s.reordered) ec=$(rstat udp.c2s.reorder-early)
fig="toward the client: relay held $rs ($es released early), client counted $rep replayed; toward the gateway: $rc ($ec early), gateway counted $grep_; kernel drops $kcl/$kgw"
[ $c_ok -eq 0 ] && [ "$rs" -gt 0 ] &&
	within "$rep" $((rs - es - kcl)) $((es + kcl)) &&
	within "$grep_" $((rc - ec - kgw)) $((ec + kgw)) &&
	t_ok "ESP reordered beyond the window: dropped as too old, counted; data intact; $fig" ||
	t_fail "ESP reordered beyond the window" "$xfer_msg" "$fig"

# Duplicates: the second copy is a replay, and ping sees no DUP!.
esp_case down 1048576 "udp.dup=5%"
dupc=$(rstat udp.c2s.duplicated) dups=$(rstat udp.s2c.duplicated)
relay_set "udp.dup=20%"
in_cl ping -c 20 -i 0.05 -W 2 "$INNER_IP" >"$ns_tmp/dup.ping" 2>&1
prc=$?
relay_stats
cl_counters
gw_stats
rep2=$(d "$cl_rep" "$rep0") grep2=$(d "$(gw_stat esp-replays)" "$grep0")
kcl=$(d "$(udp_drops "$NS_CL")" "$kcl0")
kgw=$(d "$(udp_drops "$NS_GW")" "$kgw0")
dupc=$((dupc + $(rstat udp.c2s.duplicated)))
dups=$((dups + $(rstat udp.s2c.duplicated)))
fig="relay duplicated $dups toward the client, client counted $rep2 replayed; $dupc toward the gateway, gateway counted $grep2; kernel drops $kcl/$kgw"
[ $c_ok -eq 0 ] && [ $prc -eq 0 ] && ! grep -q "DUP!" "$ns_tmp/dup.ping" &&
	[ "$dups" -gt 0 ] && within "$rep2" $((dups - kcl)) "$kcl" &&
	within "$grep2" $((dupc - kgw)) "$kgw" &&
	t_ok "ESP duplicates: never delivered twice, each counted as replayed; $fig" ||
	t_fail "ESP duplicates (ping rc $prc)" "$xfer_msg" "$fig" \
		"$(grep -c DUP! "$ns_tmp/dup.ping") DUP! in ping"

# Corrupted bytes past the ESP header: bad ICV, never delivered.
esp_case down 1048576 "udp.corrupt=2%"
cs=$(rstat udp.s2c.corrupted) cc=$(rstat udp.c2s.corrupted)
fig="relay corrupted $cs toward the client, client counted $icv bad ICV; $cc toward the gateway, gateway counted $gicv; kernel drops $kcl/$kgw"
[ $c_ok -eq 0 ] && [ "$cs" -gt 0 ] && within "$icv" $((cs - kcl)) "$kcl" &&
	within "$gicv" $((cc - kgw)) "$kgw" &&
	t_ok "ESP corruption: caught by the ICV, data intact; $fig" ||
	t_fail "ESP corruption" "$xfer_msg" "$fig"

# Delay: 40 ms each way.
esp_case down 524288 "udp.delay=40"
ping_rtt 5
[ $c_ok -eq 0 ] && [ "${rtt_min:-0}" -ge 80 ] && [ $on_esp -eq 1 ] &&
	t_ok "ESP delayed 40 ms each way: ping min rtt $rtt_min ms; $xfer_msg" ||
	t_fail "ESP delay (min rtt ${rtt_min:-none})" "$xfer_msg"

relay_set
falls=$(grep -c "falling back\|using HTTPS" "$cl_log")
ups=$(grep -c "ESP tunnel up after" "$cl_log")
[ "$falls" -eq 0 ] && [ "$ups" -eq 1 ] &&
	t_ok "ESP stayed up through every ESP fault (no fallback, no new probe phase)" ||
	t_fail "ESP fallbacks $falls, ESP up $ups times" \
		"$(grep "ESP\|HTTPS" "$cl_log" | tail -5)"
stop_client

# ==== HTTPS ====================================================================

client_up HTTPS "$ns_tmp/https.log" "using HTTPS" --no-dtls --force-dpd 2

# https_case MODE SIZE SETTING...: as esp_case, for the HTTPS tunnel;
# h_reconn and h_badfr are the client's reconnects and bad frames, and
# h_up how often it said "using HTTPS" since.
https_case() {
	c_mode=$1 c_size=$2
	shift 2
	cl_counters
	rec0=$cl_reconn badfr0=$cl_badfr
	ups0=$(grep -c "using HTTPS" "$cl_log")
	relay_set "$@"
	xfer "$c_mode" "$c_size"
	c_ok=$?
	relay_stats
	cl_counters
	h_reconn=$(d "$cl_reconn" "$rec0")
	h_badfr=$(d "$cl_badfr" "$badfr0")
	h_up=$(( $(grep -c "using HTTPS" "$cl_log") - ups0 ))
}

https_case down 1048576
b=$(rstat tcp.s2c.bytes)
[ $c_ok -eq 0 ] && [ "${b:-0}" -ge 1048576 ] && [ "$h_reconn" = 0 ] &&
	t_ok "HTTPS through the relay: $xfer_msg; relay passed $b bytes to the client" ||
	t_fail "HTTPS through the relay" "$xfer_msg" "relay bytes $b, reconnects $h_reconn"

https_case down 524288 "tcp.delay=40"
ping_rtt 5
[ $c_ok -eq 0 ] && [ "${rtt_min:-0}" -ge 80 ] && [ "$h_reconn" = 0 ] &&
	t_ok "HTTPS delayed 40 ms each way: ping min rtt $rtt_min ms; $xfer_msg" ||
	t_fail "HTTPS delay (min rtt ${rtt_min:-none}, reconnects $h_reconn)" "$xfer_msg"

https_case down 1048576 "tcp.stall=5%" "tcp.stall-ms=200"
st=$(( $(rstat tcp.s2c.stalls) + $(rstat tcp.c2s.stalls) ))
ch=$(( $(rstat tcp.s2c.chunks) + $(rstat tcp.c2s.chunks) ))
[ $c_ok -eq 0 ] && [ "$st" -gt 0 ] && [ "$h_reconn" = 0 ] &&
	t_ok "HTTPS stalls survived: $st stalls of 200 ms in $ch chunks, no reconnect; $xfer_msg" ||
	t_fail "HTTPS stalls ($st stalls, reconnects $h_reconn)" "$xfer_msg"

# The path dies: nothing more reaches the client on the open connection,
# though it stays open. DPD (--force-dpd 2) finds the tunnel silent after
# about twice the interval, and the client reconnects.
cl_counters
rec0=$cl_reconn
ups0=$(grep -c "using HTTPS" "$cl_log")
relay_set "tcp.s2c.freeze=1"
bh_t0=$(date +%s%N)
wait_for "$cl_log" "HTTPS tunnel silent for" 20
bh_ms=$(( ($(date +%s%N) - bh_t0) / 1000000 ))
bh_i=0
while [ "$(grep -c "using HTTPS" "$cl_log")" -le "$ups0" ] && [ $bh_i -lt 200 ]; do
	sleep 0.1
	bh_i=$((bh_i + 1))
done
relay_stats
fz=$(rstat tcp.s2c.frozen)
ping_rtt 3
cl_counters
silent=$(grep -o "HTTPS tunnel silent for [0-9]* ms" "$cl_log" | tail -1)
fig="relay froze $fz connection(s); after $bh_ms ms: $silent; reconnects $(d "$cl_reconn" "$rec0")"
[ "${fz:-0}" -ge 1 ] && [ -n "$silent" ] && [ $bh_ms -le 12000 ] &&
	[ "$(d "$cl_reconn" "$rec0")" = 1 ] && [ -n "$rtt_min" ] &&
	t_ok "HTTPS path dead: DPD noticed, reconnected, traffic flows; $fig" ||
	t_fail "HTTPS path dead" "$fig" "$(grep -i "silent\|reconnect\|HTTPS" "$cl_log" | tail -4)"

# One byte flipped, or the stream cut mid-frame: TLS notices, the client
# reconnects, the tunnel comes back, and the data still arrives right.
# hurt NAME MODE SIZE SETTING COUNTER
hurt() {
	h_name=$1
	https_case "$2" "$3" "$4"
	hits=$(rstat "$5")
	ping_rtt 3
	fig="relay $5 $hits; client reconnects $h_reconn, tunnel up again $h_up, bad frames $h_badfr"
	[ $c_ok -eq 0 ] && [ "$hits" = 1 ] && [ "$h_reconn" -ge 1 ] &&
		[ "$h_up" -ge 1 ] && [ "$h_badfr" = 0 ] && [ -n "$rtt_min" ] &&
		t_ok "HTTPS $h_name: reconnected, tunnel back, nothing corrupted; $fig; $xfer_msg" ||
		t_fail "HTTPS $h_name" "$xfer_msg" "$fig" \
			"$(grep -i "lost\|reconnect\|HTTPS" "$cl_log" | tail -4)"
}
hurt "record corrupted toward the client" down 1048576 "tcp.s2c.corrupt=1" \
	tcp.s2c.corrupted
hurt "record corrupted toward the gateway" up 1048576 "tcp.c2s.corrupt=1" \
	tcp.c2s.corrupted
hurt "stream cut toward the client" down 1048576 "tcp.s2c.cut=300001" \
	tcp.s2c.cuts
hurt "stream cut toward the gateway" up 1048576 "tcp.c2s.cut=200003" \
	tcp.c2s.cuts
stop_client

kill -TERM "$relay_pid"
wait "$relay_pid"
rc=$?
[ $rc -eq 0 ] && grep -q "^faultrelay: seed $seed\$" "$ns_tmp/relay.err" &&
	grep -q "^generation " "$ns_tmp/relay.err" &&
	t_ok "relay stops cleanly and reports its counters" ||
	t_fail "relay exit $rc" "$(tail -3 "$ns_tmp/relay.err")"
t_done
