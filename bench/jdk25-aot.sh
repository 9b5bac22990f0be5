#!/bin/bash
# bench/jdk25-aot.sh STAGE [ROUNDS]: issue 14's lever "JDK 25 for the shipped runtime with an AOT cache, compact
# object headers; JDK 17 + AppCDS the fallback", measured on the agent from the staged .deb tree.
#   nice -n 19 mvn -B -q package -DskipTests -DskipITs -pl packaging/deb -am
#   nice -n 19 bench/jdk25-aot.sh packaging/deb/target/stage 7 | tee /tmp/jdk25-aot.txt
#   bench/jdk25-aot.sh --medians /tmp/jdk25-aot.txt
# Builds in $WORK (default /tmp/jdk25-aot; rebuilt on every run):
#   rt25/      a runtime linked by JDK 25's jlink ($JDK25, default Temurin 25; no jmods needed: JEP 493) with the
#              stage's module list and the options and stripping of packaging/deb/src/build/stage-runtime.sh
#   s17/ s25/  copies of STAGE, the second with runtime/ replaced by rt25/
#   archives where postinst puts servd.jsa (runtime/lib/server/):
#     s17 servd.jsa      -Xshare:dump from packaging/deb/src/deb/cds/servd.classlist, exactly as postinst
#     s25 servd.jsa      the same dump by the JDK 25 runtime, from the same class list
#     s25 servd.aot      JDK 25 one-step training (-XX:AOTCacheOutput, JEP 514): start to READY, a few requests
#                        on the API (the class list's start plus its first requests), SIGTERM; the JVM writes
#                        the cache at exit (it forks an assembly JVM for that)
#     s25 servd-coh.aot  the same with -XX:+UseCompactObjectHeaders (JEP 519; a cache holds one header layout)
#     s25 servd-ready.aot  trained on train-classlist.sh's workload alone: start to READY, SIGTERM, no request
#   each dump/training timed: wall, and user+sys CPU of the JVM and its children (the postinst cost)
# Then ROUNDS (default 7) interleaved rounds, the order rotated each round, one bench/agent-start-cpu.sh run
# (RSS 1 s after READY) per configuration:
#   a17-cds      JDK 17 runtime + servd.jsa                      (what the .deb ships)
#   b25-cds      JDK 25 runtime + servd.jsa from the same list
#   c25-aot      JDK 25 runtime + servd.aot
#   d25-aot-coh  JDK 25 runtime + compact object headers + servd-coh.aot
#   c25-aot-rdy  JDK 25 runtime + servd-ready.aot
#   a17-cds-rel, c25-aot-rel   a17/c25 at a random address (the JDK's default relocation; see RELOC)
#   n17, n25     either runtime without any archive (what each archive is worth)
# and `java -version` (wall and user+sys CPU, bash's time), the floor: both linked runtimes bare (v17-rt, v25-rt:
# jlink made no default CDS archive), with servd's archive (v17-rt-cds, v25-rt-aot: an AOT cache loads all of its
# classes at start, even for -version) and both full JDKs with their default CDS archive (v17-jdk, v25-jdk).
# All archive configurations get RELOC (default: -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0),
# which bin/servd-java adds under servd.service's MemoryMax=192M (L <= 256); the -rel pair shows what it changes.
# JDK 25 runs (training and measured) get J25_FLAGS (default --enable-native-access=ALL-UNNAMED
# --sun-misc-unsafe-memory-access=allow, DESIGN §8: without them jffi prints two warnings at every start).
# Then the greeter through bench/bench.py's start-up phase (section 5 below; GREETER=0 skips it).
# Loopback only; every process started is stopped by its own pid. Run it under nice -n 19 on a shared host.
# The committed run (results/2026-12-04-jdk25-aot.txt) used agent-start-cpu.sh of 0b2cc80: READY from the log line,
# rss_kb/anon_kb/file_kb 1 s after it. Since the NOTIFY_SOCKET harness (h-start), READY is the READY=1 datagram,
# rss_kb is at READY=1 and idle_rss_kb/idle_anon_kb/idle_file_kb are 1 s after it.
# bench/jdk25-aot.sh --medians FILE: the medians per configuration of a run's output FILE (cfg=/dump=/greeter lines).
set -euo pipefail

