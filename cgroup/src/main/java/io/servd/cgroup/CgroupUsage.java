package io.servd.cgroup;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What a cgroup did between two samples. Rates are empty when a counter is absent in either sample;
 * gauges (memory, tasks, PSI averages) come from the later sample.
 *
 * @param cgroup              the cgroup's path below its hierarchy root
 * @param interval            wall time between the samples
 * @param cpuPercent          Δ{@code usage_usec} / Δwall × 100: 100 is one CPU busy, as in systemd-cgtop
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
     * The usage between two samples of the same cgroup.
     *
     * @throws IllegalArgumentException when the samples are of different cgroups or not in time order
     */
    public static CgroupUsage between(CgroupSample earlier, CgroupSample later) {
        if (!earlier.dir().equals(later.dir())) {
            throw new IllegalArgumentException("samples of different cgroups [" + earlier.dir().group() + "] and ["
                    + later.dir().group() + "]");
        }
        long wallNanos = later.nanoTime() - earlier.nanoTime();
        if (wallNanos <= 0) {
            throw new IllegalArgumentException("samples not in time order [" + wallNanos + " ns]");
        }
        OptionalDouble cpu = OptionalDouble.empty();
        OptionalDouble throttled = OptionalDouble.empty();
        if (earlier.cpu().isPresent() && later.cpu().isPresent()) {
            CpuStat a = earlier.cpu().get();
            CpuStat b = later.cpu().get();
            cpu = OptionalDouble.of(100.0 * b.usage().minus(a.usage()).toNanos() / wallNanos);
            if (a.throttling().isPresent() && b.throttling().isPresent()) {
                long periods = b.throttling().get().periods() - a.throttling().get().periods();
                long hits = b.throttling().get().throttledPeriods() - a.throttling().get().throttledPeriods();
                throttled = periods > 0 ? OptionalDouble.of(100.0 * hits / periods) : OptionalDouble.empty();
            }
        }
        OptionalDouble read = OptionalDouble.empty();
        OptionalDouble write = OptionalDouble.empty();
        if (earlier.io().isPresent() && later.io().isPresent()) {
            double seconds = wallNanos / 1e9;
            read = OptionalDouble.of((later.io().get().readBytes() - earlier.io().get().readBytes()) / seconds);
            write = OptionalDouble.of((later.io().get().writeBytes() - earlier.io().get().writeBytes()) / seconds);
        }
        return new CgroupUsage(later.dir().group(), Duration.ofNanos(wallNanos), cpu, throttled, later.memoryCurrent(),
                later.tasks().map(OptionalLong::of).orElse(OptionalLong.empty()), read, write,
                avg10(later.cpuPressure()), avg10(later.memoryPressure()), avg10(later.ioPressure()));
    }

    private static OptionalDouble avg10(Optional<Pressure> p) {
        return p.map(x -> OptionalDouble.of(x.some().avg10())).orElse(OptionalDouble.empty());
    }
}
