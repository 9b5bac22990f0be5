#!/usr/bin/env python3
"""Drives the servd test-bed VM (DESIGN §7): qemu + QMP + qemu-guest-agent. Stdlib only.

Usually called through vm.sh, which builds the image first. Subcommands:
  start                 boot a throw-away qcow2 overlay of the cached image; returns once the guest
                        agent answers guest-ping (qemu keeps running in the background)
  exec [--timeout S] [--stdin] CMD [ARG...]
                        run CMD in the guest through the agent; its stdout/stderr are copied to
                        ours and its exit code becomes ours (128+N when killed by signal N,
                        124 on --timeout, 255 when the agent itself failed)
  capture GUEST_DIR HOST_DIR [NAME...]
                        copy regular files (all of GUEST_DIR's, or the NAMEs) byte for byte to
                        HOST_DIR in one round trip; meant for cgroupfs/procfs fixtures
  stop [--keep]         poweroff through the agent, wait, then kill our qemu pid if still alive
  status                print state as key=value lines; exit 0 if running, 1 if not
  port                  print the host port forwarded to the guest's 9470 (127.0.0.1 only)

State (pid, sockets, console log, overlay, share dir) lives in $SERVD_VM_STATE.
"""
import argparse
import base64
import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

GUEST_PORT = 9470
AGENT_PORT_ID = "qga0port"
# Console lines that mean the boot is dead: stop waiting for the agent.
DEAD_BOOT = re.compile(
    r"Kernel panic - not syncing|ALERT! .* does not exist|Dropping to a shell|"
    r"You are in emergency mode|Give root password for maintenance|"
    r"Cannot open access to console, the root account is locked")
# A guest kernel that reports an RCU stall twice (~60 s apart) has wedged a vCPU: seen under TCG,
# where that boot then made no progress for minutes. A fresh qemu boots normally.
RCU_STALL = re.compile(r"rcu: INFO: rcu_\w+ detected stalls")
BOOT_ATTEMPTS = 2


def log(msg):
    print(f"vm: {msg}", file=sys.stderr, flush=True)


class VmError(Exception):
    pass


class DeadBoot(VmError):
    """The guest cannot finish booting (panic, emergency shell, stalled kernel): worth one more try."""


# --- state ----------------------------------------------------------------------------------

