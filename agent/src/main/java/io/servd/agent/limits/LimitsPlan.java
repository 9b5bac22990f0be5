package io.servd.agent.limits;

import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.unit.CgroupSettings;
import io.servd.cgroup.unit.DbusProperties;
import io.servd.cgroup.unit.DbusProperty;
import io.servd.cgroup.unit.DropIn;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.HostResources;
import io.servd.cgroup.unit.ResourceDirective;
import io.servd.cgroup.unit.ResourceDirectives;
import io.servd.cgroup.unit.SetProperty;
import io.servd.cgroup.unit.UnitName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a change of limits does, computed before anything is done: the D-Bus properties
 * {@code systemctl set-property} would send, the drop-ins systemd writes for them, and the cgroup
 * writes that follow. Pure data; the same plan answers a dry run and drives both appliers, and it holds
 * only {@link ResourceDirectives#settableNames()} directives, so neither applier meets any other.
 *
 * @param unit         the unit
 * @param scope        persistent ({@code /etc/systemd/system.control}), runtime ({@code /run/…}) or
 *                     transient ({@code /run/systemd/transient}, a systemd-run unit's)
 * @param directives   the parsed directives, in request order
 * @param properties   the {@code SetUnitProperties} arguments
 * @param dropIns      the drop-in files
 * @param cgroupWrites the cgroup v2 writes; empty when the host's resources are unknown
 */
public record LimitsPlan(UnitName unit, DropInScope scope, List<ResourceDirective> directives,
                         List<DbusProperty> properties, List<DropIn> dropIns, List<CgroupWrite> cgroupWrites) {

    public LimitsPlan {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(scope, "scope");
        directives = List.copyOf(directives);
        for (ResourceDirective d : directives) {
            if (!d.kind().settable()) {
                throw new IllegalArgumentException("[" + d.name() + "] is not changed on a running unit: expected one of "
                        + ResourceDirectives.settableNames());
            }
        }
        properties = List.copyOf(properties);
        dropIns = List.copyOf(dropIns);
        cgroupWrites = List.copyOf(cgroupWrites);
    }

    /**
     * Plans {@code directives} for {@code unit}.
     *
     * @param host the base for percentages; empty leaves {@link #cgroupWrites()} empty
     * @throws io.servd.cgroup.unit.InvalidDirectiveException when a percentage resolves out of range on {@code host}
     * @throws IllegalArgumentException when the unit's type has no cgroup settings, or a directive is not settable
     */
    public static LimitsPlan of(UnitName unit, List<ResourceDirective> directives, DropInScope scope,
                                Optional<HostResources> host) {
        List<CgroupWrite> writes = host.map(h -> CgroupSettings.of(directives).plannedWrites(h)).orElse(List.of());
        return new LimitsPlan(unit, scope, directives, DbusProperties.of(directives),
                SetProperty.plan(unit, directives, scope), writes);
    }

    /**
     * This plan with its drop-ins as systemd writes them when the unit already has {@code current}: the
     * device lists (the only directives whose drop-in depends on what was there) with the unit's devices
     * before this plan's ({@link ResourceDirective#after}). The properties sent stay this plan's.
     *
     * @param current the unit's device lists, as read from systemd or its drop-ins
     */
    public LimitsPlan onto(List<ResourceDirective> current) {
        if (current.isEmpty()) {
            return this;
        }
        List<ResourceDirective> all = new java.util.ArrayList<>(current);
        all.addAll(directives);
        return new LimitsPlan(unit, scope, directives, properties, SetProperty.plan(unit, all, scope), cgroupWrites);
    }

    /** Whether this is a {@code --runtime} change. */
    public boolean runtime() {
        return scope == DropInScope.RUNTIME;
    }
}
