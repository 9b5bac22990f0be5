package io.servd.cgroup;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One cgroup's limits, usage counters and pressure at one instant, as {@link CgroupReader} reads them.
 * The three states stay apart: a limit the file says is {@code max} is {@link Limit.Unlimited}; a file
 * that is not there (controller not enabled, kernel too old, PSI off, v2-only file on a v1 hierarchy, or
 * the cgroup vanished meanwhile) is an empty {@link Optional}; a file that is there but could not be read
 * or parsed is also empty, and its exception is in {@link #errors()}.
 *
 * @param group    the cgroup path below its hierarchy root, e.g. {@code /system.slice/foo.service}
 * @param nanoTime when the reading started, on the reader's monotonic clock (nanoseconds)
 * @param limits   what the cgroup's own limit files say (not its ancestors')
 * @param usage    counters and gauges
 * @param errors   one exception per broken file, in reading order; the message names the file and
 *                 the raw value in brackets
 */
public record CgroupSnapshot(String group, long nanoTime, Limits limits, Usage usage, List<IOException> errors) {

    public CgroupSnapshot {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(usage, "usage");
        errors = List.copyOf(errors);
    }

    /**
     * Throws the first error, for callers whose policy is to fail on a broken file.
     *
     * @throws MalformedCgroupFileException when a present file could not be parsed
     * @throws IOException                  when a present file could not be read
     */
    public void ensureReadable() throws IOException {
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }

