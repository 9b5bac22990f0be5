package io.servd.cgroup.unit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plans the drop-ins {@code systemctl set-property UNIT Directive=value...} writes, byte for byte as
 * systemd's {@code unit_write_setting()}: one file {@code <scope>/<unit>.d/50-<Property>.conf} per
 * property, holding a two-line header, the unit type's section and the normalised assignment.
 */
public final class SetProperty {

    /** systemd's header, {@code unit_write_setting()} in src/core/unit.c. */
    static final String HEADER = "# This is a drop-in unit file extension, created via \"systemctl set-property\"\n"
            + "# or an equivalent operation. Do not edit.\n";

    /** The unit file section of each unit type with a cgroup ({@link UnitName#CGROUP_TYPES}). */
    private static final Map<String, String> SECTIONS = Map.of(
            "service", "Service", "slice", "Slice", "scope", "Scope",
            "socket", "Socket", "mount", "Mount", "swap", "Swap");

    private SetProperty() {
    }

    /**
     * The drop-ins for {@code directives} on {@code unit}, in order of first appearance; a property
     * given twice is written once with its last value, as the second write replaces the first file (for
     * the I/O device lists, with every device assigned so far: {@link ResourceDirective#after}).
     *
     * @throws IllegalArgumentException when {@code unit}'s type has no cgroup settings (e.g. a target)
     */
    public static List<DropIn> plan(UnitName unit, List<? extends ResourceDirective> directives, DropInScope scope) {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(scope, "scope");
        String section = SECTIONS.get(unit.type());
        if (section == null) {
            throw new IllegalArgumentException("unit type has no cgroup settings [" + unit + "]");
        }
        Map<String, ResourceDirective> byFile = new LinkedHashMap<>();
        for (ResourceDirective d : directives) {
            ResourceDirective earlier = byFile.remove(d.dropInName());
            byFile.put(d.dropInName(), earlier == null || earlier.kind() != d.kind() ? d : d.after(earlier));
        }
        List<DropIn> dropIns = new ArrayList<>();
        for (Map.Entry<String, ResourceDirective> e : byFile.entrySet()) {
            dropIns.add(new DropIn(scope.directory().resolve(unit.name() + ".d").resolve("50-" + e.getKey() + ".conf"),
                    HEADER + "[" + section + "]\n" + e.getValue().dropInLine() + "\n"));
        }
        return List.copyOf(dropIns);
    }
}
