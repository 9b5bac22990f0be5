package io.servd.cgroup.unit;

/**
 * One parsed resource-control directive. {@link #format()} gives back text that parses to an equal
 * value; {@link #dropInLine()} is the line {@code systemctl set-property} writes for it.
 */
public sealed interface ResourceDirective
        permits MemoryDirective, CpuQuota, CpuQuotaPeriodSec, CpuWeightDirective, TasksMax {

    /** The directive's name as in unit files, e.g. {@code "MemoryMax"}. */
    String name();

    /** The value as text that {@link ResourceDirectives#parse} turns back into an equal directive. */
    String format();

    /** The {@code Name=value} line systemd writes into the set-property drop-in. */
    String dropInLine();

    /**
     * The {@code <name>} of the drop-in file {@code 50-<name>.conf}: the D-Bus property systemd received,
     * which is {@code MemoryMaxScale}/{@code TasksMaxScale} for percentages.
     */
    default String dropInName() {
        return name();
    }
}
