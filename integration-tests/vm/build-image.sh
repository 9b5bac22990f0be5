#!/usr/bin/env bash
# Builds a cached Debian test-bed image of DESIGN §7, unless it is already cached: bookworm
# (systemd 252, kernel 6.1) by default, or trixie (systemd 257, kernel 6.12).
#
#   build-image.sh            prints the image directory (rootfs.img, vmlinuz, initrd.img) on stdout
#
# The cache key is a hash of this script and the suite, so any change to the recipe below builds
# new images; the directory is <suite>-<key>. Env: SERVD_VM_CACHE (default: <this dir>/cache),
# SERVD_VM_MIRROR (default: read from the host's apt sources), SERVD_VM_SUITE (default: bookworm).
set -euo pipefail
export LC_ALL=C PATH="$PATH:/usr/sbin:/sbin"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
suite=${SERVD_VM_SUITE:-bookworm}
cache=${SERVD_VM_CACHE:-$here/cache}
key=$( { cat "${BASH_SOURCE[0]}"; echo "suite=$suite"; } | sha256sum | cut -c1-16)
image_dir=$cache/$suite-$key

log() { echo "build-image: $*" >&2; }

if [[ -f $image_dir/rootfs.img && -f $image_dir/vmlinuz && -f $image_dir/initrd.img ]]; then
  log "cached image [$image_dir]"
  echo "$image_dir"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  log "building the image needs root (debootstrap, chroot); run as root or populate [$cache]"
  exit 3
fi

# --- mirror: the host's own apt sources, deb822 (*.sources) or one-line (*.list) format --------
# Picks the first enabled "deb" entry whose suites include $1 exactly and whose URI is http(s)
# or file (what debootstrap fetches from).
host_mirror() {
  local f suite=$1
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " "))
          { n = split(uris, u, " "); for (i = 1; i <= n; i++) if (u[i] ~ /^(https?|file):/) { print u[i]; exit } }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[^ \t]/ { key = tolower($1); sub(/:$/, "", key); $1 = ""; val = $0; sub(/^[ \t]+/, "", val)
                  if (key == "types") types = val; else if (key == "uris") uris = val
                  else if (key == "suites") suites = val; else if (key == "enabled") enabled = tolower(val)
                  next }
      { if (key == "uris") uris = uris " " $0; else if (key == "suites") suites = suites " " $0 }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v suite="$suite" '
      /^[ \t]*deb[ \t]/ {
        sub(/#.*/, ""); line = $0; gsub(/\[[^]]*\]/, "", line); n = split(line, w, /[ \t]+/)
        i = (w[1] == "") ? 2 : 1
        if (w[i] == "deb" && w[i+2] == suite && w[i+1] ~ /^(https?|file):/) { print w[i+1]; exit }
      }' "$f"
  done
}
# A bookworm host names only its own suites (bookworm, bookworm-updates, bookworm-security), but
# the archive that serves its release serves every other release too: for a suite the sources do
# not name (trixie on a bookworm host), take the mirror of the host's own release.
host_release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
mirror=${SERVD_VM_MIRROR:-$(host_mirror "$suite" | head -n1)}
if [[ -z $mirror && -n $host_release && $host_release != "$suite" ]]; then
  mirror=$(host_mirror "$host_release" | head -n1)
  [[ -z $mirror ]] || log "no apt source names suite [$suite]; using the mirror of the host's [$host_release]"
fi
if [[ -z $mirror ]]; then
  log "no apt source for suite [$suite] (nor the host's [$host_release]) in /etc/apt/sources.list{,.d/*.list,.d/*.sources}; set SERVD_VM_MIRROR"
  exit 1
fi
log "building image [$image_dir] from mirror [$mirror] suite [$suite]"

mkdir -p "$cache"
exec 9>"$cache/.build.lock"
timeout 1800 flock 9 || { log "timed out waiting for another build ([$cache/.build.lock])"; exit 1; }
if [[ -f $image_dir/rootfs.img ]]; then   # another process built it while we waited
  echo "$image_dir"; exit 0
fi

