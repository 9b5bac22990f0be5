package io.servd.cgroup;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What a cgroup did between two {@link CgroupSnapshot}s. Rates are empty when a counter is absent in
 * either snapshot; gauges (memory, tasks, PSI averages) come from the later one.
 *
 * @param cgroup              the cgroup's path below its hierarchy root
 * @param interval            wall time between the samples
 * @param cpuPercent          Δ{@code usage_usec} / Δwall × 100: 100 is one CPU busy, as in systemd-cgtop
 *                            (from v1 {@code cpuacct.usage} when either snapshot lacks {@code cpu.stat})
 * @param throttledPercent    Δ{@code nr_throttled} / Δ{@code nr_periods} × 100: share of enforcement periods
 *                            in which the quota ran out; empty without bandwidth counters or periods
 * @param memory              {@code memory.current}
 * @param tasks               {@code pids.current}
 * @param ioReadBytesPerSec   Δ{@code rbytes} over all devices per second
 * @param ioWriteBytesPerSec  Δ{@code wbytes} over all devices per second
 * @param cpuPressureAvg10    {@code cpu.pressure} some avg10 (percent)
 * @param memoryPressureAvg10 {@code memory.pressure} some avg10 (percent)
 * @param ioPressureAvg10     {@code io.pressure} some avg10 (percent)
 */
public record CgroupUsage(String cgroup, Duration interval, OptionalDouble cpuPercent, OptionalDouble throttledPercent,
                          Optional<ByteSize> memory, OptionalLong tasks, OptionalDouble ioReadBytesPerSec,
                          OptionalDouble ioWriteBytesPerSec, OptionalDouble cpuPressureAvg10,
                          OptionalDouble memoryPressureAvg10, OptionalDouble ioPressureAvg10) {

    public CgroupUsage {
        Objects.requireNonNull(cgroup, "cgroup");
        Objects.requireNonNull(interval, "interval");
    }

    /**
     * The usage between two snapshots of the same cgroup.
     *
     * @throws IllegalArgumentException when the snapshots are of different cgroups or not in time order
     */
    public static CgroupUsage between(CgroupSnapshot earlier, CgroupSnapshot later) {
        if (!earlier.group().equals(later.group())) {
            throw new IllegalArgumentException("samples of different cgroups [" + earlier.group() + "] and ["
                    + later.group() + "]");
        }
        long wallNanos = later.nanoTime() - earlier.nanoTime();
        if (wallNanos <= 0) {
            throw new IllegalArgumentException("samples not in time order [" + wallNanos + " ns]");
        }
        OptionalDouble cpu = OptionalDouble.empty();
        OptionalDouble throttled = OptionalDouble.empty();
        CgroupSnapshot.Usage before = earlier.usage();
        CgroupSnapshot.Usage after = later.usage();
        if (before.cpu().isPresent() && after.cpu().isPresent()) {
            CpuStat a = before.cpu().get();
            CpuStat b = after.cpu().get();
            cpu = OptionalDouble.of(100.0 * b.usage().minus(a.usage()).toNanos() / wallNanos);
            if (a.throttling().isPresent() && b.throttling().isPresent()) {
                long periods = b.throttling().get().periods() - a.throttling().get().periods();
                long hits = b.throttling().get().throttledPeriods() - a.throttling().get().throttledPeriods();
                throttled = periods > 0 ? OptionalDouble.of(100.0 * hits / periods) : OptionalDouble.empty();
            }
        } else if (before.cpuacctUsage().isPresent() && after.cpuacctUsage().isPresent()) {
            cpu = OptionalDouble.of(100.0 * after.cpuacctUsage().get().minus(before.cpuacctUsage().get()).toNanos()
                    / wallNanos);
        }
        OptionalDouble read = OptionalDouble.empty();
        OptionalDouble write = OptionalDouble.empty();
        if (before.io().isPresent() && after.io().isPresent()) {
            double seconds = wallNanos / 1e9;
            read = OptionalDouble.of((after.io().get().readBytes() - before.io().get().readBytes()) / seconds);
            write = OptionalDouble.of((after.io().get().writeBytes() - before.io().get().writeBytes()) / seconds);
        }
        return new CgroupUsage(later.group(), Duration.ofNanos(wallNanos), cpu, throttled, after.memoryCurrent(),
                after.pidsCurrent(), read, write,
                avg10(after.cpuPressure()), avg10(after.memoryPressure()), avg10(after.ioPressure()));
    }

    private static OptionalDouble avg10(Optional<Pressure> p) {
        return p.map(x -> OptionalDouble.of(x.some().avg10())).orElse(OptionalDouble.empty());
    }
}
