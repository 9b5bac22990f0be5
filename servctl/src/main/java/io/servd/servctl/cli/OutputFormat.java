package io.servd.servctl.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json}, mixed into every command that prints data. */
public final class OutputFormat {

    /** The two formats: aligned text for people, JSON (the agent's document, indented) for scripts. */
    public enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE})")
    Format format;

    public boolean isJson() {
        return format == Format.json;
    }
}
