#!/bin/bash
# Writes the CycloneDX 1.5 SBOM shipped as /usr/share/doc/servd/sbom.cdx.json: every jar in the
# package (servd.jar, servctl.jar and /usr/share/servd/lib, with Maven coordinates, purl and the SHA-256 of the
# staged file) and the jlink'd Java runtime (its JDK release and module list).
#
# Why not cyclonedx-maven-plugin (2.9.3): its goals are declared requiresOnline, and Maven skips
# them in offline mode ("Goal makeBom requires online mode for execution but Maven is currently
# offline, skipping"), so `mvn -o` would ship no SBOM or a different one. This script reads the
# same facts offline from maven-dependency-plugin's `list` output and the stage.
#
# Deterministic: no serialNumber and no timestamp (both optional in CycloneDX; what a reproducible
# build cannot have), components in the sorted order of the list. Run by exec-maven-plugin in
# packaging/deb's prepare-package phase, after stage-runtime.sh.
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 DEPENDENCY_LIST STAGE_DIR VERSION OUT_FILE" >&2
  exit 2
fi
list=$1 stage=$2 version=$3 out=$4

fail() { echo "[stage-sbom] ERROR: $*" >&2; exit 1; }
[ -f "$list" ] || fail "no dependency list [$list] (maven-dependency-plugin list)"
[ -f "$stage/runtime/release" ] || fail "no [$stage/runtime/release]: run stage-runtime.sh first"

# JSON strings here are Maven coordinates, versions and module names: no quotes or backslashes.
# Refuse anything else instead of escaping it.
str() {
  case $1 in *[\"\\]*) fail "unexpected character in [$1]";; esac
  printf '"%s"' "$1"
}
sha256() { sha256sum "$1" | cut -d' ' -f1; }

root_ref="pkg:deb/debian/servd@${version}?arch=amd64"
refs=()
components=()

# maven-dependency-plugin list, one per line: "   group:artifact:type[:classifier]:version:scope -- module …"
while IFS= read -r line; do
  coords=${line%% -- *}
  coords=${coords## }; coords=${coords##* }
  IFS=: read -r -a f <<<"$coords"
  case ${#f[@]} in
    5) group=${f[0]} artifact=${f[1]} type=${f[2]} classifier= ver=${f[3]} ;;
    6) group=${f[0]} artifact=${f[1]} type=${f[2]} classifier=${f[3]} ver=${f[4]} ;;
    *) fail "unexpected line in [$list]: [$line]" ;;
  esac
  if [ "$group:$artifact" = "io.servd:servd-agent" ]; then
    file="$stage/servd.jar" installed=/usr/share/servd/servd.jar
  elif [ "$group:$artifact" = "io.servd:servd-servctl" ]; then
    file="$stage/servctl.jar" installed=/usr/share/servd/servctl.jar
  else
    name="$artifact-$ver${classifier:+-$classifier}.$type"
    file="$stage/lib/$name" installed="/usr/share/servd/lib/$name"
  fi
  [ -f "$file" ] || fail "[$coords] is in the dependency list but [$file] is not staged"
  purl="pkg:maven/$group/$artifact@$ver?${classifier:+classifier=$classifier&}type=$type"
  refs+=("$purl")
  components+=("$(printf '    {\n      "type": "library",\n      "bom-ref": %s,\n      "group": %s,\n      "name": %s,\n      "version": %s,\n      "purl": %s,\n      "hashes": [ { "alg": "SHA-256", "content": %s } ],\n      "properties": [ { "name": "servd:installed-path", "value": %s } ]\n    }' \
    "$(str "$purl")" "$(str "$group")" "$(str "$artifact")" "$(str "$ver")" "$(str "$purl")" \
    "$(str "$(sha256 "$file")")" "$(str "$installed")")")
done < <(grep -E '^ +[^ :]+:[^ :]+:' "$list")
[ ${#components[@]} -gt 0 ] || fail "no dependencies in [$list]"

# The runtime: jlink output of the build JDK; version and vendor as the runtime itself reports them
# (the release file jlink writes has only JAVA_VERSION and MODULES).
prop() { "$stage/runtime/bin/java" -XshowSettings:properties -version 2>&1 | sed -n "s/^ *$1 = //p"; }
jdk_version=$(prop java.runtime.version)
jdk_vendor=$(prop java.vendor)
[ -n "$jdk_version" ] || fail "cannot read java.runtime.version from [$stage/runtime/bin/java]"
modules=$(sed -n 's/^MODULES="\(.*\)"$/\1/p' "$stage/runtime/release")
runtime_ref="servd-runtime@$jdk_version"
refs+=("$runtime_ref")
components+=("$(printf '    {\n      "type": "platform",\n      "bom-ref": %s,\n      "name": "openjdk-runtime",\n      "version": %s,\n      "description": "Java runtime linked with jlink from the build JDK, at /usr/lib/servd/runtime",\n      "supplier": { "name": %s },\n      "licenses": [ { "expression": "GPL-2.0-only WITH Classpath-exception-2.0" } ],\n      "properties": [ { "name": "servd:jlink-modules", "value": %s }, { "name": "servd:installed-path", "value": "/usr/lib/servd/runtime" } ]\n    }' \
  "$(str "$runtime_ref")" "$(str "$jdk_version")" "$(str "$jdk_vendor")" "$(str "${modules// /,}")")")

join() { local sep=$1; shift; local first=1; for x in "$@"; do [ $first -eq 1 ] || printf '%s' "$sep"; printf '%s' "$x"; first=0; done; }
quoted=(); for r in "${refs[@]}"; do quoted+=("$(str "$r")"); done

mkdir -p "$(dirname "$out")"
{
  printf '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.5",\n  "version": 1,\n'
  printf '  "metadata": {\n    "component": {\n      "type": "application",\n      "bom-ref": %s,\n      "name": "servd",\n      "version": %s,\n      "purl": %s\n    }\n  },\n' \
    "$(str "$root_ref")" "$(str "$version")" "$(str "$root_ref")"
  printf '  "components": [\n'; join $',\n' "${components[@]}"; printf '\n  ],\n'
  printf '  "dependencies": [\n    { "ref": %s, "dependsOn": [ %s ] }\n  ]\n}\n' "$(str "$root_ref")" "$(join ', ' "${quoted[@]}")"
} > "$out"
echo "[stage-sbom] $((${#components[@]})) components in [$out]"
