#!/usr/bin/env bash
# Maven's pre-integration-test step: host packages, then the cached images, one per suite the ITs
# boot (bookworm: systemd 252, trixie: systemd 257; one after the other, as the VMs are booted).
#   prepare.sh MARKER_FILE
# When the test bed cannot be had on this machine (not root, no apt-get, packages not installable),
# CI=true fails the build; otherwise MARKER_FILE records why, and the ITs skip with that message.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
marker=${1:?usage: prepare.sh MARKER_FILE}
mkdir -p "$(dirname "$marker")"
rm -f "$marker"

unavailable() {
  if [[ ${CI:-} == true ]]; then
    echo "prepare: CI=true and the VM test bed is unavailable: $1" >&2
    exit 1
  fi
  echo "prepare: WARNING: VM integration tests will be SKIPPED: $1" >&2
  echo "$1" >"$marker"
  exit 0
}

rc=0
timeout 1800 "$here/prereqs.sh" || rc=$?
((rc == 0)) || unavailable "host prerequisites missing and not installable here (prereqs.sh exit $rc; see the lines above)"

for suite in bookworm trixie; do
  rc=0
  image=$(SERVD_VM_SUITE=$suite timeout 2400 "$here/build-image.sh") || rc=$?
  ((rc != 3)) || unavailable "the $suite image is not cached and building it needs root (build-image.sh exit 3)"
  ((rc == 0)) || { echo "prepare: build-image.sh failed for [$suite] (exit $rc)" >&2; exit "$rc"; }
  echo "prepare: $suite image ready [$image]"
done
