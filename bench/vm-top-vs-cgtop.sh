#!/bin/sh
# bench/vm-top-vs-cgtop.sh [UNITS] [REFRESHES] [ROUNDS]: in a guest with systemd as PID 1 and the servd
# .deb installed (the test-bed VM), the CPU that one refresh of `servctl top` costs beside one of
# `systemd-cgtop`, with UNITS transient services running (default 1000), and the servd agent's CPU and
# bytes per GET /metrics of all of them (issue 14 item 2).
#
# Method. A refresh's CPU is the difference between a run of REFRESHES+1 iterations (-n) and a run of 1,
# divided by REFRESHES (default 20), so the process's start (a JVM's, for servctl) drops out; CPU is the
# command's utime+stime as its parent sees it after wait (the cutime+cstime of a sh, /proc/PID/stat
# fields 16-17, clock ticks), at -d 1 (one refresh a second, both tools' default is 1 s / 2 s). Rounds
# interleave the tools (default 3). `servctl top` runs twice: as shipped (limits from the agent, whose
# CPU during the run is read from servd.service's cpu.stat and reported beside it) and with --no-agent
# (cgroupfs only, as systemd-cgtop). The agent's idle CPU over the same wall time is measured and
# reported, not subtracted. Scrapes: SCRAPES (10) GET /metrics in a row, the agent's cpu.stat
# usage_usec before and after, and the body's size as sent (plain and with Accept-Encoding: gzip).
#
# TOP_ROUNDS=N (default ROUNDS) rounds of the refresh comparison, 0 for the scrapes only; SCRAPES=N (10)
# scrapes per batch. OLD_SERVCTL=JAR also measures an earlier build's servctl.jar with --no-agent (same runtime and flags as
# /usr/bin/servctl, no CDS archive: the start drops out of the per-refresh figure anyway), interleaved.
# Run: copy into a vm.sh share and `vm.sh exec --timeout 3600 sh /mnt/share/vm-top-vs-cgtop.sh`. Each line is
# also appended to $OUT in the guest (default /var/tmp/vm-top-vs-cgtop.txt) as it is measured, so that an
# interrupted run leaves what it got (`vm.sh capture /var/tmp HOSTDIR vm-top-vs-cgtop.txt`). The units stay
# (bench@N.service, a runtime template in /run/systemd/system) until the guest powers off.
set -eu
out=${OUT:-/var/tmp/vm-top-vs-cgtop.txt}
if [ -z "${VM_TOP_TEED:-}" ]; then # once more, through tee
	VM_TOP_TEED=1 sh "$0" "$@" 2>&1 | tee "$out"
	exit
fi
units=${1:-1000}
refreshes=${2:-20}
rounds=${3:-3}
scrapes=${SCRAPES:-10}
agent_cg=/sys/fs/cgroup/system.slice/servd.service

echo "# $(date -u +%FT%TZ) $(uname -r) $(systemctl --version | head -n1) nproc=$(nproc)"
echo "# servd $(dpkg-query -W -f='${Version}' servd) units=$units refreshes=$refreshes rounds=$rounds old_servctl=${OLD_SERVCTL:-none}"

# One template unit and one systemctl call for all of them: 1,000 systemd-run processes took most of a
# first attempt's 39 minutes under TCG (it did not finish; no figures came out of it).
cat > /run/systemd/system/bench@.service <<'UNIT'
[Service]
ExecStart=/bin/sleep infinity
MemoryMax=64M
CPUQuota=10%
UNIT
systemctl daemon-reload
start=$(date +%s)
systemctl start $(seq -f 'bench@%g.service' 1 "$units")
echo "# bench units running: $(systemctl list-units --no-legend --state=running 'bench@*.service' | wc -l)" \
	"(started in $(($(date +%s) - start)) s)"
echo "# cgroups under /sys/fs/cgroup: $(find /sys/fs/cgroup -mindepth 1 -type d | wc -l)"

ticks() { # ticks 'COMMAND LINE': CPU clock ticks (utime+stime) it used, its output discarded
	sh -c "$1 > /dev/null 2>&1; read -r _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ cu cs _ < /proc/\$\$/stat; echo \$((cu + cs))"
}
usage() { sed -n 's/^usage_usec //p' "$agent_cg/cpu.stat"; }
hz=$(getconf CLK_TCK)

