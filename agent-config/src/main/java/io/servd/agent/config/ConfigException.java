package io.servd.agent.config;

import io.servd.cgroup.unit.Diagnostic;
import java.util.List;

/**
 * The configuration could not be used: the file is unreadable or has problems. The message names the
 * file, and each problem as {@code file:line: problem: Directive=[value]}.
 */
public final class ConfigException extends Exception {
    private final transient List<Diagnostic> diagnostics;

    ConfigException(String message, List<Diagnostic> diagnostics) {
        super(message);
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** The problems found, one per directive or line; empty when the file could not be read at all. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