if [ "${1:-}" = --medians ] && [ $# = 2 ]; then
  exec python3 - "$2" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(greeter )?cfg=(\S+) round=\d+ (.*)", line.strip())
    if not m:
        continue
    key = ("greeter " if m.group(1) else "") + m.group(2)
    for k, v in re.findall(r"(\w+)=([\d.]+)", m.group(3)):
        rows.setdefault(key, {}).setdefault(k, []).append(float(v))
for key, fields in rows.items():
    n = max(len(v) for v in fields.values())
    cells = " ".join(f"{k}={statistics.median(v):.{1 if k.endswith('_ms') and 'greeter' in key else 0}f}"
                     for k, v in fields.items() if k != "load")
    print(f"median {key} n={n} {cells}")
PY
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 STAGE_DIR [ROUNDS] | $0 --medians FILE" >&2
  exit 2
fi
bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
stage=$(cd "$1" && pwd)
rounds=${2:-7}
work=${WORK:-/tmp/jdk25-aot}
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
jdk17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
classlist=${CLASSLIST:-$root/packaging/deb/src/deb/cds/servd.classlist}
read -r -a reloc <<<"${RELOC--XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0}"
read -r -a j25flags <<<"${J25_FLAGS---enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow}"
# The flags bench/agent-start-cpu.sh starts the agent with (servd.service's small tier), for the training runs.
run_flags=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx80m -Xms20m -XX:ActiveProcessorCount=1 -Xss256k)

fail() { echo "[jdk25-aot] ERROR: $*" >&2; exit 1; }
[ -x "$stage/runtime/bin/java" ] && [ -f "$stage/servd.jar" ] && [ -f "$stage/runtime-modules.txt" ] \
  || fail "[$stage] is not a staged .deb tree: build packaging/deb first"
[ -x "$jdk25/bin/jlink" ] || fail "no [$jdk25/bin/jlink]: set JDK25"
[ -r "$classlist" ] || fail "no class list [$classlist]"

pid=
trap '[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true' EXIT
rm -rf "$work"
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp

echo "# uptime before: $(uptime)"
echo "# host: $(nproc) cpus, $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo), $(uname -r), nice $(nice)"
echo "# stage: $stage ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "# jdk17 runtime: $("$stage/runtime/bin/java" -version 2>&1 | sed -n 2p)"
echo "# jdk25: $("$jdk25/bin/java" -version 2>&1 | sed -n 2p)"

# --- 1. The JDK 25 runtime: stage-runtime.sh's jlink line and clean-up, from the run-time image -------------------
modules=$(paste -sd, "$stage/runtime-modules.txt")
t0=$(date +%s%3N)
"$jdk25/bin/jlink" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$work/rt25" 2>&1 | sed 's/^/# jlink: /'
rm -rf "$work/rt25/legal" "$work/rt25/lib/jrt-fs.jar" "$work/rt25/lib/jexec"
while IFS= read -r -d '' so; do
  strip --remove-section=.comment --remove-section=.note --strip-unneeded "$so"
