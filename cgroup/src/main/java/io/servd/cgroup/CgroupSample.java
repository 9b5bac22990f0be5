package io.servd.cgroup;

import io.servd.cgroup.fs.CgroupDir;

import java.util.Objects;
import java.util.Optional;

/**
 * The counters of one cgroup at one instant, as {@link Sampler} reads them. Every field is empty when
 * its file is absent (controller not enabled, PSI disabled, or the cgroup vanished between reads).
 *
 * @param dir            the cgroup
 * @param nanoTime       when the sample was taken, on the sampler's monotonic clock
 * @param cpu            {@code cpu.stat}
 * @param memoryCurrent  {@code memory.current}
 * @param tasks          {@code pids.current}
 * @param io             {@code io.stat}
 * @param cpuPressure    {@code cpu.pressure}
 * @param memoryPressure {@code memory.pressure}
 * @param ioPressure     {@code io.pressure}
 */
public record CgroupSample(CgroupDir dir, long nanoTime, Optional<CpuStat> cpu, Optional<ByteSize> memoryCurrent,
                           Optional<Long> tasks, Optional<IoStat> io, Optional<Pressure> cpuPressure,
                           Optional<Pressure> memoryPressure, Optional<Pressure> ioPressure) {

    public CgroupSample {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memoryCurrent, "memoryCurrent");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(cpuPressure, "cpuPressure");
        Objects.requireNonNull(memoryPressure, "memoryPressure");
        Objects.requireNonNull(ioPressure, "ioPressure");
    }
}
