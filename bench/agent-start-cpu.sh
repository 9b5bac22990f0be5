#!/bin/bash
# bench/agent-start-cpu.sh STAGE N [java flags]: the agent's CPU (utime+stime) from exec to READY=1, N runs,
# with the classes loaded by then, how many came from the CDS archive, and how many of them are jnr's or
# jffi's. STAGE: packaging/deb/target/stage.
#
# READY is systemd's: a real AF_UNIX datagram socket in NOTIFY_SOCKET, bound by the python3 harness below,
# which stops the JVM (SIGSTOP) the moment the READY=1 datagram arrives, reads its CPU and class-load log
# (cpu_ms, rss_kb, classes, shared, jnr), then sends SIGTERM and SIGCONT. classes_total counts the whole log after
# the stop, as this script did before it had a NOTIFY_SOCKET (it waited for the 'ready: serving' line).
# wall_ms: fork to the READY=1 datagram (monotonic clock). idle_rss_kb, idle_anon_kb, idle_file_kb: VmRSS,
# RssAnon, RssFile RSS_AFTER seconds (default 1; 0: not measured, -) after READY=1, the JVM let go on meanwhile.
# Environment:
#   ACTIVATE=1    pass two sockets as systemd's socket activation does (LISTEN_FDS=2,
#                 LISTEN_FDNAMES=http:control, LISTEN_PID the JVM's: the harness forks, then execs java):
#                 an HTTP listener on 127.0.0.1 and a control socket in the run's temp directory
#   JAVA_NICE=19  the JVM at that niceness, the harness at the caller's, so that the stop comes promptly
#                 on a busy host: the JVM goes on between its sendto and the stop, and at the same
#                 niceness up to the ~250 classes of what it starts right after READY were counted
#   MARK=CLASS    also count the log up to CLASS's first load (before_mark, jnr_before_mark,
#                 jffi_before_mark), CLASS being the first one loaded after READY: free of that race
#   KEEP=FILE     copy each run's servd log there
#   LAST_CL=FILE  where the last run's class-load log goes (default /tmp/startcpu-last-cl.txt)
#   RSS_AFTER=S   see idle_rss_kb above
stage=$1; n=$2; shift 2
for i in $(seq "$n"); do
  w=$(mktemp -d)
  python3 - "$w" "$i" "$stage" "$@" <<'PY'
import os, re, signal, socket, sys, time
w, run, stage, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
tck = os.sysconf('SC_CLK_TCK')
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(w + '/notify')
notify.settimeout(60)
activate = os.environ.get('ACTIVATE') == '1'
argv = [stage + '/runtime/bin/java', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xmx80m', '-Xms20m',
        '-XX:ActiveProcessorCount=1', '-Xss256k', '-Djava.library.path=' + stage + '/native',
        '-Djffi.boot.library.path=' + stage + '/native', '-Xlog:class+load=info:file=' + w + '/cl.txt'] + extra + [
        '-jar', stage + '/servd.jar', '--listen=127.0.0.1:0', '--config=' + w + '/none.conf']
env = {k: v for k, v in os.environ.items() if not k.startswith(('LISTEN_', 'NOTIFY_', 'WATCHDOG_', 'ACTIVATE'))}
env['NOTIFY_SOCKET'] = w + '/notify'
if activate:
    http = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    http.bind(('127.0.0.1', 0)); http.listen(16)
    control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    control.bind(w + '/control.sock'); control.listen(16)
    env.update(LISTEN_FDS='2', LISTEN_FDNAMES='http:control')
log = os.open(w + '/log', os.O_WRONLY | os.O_CREAT, 0o644)
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    os.nice(int(os.environ.get('JAVA_NICE', '0')))
    os.dup2(log, 1); os.dup2(log, 2)
    if activate:
        os.dup2(http.fileno(), 3); os.dup2(control.fileno(), 4)  # dup2'd fds are inheritable
        env['LISTEN_PID'] = str(os.getpid())
    os.execve(argv[0], argv, env)
ready = None
try:
    while ready is None:
        msg = notify.recv(4096).decode()
        if 'READY=1' in msg.split('\n'):
            os.kill(pid, signal.SIGSTOP)  # the JVM as it was at READY=1, while CPU and the log are read
            with open('/proc/%d/stat' % pid) as f:
                st = f.read().rsplit(')', 1)[1].split()
            ready = (int(st[11]) + int(st[12])) * 1000 // tck  # utime, stime: fields 14, 15
            wall = (time.monotonic() - t0) * 1000
            with open('/proc/%d/status' % pid) as f:
                rss = next(int(l.split()[1]) for l in f if l.startswith('VmRSS:'))
            with open(w + '/cl.txt') as f:
                at_ready = [l for l in f if 'class,load' in l]
            with open(w + '/cl-ready.txt', 'w') as f:
                f.writelines(at_ready)
except socket.timeout:
    pass
idle = {'VmRSS': '-', 'RssAnon': '-', 'RssFile': '-'}
rss_after = float(os.environ.get('RSS_AFTER', '1'))
if ready is not None and rss_after > 0:
    os.kill(pid, signal.SIGCONT)
    time.sleep(rss_after)
    with open('/proc/%d/status' % pid) as f:
        for l in f:
            if l.split(':')[0] in idle:
                idle[l.split(':')[0]] = l.split()[1]
os.kill(pid, signal.SIGTERM)
os.kill(pid, signal.SIGCONT)
os.waitpid(pid, 0)
if ready is None:
    sys.exit('run=%s no READY=1 within 60 s: %s' % (run, open(w + '/log').read()[-600:]))
with open(w + '/cl.txt') as f:
    total = sum(1 for l in f if 'class,load' in l)
jnr = [l for l in at_ready if re.search(r' (jnr\.|com\.kenai\.jffi\.)', l)]
mark = ''
if os.environ.get('MARK'):  # a class first loaded right after READY=1: the log up to it, free of the stop's race
    with open(w + '/cl.txt') as f:
        lines = [l for l in f if 'class,load' in l]
    cut = next((i for i, l in enumerate(lines) if l.split()[1] == os.environ['MARK']), len(lines))
    mark = ' before_mark=%d jnr_before_mark=%d jffi_before_mark=%d' % (cut,
        sum(1 for l in lines[:cut] if ' jnr.' in l), sum(1 for l in lines[:cut] if ' com.kenai.jffi.' in l))
print('run=%s cpu_ms=%d rss_kb=%d classes=%d shared=%d jnr=%d classes_total=%d wall_ms=%.0f idle_rss_kb=%s idle_anon_kb=%s'
      ' idle_file_kb=%s%s' % (run, ready, rss, len(at_ready), sum(1 for l in at_ready if 'shared objects' in l), len(jnr),
      total, wall, idle['VmRSS'], idle['RssAnon'], idle['RssFile'], mark))
PY
  [ "$i" = "$n" ] && cp "$w/cl.txt" "${LAST_CL:-/tmp/startcpu-last-cl.txt}" && cp "$w/cl-ready.txt" /tmp/startcpu-last-cl-ready.txt
  [ -n "${KEEP:-}" ] && cp "$w/log" "$KEEP"
  rm -rf "$w"
done
