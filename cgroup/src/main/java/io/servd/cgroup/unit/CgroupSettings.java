package io.servd.cgroup.unit;

import io.servd.cgroup.CgroupWrite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A set of resource-control directives for one unit, the last assignment of each name winning as in a
 * unit file. {@link #plannedWrites(HostResources)} is the pure planning step of "apply"; the writing is
 * {@link io.servd.cgroup.CgroupWriter}'s.
 *
 * @param directives by name, in first-assignment order
 */
public record CgroupSettings(Map<String, ResourceDirective> directives) {

    public CgroupSettings {
        directives = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(directives));
    }

    /**
     * Later entries override earlier ones with the same name, except that the I/O device lists accumulate
     * ({@link ResourceDirective#after}).
     */
    public static CgroupSettings of(Collection<? extends ResourceDirective> directives) {
        Map<String, ResourceDirective> byName = new LinkedHashMap<>();
        for (ResourceDirective d : directives) {
            ResourceDirective earlier = byName.get(d.name());
            byName.put(d.name(), earlier == null ? d : d.after(earlier));
        }
        return new CgroupSettings(byName);
    }

    /** The directive named {@code name}, if set; empty when unset or unknown. */
    public Optional<ResourceDirective> get(String name) {
        return Optional.ofNullable(directives.get(name));
    }

    /** The directive of {@code kind}, if set. */
    public Optional<ResourceDirective> get(DirectiveKind kind) {
        return get(kind.directive());
    }

    /**
     * The cgroup v2 file writes systemd performs for these directives, in systemd's order (cpu, memory,
     * pids: {@link DirectiveKind} order), each directive's from {@link ResourceDirective#cgroupWrites}.
     * {@code CPUQuota=} and {@code CPUQuotaPeriodSec=} combine into one {@code cpu.max}; a missing one
     * takes its default. Files of directives that are not set are not touched (systemd rewrites the whole
     * controller from the unit's full configuration, which includes values we were not given).
     *
     * @throws InvalidDirectiveException when a percentage resolves out of range on {@code host}
     */
    public List<CgroupWrite> plannedWrites(HostResources host) {
        List<CgroupWrite> writes = new ArrayList<>();
        for (DirectiveKind kind : DirectiveKind.values()) {
            get(kind).ifPresent(d -> writes.addAll(d.cgroupWrites(host, this)));
        }
        return List.copyOf(writes);
    }
}