done < <(find "$work/rt25" -name '*.so' -type f -print0)
strip --remove-section=.comment --remove-section=.note "$work/rt25"/bin/* "$work/rt25/lib/jspawnhelper"
echo "# jlink 25: $(( $(date +%s%3N) - t0 )) ms; modules [$modules]"
echo "# runtime size: jdk17 $(du -sk "$stage/runtime" | cut -f1) kB, jdk25 $(du -sk "$work/rt25" | cut -f1) kB" \
     "(lib/modules $(stat -c %s "$stage/runtime/lib/modules") / $(stat -c %s "$work/rt25/lib/modules") bytes," \
     "libjvm.so $(stat -c %s "$stage/runtime/lib/server/libjvm.so") / $(stat -c %s "$work/rt25/lib/server/libjvm.so"))"

# --- 2. Two stages: the build's, and the same with the JDK 25 runtime ---------------------------------------------
cp -a "$stage" "$work/s17"
mkdir "$work/s25"
for f in "$stage"/*; do
  [ "$(basename "$f")" = runtime ] || cp -a "$f" "$work/s25/"
done
cp -a "$work/rt25" "$work/s25/runtime"
jsa17=$work/s17/runtime/lib/server/servd.jsa
jsa25=$work/s25/runtime/lib/server/servd.jsa
aot25=$work/s25/runtime/lib/server/servd.aot
aotcoh=$work/s25/runtime/lib/server/servd-coh.aot
aotrdy=$work/s25/runtime/lib/server/servd-ready.aot

# --- 3. Archives, timed as postinst would pay for them ------------------------------------------------------------
timed() {  # timed WHAT CMD...: run CMD (output to $work/WHAT.log), print wall ms and user+sys CPU ms
  # bash's time: the CPU of every child waited for, and of theirs (the AOT assembly JVM; curl's few ms too)
  local what=$1 TIMEFORMAT='%3R %3U %3S' rc=0 r u s
  shift
  { time "$@" >"$work/$what.log" 2>&1 || rc=$?; } 2>"$work/$what.time"
  [ "$rc" = 0 ] || echo "# $what: exit $rc: $(tail -3 "$work/$what.log")"
  read -r r u s < <(tail -1 "$work/$what.time")
  echo "dump=$what wall_ms=$(awk -v r="$r" 'BEGIN { printf "%d", r * 1000 }')" \
       "cpu_ms=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')"
}
dump_cds() {  # dump_cds STAGE JSA: postinst's command line
  "$1/runtime/bin/java" -Xshare:dump -XX:SharedClassListFile="$classlist" -XX:SharedArchiveFile="$2" -cp "$1/servd.jar"
}
timed cds17 dump_cds "$work/s17" "$jsa17"
timed cds25 dump_cds "$work/s25" "$jsa25"
# The JDK 25 dump warns about class-list lines it cannot use; count them.
echo "# cds25 dump warnings: $(grep -ci 'warn' "$work/cds25.log" || true) (cds17: $(grep -ci 'warn' "$work/cds17.log" || true))"

train_aot() {  # train_aot AOT REQUESTS [flags]: one-step training on the s25 stage, train-classlist.sh's workload
  # (start to READY, SIGTERM) plus, when REQUESTS is yes, three rounds of a first client's requests before the stop
  local out=$1 requests=$2 log=$work/train-$(basename "$1").log port i p
  shift 2
  "$work/s25/runtime/bin/java" "${run_flags[@]}" "${j25flags[@]}" "$@" \
    -Djava.library.path="$work/s25/native" -Djffi.boot.library.path="$work/s25/native" \
    -XX:AOTCacheOutput="$out" -jar "$work/s25/servd.jar" --listen=127.0.0.1:0 --config="$work/none.conf" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    grep -q 'ready: serving' "$log" && break
    kill -0 "$pid" 2>/dev/null || fail "training JVM exited before READY: $(tail -5 "$log")"
    sleep 0.1
  done
  port=$(sed -n 's|.*ready: serving on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log" | head -1)
  [ -n "$port" ] || fail "no READY line in [$log]"
  # The requests a first client makes: the web view, health, the agent itself, units, metrics, events.
  local n=0
  [ "$requests" = yes ] && n=3
  for i in $(seq $n); do
    for p in / /healthz /readyz /v1/self /v1/units /metrics /v1/events; do
      curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$port$p" || true
    done
  done
  kill -TERM "$pid"
  wait "$pid" || true
  pid=
  [ -s "$out" ] || fail "no AOT cache [$out] written; see [$log]"
}
timed aot25 train_aot "$aot25" yes
timed aot25coh train_aot "$aotcoh" yes -XX:+UseCompactObjectHeaders
timed aot25rdy train_aot "$aotrdy" no
for f in "$jsa17" "$jsa25" "$aot25" "$aotcoh" "$aotrdy"; do
  echo "archive=${f#"$work"/} bytes=$(stat -c %s "$f")"
done

# --- 4. Interleaved start-ups ---------------------------------------------------------------------------------------
names=(a17-cds b25-cds c25-aot d25-aot-coh c25-aot-rdy a17-cds-rel c25-aot-rel n17 n25)
flags_of() {  # flags_of NAME: the stage dir, then the extra flags, one per line
  case $1 in
  a17-cds)      printf '%s\n' "$work/s17" -XX:SharedArchiveFile="$jsa17" "${reloc[@]}" ;;
  b25-cds)      printf '%s\n' "$work/s25" "${j25flags[@]}" -XX:SharedArchiveFile="$jsa25" "${reloc[@]}" ;;
  c25-aot)      printf '%s\n' "$work/s25" "${j25flags[@]}" -XX:AOTCache="$aot25" "${reloc[@]}" ;;
  d25-aot-coh)  printf '%s\n' "$work/s25" "${j25flags[@]}" -XX:+UseCompactObjectHeaders -XX:AOTCache="$aotcoh" "${reloc[@]}" ;;
  c25-aot-rdy)  printf '%s\n' "$work/s25" "${j25flags[@]}" -XX:AOTCache="$aotrdy" "${reloc[@]}" ;;
  a17-cds-rel)  printf '%s\n' "$work/s17" -XX:SharedArchiveFile="$jsa17" ;;
  c25-aot-rel)  printf '%s\n' "$work/s25" "${j25flags[@]}" -XX:AOTCache="$aot25" ;;
  n17)          printf '%s\n' "$work/s17" -Xshare:off ;;
  n25)          printf '%s\n' "$work/s25" "${j25flags[@]}" -Xshare:off ;;
  esac
}
version_floor() {  # version_floor NAME ROUND JAVA [flags]: java -version, wall and user+sys CPU in ms
  local name=$1 round=$2 TIMEFORMAT='%3R %3U %3S' r u s
  shift 2
  read -r r u s < <( { time "$@" -version >/dev/null 2>&1; } 2>&1 )
  echo "cfg=$name round=$round version_wall_ms=$(awk -v r="$r" 'BEGIN { printf "%d", r * 1000 }')" \
       "version_cpu_ms=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')"
}
floors() {  # floors ROUND: the linked runtimes bare (they have no default CDS archive), with servd's archive
  # (class path servd.jar, as dumped/trained), and the full JDKs (with their default CDS archive)
  version_floor v17-rt "$1" "$work/s17/runtime/bin/java"
  version_floor v25-rt "$1" "$work/s25/runtime/bin/java"
  version_floor v17-rt-cds "$1" "$work/s17/runtime/bin/java" -XX:SharedArchiveFile="$jsa17" "${reloc[@]}" -cp "$work/s17/servd.jar"
  version_floor v25-rt-aot "$1" "$work/s25/runtime/bin/java" "${j25flags[@]}" -XX:AOTCache="$aot25" "${reloc[@]}" -cp "$work/s25/servd.jar"
  version_floor v17-jdk "$1" "$jdk17/bin/java"
  version_floor v25-jdk "$1" "$jdk25/bin/java"
}
echo "# uptime before runs: $(uptime)"
for r in $(seq "$rounds"); do
  k=$(( (r - 1) % ${#names[@]} ))
  order=("${names[@]:k}" "${names[@]:0:k}")
  for name in "${order[@]}"; do
    mapfile -t a < <(flags_of "$name")
    LAST_CL=$work/cl-$name.txt "$bench/agent-start-cpu.sh" "${a[0]}" 1 "${a[@]:1}" | sed "s/^run=1/cfg=$name round=$r/"
  done
  floors "$r"
done
echo "# uptime after agent runs: $(uptime)"
# Where the classes of each configuration's last run came from (a stale or rejected archive shows as shared=0).
for name in "${names[@]}"; do
  echo "# $name: class sources in the last run: $(sed -n 's/.*source: \([a-z ]*\).*/\1/p' "$work/cl-$name.txt" \
    | sed 's/ *$//' | sort | uniq -c | sort -rn | head -4 | awk '{c=$1; $1=""; printf "%s%s=%d", sep, substr($0,2), c; sep=", "}')"
