#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A HIP report program for the tests: records how it was called (minus
# the cookie's value) and prints a small report.
out=${OC_TEST_HIPDIR:-/tmp}/hip.args
{
	echo "uid=$(id -u)"
	echo "APP_VERSION=$APP_VERSION"
	while [ $# -gt 0 ]; do
		case $1 in
		--cookie) echo "--cookie (given)"; shift ;;
		*) echo "$1" ;;
		esac
		shift
	done
} >"$out"
cat <<'XML'
<hip-report name="hip-report"><md5-sum>x</md5-sum><user-name>alice</user-name><categories/></hip-report>
XML
