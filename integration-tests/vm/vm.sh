#!/usr/bin/env bash
# Entry point for the test-bed VM (DESIGN §7). See README.md here, or `vm.sh --help`.
#   vm.sh start | exec CMD... | capture GUEST_DIR HOST_DIR [NAME...] | stop | status | port
# `start` installs missing host packages and builds (or reuses) the cached image first.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PYTHONDONTWRITEBYTECODE=1
export SERVD_VM_STATE=${SERVD_VM_STATE:-$here/../target/vm}
python=/usr/bin/python3
[[ -x $python ]] || python=$(command -v python3 || true)

if [[ ${1:-} == start && -z ${SERVD_VM_IMAGE:-} ]]; then
  if [[ -z $python ]] || ! command -v qemu-system-x86_64 >/dev/null; then
    "$here/prereqs.sh" >&2
    python=/usr/bin/python3
  fi
  SERVD_VM_IMAGE=$("$here/build-image.sh")
  export SERVD_VM_IMAGE
fi
[[ -n $python ]] || { echo "vm.sh: python3 not found; run $here/prereqs.sh" >&2; exit 3; }
exec "$python" "$here/vm.py" "$@"
