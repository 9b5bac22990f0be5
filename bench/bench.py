#!/usr/bin/env python3
"""The servd greeter against a Go net/http greeter and nginx, on loopback, in one interleaved run,
with the deployed greeter (bin/servd-java on the package's runtime), the servd agent's start, the
java -version floor of each JVM and servd-java's own cost in the same run.

Started by bench/run, which installs the tools and builds the servers; see bench/README.md for
what is measured and how. Standard library only. Every load is bounded (wrk -d), every server
listens on 127.0.0.1, and every process this script starts is stopped by its own pid.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TARGET = BENCH / "target"
NATIVE = TARGET / "native"
GREETER_JAR = ROOT / "examples" / "greeter" / "target" / "greeter.jar"
JAVA17 = os.environ.get("BENCH_JAVA17", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java")
JAVA25 = os.environ.get("BENCH_JAVA25", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
# The servd package as `mvn package` stages it: the jlink'd runtime (/usr/lib/servd/runtime), the
# agent's jar and lib/, and the native .so files (/usr/lib/servd/native).
STAGE = ROOT / "packaging" / "deb" / "target" / "stage"
STAGE_JAVA = STAGE / "runtime" / "bin" / "java"
SERVD_JAVA = ROOT / "bin" / "servd-java"
AGENT_CONFIG = TARGET / "agent-empty.conf"
CLK_TCK = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"  # never anything else

# Flags that bound every JVM memory region so that the greeter fits MemoryMax=64M (DESIGN §8).
SMALL = [
    "-XX:+UseSerialGC", "-Xms8m", "-Xmx32m", "-XX:MaxMetaspaceSize=32m", "-XX:ReservedCodeCacheSize=16m",
    "-Xss256k", "-XX:MaxDirectMemorySize=16m", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError",
    "-Dio.netty.allocator.type=unpooled",
    # the native .so files shipped next to the jars: no extraction to /tmp at every start
    f"-Djava.library.path={NATIVE}", f"-Djffi.boot.library.path={NATIVE}",
    # sd_notify goes through jnr-ffi, which by default generates its bindings with ASM: reflection is
    # enough for the one READY=1 and saves memory and start-up time
    "-Djnr.ffi.asm.enabled=false",
]
C1 = ["-XX:TieredStopAtLevel=1"]
JDK25 = ["--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"]
# What examples/greeter/greeter.service passes besides its limits, with the bench's native dir on the
# library path as the other variants have it (the unit has Netty and jffi extract into its
# CacheDirectory= instead, once per start).
GREETER_UNIT = [
    "-XX:-UsePerfData", "-Dio.netty.allocator.type=unpooled",
    f"-Djava.library.path={NATIVE}", f"-Djffi.boot.library.path={NATIVE}", "-Djnr.ffi.asm.enabled=false",
]


def jvm(java, flags, archive=None):
    """A JVM variant: the command before the greeter's flags, and how its archive is made and used."""
    return {"kind": "jvm", "java": java, "flags": flags, "archive": archive}


def launched(limits, flags, jar, args, archive, classlist=None, env=None, probe="/"):
    """A server started as its unit starts it: bin/servd-java LIMITS --archive ARCHIVE FLAGS -jar JAR
    ARGS with SERVD_JAVA_HOME at the stage's runtime. The archive is a static AppCDS archive dumped
    from CLASSLIST (committed), or from a class list a training run writes when CLASSLIST is None.
    ARGS are formatted with the port; PROBE is the path of the first-200 check."""
    return {"kind": "servd-java", "java": str(STAGE_JAVA), "limits": limits, "flags": flags, "jar": jar,
            "args": args, "archive": archive, "classlist": classlist, "env": env or {}, "probe": probe}


# name -> how to start it. "archive" is (train flag, use flag) with {} for the archive path.
JVMS = {
    "jvm-default": jvm(JAVA17, []),
    "j17-c1": jvm(JAVA17, SMALL + C1),
    "j17-cds-c2": jvm(JAVA17, SMALL, ("-XX:ArchiveClassesAtExit={}", "-XX:SharedArchiveFile={}")),
    "j17-cds-c1": jvm(JAVA17, SMALL + C1, ("-XX:ArchiveClassesAtExit={}", "-XX:SharedArchiveFile={}")),
    "j25-aot-c2": jvm(JAVA25, SMALL + JDK25, ("-XX:AOTCacheOutput={}", "-XX:AOTCache={}")),
    "j25-aot-c1": jvm(JAVA25, SMALL + JDK25 + C1, ("-XX:AOTCacheOutput={}", "-XX:AOTCache={}")),
    # the deployed greeter: greeter.service's ExecStart minus systemd, under its MemoryMax=64M
    # (CPUQuota=50% makes servd-java pass one CPU, as --cpus 1 does)
    "servd-java": launched(["--memory-max", "64M", "--cpus", "1"], GREETER_UNIT, GREETER_JAR,
                           ["--port={port}"], TARGET / "archives" / "servd-java.jsa"),
}
# The servd agent as packaging/systemd/servd.service runs it (MemoryMax=192M, CPUQuota=100%), minus
# -Dservd.log=journal (no journald here: it logs to the server log) and with the archive postinst
# would dump from the committed class list. Start-up phase only: it does not serve GET /.
AGENT = "servd-agent"
AGENT_SPEC = launched(["--memory-max", "192M", "--cpus", "1"],
                      [f"-Djava.library.path={STAGE / 'native'}", f"-Djffi.boot.library.path={STAGE / 'native'}"],
                      STAGE / "servd.jar", ["--listen=" + HOST + ":{port}", f"--config={AGENT_CONFIG}"],
                      TARGET / "archives" / "servd.jsa",
                      classlist=ROOT / "packaging" / "deb" / "src" / "deb" / "cds" / "servd.classlist",
                      env={"LANG": "C.UTF-8", "SERVD_JAVA_OPTS": ""}, probe="/healthz")
