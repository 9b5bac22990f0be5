package io.servd.cgroup.unit;

import java.util.Objects;

/**
 * A problem found in a unit file, in the spirit of systemd's "..., ignoring" messages. The caller picks
 * the policy: strict ({@code --check}) fails on any diagnostic, lenient logs each once.
 *
 * @param file      the file name as given to the parser
 * @param line      1-based line number
 * @param directive the directive concerned, or empty for a line-level problem
 * @param value     the raw text concerned
 * @param problem   what is wrong, lower case
 */
public record Diagnostic(String file, int line, String directive, String value, String problem) {

    public Diagnostic {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(directive, "directive");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(problem, "problem");
    }

    /** {@code file:line: problem: Directive=[value]}, the form we log. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + problem + ": " + (directive.isEmpty() ? "" : directive + "=") + "[" + value + "]";
    }
}
