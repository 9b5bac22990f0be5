#!/bin/bash
# Checks issue 7 item 6: two builds of one commit, in two different directories, give byte-identical
# module jars and .deb. Exports REF (default HEAD) twice with `git archive`, builds each copy with
# `mvn -o package -DskipTests` (offline: run the normal build once first), and compares the sha256
# of every jar under */target and of the .deb. Prints both lists' digests; exit 0 when equal,
# 1 with a diff otherwise. Nothing outside a fresh temporary directory is written.
#   packaging/deb/src/build/check-reproducible.sh [SOURCE_ROOT]
set -euo pipefail

src=${1:-$(git rev-parse --show-toplevel)}
ref=${REF:-HEAD}
mvn=${MVN:-mvn}
work=$(mktemp -d /tmp/servd-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT

for side in a b; do
  # Different depths, so that no absolute path can hide in the output unnoticed.
  dir="$work/$side"; [ "$side" = b ] && dir="$work/b/deeper/tree"
  mkdir -p "$dir"
  git -C "$src" archive --format=tar "$ref" | tar -C "$dir" -xf -
  echo "[repro] building $(git -C "$src" rev-parse --short "$ref") in [$dir]" >&2
  start=$SECONDS
  if ! (cd "$dir" && "$mvn" -o -B -q package -DskipTests) >"$work/$side.log" 2>&1; then
    tail -40 "$work/$side.log" >&2
    echo "[repro] build in [$dir] failed" >&2
    exit 1
  fi
  echo "[repro] built in $((SECONDS - start)) s" >&2
  (cd "$dir" && find . -path '*/target/*' \( -name '*.jar' -o -name '*.deb' \) -not -path '*/stage/*' \
       -not -path '*/previous-src/*' -print0 | sort -z | xargs -0 sha256sum) >"$work/$side.sha256"
done

if diff -u "$work/a.sha256" "$work/b.sha256" >&2; then
  echo "[repro] identical: $(wc -l <"$work/a.sha256") files" >&2
  grep -E '\.deb$|/servd\.jar$' "$work/a.sha256"
  exit 0
fi
echo "[repro] the two builds differ (above)" >&2
exit 1
