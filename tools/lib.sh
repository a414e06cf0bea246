# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by tools/test and tools/demo: install what is missing, bootstrap,
# configure and build in ./build. Quiet unless something goes wrong.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$top/build"
configure_flags=()

# --sanitize: a separate build with AddressSanitizer and UBSan.
use_sanitizers() {
	build="$top/build-sanitize"
	configure_flags=(CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer"
			 LDFLAGS="-fsanitize=address,undefined")
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
}

# --gnutls: a separate build with the GnuTLS backend.
use_gnutls() {
	build="$top/build-gnutls"
	configure_flags=(--with-gnutls)
}

# Debian packages the build, the tests and the demo need.
deb_packages=(
	autoconf automake libtool pkg-config make gcc
	libssl-dev libxml2-dev zlib1g-dev libcmocka-dev libproxy-dev
	openssl vpnc-scripts iproute2 procps iputils-ping iperf3 openconnect
	tcpdump python3-cryptography clang libclang-rt-14-dev valgrind
	libgnutls28-dev nettle-dev
)

die() { echo "$*" >&2; exit 1; }

install_deps() {
	local missing=() p
	for p in "${deb_packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (run as root, or install them): ${missing[*]}"
	echo "Installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install failed: ${missing[*]}"
}

# Runs a step, showing its output only when it fails.
quietly() {
	local log
	log=$(mktemp)
	if ! "$@" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "failed: $*"
	fi
	rm -f "$log"
}

build_all() {
	cd "$top"
	if [ ! -x configure ] || [ configure.ac -nt configure ] ||
	   [ Makefile.am -nt Makefile.in ]; then
		quietly ./autogen.sh
	fi
	mkdir -p "$build"
	cd "$build"
	if [ ! -f Makefile ] || [ "$top/configure" -nt config.status ]; then
		quietly "$top/configure" -q "${configure_flags[@]}"
	fi
	quietly make -j"$(nproc)"
}
