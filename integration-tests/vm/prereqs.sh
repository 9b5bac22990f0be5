#!/usr/bin/env bash
# Installs the host packages the VM test bed needs (DESIGN §7), if any are missing.
# Exit codes: 0 ready; 3 missing and not installable here (not root / no apt-get); other: failure.
set -euo pipefail

# command -> Debian package that provides it
declare -A NEED=(
  [qemu-system-x86_64]=qemu-system-x86
  [qemu-img]=qemu-utils
  [debootstrap]=debootstrap
  [mkfs.ext4]=e2fsprogs
  [python3]=python3
)
# debootstrap verifies the Release file against this keyring.
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

missing=()
for cmd in "${!NEED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 \
    || missing+=("${NEED[$cmd]}")
done
[[ -f $KEYRING ]] || missing+=(debian-archive-keyring)
# qemu's default firmware / option ROMs are needed even with -kernel.
[[ -f /usr/share/qemu/bios-256k.bin || -f /usr/share/seabios/bios-256k.bin ]] || missing+=(qemu-system-x86)

if ((${#missing[@]} == 0)); then
  echo "prereqs: all host packages present"
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [[ $(id -u) -ne 0 ]]; then
  echo "prereqs: missing host packages [${missing[*]}] and not running as root;" \
       "install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 3
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "prereqs: missing host packages [${missing[*]}] and no apt-get on this machine" >&2
  exit 3
fi

echo "prereqs: installing [${missing[*]}]"
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -q
timeout 1200 apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "prereqs: done"
