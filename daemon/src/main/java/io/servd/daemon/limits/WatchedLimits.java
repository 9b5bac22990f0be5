package io.servd.daemon.limits;

import io.servd.cgroup.MemoryEvents;
import io.servd.cgroup.Pressure;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LimitWatcher} last read: the limits that bind the process and its cgroup's counters.
 *
 * @param cpu            the CPU limits
 * @param memory         the memory limits
 * @param memoryEvents   the own cgroup's {@code memory.events}; empty on v1 or without the controller
 * @param cpuPressure    the own cgroup's {@code cpu.pressure}; empty when PSI is off or on v1
 * @param memoryPressure the own cgroup's {@code memory.pressure}; likewise
 * @param ioPressure     the own cgroup's {@code io.pressure}; likewise
 */
public record WatchedLimits(CpuLimits cpu, MemoryLimits memory, Optional<MemoryEvents> memoryEvents,
                            Optional<Pressure> cpuPressure, Optional<Pressure> memoryPressure,
                            Optional<Pressure> ioPressure) {

    public WatchedLimits {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(memoryEvents, "memoryEvents");
        Objects.requireNonNull(cpuPressure, "cpuPressure");
        Objects.requireNonNull(memoryPressure, "memoryPressure");
        Objects.requireNonNull(ioPressure, "ioPressure");
    }

    /** The pressure file of {@code resource}. */
    public Optional<Pressure> pressure(LimitChange.Resource resource) {
        return switch (resource) {
            case CPU -> cpuPressure;
            case MEMORY -> memoryPressure;
            case IO -> ioPressure;
        };
    }

    WatchedLimits withMemoryEvents(Optional<MemoryEvents> events) {
        return new WatchedLimits(cpu, memory, events, cpuPressure, memoryPressure, ioPressure);
    }
}
