#!/bin/bash
# Stages the changelog and man page the way Debian ships them: version filled in, then
# `gzip -9n` (best compression, no name or timestamp in the header: lintian checks both, and the
# .deb stays reproducible). Run by exec-maven-plugin in the prepare-package phase of packaging/deb.
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 SRC_DIR VERSION MAINTAINER OUT_DIR" >&2
  exit 2
fi
src=$1 version=$2 maintainer=$3 out=$4

mkdir -p "$out"
fill() { sed -e "s|@VERSION@|$version|g" -e "s|@MAINTAINER@|$maintainer|g" "$1"; }
fill "$src/doc/changelog" | gzip -9n > "$out/changelog.gz"
fill "$src/man/servd.8" | gzip -9n > "$out/servd.8.gz"
fill "$src/man/servctl.1" | gzip -9n > "$out/servctl.1.gz"
fill "$src/man/servd-java.1" | gzip -9n > "$out/servd-java.1.gz"