class State:
    def __init__(self, directory):
        self.dir = os.path.abspath(directory)
        os.makedirs(self.dir, exist_ok=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def info(self):
        try:
            with open(self.path("info.json")) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def write_info(self, info):
        tmp = self.path("info.json.tmp")
        with open(tmp, "w") as f:
            json.dump(info, f, indent=1)
        os.replace(tmp, self.path("info.json"))

    def qemu_pid(self):
        """Our qemu's pid if it is alive, else None. A pid is ours only if its command line names
        our pid file, so a recycled pid is never signalled."""
        try:
            with open(self.path("qemu.pid")) as f:
                pid = int(f.read().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if is_alive(pid, self.path("qemu.pid")) else None


def is_alive(pid, marker):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
        return False
    return marker.encode() in cmdline


def kill_ours(pid, marker, grace):
    """SIGTERM, wait up to grace seconds, then SIGKILL; only while the pid is still ours."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10)):
        if not is_alive(pid, marker):
            return
        os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and is_alive(pid, marker):
            time.sleep(0.2)


# --- QMP and the guest agent ----------------------------------------------------------------

class JsonLines:
    """Newline-delimited JSON over a unix stream socket."""

    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def send(self, obj, prefix=b""):
        self.sock.sendall(prefix + json.dumps(obj).encode() + b"\n")

    def read_line(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("no reply before the deadline")
            self.sock.settimeout(min(left, 1.0))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise VmError("connection closed by qemu")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def close(self):
        self.sock.close()


class Qmp(JsonLines):
    def __init__(self, path, timeout=10):
        super().__init__(path, timeout)
        self.events = []
        json.loads(self.read_line(time.monotonic() + timeout))  # greeting
        self.command("qmp_capabilities")

    def command(self, name, timeout=10, **arguments):
        self.send({"execute": name, "arguments": arguments} if arguments else {"execute": name})
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.read_line(deadline))
            if "event" in msg:
                self.events.append(msg)
            elif "error" in msg:
                raise VmError(f"qmp {name}: {msg['error']}")
            elif "return" in msg:
                return msg["return"]

    def next_event(self, timeout):
        if self.events:
            return self.events.pop(0)
        try:
            msg = json.loads(self.read_line(time.monotonic() + timeout))
        except socket.timeout:
            return None
        return msg if "event" in msg else None


class Agent(JsonLines):
    """qemu-guest-agent client. Connect only after the guest opened its port (see start)."""

    def __init__(self, path, timeout=10):
        super().__init__(path, timeout)
        # 0xFF resets the agent's parser (a previous client may have left half a request), and
        # the agent answers guest-sync-delimited with 0xFF before its reply, so stale output from
        # an earlier client can be skipped.
        sync_id = int.from_bytes(os.urandom(4), "big") & 0x7FFFFFFF
        self.send({"execute": "guest-sync-delimited", "arguments": {"id": sync_id}}, prefix=b"\xff")
        deadline = time.monotonic() + timeout
        while True:
            while b"\xff" not in self.buf:
                self.buf = b""
                self.sock.settimeout(max(0.1, deadline - time.monotonic()))
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise VmError("guest agent closed the connection during sync")
                self.buf = chunk
            self.buf = self.buf.split(b"\xff", 1)[1]
            reply = json.loads(self.read_line(deadline))
            if reply.get("return") == sync_id:
                return

    def close(self):
        super().close()
        if getattr(self, "lock", None):
            self.lock.close()  # releases the flock

    def command(self, name, timeout=10, **arguments):
        self.send({"execute": name, "arguments": arguments} if arguments else {"execute": name})
        msg = json.loads(self.read_line(time.monotonic() + timeout))
        if "error" in msg:
            raise VmError(f"guest agent {name}: {msg['error'].get('desc', msg['error'])}")
        return msg.get("return")


def agent(state, timeout=10):
    """Exclusive agent connection: the agent serves one client at a time."""
    lock = open(state.path("agent.lock"), "w")
    deadline = time.monotonic() + 120
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise VmError("another client holds the guest agent for 120 s")
            time.sleep(0.1)
    try:
        a = Agent(state.info()["agent_socket"], timeout)
    except BaseException:
        lock.close()
        raise
    a.lock = lock
    return a


def guest_exec(state, argv, timeout, stdin_data=None):
    """Runs argv in the guest under coreutils' timeout. Returns (exit_code, stdout, stderr)."""
    a = agent(state)
    try:
        args = {"path": "/usr/bin/timeout",
                "arg": ["--kill-after=10", f"{timeout}s", *argv], "capture-output": True}
        if stdin_data is not None:
            args["input-data"] = base64.b64encode(stdin_data).decode()
        pid = a.command("guest-exec", **args)["pid"]
        deadline = time.monotonic() + timeout + 30
        delay = 0.05
        while True:
            st = a.command("guest-exec-status", pid=pid)
            if st.get("exited"):
                break
            if time.monotonic() > deadline:
                raise VmError(f"guest command {argv} still running {timeout + 30} s after start")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)
    finally:
        a.close()
    out = base64.b64decode(st.get("out-data", ""))
    err = base64.b64decode(st.get("err-data", ""))
    if st.get("out-truncated") or st.get("err-truncated"):
        err += b"\nvm: guest output truncated by the agent\n"
    code = st["exitcode"] if "exitcode" in st else 128 + st.get("signal", 0)
    return code, out, err


# --- accelerator ----------------------------------------------------------------------------

def accel():
    """KVM only on real hardware KVM: /dev/kvm may be kvm_pvm (no vmx/svm), which cannot run a
    stock Debian kernel (DESIGN §7). SERVD_VM_ACCEL=kvm|tcg overrides."""
    forced = os.environ.get("SERVD_VM_ACCEL")
    if forced in ("kvm", "tcg"):
        return forced
    hardware = any(os.path.isdir(f"/sys/module/{m}") for m in ("kvm_intel", "kvm_amd"))
    try:
        with open("/proc/cpuinfo") as f:
            flags = re.search(r"^flags\s*:(.*)$", f.read(), re.M).group(1).split()
    except (OSError, AttributeError):
        flags = []
    if (hardware and not os.path.isdir("/sys/module/kvm_pvm")
            and ("vmx" in flags or "svm" in flags) and os.access("/dev/kvm", os.R_OK | os.W_OK)):
        return "kvm"
    return "tcg"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- commands -------------------------------------------------------------------------------

def cmd_start(state, args):
    if state.qemu_pid():
        raise VmError(f"already running (pid {state.qemu_pid()}, state [{state.dir}]); stop it first")
    image = os.path.abspath(args.image or os.environ.get("SERVD_VM_IMAGE", ""))
    for f in ("rootfs.img", "vmlinuz", "initrd.img"):
        if not os.path.isfile(os.path.join(image, f)):
            raise VmError(f"no [{f}] in image directory [{image}]; run build-image.sh")
    share = os.path.abspath(args.share or state.path("share"))
    os.makedirs(share, exist_ok=True)
    # unix socket paths are limited to 107 bytes: fall back to a short private directory.
    for attempt in range(1, BOOT_ATTEMPTS):  # a failed attempt's console, from an earlier start
        if os.path.exists(state.path(f"console.attempt{attempt}.log")):
            os.remove(state.path(f"console.attempt{attempt}.log"))
    sock_dir = state.dir if len(state.dir) < 90 else tempfile.mkdtemp(prefix="servd-vm-")
    qmp_sock, agent_sock = os.path.join(sock_dir, "qmp.sock"), os.path.join(sock_dir, "qga.sock")
    port = args.http_port or free_port()
    started = time.monotonic()
    deadline = started + args.boot_timeout  # for all attempts together
    for attempt in range(1, BOOT_ATTEMPTS + 1):
        try:
            proc, info = launch(state, args, image, share, qmp_sock, agent_sock, port, deadline)
            break
        except DeadBoot as e:
            if attempt == BOOT_ATTEMPTS:
                raise
            os.replace(state.path("console.log"), state.path(f"console.attempt{attempt}.log"))
            log(f"{e}; booting a fresh VM (attempt {attempt + 1} of {BOOT_ATTEMPTS}), "
                f"first console kept in [{state.path(f'console.attempt{attempt}.log')}]")
    info["boot_seconds"] = round(time.monotonic() - started, 1)
    state.write_info(info)
    spawn_watchdog(state, proc.pid, args.ttl, args.owner_pid)
    log(f"up in {info['boot_seconds']} s ({info['accel']}), pid {proc.pid}, "
        f"host 127.0.0.1:{port} -> guest :{GUEST_PORT}, share [{share}] -> guest /mnt/share")
    print(f"http_port={port}")


def launch(state, args, image, share, qmp_sock, agent_sock, port, deadline):
    """One qemu on a fresh overlay, booted to the guest agent by deadline; killed again if the boot fails."""
    for f in ("overlay.qcow2", "console.log", "qemu.log", "qemu.pid", "info.json", qmp_sock, agent_sock):
        if os.path.exists(state.path(f)):  # (absolute socket paths pass through state.path unchanged)
            os.remove(state.path(f))
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b",
                    os.path.join(image, "rootfs.img"), state.path("overlay.qcow2")],
                   check=True, timeout=60)
    acc = accel()
    cmdline = ("root=/dev/vda rw console=ttyS0 systemd.unified_cgroup_hierarchy=1 "
               "net.ifnames=0 panic=-1 mitigations=off")
    argv = ["qemu-system-x86_64", "-name", "servd-vm", "-nodefaults", "-no-user-config",
            "-display", "none", "-machine", "pc",
            *(["-accel", "kvm", "-cpu", "host"] if acc == "kvm"
              else ["-accel", "tcg,thread=multi", "-cpu", "max"]),
            "-m", str(args.memory), "-smp", str(args.cpus),
            "-kernel", os.path.join(image, "vmlinuz"), "-initrd", os.path.join(image, "initrd.img"),
            "-append", cmdline,
            "-drive", f"file={state.path('overlay.qcow2')},format=qcow2,if=virtio,cache=unsafe",
            # restrict=on: the guest reaches nothing but this one forward from host loopback.
            "-netdev", f"user,id=net0,restrict=on,ipv6=off,hostfwd=tcp:127.0.0.1:{port}-:{GUEST_PORT}",
            "-device", "virtio-net-pci,netdev=net0",
            "-device", "virtio-serial-pci,id=vser0",
            "-chardev", f"socket,id=qga0,path={agent_sock},server=on,wait=off",
            "-device", f"virtserialport,id={AGENT_PORT_ID},chardev=qga0,name=org.qemu.guest_agent.0",
            "-virtfs", f"local,path={share},mount_tag=share,security_model=none,readonly=on,id=share0",
            "-device", "virtio-rng-pci",
            "-chardev", f"file,id=con0,path={state.path('console.log')}", "-serial", "chardev:con0",
            "-qmp", f"unix:{qmp_sock},server=on,wait=off",
            "-pidfile", state.path("qemu.pid"), "-no-reboot",
            "-S"]  # paused until QMP listens, so the agent port's open event cannot be missed
    with open(state.path("qemu.log"), "wb") as qlog:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=qlog, stderr=qlog,
                                start_new_session=True)
    info = {"pid": proc.pid, "http_port": port, "accel": acc, "image": image, "share": share,
            "qmp_socket": qmp_sock, "agent_socket": agent_sock, "argv": argv}
    state.write_info(info)
    try:
        boot(state, proc, qmp_sock, max(1, deadline - time.monotonic()))
    except BaseException:
        tail(state.path("console.log"), 40)
        tail(state.path("qemu.log"), 20)
        if is_alive(proc.pid, state.path("qemu.pid")):
            kill_ours(proc.pid, state.path("qemu.pid"), 5)
        raise
    return proc, info


