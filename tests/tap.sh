# SPDX-License-Identifier: LGPL-2.1-or-later
# Minimal TAP output for shell tests: source it, then t_ok/t_fail or
# t_check NAME COMMAND..., and t_done at the end, which prints the plan
# (TAP allows it last) and returns non-zero when a case failed.

t_num=0
t_failed=0
t_planned=

# t_plan N: announce the count up front instead (optional).
t_plan() { echo "1..$1"; t_planned=1; }

t_ok() { t_num=$((t_num + 1)); echo "ok $t_num - $1"; }

t_fail() {
	t_num=$((t_num + 1))
	t_failed=$((t_failed + 1))
	echo "not ok $t_num - $1"
	shift
	for line in "$@"; do echo "# $line"; done
}

t_skip() { t_num=$((t_num + 1)); echo "ok $t_num - $1 # SKIP $2"; }

# t_check NAME COMMAND...: passes when COMMAND succeeds.
t_check() {
	name=$1
	shift
	if "$@"; then t_ok "$name"; else t_fail "$name" "failed: $*"; fi
}

t_done() {
	[ -n "$t_planned" ] || echo "1..$t_num"
	[ "$t_failed" -eq 0 ]
}
