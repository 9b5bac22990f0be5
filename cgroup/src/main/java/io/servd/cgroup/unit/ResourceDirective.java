package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;

import java.util.List;

/**
 * One parsed resource-control directive and everything systemd does with it, in one place: its text
 * ({@link #format()}), the line and file {@code systemctl set-property} writes ({@link #dropInLine()},
 * {@link #dropInName()}), the property it sends over D-Bus ({@link #dbusProperty()}) and the cgroup
 * writes that follow on a given host ({@link #cgroupWrites}).
 */
public sealed interface ResourceDirective
        permits MemoryDirective, CpuQuota, CpuQuotaPeriodSec, CpuWeightDirective, TasksMax, IoWeightDirective,
        CpuSetDirective, IoDeviceDirective {

    /** Which directive this is. */
    DirectiveKind kind();

    /** The directive's name as in unit files, e.g. {@code "MemoryMax"}. */
    default String name() {
        return kind().directive();
    }

    /** The value as text that {@link ResourceDirectives#parse} turns back into an equal directive. */
    String format();

    /** The {@code Name=value} line systemd writes into the set-property drop-in. */
    String dropInLine();

    /**
     * The {@code <name>} of the drop-in file {@code 50-<name>.conf}. systemd names the file after the
     * D-Bus property it received, so where the two coincide (memory, tasks, weight) this is
     * {@code dbusProperty().name()}: {@code MemoryMaxScale}/{@code TasksMaxScale} for percentages. CPU
     * quota properties are renamed by systemd ({@code CPUQuotaPerSecUSec} → {@code 50-CPUQuota.conf}).
     */
    default String dropInName() {
        return dbusProperty().name();
    }

    /**
     * This assignment made after {@code earlier}, an assignment of the same directive: this one replaces it,
     * except for the lists that accumulate ({@link DirectiveKind#accumulates()}, {@link IoDeviceDirective#after}).
     *
     * @throws IllegalArgumentException when {@code earlier} is another directive
     */
    default ResourceDirective after(ResourceDirective earlier) {
        if (earlier.kind() != kind()) {
            throw new IllegalArgumentException("[" + name() + "] after [" + earlier.name() + "]");
        }
        return this;
    }

    /** What {@code systemctl set-property} sends for this directive in {@code SetUnitProperties}. */
    DbusProperty dbusProperty();

    /**
     * The cgroup v2 writes systemd performs for this directive on {@code host}, given the unit's other
     * {@code settings}: {@code CPUQuota=} and {@code CPUQuotaPeriodSec=} share one {@code cpu.max}, which
     * the quota writes when both are set. Empty when another directive's write covers this one.
     *
     * @throws InvalidDirectiveException when a percentage resolves out of range on {@code host}
     */
    List<CgroupWrite> cgroupWrites(HostResources host, CgroupSettings settings);
}
