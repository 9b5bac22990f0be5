package io.servd.cgroup.fs;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Root of the proc file system: {@code /proc} in production, a fixture directory in tests.
 *
 * @param root directory holding one sub-directory per pid (and {@code self})
 */
public record ProcFs(Path root) {

    public ProcFs {
        Objects.requireNonNull(root, "root");
    }

    /** The production root, {@code /proc}. */
    public static ProcFs system() {
        return new ProcFs(Path.of("/proc"));
    }

    /** {@code <root>/<pid>/cgroup}: the process's membership, one line per hierarchy (proc(5)). */
    public Path cgroupFile(long pid) {
        return pidDir(pid).resolve("cgroup");
    }

    /** {@code <root>/<pid>/mountinfo}: the mounts as seen from the process's mount namespace (proc(5)). */
    public Path mountInfoFile(long pid) {
        return pidDir(pid).resolve("mountinfo");
    }

    /** {@code <root>/self/cgroup}. */
    public Path selfCgroupFile() {
        return root.resolve("self").resolve("cgroup");
    }

    /** {@code <root>/self/mountinfo}. */
    public Path selfMountInfoFile() {
        return root.resolve("self").resolve("mountinfo");
    }

    /** {@code <root>/meminfo}: system memory counters ({@code MemTotal:} is the physical RAM systemd uses). */
    public Path meminfo() {
        return root.resolve("meminfo");
    }

    /** {@code <root>/sys/kernel/<name>}, e.g. {@code pid_max} or {@code threads-max}. */
    public Path kernelSysctl(String name) {
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("not a kernel sysctl name [" + name + "]");
        }
        return root.resolve("sys").resolve("kernel").resolve(name);
    }

    /** {@code <root>/self/smaps}: this process's mappings, with {@code KernelPageSize:}. */
    public Path selfSmaps() {
        return root.resolve("self").resolve("smaps");
    }

    private Path pidDir(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive [" + pid + "]");
        }
        return root.resolve(Long.toString(pid));
    }
}
