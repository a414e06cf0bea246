#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Checks bench/run's report without measuring anything (no root): builds
# results.md and the README's table from a small made-up results.data and
# checks their shape: every row, medians with min and max, the ratio, the
# bottleneck note, overlapping ranges, the reading's lists, and the README
# markers kept with the table between them. TAP output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/results.data" <<'EOF'
meta date 2026-01-01 00:00 UTC
meta cpus 2
meta cpu Test CPU
meta rounds 3
meta dur 5
meta ours /x/openconnect
meta peer /y/openconnect
meta peer_version OpenConnect version v9.01-3
meta load 0.00 0.00 0.00
meta aes 1400
meta hmac 1400
meta be_enc 600
meta be_dec 1100
meta mtu.esp.ours 1326
meta mtu.esp.peer 1422
meta size.esp 1298
EOF
for r in 1 2 3; do
	cat >>"$tmp/results.data" <<EOF
ours esp.up.mbps $((700 + r))
peer esp.up.mbps $((800 + r))
ours esp.up.cpu 8.$r
peer esp.up.cpu 7.$r
ours esp.up.clpct 80
peer esp.up.clpct 75
ours esp.up.gwpct 95
peer esp.up.gwpct 93
ours esp.u64.up.kpps $((40 + r))
peer esp.u64.up.kpps $((41 + r))
ours esp.u64.up.loss 10
peer esp.u64.up.loss 20
ours esp.u64.up.clpct 50
peer esp.u64.up.clpct 50
ours esp.rss 10.$r
peer esp.rss 13.$r
ours esp.connect $((60 + r))
peer esp.connect $((1000 + r))
EOF
done
printf '# x\n\nbefore\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\nafter\n' \
	>"$tmp/README.md"

n=0 fails=0
ok() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		fails=$((fails + 1))
	fi
}

TOP_SRCDIR=$tmp "$here/run" --report-only --update-readme --out "$tmp" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
md=$tmp/results.md
ok "exits 0" '[ $rc = 0 ]'
ok "prints the table" 'grep -q "^| ESP, TCP upload |" "$tmp/out"'
ok "median (min–max)" 'grep -q "| 702 (701–703) | 802 (801–803) | 0.88 |" "$md"'
ok "gateway-bound note" 'grep "^| ESP, TCP upload" "$md" | grep -q "gateway-bound"'
ok "UDP row with loss" 'grep "^| ESP, UDP 64-byte upload | kpkt/s" "$md" | grep -q "lost 10% / 20%"'
ok "ranges overlap noted" 'grep "^| ESP, UDP 64-byte upload" "$md" | grep -q "ranges overlap"'
ok "lower is better" 'grep "^| connect, to first ping over ESP" "$md" | grep -q "lower is better"'
ok "no row without figures" '! grep -q "^| HTTPS, TCP upload" "$md"'
ok "crypto limits" 'grep -q "^| bench-esp encrypt (ours) | 600 | upload 15%" "$md"'
ok "reading: a loss" 'grep "^- \*\*We lose\*\*" "$md" | grep -q "ESP, TCP upload (0.88)"'
ok "reading: a win" 'grep "^- \*\*We win" "$md" | grep -q "connect, to first ping over ESP"'
ok "reading: MTU line" 'grep -q "^- ESP tunnel MTU: ours 1326, peer 1422" "$md"'
ok "reading: notes appended" 'grep -q "^### Notes" "$md"'
ok "README: text kept" 'grep -q "^before$" "$tmp/README.md" && grep -q "^after$" "$tmp/README.md"'
ok "README: old table gone" '! grep -q "^old table$" "$tmp/README.md"'
ok "README: new table" 'sed -n "/bench:begin/,/bench:end/p" "$tmp/README.md" | grep -q "^| ESP, TCP upload | 702 Mbit/s | 802 Mbit/s | 0.88 (gateway-bound) |"'
ok "README: markers kept" '[ "$(grep -c "^<!-- bench:" "$tmp/README.md")" = 2 ]'
TOP_SRCDIR=$tmp "$here/run" --report-only --update-readme --out "$tmp" \
	>/dev/null 2>&1
ok "README: idempotent" '[ "$(grep -c "^| ESP, TCP upload |" "$tmp/README.md")" = 1 ]'
echo "1..$n"
[ $fails = 0 ]
