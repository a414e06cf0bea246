#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the libFuzzer harnesses: fuzz/build.sh SRCDIR BUILDDIR
#
# Every fuzz/fuzz-NAME.c of SRCDIR becomes BUILDDIR/fuzz/NAME, linked with
# the library modules below compiled straight from SRCDIR (not through
# libtool) with clang, libFuzzer, ASan and UBSan. BUILDDIR is a configured
# build directory (its config.h is used). Objects are rebuilt only when
# their source, a header or the flags changed.
#
# Environment: FUZZ_CC (default clang), FUZZ_CFLAGS (appended), FUZZ_JOBS
# (parallel compilers, default 2).
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 SRCDIR BUILDDIR" >&2
	exit 2
fi
SRCDIR=$(cd "$1" && pwd)
BUILDDIR=$(cd "$2" && pwd)
CC=${FUZZ_CC:-clang}
JOBS=${FUZZ_JOBS:-2}

die() { echo "fuzz/build.sh: $*" >&2; exit 1; }

command -v "$CC" >/dev/null 2>&1 ||
	die "$CC not found: the harnesses need clang with libFuzzer (Debian: apt-get install clang libclang-rt-dev)"
[ -f "$BUILDDIR/config.h" ] ||
	die "$BUILDDIR/config.h missing: run configure in $BUILDDIR first"
command -v pkg-config >/dev/null 2>&1 || die "pkg-config not found"
PKGS="openssl libxml-2.0 zlib"
PKG_CFLAGS=$(pkg-config --cflags $PKGS) ||
	die "pkg-config found no $PKGS (install their -dev packages)"
PKG_LIBS=$(pkg-config --libs $PKGS)

# The library's sources as Makefile.am lists them (libcore, with the
# OpenSSL backend), so that a module split or added there is picked up;
# the linker takes from the archive only what a harness uses.
LIB_SRCS=$(awk '
	/^libcore_la_SOURCES *=/ { take = 1 }
	/^if TLS_OPENSSL/ { tls = 1 }
	/^endif/ { tls = 0 }
	tls && /^libcore_la_SOURCES *\+=/ { take = 1 }
	take {
		for (i = 1; i <= NF; i++)
			if ($i ~ /\.c$/)
				print $i
		if ($NF != "\\")
			take = 0
	}' "$SRCDIR/Makefile.am")
[ -n "$LIB_SRCS" ] || die "no libcore_la_SOURCES in $SRCDIR/Makefile.am"
if grep -q '^#define HAVE_LIBPROXY 1' "$BUILDDIR/config.h"; then
	PKG_CFLAGS="$PKG_CFLAGS $(pkg-config --cflags libproxy-1.0)" ||
		die "config.h has libproxy, pkg-config does not"
	PKG_LIBS="$PKG_LIBS $(pkg-config --libs libproxy-1.0)"
fi

SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-g -O1 -std=gnu11 -fno-omit-frame-pointer -Wall -Wextra -Wformat=2
	-Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes
	-Wno-unused-parameter -Wno-missing-field-initializers -Wno-format-nonliteral
	${FUZZ_CFLAGS:-}"
CPPFLAGS="-DHAVE_CONFIG_H -I$BUILDDIR -I$SRCDIR $PKG_CFLAGS"
OUT=$BUILDDIR/fuzz
OBJ=$OUT/obj

mkdir -p "$OBJ"

# A fuzzer-instrumented library object must not be linked with libFuzzer's
# main twice, so the library is built with fuzzer-no-link.
LIB_SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"

# Probe once that clang can link a libFuzzer program.
if [ ! -f "$OBJ/.probe-ok" ]; then
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
		'{ (void)d; (void)n; return 0; }' >"$OBJ/probe.c"
	"$CC" $SAN "$OBJ/probe.c" -o "$OBJ/probe" >"$OBJ/probe.log" 2>&1 ||
		die "$CC cannot link with -fsanitize=fuzzer (Debian: apt-get install libclang-rt-dev); see $OBJ/probe.log"
	rm -f "$OBJ/probe" "$OBJ/probe.c"
	touch "$OBJ/.probe-ok"
fi

# Flags changed: start over.
flags="$CC $CFLAGS $CPPFLAGS $LIB_SAN $SAN $PKG_LIBS"
if [ ! -f "$OBJ/.flags" ] || [ "$(cat "$OBJ/.flags")" != "$flags" ]; then
	rm -f "$OBJ"/*.o "$OBJ"/*.a
	printf '%s' "$flags" >"$OBJ/.flags"
fi

# stale OBJ SRC: 0 when OBJ must be rebuilt from SRC (or any header).
stale() {
	[ -f "$1" ] || return 0
	[ "$2" -nt "$1" ] && return 0
	[ "$BUILDDIR/config.h" -nt "$1" ] && return 0
	[ -n "$(find "$SRCDIR" "$SRCDIR/fuzz" -maxdepth 1 -name '*.h' \
		-newer "$1" 2>/dev/null | head -n 1)" ]
}

# compile SRC OBJ SANFLAGS...: in the background, at most JOBS at once.
running=0
failed=0
compile() {
	src=$1 obj=$2
	shift 2
	echo "  CC      ${src#$SRCDIR/}"
	( "$CC" $CFLAGS $CPPFLAGS "$@" -c "$src" -o "$obj.tmp" &&
		mv "$obj.tmp" "$obj" ) || echo "$src" >>"$OBJ/.failed" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
}

rm -f "$OBJ/.failed"
lib_changed=0
lib_objs=
for s in $LIB_SRCS; do
	o=$OBJ/lib-${s%.c}.o
	lib_objs="$lib_objs $o"
	if stale "$o" "$SRCDIR/$s"; then
		compile "$SRCDIR/$s" "$o" $LIB_SAN
		lib_changed=1
	fi
done
harnesses=
for h in "$SRCDIR"/fuzz/fuzz-*.c; do
	[ -f "$h" ] || continue
	name=${h##*/fuzz-}
	name=${name%.c}
	harnesses="$harnesses $name"
	o=$OBJ/fuzz-$name.o
	stale "$o" "$h" && compile "$h" "$o" $SAN
done
wait
[ ! -f "$OBJ/.failed" ] || die "compilation failed: $(tr '\n' ' ' <"$OBJ/.failed")"
[ -n "$harnesses" ] || die "no harness in $SRCDIR/fuzz"

lib=$OBJ/libfuzzcore.a
if [ "$lib_changed" = 1 ] || [ ! -f "$lib" ]; then
	rm -f "$lib"
	ar rcs "$lib" $lib_objs || die "ar failed"
fi

for name in $harnesses; do
	o=$OBJ/fuzz-$name.o
	bin=$OUT/$name
	if [ ! -x "$bin" ] || [ "$o" -nt "$bin" ] || [ "$lib" -nt "$bin" ]; then
		echo "  CCLD    fuzz/$name"
		"$CC" $SAN "$o" "$lib" $PKG_LIBS -o "$bin.tmp" ||
			die "linking $name failed"
		mv "$bin.tmp" "$bin"
	fi
done
echo "fuzz/build.sh: harnesses in $OUT:$harnesses"
