package io.servd.servctl.top;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryHigh;
import io.servd.cgroup.MemoryMax;
import io.servd.cgroup.PidsMax;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One line of {@code servctl top}: what a cgroup did between two refreshes, against its limits. Every
 * field is empty when its source is absent (controller not enabled, PSI off, v1 host, first refresh).
 *
 * @param group            cgroup path, e.g. {@code /system.slice/foo.service}
 * @param tasks            {@code pids.current}, or processes counted ({@code -P}, {@code -k})
 * @param cpuPercent       CPU time per wall time × 100; 100 is one CPU busy, as in systemd-cgtop
 * @param cpuTime          CPU time used since the cgroup was created ({@code usage_usec}, v1 {@code cpuacct.usage}),
 *                         what cgtop's {@code --cpu=time} shows
 * @param memory           {@code memory.current}
 * @param ioReadPerSec     bytes read per second, all devices
 * @param ioWritePerSec    bytes written per second, all devices
 * @param memoryMax        the hard limit; unlimited is a {@link MemoryMax} holding {@code max}
 * @param cpuMax           the bandwidth limit
 * @param throttledPercent share of CPU periods in the interval that ran out of quota
 * @param pressureAvg10    the highest of cpu/memory/io PSI "some" avg10, percent
 * @param oomKills         processes OOM-killed since the cgroup was created
 * @param pidsMax          {@code pids.max} ({@code TasksMax=}); the root cgroup has none
 * @param memoryHigh       {@code memory.high}, the throttling limit ({@code MemoryHigh=})
 * @param swap             {@code memory.swap.current}; cgroup2 only, absent without swap accounting and in the root
 * @param swapMax          {@code memory.swap.max} ({@code MemorySwapMax=}); unlimited is {@link Limit.Unlimited}
 */
public record TopRow(String group, OptionalLong tasks, OptionalDouble cpuPercent, Optional<Duration> cpuTime,
                     Optional<ByteSize> memory,
                     OptionalDouble ioReadPerSec, OptionalDouble ioWritePerSec, Optional<MemoryMax> memoryMax,
                     Optional<CpuMax> cpuMax, OptionalDouble throttledPercent, OptionalDouble pressureAvg10,
                     OptionalLong oomKills, Optional<PidsMax> pidsMax, Optional<MemoryHigh> memoryHigh,
                     Optional<ByteSize> swap, Optional<Limit<ByteSize>> swapMax) {

    public TopRow {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(cpuTime, "cpuTime");
        Objects.requireNonNull(pidsMax, "pidsMax");
        Objects.requireNonNull(memoryHigh, "memoryHigh");
        Objects.requireNonNull(swap, "swap");
        Objects.requireNonNull(swapMax, "swapMax");
    }

    /** This row with another count in the Tasks column (processes instead of {@code pids.current}). */
    public TopRow withTasks(OptionalLong count) {
        return new TopRow(group, count, cpuPercent, cpuTime, memory, ioReadPerSec, ioWritePerSec, memoryMax, cpuMax,
                throttledPercent, pressureAvg10, oomKills, pidsMax, memoryHigh, swap, swapMax);
    }

    /** {@code memory / memoryMax × 100}; empty when either is absent or the limit is {@code max}. */
    public OptionalDouble memoryUsedPercent() {
        if (memory.isEmpty() || memoryMax.isEmpty() || !(memoryMax.get().limit() instanceof Limit.AtMost<ByteSize> max)
                || max.value().bytes() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * memory.get().bytes() / max.value().bytes());
    }

    /** The quota as systemd's {@code CPUQuota=} percentage (150 for 1.5 CPUs); empty when absent or {@code max}. */
    public OptionalDouble cpuQuotaPercent() {
        if (cpuMax.isEmpty() || cpuMax.get().cpus().isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(cpuMax.get().cpus().getAsDouble() * 100);
    }

    /** Read plus write bytes per second; empty when neither is known. */
    public OptionalDouble ioPerSec() {
        if (ioReadPerSec.isEmpty() && ioWritePerSec.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(ioReadPerSec.orElse(0) + ioWritePerSec.orElse(0));
    }
}