    /**
     * The limit files.
     *
     * @param memoryMax     {@code memory.max} (v1 {@code memory.limit_in_bytes})
     * @param memoryHigh    {@code memory.high}; v2 only
     * @param cpuMax        {@code cpu.max} (v1 {@code cpu.cfs_quota_us} and {@code cpu.cfs_period_us})
     * @param cpuWeight     {@code cpu.weight}; empty for an idle cgroup, see {@link CpuController#readWeight()}
     * @param cpuIdle       {@code cpu.idle}; v2 only, Linux 5.15+
     * @param pidsMax       {@code pids.max}; the root cgroup has none
     * @param memoryMin     {@code memory.min}; v2 only
     * @param memoryLow     {@code memory.low}; v2 only
     * @param memorySwapMax {@code memory.swap.max}; v2 only
     * @param memoryZswapMax {@code memory.zswap.max}; v2 only, Linux 5.19+
     * @param cpusetCpus    {@code cpuset.cpus} (AllowedCPUs=); empty set when unrestricted; v2 only
     * @param cpusetMems    {@code cpuset.mems} (AllowedMemoryNodes=); v2 only
     * @param ioWeight      {@code io.weight} (IOWeight=, IODeviceWeight=); v2 with iocost only
     * @param ioMax         {@code io.max} (IOReadBandwidthMax= …); v2 only
     */
    public record Limits(Optional<MemoryMax> memoryMax, Optional<MemoryHigh> memoryHigh, Optional<CpuMax> cpuMax,
                         Optional<CpuWeight> cpuWeight, Optional<Boolean> cpuIdle, Optional<PidsMax> pidsMax,
                         Optional<Limit<ByteSize>> memoryMin, Optional<Limit<ByteSize>> memoryLow,
                         Optional<Limit<ByteSize>> memorySwapMax, Optional<Limit<ByteSize>> memoryZswapMax,
                         Optional<CpusetCpus> cpusetCpus, Optional<CpusetCpus> cpusetMems, Optional<IoWeight> ioWeight,
                         Optional<IoMax> ioMax) {
        public Limits {
            Objects.requireNonNull(memoryMax, "memoryMax");
            Objects.requireNonNull(memoryHigh, "memoryHigh");
            Objects.requireNonNull(cpuMax, "cpuMax");
            Objects.requireNonNull(cpuWeight, "cpuWeight");
            Objects.requireNonNull(cpuIdle, "cpuIdle");
            Objects.requireNonNull(pidsMax, "pidsMax");
            Objects.requireNonNull(memoryMin, "memoryMin");
            Objects.requireNonNull(memoryLow, "memoryLow");
            Objects.requireNonNull(memorySwapMax, "memorySwapMax");
            Objects.requireNonNull(memoryZswapMax, "memoryZswapMax");
            Objects.requireNonNull(cpusetCpus, "cpusetCpus");
            Objects.requireNonNull(cpusetMems, "cpusetMems");
            Objects.requireNonNull(ioWeight, "ioWeight");
            Objects.requireNonNull(ioMax, "ioMax");
        }

        /** The six limits v1 has too; the v2-only ones absent. */
        public Limits(Optional<MemoryMax> memoryMax, Optional<MemoryHigh> memoryHigh, Optional<CpuMax> cpuMax,
                      Optional<CpuWeight> cpuWeight, Optional<Boolean> cpuIdle, Optional<PidsMax> pidsMax) {
            this(memoryMax, memoryHigh, cpuMax, cpuWeight, cpuIdle, pidsMax, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        /** No limit file at all. */
        public static Limits none() {
            return new Limits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }

        /** These limits with memory.max and cpu.max replaced (v1 hierarchies), the others kept. */
        Limits withMemoryAndCpuMax(Optional<MemoryMax> memory, Optional<CpuMax> cpu) {
            return new Limits(memory, memoryHigh, cpu, cpuWeight, cpuIdle, pidsMax, memoryMin, memoryLow, memorySwapMax,
                    memoryZswapMax, cpusetCpus, cpusetMems, ioWeight, ioMax);
        }
    }

    /**
     * The counters and gauges.
     *
     * @param cpu            {@code cpu.stat}; v2 only
     * @param cpuacctUsage   {@code cpuacct.usage} (v1: CPU time in nanoseconds), when there is no {@code cpu.stat}
     * @param memoryCurrent  {@code memory.current} (v1 {@code memory.usage_in_bytes})
     * @param memoryPeak     {@code memory.peak} (Linux 5.19+); v2 only
     * @param pidsCurrent    {@code pids.current}, tasks of the cgroup and its descendants
     * @param io             {@code io.stat}; v2 only
     * @param memoryEvents   {@code memory.events}; v2 only
     * @param cpuPressure    {@code cpu.pressure}; v2 only
     * @param memoryPressure {@code memory.pressure}; v2 only
     * @param ioPressure     {@code io.pressure}; v2 only
     * @param memoryStat     {@code memory.stat}; v2 only
     * @param swapCurrent    {@code memory.swap.current}; v2 only, absent without swap accounting and in the root
     */
    public record Usage(Optional<CpuStat> cpu, Optional<Duration> cpuacctUsage, Optional<ByteSize> memoryCurrent,
                        Optional<ByteSize> memoryPeak, OptionalLong pidsCurrent, Optional<IoStat> io,
                        Optional<MemoryEvents> memoryEvents, Optional<Pressure> cpuPressure,
                        Optional<Pressure> memoryPressure, Optional<Pressure> ioPressure,
                        Optional<MemoryStat> memoryStat, Optional<ByteSize> swapCurrent) {
        public Usage {
            Objects.requireNonNull(memoryStat, "memoryStat");
            Objects.requireNonNull(swapCurrent, "swapCurrent");
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(cpuacctUsage, "cpuacctUsage");
            Objects.requireNonNull(memoryCurrent, "memoryCurrent");
            Objects.requireNonNull(memoryPeak, "memoryPeak");
            Objects.requireNonNull(pidsCurrent, "pidsCurrent");
            Objects.requireNonNull(io, "io");
            Objects.requireNonNull(memoryEvents, "memoryEvents");
            Objects.requireNonNull(cpuPressure, "cpuPressure");
            Objects.requireNonNull(memoryPressure, "memoryPressure");
            Objects.requireNonNull(ioPressure, "ioPressure");
        }

        /**
         * The working set as cAdvisor defines it ({@code container_memory_working_set_bytes}):
         * {@code memory.current} minus {@code memory.stat}'s {@code inactive_file}, floored at 0 (the two
         * files are read one after the other, so the page cache may have grown in between). Empty when
         * either is absent.
         */
        public Optional<ByteSize> workingSet() {
            if (memoryCurrent.isEmpty() || memoryStat.isEmpty()) {
                return Optional.empty();
            }
            OptionalLong inactive = memoryStat.get().value("inactive_file");
            if (inactive.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(ByteSize.ofBytes(Math.max(0, memoryCurrent.get().bytes() - inactive.getAsLong())));
        }

        /** No counter file at all. */
        public static Usage none() {
            return new Usage(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    OptionalLong.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
    }
}