measure() { # measure NAME 'COMMAND LINE ending in -n': one line of per-refresh CPU
	a0=$(usage)
	t0=$(date +%s%N)
	one=$(ticks "$2 1")
	many=$(ticks "$2 $((refreshes + 1))")
	t1=$(date +%s%N)
	a1=$(usage)
	echo "$1 per_refresh_us=$(((many - one) * 1000000 / hz / refreshes)) one_run_ms=$((one * 1000 / hz))" \
		"$((refreshes + 1))_runs_ms=$((many * 1000 / hz)) agent_us=$((a1 - a0)) wall_ms=$(((t1 - t0) / 1000000))"
}

r=0
while [ "$r" -lt "${TOP_ROUNDS:-$rounds}" ]; do
	r=$((r + 1))
	measure "round=$r systemd-cgtop" 'systemd-cgtop -b -d 1 -n'
	measure "round=$r servctl-top" 'servctl top -b -d 1 -n'
	measure "round=$r servctl-top--no-agent" 'servctl top -b -d 1 --no-agent -n'
	if [ -n "${OLD_SERVCTL:-}" ]; then # an earlier build's servctl.jar, for a before/after in one boot
		# beside servctl.jar, whose manifest's Class-Path (lib/…) it shares: the installed libraries
		cp "$OLD_SERVCTL" /usr/share/servd/servctl-old.jar
		measure "round=$r servctl-top--no-agent-old" "/usr/lib/servd/runtime/bin/java -XX:+UseSerialGC \
-XX:TieredStopAtLevel=1 -Xmx64m -Djava.library.path=/usr/lib/servd/native -jar /usr/share/servd/servctl-old.jar \
top -b -d 1 --no-agent -n"
	fi
	a0=$(usage)
	sleep $((refreshes + 2))
	echo "round=$r agent_idle_us=$(($(usage) - a0)) over_s=$((refreshes + 2))"
done

# The agent's own work with 1,000 units (the history recorder, the event watch) fills its CPUQuota=100%
# under TCG, so a scrape's CPU could not show in cpu.stat: the scrapes run with the quota lifted
# (set-property --runtime CPUQuota=, the guest's 2 vCPUs), and the agent's idle rate, measured over
# SCRAPE_IDLE s (default 20) just before each batch, is subtracted (per_scrape_cpu_us_less_idle).
systemctl set-property --runtime servd.service CPUQuota=
echo "# servd.service CPUQuotaPerSecUSec during the scrapes: $(systemctl show -P CPUQuotaPerSecUSec servd.service)"
idle_s=${SCRAPE_IDLE:-20}
r=0
while [ "$r" -lt "$rounds" ]; do
	r=$((r + 1))
	for enc in identity gzip; do
		i0=$(usage)
		ti=$(date +%s%N)
		sleep "$idle_s"
		idle_rate_ppm=$((($(usage) - i0) * 1000000 / (($(date +%s%N) - ti) / 1000)))
		a0=$(usage)
		t0=$(date +%s%N)
		bytes=''
		n=0
		while [ "$n" -lt "$scrapes" ]; do
			n=$((n + 1))
			bytes="$bytes $(curl -s -o /dev/null -H "Accept-Encoding: $enc" -w '%{size_download}' --max-time 120 http://127.0.0.1:9470/metrics)"
		done
		t1=$(date +%s%N)
		used=$(($(usage) - a0))
		idle_us=$(((t1 - t0) / 1000 * idle_rate_ppm / 1000000))
		echo "round=$r scrape encoding=$enc per_scrape_cpu_us=$((used / scrapes))" \
			"per_scrape_cpu_us_less_idle=$(((used - idle_us) / scrapes)) agent_idle_cpu_ppm=$idle_rate_ppm" \
			"per_scrape_wall_ms=$(((t1 - t0) / 1000000 / scrapes)) bytes=[${bytes# }]"
	done
done
samples=$(curl -s --max-time 120 http://127.0.0.1:9470/metrics | grep -c '^servd_unit_memory_current_bytes{')
echo "# units in one scrape (servd_unit_memory_current_bytes samples): $samples"
