#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bootstrap the build system from a git checkout.
set -e
cd "$(dirname "$0")"
autoreconf --install --force >/dev/null
