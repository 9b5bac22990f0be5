#!/bin/bash
# Builds the servd .deb of this source tree at an OLDER version, for the upgrade test
# (integration-tests: PackageLifecycleIT installs it, then the current .deb over it).
# Run by exec-maven-plugin in integration-tests' pre-integration-test phase; by hand:
#   packaging/deb/src/build/build-previous.sh /work/main 0.0.9 /tmp/out
#
# The source is the last commit (REF, default HEAD: `git archive`), so the upgrade goes from what
# was committed to what is being built, and edits in progress in the working tree cannot break the
# older build. Outside a git checkout (a source tarball) the tree itself is copied, without target/
# directories and the VM image cache. Either way the normal build's target/ directories, and
# anyone else building in this tree, are left alone. Offline
# (-o): everything it needs is already in the local repository after the normal build. Skipped
# when OUT_DIR already holds the .deb (a second `mvn verify` without clean costs nothing).
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: [MVN=mvn] [REF=HEAD] [MAVEN_REPO_LOCAL=DIR] [SKIP_IF_EXISTS=FILE] $0 SOURCE_ROOT VERSION OUT_DIR" >&2
  exit 2
fi
src=$1 version=$2 out=$3
mvn=${MVN:-mvn}
ref=${REF:-HEAD}
deb="servd_${version}_amd64.deb"

fail() { echo "[build-previous] ERROR: $*" >&2; exit 1; }

if [ -n "${SKIP_IF_EXISTS:-}" ] && [ -e "$SKIP_IF_EXISTS" ]; then
  echo "[build-previous] skipped: [$SKIP_IF_EXISTS] exists ($(head -c 200 "$SKIP_IF_EXISTS"))"
  exit 0
fi
if [ -f "$out/$deb" ]; then
  echo "[build-previous] reusing [$out/$deb]"
  exit 0
fi
[ -f "$src/pom.xml" ] || fail "no pom.xml in [$src]"

work="$out/previous-src"
rm -rf "$work"
mkdir -p "$work"
if git -C "$src" rev-parse --verify --quiet "$ref^{commit}" >/dev/null 2>&1; then
  echo "[build-previous] source: [$ref] = $(git -C "$src" rev-parse --short "$ref") of [$src]"
  git -C "$src" archive --format=tar "$ref" | tar -C "$work" -xf - || fail "cannot export [$ref] of [$src]"
else
  echo "[build-previous] source: the tree [$src] (not a git checkout)"
  # Everything but build output and the cached VM image (GBs).
  tar -C "$src" \
      --exclude=./.git --exclude='*/target' --exclude=./target --exclude='./integration-tests/vm/cache' \
      --exclude='.flattened-pom.xml' \
      -cf - . | tar -C "$work" -xf - || fail "cannot copy [$src] to [$work]"
fi

echo "[build-previous] building [$deb] in [$work]"
log="$out/build-previous.log"
# Tests were run by the normal build; -Denforcer.skip is not used: the same rules must hold.
if ! (cd "$work" && "$mvn" -o -B -q ${MAVEN_REPO_LOCAL:+-Dmaven.repo.local="$MAVEN_REPO_LOCAL"} \
        -pl packaging/deb -am package -DskipTests -Drevision="$version") >"$log" 2>&1; then
  tail -50 "$log" >&2
  fail "the build of version [$version] failed; full log in [$log]"
fi
install -m 0644 "$work/packaging/deb/target/$deb" "$out/$deb"
rm -rf "$work"
echo "[build-previous] built [$out/$deb]"
