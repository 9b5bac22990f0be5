package io.servd.agent.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code limits-changed}: servd applied new limits to the unit.
 *
 * @param who        the caller as the apply's journal line names it: {@code uid=0 pid=4242} (control
 *                   socket) or {@code token} (HTTP)
 * @param applier    how it was applied, e.g. {@code systemd-dbus}
 * @param properties the systemd properties set, e.g. {@code [MemoryMax=33554432]}
 * @param changes    per cgroup file, its value before and after ({@code absent} without a cgroup), in plan order
 */
public record LimitsChanged(Instant time, String unit, String who, String applier, String properties,
                            Map<String, Change> changes) implements Event {
    public static final String TYPE = "limits-changed";

    /** One cgroup file's value before and after the apply, as the kernel shows it. */
    public record Change(String old, String now) {
        public Change {
            Objects.requireNonNull(old, "old");
            Objects.requireNonNull(now, "now");
        }
    }

    public LimitsChanged {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(applier, "applier");
        Objects.requireNonNull(properties, "properties");
        changes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** {@code who}, {@code applier}, {@code properties}, {@code changes: {"memory.max": {"old": …, "new": …}}}. */
    @Override
    public Map<String, Object> details() {
        var c = new LinkedHashMap<String, Object>();
        changes.forEach((file, change) -> c.put(file, EventJson.members("old", change.old(), "new", change.now())));
        return EventJson.members("who", who, "applier", applier, "properties", properties, "changes", c);
    }
}