work=$(mktemp -d "$cache/.tmp-$key-XXXXXX")
root=$work/root
cleanup() {
  local m
  for m in "$root/proc" "$root/sys" "$root/dev/pts" "$root/dev"; do
    mountpoint -q "$m" 2>/dev/null && umount -l "$m" || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS

# --- 1. root file system ---------------------------------------------------------------------
packages=systemd,systemd-sysv,dbus,udev,linux-image-amd64,initramfs-tools,iproute2,procps,kmod,qemu-guest-agent,curl,polkitd,libpam-systemd
timeout 1800 debootstrap --variant=minbase --components=main --include="$packages" \
  "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { log "debootstrap failed; last lines of its log:"; tail -n 30 "$work/debootstrap.log" >&2
       [[ -f $root/debootstrap/debootstrap.log ]] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2; exit 1; }
log "debootstrap done in $((SECONDS - started)) s"

# --- 2. guest configuration (every file here is part of the recipe, hence of the cache key) ---
echo servd-vm >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 servd-vm\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
# A fixed machine id: a read-only base booted many times must not be a "first boot" (which would
# run preset-all and the firstboot units each time).
echo "$key$key" >"$root/etc/machine-id"
# Whole-disk ext4 on /dev/vda; no fsck pass (the image is pristine, the overlay is thrown away).
echo '/dev/vda / ext4 rw,noatime 0 0' >"$root/etc/fstab"
# Read-only 9p share for host → guest files, mounted on first access (udev loads 9pnet_virtio first).
echo 'share /mnt/share 9p trans=virtio,version=9p2000.L,ro,msize=524288,nofail,x-systemd.automount,x-systemd.mount-timeout=30 0 0' >>"$root/etc/fstab"
mkdir -p "$root/mnt/share"

# No network beyond qemu's user-mode net with restrict=on: a static address, no default route, no
# DNS. Replaces systemd-networkd, which cost ~12 s of boot under TCG. net.ifnames=0 names it eth0.
cat >"$root/etc/systemd/system/static-net.service" <<'UNIT'
[Unit]
Description=Static address for the qemu user-mode network (no route, no DNS)
BindsTo=sys-subsystem-net-devices-eth0.device
After=sys-subsystem-net-devices-eth0.device
Before=network.target
Wants=network.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/sbin/ip link set lo up
ExecStart=/sbin/ip addr replace 10.0.2.15/24 dev eth0
ExecStart=/sbin/ip link set eth0 up

[Install]
WantedBy=sys-subsystem-net-devices-eth0.device
UNIT
mkdir -p "$root/etc/systemd/system/sys-subsystem-net-devices-eth0.device.wants"
ln -sf ../static-net.service "$root/etc/systemd/system/sys-subsystem-net-devices-eth0.device.wants/static-net.service"
: >"$root/etc/resolv.conf"

# qemu's hostfwd connects to the guest's eth0 address, but servd's default listens on
# 127.0.0.1:9470. Bridge 10.0.2.15:9470 → 127.0.0.1:9470 with systemd's own socket proxy, so the
# host reaches the default configuration unchanged. Stop loopback-bridge.socket to bind 9470 on
# all addresses inside the guest.
cat >"$root/etc/systemd/system/loopback-bridge.socket" <<'UNIT'
[Unit]
Description=Bridge from the hostfwd address to 127.0.0.1:9470

[Socket]
ListenStream=10.0.2.15:9470
FreeBind=yes

[Install]
WantedBy=sockets.target
UNIT
cat >"$root/etc/systemd/system/loopback-bridge.service" <<'UNIT'
[Unit]
Description=Bridge from the hostfwd address to 127.0.0.1:9470
Requires=loopback-bridge.socket
After=loopback-bridge.socket

[Service]
ExecStart=/lib/systemd/systemd-socket-proxyd 127.0.0.1:9470
DynamicUser=yes
PrivateNetwork=no
UNIT
mkdir -p "$root/etc/systemd/system/sockets.target.wants"
ln -sf ../loopback-bridge.socket "$root/etc/systemd/system/sockets.target.wants/loopback-bridge.socket"

