package io.servd.servctl.top;

import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.CgroupSnapshot;
import io.servd.cgroup.CgroupUsage;
import io.servd.cgroup.CpuStat;
import io.servd.cgroup.fs.CgroupFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.DoubleStream;

/**
 * Turns two refreshes into {@link TopRow}s: rates from the difference ({@link CgroupUsage#between}:
 * {@code cpu.stat} on cgroup2, {@code cpuacct.usage} on v1), gauges and limits from the later one. Pure: no I/O.
 */
public final class TopRows {

    /**
     * The files a row is made of, all that {@code servctl top} reads of a cgroup (a {@link CgroupReader}
     * of these): 14 of the 25 a full snapshot holds, and not {@code memory.stat}, the longest.
     */
    public static final Set<CgroupFile> FILES = Collections.unmodifiableSet(EnumSet.of(CgroupFile.CPU_STAT,
            CgroupFile.MEMORY_CURRENT, CgroupFile.PIDS_CURRENT, CgroupFile.IO_STAT, CgroupFile.MEMORY_MAX,
            CgroupFile.CPU_MAX, CgroupFile.CPU_PRESSURE, CgroupFile.MEMORY_PRESSURE, CgroupFile.IO_PRESSURE,
            CgroupFile.MEMORY_EVENTS, CgroupFile.PIDS_MAX, CgroupFile.MEMORY_HIGH, CgroupFile.MEMORY_SWAP_CURRENT,
            CgroupFile.MEMORY_SWAP_MAX));

    private TopRows() {
    }

    /**
     * The rows of every cgroup present in both refreshes, in {@code later}'s order; a cgroup that
     * appeared since {@code earlier} shows from the next refresh on, as in systemd-cgtop.
     *
     * @throws IllegalArgumentException when a later snapshot is not after its earlier one
     */
    public static List<TopRow> between(Map<String, CgroupSnapshot> earlier, Map<String, CgroupSnapshot> later) {
        List<TopRow> rows = new ArrayList<>(later.size());
        for (CgroupSnapshot b : later.values()) {
            Optional.ofNullable(earlier.get(b.group())).ifPresent(a -> rows.add(between(a, b)));
        }
        return rows;
    }

    /** One cgroup's row; see {@link #between(Map, Map)}. */
    public static TopRow between(CgroupSnapshot a, CgroupSnapshot b) {
        long wallNanos = b.nanoTime() - a.nanoTime();
        if (wallNanos <= 0) {
            throw new IllegalArgumentException("readings of [" + b.group() + "] not in time order [" + wallNanos + " ns]");
        }
        CgroupUsage u = CgroupUsage.between(a, b);
        return new TopRow(b.group(), u.tasks(), u.cpuPercent(), cpuTime(b), u.memory(), u.ioReadBytesPerSec(),
                u.ioWriteBytesPerSec(), b.limits().memoryMax(), b.limits().cpuMax(), u.throttledPercent(),
                highestPressure(u), b.usage().memoryEvents().map(e -> OptionalLong.of(e.oomKill()))
                        .orElse(OptionalLong.empty()), b.limits().pidsMax(), b.limits().memoryHigh(),
                b.usage().swapCurrent(), b.limits().memorySwapMax());
    }

    /** Total CPU time: {@code cpu.stat usage_usec} on cgroup2, else v1 {@code cpuacct.usage}. */
    private static Optional<Duration> cpuTime(CgroupSnapshot s) {
        return s.usage().cpu().map(CpuStat::usage).or(() -> s.usage().cpuacctUsage());
    }

    private static OptionalDouble highestPressure(CgroupUsage u) {
        return DoubleStream.of(u.cpuPressureAvg10().orElse(-1), u.memoryPressureAvg10().orElse(-1),
                u.ioPressureAvg10().orElse(-1)).filter(v -> v >= 0).max();
    }
}
