package io.servd.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Scenarios derived from the cgroup module's captures by the one change a systemd directive makes,
 * built in a {@code @TempDir} (so no capture is copied into this module): each method says which
 * capture it starts from and which directive it models.
 */
final class Fixtures {

    private Fixtures() {
    }

    /** Copies the captured scenario {@code name} (procfs/ and cgroupfs/) to {@code dir}. */
    static Path copyOf(String name, Path dir) {
        copyTree(ServdJava.CGROUP_FIXTURES.resolve("procfs").resolve(name), dir.resolve("procfs").resolve(name));
        copyTree(ServdJava.CGROUP_FIXTURES.resolve("cgroupfs").resolve(name), dir.resolve("cgroupfs").resolve(name));
        return dir;
    }

    /**
     * debian12-systemd252 (captured in the bookworm test VM, systemd 252, kernel 6.1) with
     * foo.service's MemoryMax= and CPUQuota= removed: memory.max "max", cpu.max "max 100000", the
     * kernel's spelling of no limit (as system.slice's files in the same capture read).
     */
    static Path v2Unlimited(Path dir) throws IOException {
        copyOf("debian12-systemd252", dir);
        Path foo = dir.resolve("cgroupfs/debian12-systemd252/system.slice/foo.service");
        Files.writeString(foo.resolve("memory.max"), "max\n");
        Files.writeString(foo.resolve("cpu.max"), "max 100000\n");
        return dir;
    }

    /**
     * {@link #v2Unlimited} plus systemd's AllowedCPUs=LIST on foo.service: the cpuset controller
     * enabled down to it ("cpuset" in cgroup.controllers) and the kernel's effective lists, the
     * root's being every CPU of the 2-vCPU VM ("0-1").
     */
    static Path v2Cpuset(Path dir, String allowedCpus, String cpuMax) throws IOException {
        v2Unlimited(dir);
        Path root = dir.resolve("cgroupfs/debian12-systemd252");
        Path foo = root.resolve("system.slice/foo.service");
        Files.writeString(root.resolve("cgroup.subtree_control"), "cpuset cpu memory pids\n");
        for (Path d : new Path[] {root.resolve("system.slice"), foo}) {
            Files.writeString(d.resolve("cgroup.controllers"), "cpuset cpu memory pids\n");
        }
        Files.writeString(root.resolve("system.slice/cgroup.subtree_control"), "cpuset cpu memory pids\n");
        Files.writeString(root.resolve("cpuset.cpus.effective"), "0-1\n");
        Files.writeString(root.resolve("system.slice/cpuset.cpus.effective"), "0-1\n");
        Files.writeString(foo.resolve("cpuset.cpus.effective"), allowedCpus + "\n");
        Files.writeString(foo.resolve("cpu.max"), cpuMax + "\n");
        return dir;
    }

    /**
     * No cgroup file system at all (a chroot or a container without /sys/fs/cgroup): the
     * hybrid-host capture's /proc/self/cgroup (the kernel lists memberships regardless) with every
     * cgroup and cgroup2 mount taken out of its mountinfo, and an empty cgroup root.
     */
    static Path noCgroupFs(Path dir) throws IOException {
        Path proc = Files.createDirectories(dir.resolve("procfs/no-cgroupfs/self"));
        Path captured = ServdJava.CGROUP_FIXTURES.resolve("procfs/hybrid-host/self");
        Files.copy(captured.resolve("cgroup"), proc.resolve("cgroup"));
        try (Stream<String> lines = Files.lines(captured.resolve("mountinfo"))) {
            Files.write(proc.resolve("mountinfo"), lines
                    .filter(l -> !l.contains(" - cgroup ") && !l.contains(" - cgroup2 ")).toList());
        }
        Files.createDirectories(dir.resolve("cgroupfs/no-cgroupfs"));
        return dir;
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
