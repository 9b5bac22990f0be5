J="/mnt/share/runtime/bin/java -Xshare:auto -XX:TieredStopAtLevel=1 -cp /mnt/share/probe:/mnt/share/servd-classes:/mnt/share/lib/*"
$J DbusProbe nosuch.service MemoryMax=1G 2>&1 | grep -v "WARN\|INFO"
setpriv --reuid=nobody --regid=nogroup --clear-groups $J DbusProbe demo.service MemoryMax=1G 2>&1 | grep -v "WARN\|INFO"
systemctl show -p MemoryMax demo.service