# java -version of every JVM a variant runs: the floor its exec -> READY is held against.
FLOORS = {"jdk17": JAVA17, "jdk25": JAVA25, "stage": str(STAGE_JAVA)}
LAUNCHER = "servd-java launcher"


def stage_built():
    return STAGE_JAVA.exists() and (STAGE / "servd.jar").exists()


def spec_of(name):
    """The variant of a server name such as j17-cds-c1/nio, servd-java or servd-agent; None for go, nginx."""
    variant = name.partition("/")[0]
    return AGENT_SPEC if variant == AGENT else JVMS.get(variant)


def floor_of(java):
    """The FLOORS key of a java executable."""
    return next((k for k, v in FLOORS.items() if v == str(java)), None)


def archive_path(name):
    spec = spec_of(name)
    if spec["kind"] == "servd-java":
        return spec["archive"]
    return TARGET / "archives" / (name + (".jsa" if "cds" in name else ".aot"))


def server_command(name, port, train=False):
    """argv for a server name such as go, nginx, j25-aot-c2 or j25-aot-c2/io_uring."""
    if name == "go":
        return [str(TARGET / "go-greeter"), f"--port={port}"]
    if name == "nginx":
        return ["nginx", "-p", str(nginx_prefix(port)), "-c", "nginx.conf", "-e", "stderr"]
    variant, _, transport = name.partition("/")
    spec = spec_of(name)
    if spec["kind"] == "servd-java":
        # training: no archive yet, and the JVM writes the classes it loads for -Xshare:dump
        archive = [f"-XX:DumpLoadedClassList={classlist_path(variant)}"] if train else [
            "--archive", str(spec["archive"])]
        cmd = [str(SERVD_JAVA), *spec["limits"], *archive, *spec["flags"], "-jar", str(spec["jar"]),
               *(a.format(port=port) for a in spec["args"])]
        return cmd + ([f"--transport={transport}"] if transport else [])  # the unit's is auto: epoll
    cmd = [spec["java"], *spec["flags"]]
    if spec["archive"]:
        cmd.append(spec["archive"][0 if train else 1].format(archive_path(variant)))
    return cmd + ["-jar", str(GREETER_JAR), f"--port={port}", f"--transport={transport or 'epoll'}"]


def classlist_path(variant):
    return TARGET / "archives" / (variant + ".classlist")


def server_env(name):
    """What a server finds in its environment besides the harness's own, cleared of JVM options."""
    env = {k: v for k, v in os.environ.items() if k not in (
        "NOTIFY_SOCKET", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "MALLOC_ARENA_MAX",
        "SERVD_JAVA_HOME", "SERVD_JAVA_OPTS")}
    spec = spec_of(name)
    if spec and spec["kind"] == "servd-java":  # servd-java exports MALLOC_ARENA_MAX=2 itself
        env.update(spec["env"], SERVD_JAVA_HOME=str(STAGE / "runtime"))
    elif spec:
        env["MALLOC_ARENA_MAX"] = "2"
    return env


def nginx_prefix(port):
    """A private nginx prefix with a config that listens on 127.0.0.1:port only, one worker."""
    prefix = TARGET / "nginx"
    for d in ("logs", "tmp"):
        (prefix / d).mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(f"""# generated by bench/bench.py: nginx's hello world, loopback only
daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{
        listen {HOST}:{port};
        location / {{
            default_type "text/plain; charset=utf-8";
            return 200 "Hello, World!";
        }}
    }}
}}
""")
    return prefix


# ---------------------------------------------------------------- /proc readings

def process_tree(pid):
    """pid and its descendants (nginx: master and worker)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


def cpu_seconds(pid):
    """utime + stime of pid and its descendants, all threads, in seconds (/proc/<pid>/stat 14, 15)."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15, counted after "(comm)"
        except OSError:
            pass
    return total / CLK_TCK


def memory_kb(pid, key):
    """VmRSS or VmHWM of pid and its descendants, in kB (summed: shared pages count twice)."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# ---------------------------------------------------------------- processes

class NotifyListener:
    """A fake service manager: an AF_UNIX datagram socket at a temp path that stamps READY=1."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bench-notify-")
        self.path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.lock = threading.Lock()
        self.ready_ns = None
        self.ready_cpu_ms = None
        self.pid = None
        self.messages = []
        threading.Thread(target=self._receive, daemon=True).start()

    def _receive(self):
        while True:
            try:
                data = self.sock.recv(4096)
            except OSError:  # closed
                return
            now = time.monotonic_ns()
            with self.lock:
                self.messages.append(data.decode(errors="replace"))
                if self.ready_ns is None and b"READY=1" in data.split(b"\n"):
                    self.ready_ns = now
                    self.ready_cpu_ms = cpu_seconds(self.pid) * 1000 if self.pid else None

    def reset(self, pid=None):
        with self.lock:
            self.ready_ns = None
            self.ready_cpu_ms = None
            self.pid = pid
            self.messages = []

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.ready_ns is not None:
                    return self.ready_ns
            time.sleep(0.001)
        return None

    def close(self):
        self.sock.close()
        os.unlink(self.path)
        os.rmdir(self.dir)