def boot(state, proc, qmp_sock, boot_timeout):
    deadline = time.monotonic() + boot_timeout
    while not os.path.exists(qmp_sock) or not os.path.exists(state.path("qemu.pid")):
        if proc.poll() is not None:
            raise VmError(f"qemu exited with {proc.returncode} before QMP came up")
        if time.monotonic() > deadline - boot_timeout + 60:
            raise VmError("QMP socket did not appear in 60 s")
        time.sleep(0.05)
    qmp = Qmp(qmp_sock)
    try:
        qmp.command("cont")
        console_pos = 0
        stalls = 0
        while True:
            if proc.poll() is not None:
                raise VmError(f"qemu exited with {proc.returncode} during boot")
            if time.monotonic() > deadline:
                raise VmError(f"guest agent not up after {boot_timeout:.0f} s")
            with open(state.path("console.log"), "rb") as f:
                f.seek(console_pos)
                new = f.read()
            console_pos += len(new)
            text = new.decode(errors="replace")
            dead = DEAD_BOOT.search(text)
            if dead:
                raise DeadBoot("dead boot: " + dead.group(0))
            stalls += len(RCU_STALL.findall(text))
            if stalls >= 2:
                raise DeadBoot("dead boot: the guest kernel reported an RCU stall twice")
            ev = qmp.next_event(1.0)
            if ev and ev["event"] == "VSERPORT_CHANGE" and ev["data"].get("id") == AGENT_PORT_ID \
                    and ev["data"].get("open"):
                break
    finally:
        qmp.close()
    a = agent(state, timeout=30)
    try:
        a.command("guest-ping", timeout=30)
    finally:
        a.close()


