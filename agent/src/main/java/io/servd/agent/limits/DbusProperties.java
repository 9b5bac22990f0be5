package io.servd.agent.limits;

import io.servd.cgroup.unit.CpuQuota;
import io.servd.cgroup.unit.CpuWeightDirective;
import io.servd.cgroup.unit.MemoryDirective;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.TasksMax;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code systemctl set-property} sends over D-Bus for a directive: systemd's
 * {@code bus_append_unit_property_assignment()} and {@code bus_append_cg_cpu_weight_parse()} in
 * src/shared/bus-unit-util.c (systemd 252), as a pure function:
 * <ul>
 * <li>{@code MemoryMax}/{@code MemoryHigh}/… {@code t} bytes; {@code infinity} or empty is
 *     {@code CGROUP_LIMIT_MAX} ({@code UINT64_MAX}); {@code N%} is {@code MemoryMaxScale} {@code u},
 *     {@code UINT32_SCALE_FROM_PERMYRIAD}: the share of {@code UINT32_MAX}, so the server scales
 *     against its own physical memory.</li>
 * <li>{@code TasksMax} {@code t} count, {@code UINT64_MAX} for infinity, {@code TasksMaxScale} {@code u}
 *     for a percentage.</li>
 * <li>{@code CPUQuota=N%} is {@code CPUQuotaPerSecUSec} {@code t} = permyriad × 1 s / 10000;
 *     empty is {@code USEC_INFINITY}.</li>
 * <li>{@code CPUWeight} {@code t}: 1..10000, {@code idle} is {@code CGROUP_WEIGHT_IDLE} (0), empty is
 *     {@code CGROUP_WEIGHT_INVALID} ({@code UINT64_MAX}).</li>
 * </ul>
 */
public final class DbusProperties {

    private DbusProperties() {
    }

    /** The properties for {@code directives}, in order. */
    public static List<DbusProperty> of(List<? extends ResourceDirective> directives) {
        List<DbusProperty> properties = new ArrayList<>(directives.size());
        for (ResourceDirective d : directives) {
            properties.add(of(d));
        }
        return List.copyOf(properties);
    }

    /** The property for one directive. */
    public static DbusProperty of(ResourceDirective directive) {
        if (directive instanceof MemoryDirective m) {
            if (m.value() instanceof MemoryDirective.Bytes b) {
                return new DbusProperty(m.name(), "t", b.size().bytes());
            }
            if (m.value() instanceof MemoryDirective.Percent p) {
                return new DbusProperty(m.name() + "Scale", "u", uint32ScaleFromPermyriad(p.share().value()));
            }
            return new DbusProperty(m.name(), "t", DbusProperty.UINT64_MAX);
        }
        if (directive instanceof TasksMax t) {
            if (t.value() instanceof TasksMax.Count c) {
                return new DbusProperty("TasksMax", "t", c.tasks());
            }
            if (t.value() instanceof TasksMax.Percent p) {
                return new DbusProperty("TasksMaxScale", "u", uint32ScaleFromPermyriad(p.share().value()));
            }
            return new DbusProperty("TasksMax", "t", DbusProperty.UINT64_MAX);
        }
        if (directive instanceof CpuQuota q) {
            return new DbusProperty("CPUQuotaPerSecUSec", "t",
                    q.perSecond().map(d -> d.toNanos() / 1000L).orElse(DbusProperty.UINT64_MAX));
        }
        if (directive instanceof CpuWeightDirective w) {
            if (w.setting() instanceof CpuWeightDirective.Weight weight) {
                return new DbusProperty("CPUWeight", "t", weight.weight().weight());
            }
            return new DbusProperty("CPUWeight", "t",
                    w.setting() instanceof CpuWeightDirective.Idle ? 0L : DbusProperty.UINT64_MAX);
        }
        throw new IllegalArgumentException("no D-Bus mapping for directive [" + directive.name() + "]");
    }

    /**
     * systemd's {@code UINT32_SCALE_FROM_PERMYRIAD(x)}: {@code (x × UINT32_MAX + 5000) / 10000}, rounded,
     * clamped at 100 % (the same arithmetic as the cgroup library's drop-in planning).
     */
    static long uint32ScaleFromPermyriad(int permyriad) {
        long clamped = Math.min(permyriad, 10_000);
        return (clamped * 0xFFFF_FFFFL + 5000L) / 10_000L;
    }
}
