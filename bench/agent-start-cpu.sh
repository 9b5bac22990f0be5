#!/bin/bash
# bench/agent-start-cpu.sh STAGE N [java flags]: the agent's CPU (utime+stime) from exec to its READY log line, N runs,
# with the classes loaded and how many came from the CDS archive. STAGE: packaging/deb/target/stage.
stage=$1; n=$2; shift 2
tck=$(getconf CLK_TCK)
for i in $(seq $n); do
  w=$(mktemp -d)
  "$stage/runtime/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx80m -Xms20m -XX:ActiveProcessorCount=1 -Xss256k \
    -Djava.library.path="$stage/native" -Djffi.boot.library.path="$stage/native" -Xlog:class+load=info:file=$w/cl.txt "$@" \
    -jar "$stage/servd.jar" --listen=127.0.0.1:0 --config=$w/none.conf > $w/log 2>&1 &
  pid=$!
  for _ in $(seq 600); do grep -q 'ready: serving' $w/log && break; sleep 0.02; done
  read -r -a st < /proc/$pid/stat
  cpu=$(( (st[13] + st[14]) * 1000 / tck ))
  kill -TERM $pid; wait $pid 2>/dev/null
  echo "run=$i cpu_ms=$cpu classes=$(grep -c 'class,load' $w/cl.txt) shared=$(grep -c 'shared objects' $w/cl.txt)"
  [ $i = $n ] && cp $w/cl.txt /tmp/startcpu-last-cl.txt
  rm -rf $w
done
