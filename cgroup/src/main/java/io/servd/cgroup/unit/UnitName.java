package io.servd.cgroup.unit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;

/**
 * A unit name valid by systemd's {@code unit_name_is_valid()} (src/basic/unit-name.c): at most 255
 * bytes ({@code UNIT_NAME_MAX} 256 with the NUL), a known type suffix after the last dot, a non-empty
 * prefix of {@code [A-Za-z0-9:_.\-\\]} and {@code @}, the first {@code @} not at the start. Plain
 * ({@code foo.service}), template ({@code getty@.service}) and instance ({@code getty@tty1.service})
 * names are valid. A valid name never contains {@code /} or NUL and is never {@code .} or {@code ..},
 * so it is safe as a single path segment; that is the point of checking it before any path is built.
 *
 * @param name the validated name
 */
public record UnitName(String name) {

    /** systemd's {@code UNIT_NAME_MAX} minus the terminating NUL. */
    public static final int MAX_BYTES = 255;

    /** systemd's unit types ({@code unit_type_table}). */
    public static final Set<String> TYPES = Set.of("service", "mount", "swap", "socket", "target", "device",
            "automount", "timer", "path", "slice", "scope");

    /** Types whose units own a cgroup (systemd's {@code UNIT_HAS_CGROUP_CONTEXT}). */
    public static final Set<String> CGROUP_TYPES = Set.of("service", "mount", "swap", "socket", "slice", "scope");

    public UnitName {
        Objects.requireNonNull(name, "name");
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("invalid unit name [" + printable(name) + "]: " + problem);
        }
    }

    /**
     * Validates {@code name}.
     *
     * @throws IllegalArgumentException naming the value (control characters escaped) and the rule it breaks
     */
    public static UnitName of(String name) {
        return new UnitName(name);
    }

    /** Whether {@code name} is valid, without an exception. */
    public static boolean isValid(String name) {
        return name != null && problem(name) == null;
    }

    /** The type suffix, e.g. {@code "service"}. */
    public String type() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** Whether units of this type have a cgroup (service, scope, slice, socket, mount, swap). */
    public boolean hasCgroup() {
        return CGROUP_TYPES.contains(type());
    }

    @Override
    public String toString() {
        return name;
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "longer than " + MAX_BYTES + " bytes";
        }
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            return "no type suffix";
        }
        if (!TYPES.contains(name.substring(dot + 1))) {
            return "unknown unit type [" + printable(name.substring(dot + 1)) + "]";
        }
        for (int i = 0; i < dot; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == ':' || c == '-' || c == '_' || c == '.' || c == '\\' || c == '@';
            if (!ok) {
                return "invalid character [" + printable(String.valueOf(c)) + "] at " + i;
            }
        }
        if (name.charAt(0) == '@') {
            return "starts with @";
        }
        return null;
    }

    /** The name with control characters as {@code \xNN}, safe in a log line or an error message. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.length() > 300 ? b.substring(0, 300) + "…" : b.toString();
    }
}