def http_get_200(port, path="/", timeout=2.0):
    """One GET of path on a fresh connection; True if the answer is a 200. The Host is the address
    itself: the agent answers others with 421 (its check against DNS rebinding)."""
    with socket.create_connection((HOST, port), timeout=timeout) as c:
        c.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n".encode())
        return c.recv(64).startswith(b"HTTP/1.1 200")


class Server:
    def __init__(self, name, port, cpus, notify, log_dir, train=False):
        self.name, self.port, self.notify = name, port, notify
        self.cmd = server_command(name, port, train)
        spec = spec_of(name)
        self.probe = spec.get("probe", "/") if spec else "/"
        env = server_env(name)
        if notify:
            env["NOTIFY_SOCKET"] = notify.path
            notify.reset()
        self.log = open(log_dir / (name.replace("/", "-") + ".log"), "ab")
        self.log.write(("\n$ " + " ".join(self.cmd) + "\n").encode())
        self.log.flush()
        argv = ["taskset", "-c", cpus] + self.cmd if cpus else self.cmd
        self.t0 = time.monotonic_ns()
        # taskset execs the server in place: the pid is the server's
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.pid = self.proc.pid
        if notify:
            notify.pid = self.pid

    def wait_first_200(self, timeout=60.0):
        """Milliseconds from exec to the first 200 and the server's CPU ms by then, or raises."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if http_get_200(self.port, self.probe):
                    return (time.monotonic_ns() - self.t0) / 1e6, cpu_seconds(self.pid) * 1000
            except OSError:
                pass
            time.sleep(0.002)
        raise RuntimeError(f"{self.name}: no 200 within {timeout} s; see {self.log.name}")

    def ready_ms(self, timeout=30.0):
        if self.notify is None or self.name == "nginx":  # nginx has no sd_notify
            return None
        ns = self.notify.wait_ready(timeout)
        return None if ns is None else (ns - self.t0) / 1e6

    def stop(self, timeout=20.0):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM if self.name != "nginx" else signal.SIGQUIT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------- wrk

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(port, connections, seconds, cpus):
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
            f"http://{HOST}:{port}/"]
    if cpus:
        argv = ["taskset", "-c", cpus] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30).stdout

    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else None

    requests = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(requests.group(1)) if requests else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) if "Requests/sec" in out else 0.0,
        "p50_ms": latency(50), "p99_ms": latency(99),
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }


# ---------------------------------------------------------------- phases

def train_archives(variants, port, args, log_dir):
    """Training runs: start, answer requests (all transports' request path on epoll), stop; the
    JVM writes its CDS archive or AOT cache at exit. servd-java's variants map a static archive
    instead, dumped as greeter.service's comment and the package's postinst do: java -Xshare:dump
    from a class list, under the class path of the -jar (its manifest names lib/)."""
    (TARGET / "archives").mkdir(parents=True, exist_ok=True)
    for name in variants:
        spec = spec_of(name)
        if not spec["archive"]:
            continue
        path = archive_path(name)
        inputs = [spec["jar"], STAGE_JAVA] if spec["kind"] == "servd-java" else [GREETER_JAR]
        if path.exists() and all(path.stat().st_mtime > Path(i).stat().st_mtime for i in inputs) \
                and not args.retrain:
            continue
        path.unlink(missing_ok=True)
        if spec["kind"] == "jvm":
            training_run(name, port, args, log_dir, timeout=120)  # JDK 25 forks an assembly JVM at exit
        else:
            classlist = spec["classlist"]
            if classlist is None:
                classlist = classlist_path(name)
                classlist.unlink(missing_ok=True)
                training_run(name, port, args, log_dir)
            with open(log_dir / (name + "-dump.log"), "ab") as log:
                subprocess.run([spec["java"], "-Xshare:dump", f"-XX:SharedClassListFile={classlist}",
                                f"-XX:SharedArchiveFile={path}", "-cp", str(spec["jar"])],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=300)
        print(f"  trained {name}: {path.name} {path.stat().st_size // 1024 if path.exists() else 'MISSING'} kB",
              flush=True)


def training_run(name, port, args, log_dir, timeout=20.0):
    notify = NotifyListener()
    s = Server(name, port, args.server_cpus, notify, log_dir, train=True)
    try:
        s.wait_first_200()
        s.ready_ms()
        wrk(port, 16, 2, args.client_cpus)
    finally:
        s.stop(timeout=timeout)
        notify.close()


def run_to_exit(argv, env, cpus):
    """Runs argv to its exit: wall ms from just before the spawn to its reaping, and its CPU ms
    (utime + stime from wait4's resource usage, which the kernel keeps in ns)."""
    argv = ["taskset", "-c", cpus] + argv if cpus else argv
    quiet = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
             (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, 1, 2)]
    t0 = time.monotonic_ns()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=quiet)
    _, status, usage = os.wait4(pid, 0)
    wall_ms = (time.monotonic_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return {"wall_ms": wall_ms, "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000, "load": loadavg()}


def floor_command(key):
    return [FLOORS[key], "-version"]  # the JVM's defaults, -Xshare:auto among them


def launcher_commands(port):
    """The launcher's own cost, as bench/results/2026-12-02-servd-java-exec.txt measured it: the
    servd-java variant's command with a java that is /bin/true, against /bin/true alone."""
    home = TARGET / "true-java"
    (home / "bin").mkdir(parents=True, exist_ok=True)
    if not (home / "bin" / "java").exists():
        (home / "bin" / "java").symlink_to(shutil.which("true"))
    env = dict(server_env("servd-java"), SERVD_JAVA_HOME=str(home))
    return {"true": ([shutil.which("true")], env), "servd-java": (server_command("servd-java", port), env)}


def start_up(names, iterations, port, args, log_dir, notify, run):
    results, floors, launcher = run["start_up"], run["floors"], run["launcher"]
    for i in range(iterations):
        order = names[i % len(names):] + names[:i % len(names)]  # rotate: no server always goes first
        for name in order:
            if name in FLOORS:
                sample = run_to_exit(floor_command(name), server_env(name), args.server_cpus)
                floors.setdefault(name, []).append(sample)
                print(f"  start {i + 1}/{iterations} {name + ' -version':24} exit {sample['wall_ms']:7.1f} ms  "
                      f"CPU {sample['cpu_ms']:5.1f} ms", flush=True)
                continue
            if name == LAUNCHER:
                commands = launcher_commands(port)
                for _ in range(args.launcher_runs):  # alternating, so that both see the same machine
                    for key, (argv, env) in commands.items():
                        launcher.setdefault(key, []).append(run_to_exit(argv, env, args.server_cpus))
                last = {k: med([x["wall_ms"] for x in v[-args.launcher_runs:]]) for k, v in launcher.items()}
                print(f"  start {i + 1}/{iterations} {name:24} exit {last['servd-java']:7.1f} ms against "
                      f"{last['true']:.1f} ms for /bin/true ({args.launcher_runs} runs each)", flush=True)
                continue
            s = Server(name, port, args.server_cpus, notify, log_dir)
            try:
                first, cpu_ms = s.wait_first_200()
                ready = s.ready_ms()
                time.sleep(args.idle_settle)
                sample = {"first_200_ms": first, "cpu_ms_at_first_200": cpu_ms, "ready_ms": ready,
                          "cpu_ms_at_ready": notify.ready_cpu_ms if ready is not None else None,
                          "idle_rss_kb": memory_kb(s.pid, "VmRSS"), "load": loadavg()}
            finally:
                s.stop()
            results.setdefault(name, []).append(sample)
            print(f"  start {i + 1}/{iterations} {name:24} first 200 {first:7.1f} ms  READY "
                  f"{'-' if ready is None else f'{ready:7.1f} ms'}  idle {sample['idle_rss_kb'] / 1024:5.1f} MB",
                  flush=True)


def load(names, rounds, port, args, log_dir, notify, results):
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            s = Server(name, port, args.server_cpus, notify, log_dir)
            try:
                s.wait_first_200()
                s.ready_ms()
                wrk(port, 64, args.warmup, args.client_cpus)  # JIT warm-up, not recorded
                for c in args.connections:
                    cpu0, load0 = cpu_seconds(s.pid), loadavg()
                    cell = wrk(port, c, args.duration, args.client_cpus)
                    cell["server_cpu_s"] = cpu_seconds(s.pid) - cpu0
                    cell["per_cpu_s"] = cell["requests"] / cell["server_cpu_s"] if cell["server_cpu_s"] else 0
                    cell["load"] = (load0 + loadavg()) / 2
                    cell["rss_kb"] = memory_kb(s.pid, "VmRSS")
                    cell["peak_rss_kb"] = memory_kb(s.pid, "VmHWM")
                    cell["rss_anon_kb"] = memory_kb(s.pid, "RssAnon")
                    cell["rss_file_kb"] = memory_kb(s.pid, "RssFile")
                    results.setdefault(name, {}).setdefault(str(c), []).append(cell)
                    print(f"  load {r + 1}/{rounds} {name:24} c={c:<3} {cell['rps']:9.0f} req/s "
                          f"{cell['per_cpu_s']:9.0f} req/CPU-s  p99 {cell['p99_ms']} ms  "
                          f"peak {cell['peak_rss_kb'] / 1024:5.1f} MB  errors {cell['socket_errors'] + cell['non_2xx']}",
                          flush=True)
            finally:
                s.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--duration", type=int, default=6, help="seconds per measured wrk cell (<= 10)")
    p.add_argument("--warmup", type=int, default=4, help="seconds of unrecorded load after each start")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the load phase")
    p.add_argument("--starts", type=int, default=6, help="interleaved starts per server for start-up")
    p.add_argument("--connections", type=int, nargs="+", default=[64, 256])
    p.add_argument("--chosen", default="servd-java",
                   help="the variant checked against the targets (default: the deployed greeter)")
    p.add_argument("--transports", nargs="+", default=["epoll", "io_uring", "nio"])
    p.add_argument("--transport-jvms", nargs="+", default=["j17-cds-c1", "j17-cds-c2"],
                   help="JVM variants run on every transport")
    p.add_argument("--jvms", nargs="+", default=list(JVMS), choices=list(JVMS), metavar="JVM",
                   help=f"JVM variants measured on epoll (default: all of {' '.join(JVMS)})")
    p.add_argument("--server-cpus", default="1", help="taskset list for servers ('' = no pinning)")
    p.add_argument("--client-cpus", default="0", help="taskset list for wrk ('' = no pinning)")
    p.add_argument("--idle-settle", type=float, default=1.0, help="seconds idle before reading idle RSS")
    p.add_argument("--launcher-runs", type=int, default=20,
                   help="runs of servd-java and of /bin/true, each, per start-up iteration")
    p.add_argument("--no-agent", action="store_true", help=f"leave {AGENT} out of the start-up phase")
    p.add_argument("--port", type=int, default=18480)
    p.add_argument("--retrain", action="store_true", help="rebuild CDS archives and AOT caches")
    p.add_argument("--out", default=str(BENCH / "results" / f"{datetime.date.today()}.md"),
                   help="the report; the run's raw JSON goes next to it as <stem>.json")
    p.add_argument("--skip-start-up", action="store_true")
    p.add_argument("--skip-load", action="store_true")
    p.add_argument("--report-only", metavar="RAW_JSON", help="rewrite the report of an earlier run")
    args = p.parse_args()
    if args.report_only:
        run = json.loads(Path(args.report_only).read_text())
        saved = argparse.Namespace(**run["args"])
        saved.out = args.out
        write_results(run, saved)
        return
    if args.duration > 10:
        p.error("--duration is capped at 10 s per cell")

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    log_dir = TARGET / "logs" / stamp
    log_dir.mkdir(parents=True, exist_ok=True)
    notes = []
    if not stage_built():
        notes.append(f"no servd package stage at {STAGE.relative_to(ROOT)} (`mvn -o -B -q package -DskipTests` "
                     f"makes it): servd-java, {AGENT} and the stage runtime's java -version not measured")
    if not os.access(JAVA25, os.X_OK):
        notes.append(f"no JDK 25 at {JAVA25} (BENCH_JAVA25): its variants and java -version not measured")
    missing = {n for n in list(JVMS) + [AGENT] if not os.access(spec_of(n)["java"], os.X_OK)}
    args.jvms = [j for j in args.jvms if j not in missing]
    args.transport_jvms = [j for j in args.transport_jvms if j not in missing]
    for note in notes:
        print(f"note: {note}", flush=True)
    run = {"started": stamp, "args": vars(args), "uptime_before": uptime(), "host": host_facts(),
           "notes": notes, "commands": {}, "start_up": {}, "floors": {}, "launcher": {}, "load": {}}
    agent = [] if args.no_agent or AGENT in missing else [AGENT]
    floors = [k for k in FLOORS if os.access(FLOORS[k], os.X_OK)]
    launcher = [LAUNCHER] if "servd-java" in args.jvms else []
    # the java -version floors and the launcher's runs take their turn among the starts
    start_names = ["go", "nginx"] + args.jvms + agent + floors + launcher
    load_names = ["go", "nginx"] + [f"{j}/{t}" for j in args.transport_jvms for t in args.transports] + [
        f"{j}/epoll" for j in args.jvms if j not in args.transport_jvms]
    for n in start_names:  # JVM servers on another transport only differ in --transport=
        if n in FLOORS:
            argv = floor_command(n)
        elif n == LAUNCHER:
            argv = ["SERVD_JAVA_HOME=" + str(TARGET / "true-java"), *server_command("servd-java", args.port)]
        else:
            argv = server_command(n, args.port)
        run["commands"][n] = " ".join(map(str, argv)).replace(str(ROOT) + "/", "")
    AGENT_CONFIG.parent.mkdir(parents=True, exist_ok=True)
    AGENT_CONFIG.write_text("")  # the agent's defaults: no [HTTP] token, no history

    print(f"uptime: {run['uptime_before']}", flush=True)
    print("training CDS archives / AOT caches", flush=True)
    train_archives([j for j in JVMS if j in args.jvms + args.transport_jvms] + agent, args.port, args, log_dir)
    notify = NotifyListener()
    try:
        if not args.skip_start_up:
            print("start-up phase", flush=True)
            start_up(start_names, args.starts, args.port, args, log_dir, notify, run)
        run["uptime_middle"] = uptime()
        if not args.skip_load:
            print("load phase", flush=True)
            load(load_names, args.rounds, args.port, args, log_dir, notify, run["load"])
    finally:
        notify.close()
    run["uptime_after"] = uptime()
    run["finished"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    raw = TARGET / f"results-{stamp}.json"
    raw.write_text(json.dumps(run, indent=1))
    print(f"raw: {raw}")
    write_results(run, args)


def write_results(run, args):
    """The report at --out and, next to it, the run's raw JSON (<stem>.json), to be committed together."""
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = out.with_suffix(".json")
    raw.write_text(json.dumps(run, indent=1))
    out.write_text(report(run, args, raw))
    print(f"raw: {raw}\nreport: {out}")


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def host_facts():
    def first_line(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    return {"kernel": os.uname().release, "cpus": os.cpu_count(),
            "java17": first_line([JAVA17, "-version"]), "java25": first_line([JAVA25, "-version"]),
            "stage": first_line([str(STAGE_JAVA), "-version"]),
            "go": first_line(["go", "version"]), "nginx": first_line(["nginx", "-v"]),
            "wrk": first_line(["wrk", "-v"])}


# ---------------------------------------------------------------- report

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=0, unit=""):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}{unit}"


def ratio(a, b):
    return "–" if a is None or not b else f"{a / b:.2f}×"


def report(run, args, raw):
    L = []
    load_data, start_data = run["load"], run["start_up"]
    conns = [str(c) for c in args.connections]

    def cell_med(name, c, key):
        return med([cell[key] for cell in load_data.get(name, {}).get(c, [])])

    def per_cpu(name, c=None):  # requests per server CPU-second, at c connections (default: the most)
        return cell_med(name, c or conns[-1], "per_cpu_s")

    L.append(f"# Greeter benchmark, {run['started']}")
    L.append("")
    L.append(f"Generated by `bench/run` (bench/bench.py); raw numbers: `{raw.name}` next to this report "
             "and the per-cell tables below. Loopback only, `wrk -t1`, medians over interleaved runs.")
    L.append("")
    for note in run.get("notes", []):
        L.append(f"- Not measured: {note}.")
    L.append(f"- Machine load: before `{run['uptime_before']}`; middle `{run.get('uptime_middle', '')}`; "
             f"after `{run['uptime_after']}`. Treat every number as noisy: the host has "
             f"{run['host']['cpus']} CPUs shared with other builds and emulated VMs.")
    L.append(f"- Servers pinned to CPU(s) `{args.server_cpus or 'any'}`, wrk to `{args.client_cpus or 'any'}`; "
             f"cells of {args.duration} s after a {args.warmup} s warm-up, {args.rounds} rounds; "
             f"{args.starts} starts per server.")
    h = run["host"]
    L.append(f"- {h['java17']} / {h['java25']} / stage runtime: {h.get('stage', '?')}; {h['go']}; {h['nginx']}; "
             f"{h['wrk']}; kernel {h['kernel']}.")
    L.append("")
    if load_data:
        go, ngx = per_cpu("go"), per_cpu("nginx")
        L.append("## Throughput and efficiency")
        L.append("")
        L.append(f"Ratios use requests per CPU-second at c={conns[-1]}, the second cell after each start: by then "
                 f"C1 has long finished, while C2 may still be compiling during the c={conns[0]} cell.")
        L.append("")
        L.append(f"| server | req per CPU-s c={conns[0]} | req per CPU-s c={conns[-1]} | ÷ Go | ÷ nginx "
                 f"| req/s c={conns[0]} | req/s c={conns[-1]} | p50/p99 c={conns[0]} (ms) "
                 f"| p50/p99 c={conns[-1]} (ms) | peak RSS c={conns[-1]} |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name in load_data:
            pc = per_cpu(name)
            L.append(f"| {name} | {fmt(per_cpu(name, conns[0]))} | {fmt(pc)} | {ratio(pc, go)} | {ratio(pc, ngx)} | "
                     + " | ".join(fmt(cell_med(name, c, "rps")) for c in conns[:2]) + " | "
                     + " | ".join(f"{fmt(cell_med(name, c, 'p50_ms'), 2)} / {fmt(cell_med(name, c, 'p99_ms'), 2)}"
                                  for c in conns[:2])
                     + f" | {fmt(cell_med(name, conns[-1], 'peak_rss_kb') and cell_med(name, conns[-1], 'peak_rss_kb') / 1024, 1, ' MB')} |")
        L.append("")
    if start_data:
        go_s = med([s["first_200_ms"] for s in start_data.get("go", [])])
        ngx_s = med([s["first_200_ms"] for s in start_data.get("nginx", [])])
        L.append("## Start-up and idle footprint")
        L.append("")
        L.append("| server | exec → first 200 | min–max | ÷ Go | ÷ nginx | CPU at first 200 | exec → READY "
                 "| CPU at READY | idle RSS | ÷ Go |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        go_rss = med([s["idle_rss_kb"] for s in start_data.get("go", [])])
        for name, samples in start_data.items():
            first = [s["first_200_ms"] for s in samples]
            rss = med([s["idle_rss_kb"] for s in samples])
            L.append(f"| {name} | {fmt(med(first), 1, ' ms')} | {fmt(min(first), 0)}–{fmt(max(first), 0)} | "
                     f"{ratio(med(first), go_s)} | {ratio(med(first), ngx_s)} | "
                     f"{fmt(med([s['cpu_ms_at_first_200'] for s in samples]), 0, ' ms')} | "
                     f"{fmt(med([s['ready_ms'] for s in samples]), 1, ' ms')} | "
                     f"{fmt(med([s.get('cpu_ms_at_ready') for s in samples]), 0, ' ms')} | {fmt(rss / 1024, 1, ' MB')} | "
                     f"{ratio(rss, go_rss)} |")
        L.append("")
    L.extend(targets(run, args, cell_med, per_cpu))
    if load_data:
        L.append("## Transports under the same flags (auto's order)")
        L.append("")
        L.append(f"| flags | transport | req per CPU-s c={conns[0]} | req per CPU-s c={conns[-1]} | ÷ epoll "
                 f"| req/s c={conns[0]} | req/s c={conns[-1]} | p99 c={conns[-1]} (ms) | peak RSS |")
        L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for j in args.transport_jvms:
            base = per_cpu(f"{j}/epoll")
            for t in args.transports:
                name = f"{j}/{t}"
                peak_t = cell_med(name, conns[-1], "peak_rss_kb")
                L.append(f"| {j} | {t} | {fmt(per_cpu(name, conns[0]))} | {fmt(per_cpu(name))} | "
                         f"{ratio(per_cpu(name), base)} | "
                         f"{fmt(cell_med(name, conns[0], 'rps'))} | {fmt(cell_med(name, conns[-1], 'rps'))} | "
                         f"{fmt(cell_med(name, conns[-1], 'p99_ms'), 2)} | {fmt(peak_t and peak_t / 1024, 1, ' MB')} |")
        L.append("")
    L.append("## Commands")
    L.append("")
    L.append("JVM servers run with `MALLOC_ARENA_MAX=2`; servd-java's with `SERVD_JAVA_HOME` at the stage's "
             "runtime (servd-java exports `MALLOC_ARENA_MAX=2` itself); every server, `java -version` and "
             f"launcher run under `taskset -c {args.server_cpus}` when pinned; `NOTIFY_SOCKET` points at the "
             "harness's listener. `NAME/io_uring` and `NAME/nio` are `NAME` with `--transport=io_uring|nio`.")
    L.append("")
    L.append("```")
    for n, c in run["commands"].items():
        L.append(f"{n}: {c}")
    L.append("```")
    L.append("")
    L.append("## Raw cells")
    L.append("")
    if load_data:
        L.append("| server | c | round | req/s | requests | server CPU s | req per CPU-s | p50 ms | p99 ms "
                 "| RSS MB (anon+file) | peak MB | errors | load |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, by_c in load_data.items():
            for c, cells in by_c.items():
                for i, cell in enumerate(cells, 1):
                    L.append(f"| {name} | {c} | {i} | {fmt(cell['rps'])} | {cell['requests']} | "
                             f"{cell['server_cpu_s']:.2f} | {fmt(cell['per_cpu_s'])} | {fmt(cell['p50_ms'], 2)} | "
                             f"{fmt(cell['p99_ms'], 2)} | {cell['rss_kb'] / 1024:.1f} ({cell['rss_anon_kb'] / 1024:.1f}+"
                             f"{cell['rss_file_kb'] / 1024:.1f}) | "
                             f"{cell['peak_rss_kb'] / 1024:.1f} | {cell['socket_errors'] + cell['non_2xx']} | "
                             f"{cell['load']:.1f} |")
        L.append("")
    if start_data:
        L.append("| server | exec → first 200 ms (each start) | exec → READY ms | CPU ms at first 200 | CPU ms at READY "
                 "| idle RSS MB |")
        L.append("|---|---|---|---|---|---|")
        for name, samples in start_data.items():
            L.append(f"| {name} | {' '.join(fmt(s['first_200_ms'], 0) for s in samples)} | "
                     f"{' '.join(fmt(s['ready_ms'], 0) for s in samples)} | "
                     f"{' '.join(fmt(s['cpu_ms_at_first_200'], 0) for s in samples)} | "
                     f"{' '.join(fmt(s.get('cpu_ms_at_ready'), 0) for s in samples)} | "
                     f"{' '.join(fmt(s['idle_rss_kb'] / 1024, 1) for s in samples)} |")
        L.append("")
    runs_to_exit = {f"{k} -version": v for k, v in run.get("floors", {}).items()}
    runs_to_exit.update({f"launcher: {k}": v for k, v in run.get("launcher", {}).items()})
    if runs_to_exit:
        L.append("| run to exit | wall ms (each run) | CPU ms | load |")
        L.append("|---|---|---|---|")
        for name, samples in runs_to_exit.items():
            L.append(f"| {name} | {' '.join(fmt(s['wall_ms'], 1) for s in samples)} | "
                     f"{' '.join(fmt(s['cpu_ms'], 1) for s in samples)} | "
                     f"{fmt(min(s['load'] for s in samples), 1)}–{fmt(max(s['load'] for s in samples), 1)} |")
        L.append("")
    return "\n".join(L) + "\n"


def targets(run, args, cell_med, per_cpu):
    """The Targets section (issue 14 item 1): each target against the median of the run."""
    start, floors, launcher = run["start_up"], run.get("floors", {}), run.get("launcher", {})
    conns = [str(c) for c in args.connections]
    chosen, last = args.chosen, conns[-1]
    loaded = f"{chosen}/epoll"

    def start_med(name, key):
        return med([s.get(key) for s in start.get(name, [])])

    def exit_med(samples, key):
        return med([s[key] for s in samples]) if samples else None

    def met(ok):
        return "–" if ok is None else ("yes" if ok else "no")

    def mb(kb):
        return None if kb is None else kb / 1024

    ready, ready_cpu = start_med(chosen, "ready_ms"), start_med(chosen, "cpu_ms_at_ready")
    spec = spec_of(chosen)
    floor_key = floor_of(spec["java"]) if spec else None
    floor, floor_cpu = (exit_med(floors.get(floor_key), k) for k in ("wall_ms", "cpu_ms"))
    idle = mb(start_med(chosen, "idle_rss_kb"))
    peak = mb(cell_med(loaded, last, "peak_rss_kb"))
    pc, ngx, go = per_cpu(loaded), per_cpu("nginx"), per_cpu("go")
    agent_ready, agent_idle = start_med(AGENT, "ready_ms"), mb(start_med(AGENT, "idle_rss_kb"))
    launch = [exit_med(launcher.get("servd-java"), k) for k in ("wall_ms", "cpu_ms")]
    base = [exit_med(launcher.get("true"), k) for k in ("wall_ms", "cpu_ms")]
    own = [None if a is None or b is None else a - b for a, b in zip(launch, base)]

    def at_most(v, limit):
        return None if v is None else v <= limit

    def at_least_times(a, b, k):
        return None if a is None or not b else a >= k * b

    rows = [
        (f"{chosen}: exec → READY", "≤ 80 ms", fmt(ready, 1, " ms"), "–", met(at_most(ready, 80))),
        (f"{chosen}: exec → READY ÷ `java -version` of the same JVM ({floor_key or '?'})", "≤ 2.5×",
         f"{fmt(ready, 1)} vs {fmt(floor, 1)} ms; CPU {fmt(ready_cpu)} vs {fmt(floor_cpu)} ms",
         f"{ratio(ready, floor)}; CPU {ratio(ready_cpu, floor_cpu)}",
         met(None if ready is None or not floor else ready <= 2.5 * floor)),
        (f"{chosen}: idle RSS, {args.idle_settle:g} s after READY", "≤ 40 MB", fmt(idle, 1, " MB"), "–",
         met(at_most(idle, 40))),
        (f"{chosen}: peak RSS, wrk -c{last}", "≤ 56 MB", fmt(peak, 1, " MB"), "–", met(at_most(peak, 56))),
        (f"{chosen}: requests per server CPU-second, c={last}, ÷ nginx", "≥ 1.0×",
         f"{fmt(pc)} vs {fmt(ngx)}", ratio(pc, ngx), met(at_least_times(pc, ngx, 1.0))),
        (f"{chosen}: requests per server CPU-second, c={last}, ÷ Go", "≥ 2×",
         f"{fmt(pc)} vs {fmt(go)}", ratio(pc, go), met(at_least_times(pc, go, 2.0))),
    ]
    for c in conns:
        p99, go99 = cell_med(loaded, c, "p99_ms"), cell_med("go", c, "p99_ms")
        rows.append((f"{chosen}: p99, c={c}", "≤ Go's", f"{fmt(p99, 2)} vs {fmt(go99, 2)} ms", ratio(p99, go99),
                     met(None if p99 is None or go99 is None else p99 <= go99)))
    rows += [
        (f"{AGENT}: exec → READY", "≤ 90 ms (greeter's + 10 ms)", fmt(agent_ready, 1, " ms"),
         f"{ratio(agent_ready, ready)} of {chosen}'s", met(at_most(agent_ready, 90))),
        (f"{AGENT}: idle RSS, {args.idle_settle:g} s after READY", "≤ 50 MB (greeter's + 10 MB)",
         fmt(agent_idle, 1, " MB"), f"{ratio(agent_idle, idle)} of {chosen}'s", met(at_most(agent_idle, 50))),
        ("servd-java launcher's own cost: exec → exec of java (median, /bin/true as java, less /bin/true alone)",
         "≤ 10 ms (issue 15 item 1)", f"{fmt(own[0], 2)} ms wall; {fmt(own[1], 2)} ms CPU",
         f"{fmt(launch[0], 2)} vs {fmt(base[0], 2)} ms", met(at_most(own[0], 10))),
    ]
    for key, samples in floors.items():
        on_it = [n for n in start if spec_of(n) and floor_of(spec_of(n)["java"]) == key]
        rows.append((f"`java -version`, {key} ({FLOORS.get(key, '?').replace(str(ROOT) + '/', '')})", "floor",
                     f"{fmt(exit_med(samples, 'wall_ms'), 1)} ms wall; {fmt(exit_med(samples, 'cpu_ms'), 1)} ms CPU",
                     "; ".join(f"{n} READY {ratio(start_med(n, 'ready_ms'), exit_med(samples, 'wall_ms'))}"
                               for n in on_it) or "–", "–"))
    L = ["## Targets", "",
         f"For `{chosen}` (the greeter's targets; load cells on epoll) and `{AGENT}` (start-up only). Medians; "
         "ratios are measured ÷ the peer's.", "",
         "| metric | target | measured | ratio | met |", "|---|---|---:|---:|:-:|"]
    L += [f"| {' | '.join(r)} |" for r in rows]
    return L + [""]


if __name__ == "__main__":
    main()
