package io.servd.cgroup;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The CPU and memory limits that apply to a process: for each, the strictest value along its cgroup
 * and the cgroup's ancestors.
 *
 * @param cpu    empty when no cpu limit file exists along the way (controller not mounted or not
 *               enabled); otherwise a {@link CpuMax} that may be unlimited, and where it came from
 * @param memory empty when no memory limit file exists along the way; otherwise a {@link MemoryMax}
 *               that may be unlimited, and where it came from
 */
public record EffectiveLimits(Optional<EffectiveLimit<CpuMax>> cpu, Optional<EffectiveLimit<MemoryMax>> memory) {

    public EffectiveLimits {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
    }

    /** Neither controller is present. */
    public static EffectiveLimits none() {
        return new EffectiveLimits(Optional.empty(), Optional.empty());
    }

    /**
     * The CPU quota as a number of CPUs, {@code quota / period} (1.5 for "150000 100000").
     *
     * @return empty when the quota is unlimited or no cpu limit is present
     */
    public OptionalDouble cpus() {
        return cpu.isPresent() ? cpu.get().value().cpus() : OptionalDouble.empty();
    }

    /**
     * The CPUs this process may use, for sizing thread pools: the quota in CPUs (may be fractional,
     * e.g. 0.5), capped by {@code hostCpus}; {@code hostCpus} when the quota is unlimited or absent.
     *
     * @param hostCpus the CPUs the process may run on, e.g. {@code Runtime.availableProcessors()}
     */
    public double availableCpus(int hostCpus) {
        if (hostCpus < 1) {
            throw new IllegalArgumentException("hostCpus must be positive [" + hostCpus + "]");
        }
        OptionalDouble quota = cpus();
        return quota.isPresent() ? Math.min(quota.getAsDouble(), hostCpus) : hostCpus;
    }

    /** The memory limit in bytes; empty when unlimited or no memory limit is present. */
    public Optional<ByteSize> memoryBytes() {
        return memory.flatMap(m -> m.value().bytes());
    }

    /**
     * One line for the log, e.g. {@code cpu [1.5 cpus from /system.slice/x.service] memory [64.0 MiB from
     * /system.slice/x.service]}, or {@code no cpu or memory limit applies}.
     */
    public String describe() {
        if (cpus().isEmpty() && memoryBytes().isEmpty()) {
            return "no cpu or memory limit applies";
        }
        String cpuPart = cpus().isPresent()
                ? formatCpus(cpus().getAsDouble()) + " from " + cpu.orElseThrow().cgroup()
                : cpu.isPresent() ? "unlimited" : "no controller";
        String memoryPart = memoryBytes().isPresent()
                ? memoryBytes().get().humanReadable() + " from " + memory.orElseThrow().cgroup()
                : memory.isPresent() ? "unlimited" : "no controller";
        return "cpu [" + cpuPart + "] memory [" + memoryPart + "]";
    }

    private static String formatCpus(double cpus) {
        String n = BigDecimal.valueOf(cpus).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return n + (n.equals("1") ? " cpu" : " cpus");
    }
}
