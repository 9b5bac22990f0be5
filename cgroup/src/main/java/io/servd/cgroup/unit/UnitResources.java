package io.servd.cgroup.unit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The resource-control directives of a unit file section, as {@link CgroupSettings}. */
public final class UnitResources {

    private UnitResources() {
    }

    /**
     * Parses every supported resource directive of {@code section} (later assignments win, an empty one
     * resets). Values are read with {@code systemctl set-property}'s semantics, which differ from systemd's
     * unit-file parser in two corners: an empty {@code TasksMax=} in a unit file means the manager's
     * {@code DefaultTasksMax=} (15%) rather than infinity, and unit-file percentages of memory are scaled
     * directly from the permyriad rather than through the 32-bit D-Bus scale (at most one page apart). An invalid value becomes a diagnostic naming file, line, directive and value, and the
     * directive keeps its previous assignment, as systemd logs "..., ignoring" and carries on.
     */
    public static ParseResult<CgroupSettings> fromUnit(UnitFile unit, String section) {
        Map<String, ResourceDirective> settings = new LinkedHashMap<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (UnitOption o : unit.options()) {
            if (!o.section().equals(section) || !ResourceDirectives.isSupported(o.name())) {
                continue;
            }
            try {
                // the I/O device lists accumulate line by line, as systemd's config_parse_io_limit() and friends
                ResourceDirective parsed = ResourceDirectives.parse(o.name(), o.value());
                ResourceDirective earlier = settings.get(o.name());
                settings.put(o.name(), earlier == null ? parsed : parsed.after(earlier));
            } catch (InvalidDirectiveException e) {
                diagnostics.add(new Diagnostic(unit.file(), o.line(), o.name(), o.value(), e.reason() + ", ignoring"));
            }
        }
        return new ParseResult<>(new CgroupSettings(settings), diagnostics);
    }
}
