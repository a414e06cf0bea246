#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds the libFuzzer harnesses (fuzz/build.sh) and runs each one for
# FUZZ_SECONDS (default 20) on a temporary corpus, seeded from
# fuzz/corpus/NAME (read only: the source tree is never written). One case
# per harness, with the executions done; a crash, leak, timeout or broken
# invariant fails it, with the end of the report and the input in base64
# (the input is also kept in BUILDDIR/fuzz/crashes/). FUZZ_ONLY="a b"
# runs only those harnesses. Skipped without clang and libFuzzer.
. "$TOP_SRCDIR/tests/tap.sh"

secs=${FUZZ_SECONDS:-20}
case $secs in
'' | *[!0-9]*)
	t_fail "FUZZ_SECONDS must be a whole number of seconds (got $secs)"
	t_done
	exit 1
	;;
esac
cc=${FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
	t_skip "fuzz" "$cc is not installed (Debian: apt-get install clang libclang-rt-dev)"
	t_done
	exit 0
fi

# Undefined behaviour reports with their stack.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export UBSAN_OPTIONS

tmp=$(mktemp -d "${TMPDIR:-/tmp}/oc-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP PIPE

# The build takes a few minutes at most even on a loaded machine; the
# bound only stops a hung compiler.
if ! timeout 1800 sh "$TOP_SRCDIR/fuzz/build.sh" "$TOP_SRCDIR" \
		"$TOP_BUILDDIR" >"$tmp/build.log" 2>&1; then
	if grep -q "cannot link with -fsanitize=fuzzer" "$tmp/build.log"; then
		t_skip "fuzz" "$cc has no libFuzzer runtime (Debian: apt-get install libclang-rt-dev)"
		t_done
		exit 0
	fi
	t_fail "build the harnesses"
	tail -n 20 "$tmp/build.log" | sed 's/^/# /'
	t_done
	exit 1
fi
t_ok "build the harnesses"

# base64 of a file, or hex when base64 is missing.
show() {
	if command -v base64 >/dev/null 2>&1; then
		echo "base64: $(head -c 4096 "$1" | base64 | tr -d '\n')"
	else
		echo "hex: $(head -c 4096 "$1" | od -An -tx1 | tr -d ' \n')"
	fi
}

# report LOG: the start of the sanitizer's or libFuzzer's report (the
# error and its stack) and its summary line.
report() {
	awk '!on && /ERROR:|runtime error|invariant broken|WARNING: libFuzzer/ {
		on = 1 }
		on && n < 30 { print; n++ }
		/^SUMMARY:/ && n >= 30 { print }' "$1"
}

# fail_with NAME LINES: a failed case, each line of LINES as a comment.
fail_with() {
	t_fail "$1"
	printf '%s\n' "$2" | sed 's/^/# /'
}

# run NAME: one harness, one TAP case.
run() {
	name=$1
	bin=$TOP_BUILDDIR/fuzz/$name
	seeds=$TOP_SRCDIR/fuzz/corpus/$name
	dict=$TOP_SRCDIR/fuzz/$name.dict
	work=$tmp/$name
	mkdir -p "$work/corpus" "$work/artifacts"
	set -- -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/"
	[ -f "$dict" ] && set -- "$@" -dict="$dict"
	set -- "$@" "$work/corpus"
	[ -d "$seeds" ] && set -- "$@" "$seeds"
	# libFuzzer stops itself after max_total_time; the outer bound, far
	# above it, is for a harness that hangs without tripping -timeout.
	( cd "$work" && timeout -k 10 $((secs * 3 + 300)) "$bin" "$@" \
		>"$work/log" 2>&1 )
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" |
		tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' \
		"$work/log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1)
	art=$(ls "$work/artifacts" 2>/dev/null | head -n 1)
	if [ -n "$art" ]; then
		mkdir -p "$TOP_BUILDDIR/fuzz/crashes"
		cp "$work/artifacts/$art" "$TOP_BUILDDIR/fuzz/crashes/$name-$art"
		fail_with "$name: $art after ${execs:-?} executions" \
			"$(report "$work/log")
input kept as $TOP_BUILDDIR/fuzz/crashes/$name-$art
replay: $bin $TOP_BUILDDIR/fuzz/crashes/$name-$art
$(show "$work/artifacts/$art")"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]; then
		fail_with "$name: exit status $rc" "$(tail -n 20 "$work/log")"
	elif [ -z "$execs" ] && [ "$rc" -ne 0 ]; then
		# Stopped by the outer bound on a very slow machine, with
		# nothing found: not a failure of the code.
		t_skip "$name" "stopped by the time bound before reporting"
	else
		t_ok "$name: ${execs:-?} executions in ${secs} s${cov:+, $cov}"
	fi
}

for src in "$TOP_SRCDIR"/fuzz/fuzz-*.c; do
	name=${src##*/fuzz-}
	name=${name%.c}
	if [ -n "${FUZZ_ONLY:-}" ]; then
		case " $FUZZ_ONLY " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	run "$name"
done
t_done
