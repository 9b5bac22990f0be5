package io.servd.cgroup.unit;

import java.util.List;
import java.util.Objects;

/**
 * A value parsed leniently, with the problems that were skipped on the way.
 *
 * @param value       what could be parsed
 * @param diagnostics problems in file order; empty when the input was clean
 */
public record ParseResult<T>(T value, List<Diagnostic> diagnostics) {

    public ParseResult {
        Objects.requireNonNull(value, "value");
        diagnostics = List.copyOf(diagnostics);
    }

    /** Whether nothing was skipped (what {@code --check} demands). */
    public boolean isClean() {
        return diagnostics.isEmpty();
    }
}