# Volatile journal: nothing to flush to disk, nothing kept across the throw-away overlays.
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=64M\n' >"$root/etc/systemd/journald.conf.d/volatile.conf"

# Timers and services that only cost boot time in a throw-away VM.
for unit in apt-daily.timer apt-daily-upgrade.timer apt-daily.service apt-daily-upgrade.service \
            fstrim.timer fstrim.service e2scrub_all.timer e2scrub_all.service e2scrub_reap.service \
            man-db.timer systemd-networkd.service systemd-networkd-wait-online.service \
            systemd-timesyncd.service getty@tty1.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$unit"
done

# Drivers for hardware qemu -nodefaults does not emulate (or we do not need).
cat >"$root/etc/modprobe.d/servd-vm-blacklist.conf" <<'CONF'
blacklist floppy
blacklist pcspkr
blacklist parport_pc
blacklist ppdev
blacklist i2c_piix4
blacklist bochs
blacklist drm_kms_helper
blacklist snd_pcsp
blacklist joydev
blacklist psmouse
blacklist serio_raw
blacklist intel_rapl_msr
blacklist intel_rapl_common
blacklist sg
blacklist sr_mod
blacklist ata_piix
blacklist ata_generic
CONF

# Small initrd: only what mounting an ext4 /dev/vda needs.
cat >"$root/etc/initramfs-tools/conf.d/servd-vm.conf" <<'CONF'
MODULES=list
RESUME=none
COMPRESS=gzip
CONF
printf '%s\n' virtio_pci virtio_blk crc32c_generic ext4 >>"$root/etc/initramfs-tools/modules"

# Plain apt sources in the guest (it has no network; this only documents where it came from).
echo "deb $mirror $suite main" >"$root/etc/apt/sources.list"

mount -t proc proc "$root/proc"
timeout 600 chroot "$root" update-initramfs -u -k all >"$work/initramfs.log" 2>&1 \
  || { log "update-initramfs failed:"; tail -n 30 "$work/initramfs.log" >&2; exit 1; }
umount "$root/proc"

# Drop downloaded packages and indexes: the guest never runs apt.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log

# /etc and /var are as new as /usr: without these stamps (systemd-update-done writes them, but
# into the throw-away overlay) every boot of the pristine image runs the ConditionNeedsUpdate=
# units: ldconfig, systemd-sysusers, the journal catalog update (7 s and more under TCG).
for d in etc var; do
  printf 'TIMESTAMP_NSEC=%s\n' "$(stat -c %.9Y "$root/usr" | tr -d .)" >"$root/$d/.updated"
  touch -r "$root/usr" "$root/$d/.updated"
done

# --- 3. kernel, initrd and a read-only raw ext4 image ------------------------------------------
out=$work/out
mkdir -p "$out"
cp "$(ls -1 "$root"/boot/vmlinuz-* | sort -V | tail -n1)" "$out/vmlinuz"
cp "$(ls -1 "$root"/boot/initrd.img-* | sort -V | tail -n1)" "$out/initrd.img"
used_mib=$(du -sm "$root" | cut -f1)
size_mib=$(( (used_mib + 1024) / 256 * 256 + 256 ))   # room for the .deb and its runtime
# (stdout is the image directory alone: mkfs.ext4 says "Creating regular file" even with -q)
timeout 600 mkfs.ext4 -q -F -L servd-root -d "$root" "$out/rootfs.img" "${size_mib}M" >&2
chmod 0444 "$out/rootfs.img" "$out/vmlinuz" "$out/initrd.img"
{ echo "suite=$suite"; echo "mirror=$mirror"; echo "key=$key"; echo "used_mib=$used_mib"
  echo "size_mib=$size_mib"; echo "built=$(date -u +%FT%TZ)"; echo "build_seconds=$((SECONDS - started))"
  ls "$root"/lib/modules; } >"$out/BUILD-INFO"

# Atomic publish: the directory appears complete or not at all.
mv -T "$out" "$image_dir"
log "built [$image_dir] in $((SECONDS - started)) s (root fs ${used_mib} MiB, image ${size_mib} MiB sparse)"
echo "$image_dir"