done

# --- 5. The greeter through bench/bench.py's own start-up phase (GREETER=0 skips it) --------------------------------
# bench.py's variants j17-cds-c1 (Debian's full JDK 17, dynamic AppCDS from a training run) and j25-aot-c1 (Temurin
# 25's full JDK, -XX:AOTCacheOutput), plus j25-aot-coh-c1 (the same with compact object headers): trained as bench.py
# trains (start, 2 s of wrk -c16, SIGTERM; --retrain), then ROUNDS interleaved starts each with a real NOTIFY_SOCKET:
# exec -> READY=1, exec -> first 200, CPU at READY, VmRSS 1 s after READY. Server pinned to CPU 1, wrk to CPU 0.
# The full JDKs, not the linked runtimes: -XX:ArchiveClassesAtExit needs the base CDS archive (lib/server/classes.jsa)
# that the linked runtimes lack. Needs wrk (bench/run installs it); not go or nginx.
if [ "${GREETER:-1}" != 0 ]; then
  [ -f "$root/examples/greeter/target/greeter.jar" ] || fail "no greeter.jar: mvn -pl examples/greeter -am package"
  command -v wrk >/dev/null || fail "no wrk on PATH (apt-get install wrk), or GREETER=0"
  # The native libraries next to the jars, as bench/run unpacks them (bench.py's -Djava.library.path).
  glib=$root/examples/greeter/target/lib
  mkdir -p "$bench/target/native"
  (cd "$bench/target/native" &&
    unzip -ojq "$glib"/netty-transport-native-epoll-*-linux-x86_64.jar 'META-INF/native/*.so' &&
    unzip -ojq "$glib"/netty-transport-native-io_uring-*-linux-x86_64.jar 'META-INF/native/*.so' &&
    unzip -ojq "$glib"/jffi-*-native.jar 'jni/x86_64-Linux/*.so') || fail "cannot unpack the greeter's native libraries"
  echo "# greeter: uptime before: $(uptime)"
  python3 - "$bench" "$rounds" <<'PY'
