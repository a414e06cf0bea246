#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shared library exports every function of OpenConnect's public
# interface under OpenConnect's version node (docs/symbol-versions.txt), so
# programs built against OpenConnect's library load and run with ours.
. "$TOP_SRCDIR/tests/tap.sh"

lib=$(ls "$TOP_BUILDDIR"/.libs/libopenconnect.so.5.* 2>/dev/null | head -n 1)
if ! command -v objdump >/dev/null 2>&1 || [ -z "$lib" ]; then
	t_skip "exported symbols" "no objdump or no shared library"
	t_done
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP PIPE

# "NODE SYMBOL" of every defined, versioned function.
objdump -T "$lib" | awk '$4 == ".text" && $7 ~ /^openconnect_/ { print $6, $7 }' |
	sort >"$tmp/ours"
grep '^OPENCONNECT_' "$TOP_SRCDIR/docs/symbol-versions.txt" |
	grep -v '^OPENCONNECT_PRIVATE' | sort >"$tmp/theirs"

missing=$(comm -23 "$tmp/theirs" "$tmp/ours")
if [ -z "$missing" ]; then
	t_ok "all $(wc -l <"$tmp/theirs") public functions of OpenConnect, each under its node"
else
	t_fail "OpenConnect's public functions under their nodes" \
		"missing or in another node: $(echo "$missing" | tr '\n' ' ')"
fi
extra=$(comm -13 "$tmp/theirs" "$tmp/ours" | grep -v '^OPENCONNECT_PRIVATE ')
if [ -z "$extra" ]; then
	t_ok "no public function that OpenConnect does not have"
else
	t_fail "only OpenConnect's public functions" "extra: $(echo "$extra" | tr '\n' ' ')"
fi
t_done
