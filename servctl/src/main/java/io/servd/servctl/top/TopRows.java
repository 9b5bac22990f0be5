package io.servd.servctl.top;

import io.servd.cgroup.CgroupUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.DoubleStream;

/**
 * Turns two refreshes into {@link TopRow}s: rates from the difference ({@link CgroupUsage#between} on
 * cgroup2, {@code cpuacct.usage} on v1), gauges and limits from the later one. Pure: no I/O.
 */
public final class TopRows {

    private TopRows() {
    }

    /**
     * The rows of every cgroup present in both refreshes, in {@code later}'s order; a cgroup that
     * appeared since {@code earlier} shows from the next refresh on, as in systemd-cgtop.
     *
     * @throws IllegalArgumentException when a later reading is not after its earlier one
     */
    public static List<TopRow> between(Map<String, GroupReading> earlier, Map<String, GroupReading> later) {
        List<TopRow> rows = new ArrayList<>(later.size());
        for (GroupReading b : later.values()) {
            GroupReading a = earlier.get(b.group());
            if (a != null) {
                rows.add(between(a, b));
            }
        }
        return rows;
    }

    /** One cgroup's row; see {@link #between(Map, Map)}. */
    public static TopRow between(GroupReading a, GroupReading b) {
        long wallNanos = b.nanoTime() - a.nanoTime();
        if (wallNanos <= 0) {
            throw new IllegalArgumentException("readings of [" + b.group() + "] not in time order [" + wallNanos + " ns]");
        }
        Optional<CgroupUsage> v2 = a.v2().isPresent() && b.v2().isPresent()
                ? Optional.of(CgroupUsage.between(a.v2().get(), b.v2().get())) : Optional.empty();
        OptionalDouble cpu = v2.map(CgroupUsage::cpuPercent).orElse(OptionalDouble.empty());
        if (cpu.isEmpty() && a.v1Cpu().isPresent() && b.v1Cpu().isPresent()) {
            cpu = OptionalDouble.of(100.0 * b.v1Cpu().get().minus(a.v1Cpu().get()).toNanos() / wallNanos);
        }
        OptionalLong tasks = v2.map(CgroupUsage::tasks).filter(OptionalLong::isPresent)
                .orElse(b.v1Tasks().map(OptionalLong::of).orElse(OptionalLong.empty()));
        return new TopRow(b.group(), tasks, cpu,
                v2.flatMap(CgroupUsage::memory).or(b::v1Memory),
                v2.map(CgroupUsage::ioReadBytesPerSec).orElse(OptionalDouble.empty()),
                v2.map(CgroupUsage::ioWriteBytesPerSec).orElse(OptionalDouble.empty()),
                b.memoryMax(), b.cpuMax(),
                v2.map(CgroupUsage::throttledPercent).orElse(OptionalDouble.empty()),
                v2.map(TopRows::highestPressure).orElse(OptionalDouble.empty()),
                b.oomKills());
    }

    private static OptionalDouble highestPressure(CgroupUsage u) {
        return DoubleStream.of(u.cpuPressureAvg10().orElse(-1), u.memoryPressureAvg10().orElse(-1),
                u.ioPressureAvg10().orElse(-1)).filter(v -> v >= 0).max();
    }
}
