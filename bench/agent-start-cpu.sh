#!/bin/bash
# bench/agent-start-cpu.sh STAGE N [java flags]: the agent's CPU (utime+stime) from exec to its READY log line, N runs,
# with the classes loaded and how many came from the CDS archive (or JDK 24+ AOT cache). STAGE: packaging/deb/target/stage.
# Also per run: wall_ms, exec -> the READY line's own timestamp (the log's UTC milliseconds, so not bound to the 20 ms
# polling below); rss_kb/anon_kb/file_kb, VmRSS/RssAnon/RssFile from /proc/PID/status RSS_AFTER seconds after READY
# was seen (default 1; RSS_AFTER=0 skips the wait and reports them as -). The fields before wall_ms are unchanged.
# The last run's class-load log is kept as $LAST_CL (default /tmp/startcpu-last-cl.txt); temp dirs follow $TMPDIR.
stage=$1; n=$2; shift 2
tck=$(getconf CLK_TCK)
rss_after=${RSS_AFTER:-1}
for i in $(seq $n); do
  w=$(mktemp -d)
  t0=$(date +%s%3N)
  "$stage/runtime/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx80m -Xms20m -XX:ActiveProcessorCount=1 -Xss256k \
    -Djava.library.path="$stage/native" -Djffi.boot.library.path="$stage/native" -Xlog:class+load=info:file=$w/cl.txt "$@" \
    -jar "$stage/servd.jar" --listen=127.0.0.1:0 --config=$w/none.conf > $w/log 2>&1 &
  pid=$!
  for _ in $(seq 600); do grep -qs 'ready: serving' $w/log && break; sleep 0.02; done
  read -r -a st < /proc/$pid/stat
  cpu=$(( (st[13] + st[14]) * 1000 / tck ))
  # "2026-12-04T01:12:10.293Z INFO  [main] io.servd.daemon.lifecycle.Lifecycle - ready: serving on ..."
  ready_at=$(sed -n 's/^\([0-9T:.-]*Z\) .*ready: serving.*/\1/p' $w/log | head -1)
  wall=-; [ -n "$ready_at" ] && wall=$(( $(date -d "$ready_at" +%s%3N) - t0 ))
  rss=- anon=- file=-
  if [ "$rss_after" != 0 ]; then
    sleep "$rss_after"
    rss=$(awk '/^VmRSS:/ {print $2}' /proc/$pid/status)
    anon=$(awk '/^RssAnon:/ {print $2}' /proc/$pid/status)
    file=$(awk '/^RssFile:/ {print $2}' /proc/$pid/status)
  fi
  kill -TERM $pid; wait $pid 2>/dev/null
  echo "run=$i cpu_ms=$cpu classes=$(grep -c 'class,load' $w/cl.txt) shared=$(grep -c 'shared objects' $w/cl.txt) wall_ms=$wall rss_kb=$rss anon_kb=$anon file_kb=$file"
  [ $i = $n ] && cp $w/cl.txt "${LAST_CL:-/tmp/startcpu-last-cl.txt}"
  rm -rf $w
done
