#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The end-to-end tests that run our client, again with every client run
# under valgrind's memcheck (through shadow-lib.sh's wrapper): every run
# must end with no error and nothing definitely lost. The nested tests'
# own verdicts are not this test's (valgrind is slow, and some of their
# checks are timed); their counts are printed.
#
# Forked children: -b's daemon keeps running under valgrind and writes its
# own log (vg.PID.log, with the parent's pid in its header); a child that
# runs the vpnc-script or the HIP program is replaced by that program at
# its exec (--trace-children=no), so its log ends without a summary, and
# is counted apart. valgrind's own temporary files go to the trace
# directory (TMPDIR), which any user may write: runs as nobody need it.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/shadow-lib.sh"

work=$(mktemp -d)
trap 'shadow_cleanup; [ -n "$VALGRIND_KEEP" ] || rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
chmod 755 "$work"
code=97

vg=$(command -v valgrind)
if [ -z "$vg" ]; then
	t_skip "valgrind" "valgrind is not installed (Debian: valgrind)"
	t_done
	exit 0
fi
scripts=${VALGRIND_TESTS:-tests/cli.sh tests/auth.sh tests/tunnel-https.sh tests/tunnel-esp.sh tests/tunnel-more.sh tests/tunnel-faults.sh}
supp="$TOP_SRCDIR/tests/valgrind.supp"

for t in $scripts; do
	n=$(echo "$t" | tr / _)
	trace=$work/$n
	shadow_setup "$TOP_BUILDDIR" "$trace" 0 \
		"env TMPDIR=$trace $vg --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --error-exitcode=$code --trace-children=no --child-silent-after-fork=no --num-callers=30 --suppressions=$supp --log-file=$trace/vg.%p.log" "" ||
		{ t_fail "$t: the shadow build tree"; continue; }
	s=$(date +%s)
	TOP_BUILDDIR=$shadow_dir timeout 1200 sh "$TOP_SRCDIR/$t" \
		</dev/null >"$work/$n.tap" 2>"$work/$n.stderr"
	rc=$?
	shadow_cleanup
	o=$(grep -c '^ok ' "$work/$n.tap")
	k=$(grep -c '^ok .*# SKIP' "$work/$n.tap")
	f=$(grep -c '^not ok ' "$work/$n.tap")
	echo "# $t under valgrind: $((o - k)) passed, $f failed, $k skipped (exit $rc, $(( $(date +%s) - s )) s)"
	grep '^not ok ' "$work/$n.tap" | head -8 | sed 's/^/#   /'

	runs=0
	bad=0
	forked=0
	unfinished=0
	: >"$work/$n.bad"
	for l in "$trace"/vg.*.log; do
		[ -f "$l" ] || continue
		if ! grep -q "ERROR SUMMARY:" "$l"; then
			# A child that exec'd a program, or a run that was killed.
			ppid=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\).*/\1/p' "$l")
			if [ -n "$ppid" ] && [ -f "$trace/vg.$ppid.log" ]; then
				forked=$((forked + 1))
			else
				unfinished=$((unfinished + 1))
				echo "# unfinished: $(sed -n 's/^==[0-9]*== Command: //p' "$l" | cut -c1-160)"
			fi
			continue
		fi
		runs=$((runs + 1))
		if grep -q "ERROR SUMMARY: 0 errors" "$l" &&
		   ! grep -q "definitely lost: [1-9]" "$l"; then
			continue
		fi
		bad=$((bad + 1))
		{
			echo "$l:"
			grep -v "^==[0-9]*== *$" "$l" | sed -n '/Command:/p; /Invalid\|uninitialised\|definitely lost\|Mismatched\|overlap\|Syscall param/,/^==[0-9]*== *$/p' | head -40
			grep "ERROR SUMMARY" "$l"
		} >>"$work/$n.bad"
	done
	if [ $runs -gt 0 ] && [ $bad -eq 0 ]; then
		t_ok "$t: $runs client runs, no memcheck error, nothing definitely lost ($forked forked children that exec'd, $unfinished unfinished)"
	elif [ $runs -eq 0 ] && [ $f -eq 0 ] && [ $k -gt 0 ] && [ $o -eq $k ]; then
		t_skip "$t under valgrind" "the test skipped: $(grep -o '# SKIP.*' "$work/$n.tap" | head -1)"
	elif [ $runs -eq 0 ]; then
		t_fail "$t: no client run finished under valgrind" "$(tail -5 "$work/$n.tap")"
	else
		t_fail "$t: $bad of $runs client runs with memcheck errors or leaks" \
			"$(head -120 "$work/$n.bad")"
	fi
done
t_done
