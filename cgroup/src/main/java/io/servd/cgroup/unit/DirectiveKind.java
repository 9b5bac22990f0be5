package io.servd.cgroup.unit;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The resource-control directives servd understands, one constant each, in the order systemd realizes
 * their controllers (cpu, memory, pids), which is the order of {@link CgroupSettings#plannedWrites}.
 * This is the one list of names: unit-file parsing, the agent's limits API, {@code servctl set} and
 * both limits appliers derive theirs from it.
 */
public enum DirectiveKind {
    CPU_WEIGHT("CPUWeight", true, CpuWeightDirective::parse),
    CPU_QUOTA("CPUQuota", true, CpuQuota::parse),
    /**
     * Understood in unit files and planned like systemd, but not offered by the limits API: its D-Bus
     * property ({@code CPUQuotaPeriodUSec}) is taken from systemd 252's source and has no VM oracle
     * capture yet (agent/API.md never listed it).
     */
    CPU_QUOTA_PERIOD_SEC("CPUQuotaPeriodSec", false, CpuQuotaPeriodSec::parse),
    MEMORY_MIN("MemoryMin", true, v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_MIN, v)),
    MEMORY_LOW("MemoryLow", true, v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_LOW, v)),
    MEMORY_HIGH("MemoryHigh", true, v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_HIGH, v)),
    MEMORY_MAX("MemoryMax", true, v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_MAX, v)),
    MEMORY_SWAP_MAX("MemorySwapMax", true, v -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_SWAP_MAX, v)),
    TASKS_MAX("TasksMax", true, TasksMax::parse);

    private final String directive;
    private final boolean settable;
    private final Function<String, ResourceDirective> parser;

    DirectiveKind(String directive, boolean settable, Function<String, ResourceDirective> parser) {
        this.directive = directive;
        this.settable = settable;
        this.parser = parser;
    }

    /** The name as in unit files and {@code systemctl set-property}, e.g. {@code "MemoryMax"}. */
    public String directive() {
        return directive;
    }

    /**
     * The D-Bus property (and set-property drop-in name) for a percentage of this directive, systemd's
     * {@code ...Scale} rule: {@code MemoryMaxScale}, {@code TasksMaxScale}.
     */
    String scaleProperty() {
        return directive + "Scale";
    }

    /**
     * The unit's D-Bus property that holds this directive's value as a {@code t}, readable through
     * {@code org.freedesktop.DBus.Properties.Get} and settable through {@code SetUnitProperties} with
     * the value read: {@code CPUQuotaPerSecUSec}, {@code CPUQuotaPeriodUSec}, else the directive's own
     * name (a percentage is sent as {@link #scaleProperty()} but reads back here, in bytes or tasks).
     * What a rollback reads before a change and sets back after a failed one.
     */
    public String valueProperty() {
        return switch (this) {
            case CPU_QUOTA -> "CPUQuotaPerSecUSec";
            case CPU_QUOTA_PERIOD_SEC -> "CPUQuotaPeriodUSec";
            default -> directive;
        };
    }

    /** Whether servd changes this directive on a running unit (agent {@code PUT …/limits}, {@code servctl set}). */
    public boolean settable() {
        return settable;
    }

    /**
     * Parses {@code value} in {@code systemctl set-property} syntax.
     *
     * @throws InvalidDirectiveException naming the directive and the raw value
     */
    public ResourceDirective parse(String value) {
        return parser.apply(Objects.requireNonNull(value, "value"));
    }

    /** The kind named {@code directive} (case-sensitive, as systemd); empty when servd does not know it. */
    public static Optional<DirectiveKind> of(String directive) {
        return Arrays.stream(values()).filter(k -> k.directive.equals(directive)).findFirst();
    }

    /** The directives servd changes on a running unit, in {@link #values()} order. */
    public static List<DirectiveKind> settableKinds() {
        return Arrays.stream(values()).filter(DirectiveKind::settable).toList();
    }
}
