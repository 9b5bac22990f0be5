package io.servd.cgroup.unit;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The resource-control directives servd understands, one constant each, in the order systemd realizes
 * their controllers (cpu, cpuset, io, memory, pids: {@code cgroup_context_apply()}), which is the order of
 * {@link CgroupSettings#plannedWrites}.
 * This is the one list of names: unit-file parsing, the agent's limits API, {@code servctl set} and
 * both limits appliers derive theirs from it.
 */
public enum DirectiveKind {
    CPU_WEIGHT("CPUWeight", true, CpuWeightDirective::parse),
    /** Like CPUWeight; applies only while the manager starts up (no cgroup write after boot). */
    STARTUP_CPU_WEIGHT("StartupCPUWeight", true, CpuWeightDirective::parse),
    CPU_QUOTA("CPUQuota", true, (k, v) -> CpuQuota.parse(v)),
    /**
     * Understood in unit files and planned like systemd, but not offered by the limits API: its D-Bus
     * property ({@code CPUQuotaPeriodUSec}) is taken from systemd 252's source and has no VM oracle
     * capture yet (agent/API.md never listed it).
     */
    CPU_QUOTA_PERIOD_SEC("CPUQuotaPeriodSec", false, (k, v) -> CpuQuotaPeriodSec.parse(v)),
    ALLOWED_CPUS("AllowedCPUs", true, CpuSetDirective::parse),
    ALLOWED_MEMORY_NODES("AllowedMemoryNodes", true, CpuSetDirective::parse),
    IO_WEIGHT("IOWeight", true, IoWeightDirective::parse),
    /** Like IOWeight; applies only while the manager starts up (no cgroup write after boot). */
    STARTUP_IO_WEIGHT("StartupIOWeight", true, IoWeightDirective::parse),
    IO_DEVICE_WEIGHT("IODeviceWeight", true, IoDeviceDirective::parse),
    IO_READ_BANDWIDTH_MAX("IOReadBandwidthMax", true, IoDeviceDirective::parse),
    IO_WRITE_BANDWIDTH_MAX("IOWriteBandwidthMax", true, IoDeviceDirective::parse),
    IO_READ_IOPS_MAX("IOReadIOPSMax", true, IoDeviceDirective::parse),
    IO_WRITE_IOPS_MAX("IOWriteIOPSMax", true, IoDeviceDirective::parse),
    MEMORY_MIN("MemoryMin", true, (k, v) -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_MIN, v)),
    MEMORY_LOW("MemoryLow", true, (k, v) -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_LOW, v)),
    MEMORY_HIGH("MemoryHigh", true, (k, v) -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_HIGH, v)),
    MEMORY_MAX("MemoryMax", true, (k, v) -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_MAX, v)),
    MEMORY_SWAP_MAX("MemorySwapMax", true, (k, v) -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_SWAP_MAX, v)),
    /** systemd 253+: {@link #minimumSystemd()}. */
    MEMORY_ZSWAP_MAX("MemoryZSwapMax", true, (k, v) -> MemoryDirective.parse(MemoryDirective.Property.MEMORY_ZSWAP_MAX, v)),
    TASKS_MAX("TasksMax", true, (k, v) -> TasksMax.parse(v));

    private final String directive;
    private final boolean settable;
    private final BiFunction<DirectiveKind, String, ResourceDirective> parser;

    DirectiveKind(String directive, boolean settable, BiFunction<DirectiveKind, String, ResourceDirective> parser) {
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

    /**
     * The first systemd version that knows this directive: 253 for {@code MemoryZSwapMax=}, else 0 (every
     * version servd supports). An older systemd refuses the assignment in {@code systemctl} ("Unknown
     * assignment") and the property in {@code SetUnitProperties} ("Cannot set property").
     */
    public int minimumSystemd() {
        return this == MEMORY_ZSWAP_MAX ? 253 : 0;
    }

    /**
     * Whether assignments accumulate, as systemd's lists do: each {@code IODeviceWeight=}/
     * {@code IO…Max=} assignment sets one device's value and keeps the others; an empty one resets the list.
     */
    public boolean accumulates() {
        return switch (this) {
            case IO_DEVICE_WEIGHT, IO_READ_BANDWIDTH_MAX, IO_WRITE_BANDWIDTH_MAX, IO_READ_IOPS_MAX, IO_WRITE_IOPS_MAX -> true;
            default -> false;
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
        return parser.apply(this, Objects.requireNonNull(value, "value"));
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
