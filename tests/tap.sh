# SPDX-License-Identifier: LGPL-2.1-or-later
# Minimal TAP output for shell tests: source it, call t_plan N, then
# t_ok/t_fail or t_check NAME CONDITION..., and t_done at the end.

t_num=0
t_failed=0

t_plan() { echo "1..$1"; }

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

t_done() { [ "$t_failed" -eq 0 ]; }