import argparse, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import bench as b
rounds = int(sys.argv[2])
b.JVMS["j25-aot-coh-c1"] = b.jvm(b.JAVA25, b.SMALL + b.JDK25 + b.C1 + ["-XX:+UseCompactObjectHeaders"],
                                 ("-XX:AOTCacheOutput={}", "-XX:AOTCache={}"))
names = ["j17-cds-c1", "j25-aot-c1", "j25-aot-coh-c1"]
args = argparse.Namespace(server_cpus="1", client_cpus="0", retrain=True, idle_settle=1.0)
port = 18480
log_dir = b.TARGET / "logs" / ("jdk25-aot-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
log_dir.mkdir(parents=True, exist_ok=True)
for n in names:
    print(f"# greeter {n}: {' '.join(b.server_command(n, port)).replace(str(b.ROOT) + '/', '')}", flush=True)
    t0 = time.monotonic()
    b.train_archives([n], port, args, log_dir)
    print(f"dump=greeter-{n} wall_ms={(time.monotonic() - t0) * 1000:.0f} (incl. 2 s of wrk) "
          f"bytes={b.archive_path(n).stat().st_size}", flush=True)
results = {}
notify = b.NotifyListener()
try:
    b.start_up(names, rounds, port, args, log_dir, notify, results)
finally:
    notify.close()
for n in names:
    for i, r in enumerate(results[n], 1):
        print(f"greeter cfg={n} round={i} ready_ms={r['ready_ms']:.1f} first_200_ms={r['first_200_ms']:.1f} "
              f"cpu_ms_at_ready={r['cpu_ms_at_ready']:.0f} idle_rss_kb={r['idle_rss_kb']} load={r['load']}")
print(f"# greeter logs: {log_dir}")
PY
  echo "# greeter: uptime after: $(uptime)"
fi
