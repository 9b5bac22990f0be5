package io.servd.servctl.top;

import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Counts processes per cgroup for systemd-cgtop's {@code -P} and {@code -k}: the pids in {@code cgroup.procs}
 * (of the cgroup2 hierarchy, else the first v1 hierarchy that has the cgroup), all of them ({@code -k}) or
 * those that are not kernel threads ({@code -P}: {@code PF_KTHREAD} clear in {@code /proc/PID/stat}, as
 * systemd's {@code pid_is_kernel_thread()}). With {@code --recursive=yes} a cgroup's count includes the
 * cgroups below it that the walk read (down to {@code --depth}), as cgtop sums them. Read-only.
 */
final class ProcessCounter {

    /** {@code PF_KTHREAD} in the kernel's {@code include/linux/sched.h}. */
    static final long PF_KTHREAD = 0x0020_0000L;

    private final CgroupMounts mounts;
    private final ProcFs proc;
    private final long selfPid;

    /** @param selfPid this process, never a kernel thread (nor are pids 0 and 1), as systemd assumes */
    ProcessCounter(CgroupMounts mounts, ProcFs proc, long selfPid) {
        this.mounts = Objects.requireNonNull(mounts, "mounts");
        this.proc = Objects.requireNonNull(proc, "proc");
        this.selfPid = selfPid;
    }

    /**
     * The count of each of {@code groups}; empty for a cgroup without {@code cgroup.procs} (gone, or in no
     * hierarchy read) and nothing below it counted.
     *
     * @throws IOException when a present {@code cgroup.procs} cannot be read
     */
    Map<String, OptionalLong> count(Collection<String> groups, TopView.Counting counting, boolean recursive)
            throws IOException {
        if (counting == TopView.Counting.TASKS) {
            throw new IllegalArgumentException("tasks come from pids.current, not from counting [" + counting + "]");
        }
        Set<String> shown = Set.copyOf(groups);
        Map<String, Long> own = new LinkedHashMap<>();
        for (String group : groups) {
            OptionalLong n = countOwn(group, counting);
            if (n.isPresent()) {
                own.put(group, n.getAsLong());
            }
        }
        Map<String, Long> totals = recursive ? subtreeSums(own, shown) : own;
        Map<String, OptionalLong> counts = new LinkedHashMap<>();
        for (String group : groups) {
            Long n = totals.get(group);
            counts.put(group, n == null ? OptionalLong.empty() : OptionalLong.of(n));
        }
        return counts;
    }

    /** Each count added to the cgroup itself and to every ancestor among {@code shown}, as cgtop sums its walk. */
    private static Map<String, Long> subtreeSums(Map<String, Long> own, Set<String> shown) {
        Map<String, Long> totals = new HashMap<>();
        for (Map.Entry<String, Long> e : own.entrySet()) {
            totals.merge(e.getKey(), e.getValue(), Long::sum);
            for (String ancestor : CgroupPath.ancestors(e.getKey())) {
                if (shown.contains(ancestor)) {
                    totals.merge(ancestor, e.getValue(), Long::sum);
                }
            }
        }
        return totals;
    }

    private OptionalLong countOwn(String group, TopView.Counting counting) throws IOException {
        Optional<Path> procs = procsFile(group);
        if (procs.isEmpty()) {
            return OptionalLong.empty();
        }
        String raw;
        try {
            raw = Files.readString(procs.get(), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty(); // removed since the walk
        }
        long n = 0;
        // cgroup.procs: one pid per line; 0 for a process of another pid namespace, counted as cgtop does
        for (String line : raw.split("\n")) {
            String pid = line.strip();
            if (pid.isEmpty()) {
                continue;
            }
            long id;
            try {
                id = Long.parseLong(pid);
            } catch (NumberFormatException e) {
                throw new IOException("not a pid [" + pid + "] in [" + procs.get() + "]", e);
            }
            if (counting == TopView.Counting.ALL_PROCESSES || !isKernelThread(id)) {
                n++;
            }
        }
        return OptionalLong.of(n);
    }

    private Optional<Path> procsFile(String group) {
        String rel = group.equals("/") ? "" : group.substring(1);
        for (CgroupRoot root : mounts.treeRoots()) {
            Path file = root.mountPoint().resolve(rel).resolve("cgroup.procs");
            if (Files.exists(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code /proc/PID/stat}'s ninth field, {@code flags}, has {@code PF_KTHREAD}. A process that exited or a
     * line that does not parse is not a kernel thread, as systemd treats its errors.
     */
    boolean isKernelThread(long pid) throws IOException {
        if (pid == 0 || pid == 1 || pid == selfPid) {
            return false;
        }
        String stat;
        try {
            stat = Files.readString(proc.root().resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return false;
        }
        // "pid (comm) state ppid pgrp session tty_nr tpgid flags ...": comm may hold spaces and ')', so
        // fields count from the last ')'
        int close = stat.lastIndexOf(')');
        String[] fields = stat.substring(close + 1).strip().split("\\s+");
        if (close < 0 || fields.length < 7) {
            return false;
        }
        try {
            return (Long.parseUnsignedLong(fields[6]) & PF_KTHREAD) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
