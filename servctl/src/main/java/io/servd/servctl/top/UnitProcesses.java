package io.servd.servctl.top;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CgroupMounts;
import io.servd.cgroup.fs.CgroupRoot;
import io.servd.cgroup.fs.ProcFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The drill-down of {@code servctl top} into one cgroup, as below shows a unit's processes: every pid in
 * the {@code cgroup.procs} of the cgroup and of all cgroups below it (the cgroup2 hierarchy, else the
 * first v1 hierarchy that has the cgroup), each with its command ({@code comm} from {@code /proc/PID/stat}),
 * its resident memory ({@code VmRSS} of {@code /proc/PID/status}) and its CPU time
 * ({@code utime + stime} of {@code /proc/PID/stat}); two readings make CPU percent. A process that exits
 * between the listing and the reading is left out. Read-only.
 */
final class UnitProcesses {

    /**
     * {@code sysconf(_SC_CLK_TCK)}, the unit of {@code utime} and {@code stime}: the JDK cannot read it, and
     * the kernel's {@code USER_HZ} is 100 on every architecture Linux runs on ({@code getconf CLK_TCK}).
     */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private final CgroupMounts mounts;
    private final ProcFs proc;
    private final LongSupplier nanoTime;

    UnitProcesses(CgroupMounts mounts, ProcFs proc, LongSupplier nanoTime) {
        this.mounts = Objects.requireNonNull(mounts, "mounts");
        this.proc = Objects.requireNonNull(proc, "proc");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * One process as read once.
     *
     * @param pid      the process id
     * @param command  {@code comm}: at most 15 bytes of the executable's name, as the kernel keeps it
     * @param rss      {@code VmRSS}; absent for a kernel thread, which has no memory of its own
     * @param cpuTicks {@code utime + stime}, in {@link #CLOCK_TICKS_PER_SECOND}ths of a second
     */
    record Process(long pid, String command, Optional<ByteSize> rss, long cpuTicks) {
        Process {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(rss, "rss");
        }
    }

    /** One reading of a cgroup's processes, by pid, and when it was taken (nanoseconds). */
    record Reading(String group, long nanoTime, Map<Long, Process> processes) {
        Reading {
            Objects.requireNonNull(group, "group");
            processes = Map.copyOf(processes);
        }
    }

    /**
     * A line of the drill-down.
     *
     * @param cpuPercent CPU time per wall time × 100 over the interval; empty for a process new since the first reading
     */
    record Row(long pid, String command, Optional<ByteSize> rss, OptionalDouble cpuPercent) {
        Row {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(rss, "rss");
            Objects.requireNonNull(cpuPercent, "cpuPercent");
        }
    }

    /**
     * Reads the processes of {@code group} and its subtree; none when the cgroup is in no hierarchy read.
     *
     * @throws IOException when a present {@code cgroup.procs} or {@code /proc} file cannot be read, or
     *                     {@link MalformedProcFileException} when one does not parse
     */
    Reading read(String group) throws IOException {
        Map<Long, Process> found = new LinkedHashMap<>();
        Optional<Path> dir = cgroupDirectory(group);
        if (dir.isPresent()) {
            List<Path> procsFiles;
            try (Stream<Path> walk = Files.walk(dir.get())) {
                procsFiles = walk.filter(p -> p.getFileName().toString().equals("cgroup.procs")).sorted().toList();
            } catch (NoSuchFileException | java.io.UncheckedIOException e) {
                procsFiles = List.of(); // removed while walking
            }
            for (Path procs : procsFiles) {
                for (long pid : readPids(procs)) {
                    readProcess(pid).ifPresent(p -> found.putIfAbsent(p.pid(), p));
                }
            }
        }
        return new Reading(group, nanoTime.getAsLong(), found);
    }

    private Optional<Path> cgroupDirectory(String group) {
        String rel = group.equals("/") ? "" : group.substring(1);
        for (CgroupRoot root : mounts.treeRoots()) {
            Path dir = root.mountPoint().resolve(rel);
            if (Files.isRegularFile(dir.resolve("cgroup.procs"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static List<Long> readPids(Path procs) throws IOException {
        String raw;
        try {
            raw = Files.readString(procs, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of(); // the cgroup went away
        }
        List<Long> pids = new ArrayList<>();
        // cgroup.procs: one pid per line; 0 for a process of another pid namespace, which has no /proc entry here
        for (String line : raw.split("\n")) {
            String pid = line.strip();
            if (pid.isEmpty()) {
                continue;
            }
            try {
                long id = Long.parseLong(pid);
                if (id > 0) {
                    pids.add(id);
                }
            } catch (NumberFormatException e) {
                throw new MalformedProcFileException(procs, pid, "not a pid");
            }
        }
        return pids;
    }

    /** The process, or empty when it exited before its files were read. */
    Optional<Process> readProcess(long pid) throws IOException {
        Path dir = proc.root().resolve(Long.toString(pid));
        Optional<String> stat = readIfPresent(dir, "stat");
        Optional<String> status = stat.isPresent() ? readIfPresent(dir, "status") : Optional.empty();
        if (stat.isEmpty() || status.isEmpty()) {
            return Optional.empty();
        }
        Stat s = parseStat(stat.get(), dir.resolve("stat"));
        return Optional.of(new Process(pid, s.command(), parseRss(status.get(), dir.resolve("status")), s.cpuTicks()));
    }

    private static Optional<String> readIfPresent(Path dir, String file) throws IOException {
        try {
            return Optional.of(Files.readString(dir.resolve(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(dir)) {
                return Optional.empty(); // exited while read (ESRCH)
            }
            throw e;
        }
    }

    /** The command and CPU ticks of a {@code /proc/PID/stat} line. */
    record Stat(String command, long cpuTicks) {}

    /**
     * Parses {@code /proc/PID/stat}: {@code "pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
     * cminflt majflt cmajflt utime stime ..."}. {@code comm} may hold spaces and parentheses, so the fields
     * count from the last {@code ')'}: {@code utime} and {@code stime} are the 12th and 13th after it.
     *
     * @throws MalformedProcFileException when the line has no {@code (comm)} or its times are not numbers
     */
    static Stat parseStat(String text, Path file) throws MalformedProcFileException {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new MalformedProcFileException(file, text, "no (comm)");
        }
        String[] fields = text.substring(close + 1).strip().split("\\s+");
        if (fields.length < 13) {
            throw new MalformedProcFileException(file, text, "fewer than 15 fields");
        }
        try {
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            if (utime < 0 || stime < 0 || utime + stime < 0) {
                throw new MalformedProcFileException(file, text, "negative or too large utime/stime");
            }
            return new Stat(text.substring(open + 1, close), utime + stime);
        } catch (NumberFormatException e) {
            throw new MalformedProcFileException(file, text, "utime/stime not numbers");
        }
    }

    /**
     * {@code VmRSS} of {@code /proc/PID/status} ({@code "VmRSS:\t    1234 kB"}); empty when the line is
     * missing, as for kernel threads.
     *
     * @throws MalformedProcFileException when the line is there but not a size in kB
     */
    static Optional<ByteSize> parseRss(String text, Path file) throws MalformedProcFileException {
        for (String line : text.split("\n")) {
            if (!line.startsWith("VmRSS:")) {
                continue;
            }
            String[] parts = line.substring("VmRSS:".length()).strip().split("\\s+");
            if (parts.length != 2 || !parts[1].equals("kB")) {
                throw new MalformedProcFileException(file, line, "VmRSS not in kB");
            }
            try {
                long kib = Long.parseLong(parts[0]);
                if (kib < 0 || kib > Long.MAX_VALUE / 1024) {
                    throw new MalformedProcFileException(file, line, "VmRSS out of range");
                }
                return Optional.of(new ByteSize(kib * 1024));
            } catch (NumberFormatException e) {
                throw new MalformedProcFileException(file, line, "VmRSS not a number");
            }
        }
        return Optional.empty();
    }

    /**
     * The rows between two readings of one cgroup: the processes of {@code later}, CPU percent from the
     * difference of their ticks, ordered by CPU, then RSS (largest first), then pid.
     */
    static List<Row> between(Reading earlier, Reading later) {
        long wallNanos = later.nanoTime() - earlier.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (Process p : later.processes().values()) {
            Process before = earlier.processes().get(p.pid());
            OptionalDouble cpu = OptionalDouble.empty();
            if (before != null && wallNanos > 0 && p.cpuTicks() >= before.cpuTicks()) {
                double seconds = (double) (p.cpuTicks() - before.cpuTicks()) / CLOCK_TICKS_PER_SECOND;
                cpu = OptionalDouble.of(100.0 * seconds / (wallNanos / 1e9));
            }
            rows.add(new Row(p.pid(), p.command(), p.rss(), cpu));
        }
        rows.sort(Comparator.<Row>comparingDouble(r -> r.cpuPercent().orElse(-1)).reversed()
                .thenComparing(Comparator.<Row>comparingLong(r -> r.rss().map(ByteSize::bytes).orElse(-1L)).reversed())
                .thenComparingLong(Row::pid));
        return rows;
    }
}
