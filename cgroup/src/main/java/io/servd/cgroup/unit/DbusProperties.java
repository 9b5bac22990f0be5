package io.servd.cgroup.unit;

import java.util.List;

/**
 * What {@code systemctl set-property} sends over D-Bus for a list of directives: systemd's
 * {@code bus_append_unit_property_assignment()} in src/shared/bus-unit-util.c (systemd 252), as a
 * pure function. Each directive knows its own property ({@link ResourceDirective#dbusProperty()}):
 * <ul>
 * <li>{@code MemoryMax}/{@code MemoryHigh}/… {@code t} bytes; {@code infinity} or empty is
 *     {@code CGROUP_LIMIT_MAX} ({@code UINT64_MAX}); {@code N%} is {@code MemoryMaxScale} {@code u},
 *     {@link Permyriad#toUint32Scale()}: the share of {@code UINT32_MAX}, so the server scales
 *     against its own physical memory.</li>
 * <li>{@code TasksMax} {@code t} count, {@code UINT64_MAX} for infinity, {@code TasksMaxScale} {@code u}
 *     for a percentage.</li>
 * <li>{@code CPUQuota=N%} is {@code CPUQuotaPerSecUSec} {@code t} = permyriad × 1 s / 10000;
 *     empty is {@code USEC_INFINITY}.</li>
 * <li>{@code CPUQuotaPeriodSec} is {@code CPUQuotaPeriodUSec} {@code t} µs, {@code USEC_INFINITY} for
 *     the default (from systemd's source; not in the VM capture).</li>
 * <li>{@code CPUWeight} {@code t}: 1..10000, {@code idle} is {@code CGROUP_WEIGHT_IDLE} (0), empty is
 *     {@code CGROUP_WEIGHT_INVALID} ({@code UINT64_MAX}).</li>
 * </ul>
 */
public final class DbusProperties {

    private DbusProperties() {
    }

    /** The properties for {@code directives}, in order, one per directive. */
    public static List<DbusProperty> of(List<? extends ResourceDirective> directives) {
        return directives.stream().map(ResourceDirective::dbusProperty).toList();
    }
}
