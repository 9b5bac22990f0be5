set -u
J="/mnt/share/runtime/bin/java -cp /mnt/share/probe:/mnt/share/servd-classes:/mnt/share/lib/*"
systemd-run --quiet --unit=demo sleep infinity
systemd-run --quiet --unit=demo2 sleep infinity
# same values: servd's dbus-java applier on demo, systemctl set-property on demo2
$J DbusProbe demo.service MemoryMax=64M CPUQuota=50% TasksMax=40% CPUWeight=idle MemoryHigh=50% 2>&1 | grep -v WARN
echo "systemctl rc=$(systemctl set-property demo2.service MemoryMax=64M CPUQuota=50% TasksMax=40% CPUWeight=idle MemoryHigh=50%; echo $?)"
for u in demo demo2; do
  echo "== $u"
  systemctl show -p MemoryMax -p MemoryHigh -p CPUQuotaPerSecUSec -p TasksMax -p CPUWeight $u.service
  cd /sys/fs/cgroup/system.slice/$u.service && for f in memory.max memory.high cpu.max pids.max cpu.idle cpu.weight; do echo "$f=$(cat $f)"; done
  ls /run/systemd/transient/$u.service.d/ /etc/systemd/system.control/$u.service.d/ 2>/dev/null
  cat /run/systemd/transient/$u.service.d/* 2>/dev/null | grep -v '^#'
done
# runtime + reset to infinity, and an unknown unit, and an invalid value systemd rejects
$J DbusProbe demo.service --runtime MemoryMax=infinity CPUQuota= 2>&1 | grep -v WARN
systemctl show -p MemoryMax -p CPUQuotaPerSecUSec demo.service; cat /sys/fs/cgroup/system.slice/demo.service/memory.max /sys/fs/cgroup/system.slice/demo.service/cpu.max
$J DbusProbe nosuch.service MemoryMax=1G 2>&1 | grep -v WARN
# as an unprivileged user (no polkit agent): refused
id nobody >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups $J DbusProbe demo.service MemoryMax=1G 2>&1 | grep -v WARN
systemctl show -p MemoryMax demo.service
