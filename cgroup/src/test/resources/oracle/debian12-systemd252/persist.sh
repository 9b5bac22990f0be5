#!/bin/sh
printf '[Unit]\nDescription=oracle\n[Service]\nExecStart=/bin/sleep 3600\n' > /etc/systemd/system/oracle-p.service
systemctl daemon-reload </dev/null
systemctl start oracle-p.service </dev/null
systemctl set-property oracle-p.service MemoryMax=1.5G CPUQuota=12.5% TasksMax=15% CPUWeight=idle MemoryHigh=50% </dev/null
systemctl set-property --runtime oracle-p.service MemoryLow= CPUQuotaPeriodSec=1s500ms </dev/null
for f in /etc/systemd/system.control/oracle-p.service.d/* /run/systemd/system.control/oracle-p.service.d/*; do
  echo "$f $(base64 -w0 "$f")"
done
for f in cpu.max cpu.weight cpu.idle memory.high memory.max memory.low pids.max; do
  echo "file $f=$(cat /sys/fs/cgroup/system.slice/oracle-p.service/$f)"
done
systemctl stop oracle-p.service </dev/null
