#!/bin/sh
# Runs in the guest: for each "Directive=value [Directive=value]" case, a fresh transient unit,
# systemctl set-property, then the cgroup files and drop-ins systemd wrote.
n=0
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue;; esac
  n=$((n+1)); u="oracle$n"
  systemd-run --quiet --unit="$u" -p CPUAccounting=yes -p MemoryAccounting=yes -p TasksAccounting=yes sleep 3600 </dev/null >/dev/null 2>&1
  # shellcheck disable=SC2086
  out=$(eval systemctl set-property "$u.service" $line </dev/null 2>&1); rc=$?
  echo "=== case $line"
  echo "rc $rc $out"
  d=/sys/fs/cgroup/system.slice/$u.service
  for f in cpu.max cpu.weight cpu.idle memory.min memory.low memory.high memory.max memory.swap.max pids.max; do
    [ -r "$d/$f" ] && echo "file $f=$(cat "$d/$f")"
  done
  for c in /run/systemd/transient/$u.service.d/*.conf; do
    [ -e "$c" ] || continue
    echo "dropin $(basename "$c") $(od -An -c "$c" | tr -s ' ' | tr -d '\n')"
    echo "dropinline $(basename "$c") $(grep -v '^#' "$c" | grep -v '^\[' | tr '\n' ' ')"
  done
  systemctl stop "$u.service" </dev/null >/dev/null 2>&1
done < /mnt/share/cases.txt
echo "=== host"
echo "uname $(uname -r)"
echo "systemd $(systemctl --version | head -1)"
grep MemTotal /proc/meminfo
echo "pagesize $(getconf PAGESIZE)"
echo "pid_max $(cat /proc/sys/kernel/pid_max)"
echo "threads_max $(cat /proc/sys/kernel/threads-max)"
echo "root_pids_max $(cat /sys/fs/cgroup/pids.max 2>/dev/null || echo absent)"
