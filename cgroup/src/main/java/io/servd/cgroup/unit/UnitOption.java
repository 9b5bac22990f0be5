package io.servd.cgroup.unit;

import java.util.Objects;

/**
 * One assignment of a unit file, after comments are dropped, continuations joined and white space
 * around name and value stripped.
 *
 * @param section the section it appeared in, e.g. {@code "Service"}
 * @param name    the directive, e.g. {@code "MemoryMax"}
 * @param value   the raw value, never unquoted; empty for a reset ({@code MemoryMax=})
 * @param line    1-based line of the file where the assignment starts
 */
public record UnitOption(String section, String name, String value, int line) {

    public UnitOption {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (line < 1) {
            throw new IllegalArgumentException("line must be positive [" + line + "]");
        }
    }
}