def start_time(pid):
    """The process's start time in clock ticks since boot: with the pid, a unique identity."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def spawn_watchdog(state, pid, ttl, owner_pid):
    """A detached reaper: kills our qemu when it outlives ttl seconds (a forgotten VM), or when
    owner_pid (e.g. the test JVM) exits first."""
    owner = f"{owner_pid}:{start_time(owner_pid) or 0}" if owner_pid else "0:0"
    w = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--state", state.dir,
                          "_watchdog", str(pid), str(ttl), owner],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    info = state.info()
    info["watchdog_pid"] = w.pid
    state.write_info(info)


def cmd_watchdog(state, args):
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    marker = state.path("qemu.pid")
    deadline = time.monotonic() + args.ttl
    owner_pid, owner_start = (int(x) for x in args.owner.split(":"))
    while is_alive(args.pid, marker):
        reason = None
        if time.monotonic() > deadline:
            reason = f"after {args.ttl} s"
        elif owner_pid and start_time(owner_pid) != owner_start:
            reason = f"because its owner pid {owner_pid} exited"
        if reason:
            with open(state.path("console.log"), "ab") as f:
                f.write(f"\nvm watchdog: killing qemu pid {args.pid} {reason}\n".encode())
            kill_ours(args.pid, marker, 10)
            return 0
        time.sleep(2)
    return 0


def require_running(state):
    if not state.qemu_pid():
        raise VmError(f"no VM running with state [{state.dir}]; run 'vm.sh start'")


def cmd_exec(state, args):
    require_running(state)
    if not args.argv:
        raise VmError("exec needs a command")
    data = sys.stdin.buffer.read() if args.stdin else None
    code, out, err = guest_exec(state, args.argv, args.timeout, data)
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    sys.stderr.buffer.write(err)
    sys.stderr.flush()
    return code


CAPTURE = r'''cd "$1" || exit 2; shift
[ $# -gt 0 ] || set -- $(find . -maxdepth 1 -type f -printf '%P\n' | LC_ALL=C sort)
for f; do
  if b=$(base64 -w0 <"$f" 2>/dev/null); then printf 'ok %s %s\n' "$f" "$b"; else printf 'unreadable %s\n' "$f"; fi
done'''


def cmd_capture(state, args):
    require_running(state)
    code, out, err = guest_exec(state, ["sh", "-c", CAPTURE, "capture", args.guest_dir, *args.names],
                                args.timeout)
    if code != 0:
        sys.stderr.buffer.write(err)
        raise VmError(f"capture of [{args.guest_dir}] failed with exit code {code}")
    os.makedirs(args.host_dir, exist_ok=True)
    n = 0
    for line in out.decode().splitlines():
        status, rest = line.split(" ", 1)
        name, _, b64 = rest.partition(" ")
        if status != "ok":
            log(f"skipped unreadable [{args.guest_dir}/{name}]")
            continue
        with open(os.path.join(args.host_dir, name), "wb") as f:
            f.write(base64.b64decode(b64))
        n += 1
    log(f"captured {n} files from [{args.guest_dir}] into [{args.host_dir}]")
    return 0


def cmd_stop(state, args):
    info = state.info()
    pid = state.qemu_pid()
    if pid:
        marker = state.path("qemu.pid")
        try:
            # The agent's own guest-shutdown hangs; ask systemd without waiting for the job, and
            # do not poll the result: the agent is stopped (connection reset) as the guest goes down.
            a = agent(state)
            try:
                a.command("guest-exec", path="/bin/systemctl", arg=["poweroff", "--no-block"])
            finally:
                a.close()
        except (VmError, OSError) as e:
            log(f"poweroff through the agent failed ({e}); waiting, then killing qemu")
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline and is_alive(pid, marker):
            time.sleep(0.5)
        if is_alive(pid, marker):
            log(f"guest did not power off in {args.timeout} s; killing qemu pid {pid}")
            kill_ours(pid, marker, 10)
    wd = info.get("watchdog_pid")
    if wd and is_alive(wd, "_watchdog"):
        os.kill(wd, signal.SIGTERM)
    if not args.keep and os.path.exists(state.path("overlay.qcow2")):
        os.remove(state.path("overlay.qcow2"))
    for key in ("qmp_socket", "agent_socket"):
        if info.get(key) and os.path.exists(info[key]):
            os.remove(info[key])
    log("stopped" if pid else "not running")
    return 0


def cmd_status(state, args):
    pid = state.qemu_pid()
    info = state.info()
    print(f"running={'yes' if pid else 'no'}")
    print(f"state={state.dir}")
    for k in ("pid", "http_port", "accel", "boot_seconds", "image", "share"):
        if pid and k in info:
            print(f"{k}={info[k]}")
    return 0 if pid else 1


def cmd_port(state, args):
    require_running(state)
    print(state.info()["http_port"])
    return 0


def tail(path, n):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode(errors="replace").splitlines()[-n:]
    except FileNotFoundError:
        return
    log(f"last {len(lines)} lines of [{path}]:")
    for line in lines:
        print("  | " + line, file=sys.stderr)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(prog="vm.sh", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--state", default=os.environ.get("SERVD_VM_STATE",
                                                     os.path.join(here, "..", "target", "vm")))
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start")
    s.add_argument("--image", help="directory with rootfs.img, vmlinuz, initrd.img ($SERVD_VM_IMAGE)")
    s.add_argument("--share", help="host directory shared read-only at /mnt/share (default: STATE/share)")
    s.add_argument("--http-port", type=int, default=int(os.environ.get("SERVD_VM_HTTP_PORT", "0")))
    s.add_argument("--memory", type=int, default=2048, help="MiB")
    s.add_argument("--cpus", type=int, default=2)
    s.add_argument("--boot-timeout", type=int, default=int(os.environ.get("SERVD_VM_BOOT_TIMEOUT", "300")))
    s.add_argument("--ttl", type=int, default=int(os.environ.get("SERVD_VM_TTL", "7200")),
                   help="the reaper kills the VM after this many seconds")
    s.add_argument("--owner-pid", type=int, default=0,
                   help="the reaper kills the VM when this process exits (e.g. the test JVM)")
    e = sub.add_parser("exec")
    e.add_argument("--timeout", type=int, default=300)
    e.add_argument("--stdin", action="store_true", help="pass our stdin to the command")
    e.add_argument("argv", nargs=argparse.REMAINDER)
    c = sub.add_parser("capture")
    c.add_argument("--timeout", type=int, default=60)
    c.add_argument("guest_dir")
    c.add_argument("host_dir")
    c.add_argument("names", nargs="*")
    t = sub.add_parser("stop")
    t.add_argument("--keep", action="store_true", help="keep the overlay disk")
    t.add_argument("--timeout", type=int, default=90, help="seconds to wait for the poweroff")
    sub.add_parser("status")
    sub.add_parser("port")
    w = sub.add_parser("_watchdog")
    w.add_argument("pid", type=int)
    w.add_argument("ttl", type=int)
    w.add_argument("owner")
    args = p.parse_args()
    if args.cmd == "exec" and args.argv[:1] == ["--"]:
        args.argv = args.argv[1:]
    state = State(args.state)
    handler = {"start": cmd_start, "exec": cmd_exec, "capture": cmd_capture, "stop": cmd_stop,
               "status": cmd_status, "port": cmd_port, "_watchdog": cmd_watchdog}[args.cmd]
    try:
        return handler(state, args) or 0
    except (VmError, OSError, subprocess.SubprocessError) as e:
        log(f"{args.cmd} failed: {e}")
        return 255 if args.cmd in ("exec", "capture") else 1


if __name__ == "__main__":
    sys.exit(main())
