#!/bin/sh
# Values as servd computes them (CPUQuota=20% -> "20000 100000"; MemoryMax=16M -> 16777216),
# written straight into transient units' cgroups, the way CgroupWriter does.
systemd-run --quiet --unit=burn -p CPUAccounting=yes sh -c 'while :; do :; done' </dev/null
systemd-run --quiet --unit=hog -p MemoryAccounting=yes sh -c 'x=0123456789; while :; do x="$x$x"; done' </dev/null
sleep 1
B=/sys/fs/cgroup/system.slice/burn.service; H=/sys/fs/cgroup/system.slice/hog.service
echo "hog before: $(grep oom_kill $H/memory.events 2>/dev/null | tr '\n' ' ')"
echo "20000 100000" > $B/cpu.max; echo "burn cpu.max=$(cat $B/cpu.max)"
echo 16777216 > $H/memory.max 2>/dev/null; echo "hog memory.max=$(cat $H/memory.max 2>/dev/null)"
sleep 1
u1=$(awk '/^usage_usec/{print $2}' $B/cpu.stat); t1=$(awk '/^nr_throttled/{print $2}' $B/cpu.stat); s1=$(date +%s%N)
sleep 5
u2=$(awk '/^usage_usec/{print $2}' $B/cpu.stat); t2=$(awk '/^nr_throttled/{print $2}' $B/cpu.stat); s2=$(date +%s%N)
echo "burn usage_usec $u1 -> $u2 over $(( (s2 - s1) / 1000 )) us; nr_throttled $t1 -> $t2"
echo "burn cpu% = $(( (u2 - u1) * 100000 / ((s2 - s1) / 1000) ))e-3"
echo "hog: $(systemctl show -p Result --value hog.service) events: $(journalctl -u hog.service --no-pager -o cat | grep -i -m1 oom)"
cat $H/memory.events 2>/dev/null || echo "hog cgroup gone (unit stopped after the OOM kill)"
systemctl stop burn.service hog.service </dev/null 2>/dev/null
