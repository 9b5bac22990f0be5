package io.servd.agent.units;

import io.servd.cgroup.ByteSize;
import io.servd.cgroup.CpuMax;
import io.servd.cgroup.CpuStat;
import io.servd.cgroup.CpuWeight;
import io.servd.cgroup.IoStat;
import io.servd.cgroup.Limit;
import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.Pressure;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One unit's limits and usage counters at one instant. Every optional is empty when its file is
 * absent (controller not enabled, kernel too old, PSI off); a file that could not be read or parsed
 * is also empty, and named in {@link #errors()}.
 *
 * @param unit   the unit name
 * @param cgroup its cgroup path, e.g. {@code /system.slice/foo.service}
 * @param limits what the cgroup's own limit files say
 * @param usage  cumulative counters
 * @param errors one message per unreadable or malformed file, with the file and raw value
 */
public record UnitStatus(String unit, String cgroup, Limits limits, Usage usage, List<String> errors) {
    public UnitStatus {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(cgroup, "cgroup");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(usage, "usage");
        errors = List.copyOf(errors);
    }

    /**
     * @param memoryMax  {@code memory.max}
     * @param memoryHigh {@code memory.high}
     * @param cpuMax     {@code cpu.max}
     * @param cpuWeight  {@code cpu.weight}
     * @param cpuIdle    {@code cpu.idle}
     * @param pidsMax    {@code pids.max}
     */
    public record Limits(Optional<Limit<ByteSize>> memoryMax, Optional<Limit<ByteSize>> memoryHigh,
                         Optional<CpuMax> cpuMax, Optional<CpuWeight> cpuWeight, Optional<Boolean> cpuIdle,
                         Optional<Limit<Long>> pidsMax) {
        public Limits {
            Objects.requireNonNull(memoryMax, "memoryMax");
            Objects.requireNonNull(memoryHigh, "memoryHigh");
            Objects.requireNonNull(cpuMax, "cpuMax");
            Objects.requireNonNull(cpuWeight, "cpuWeight");
            Objects.requireNonNull(cpuIdle, "cpuIdle");
            Objects.requireNonNull(pidsMax, "pidsMax");
        }
    }

    /**
     * @param cpu            {@code cpu.stat}
     * @param memoryCurrent  {@code memory.current}
     * @param memoryPeak     {@code memory.peak}
     * @param pidsCurrent    {@code pids.current}
     * @param io             {@code io.stat}
     * @param memoryEvents   {@code memory.events}
     * @param cpuPressure    {@code cpu.pressure}
     * @param memoryPressure {@code memory.pressure}
     * @param ioPressure     {@code io.pressure}
     */
    public record Usage(Optional<CpuStat> cpu, Optional<ByteSize> memoryCurrent, Optional<ByteSize> memoryPeak,
                        Optional<Long> pidsCurrent, Optional<IoStat> io, Optional<MemoryEvents> memoryEvents,
                        Optional<Pressure> cpuPressure, Optional<Pressure> memoryPressure,
                        Optional<Pressure> ioPressure) {
        public Usage {
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(memoryCurrent, "memoryCurrent");
            Objects.requireNonNull(memoryPeak, "memoryPeak");
            Objects.requireNonNull(pidsCurrent, "pidsCurrent");
            Objects.requireNonNull(io, "io");
            Objects.requireNonNull(memoryEvents, "memoryEvents");
            Objects.requireNonNull(cpuPressure, "cpuPressure");
            Objects.requireNonNull(memoryPressure, "memoryPressure");
            Objects.requireNonNull(ioPressure, "ioPressure");
        }
    }
}
